/** Summary of a set of latency samples, ms. */
export interface LatencySummary {
  samples: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
  min: number;
}

/**
 * The `p`-th percentile (0 < p ≤ 100) of `values` by the nearest-rank method: the smallest
 * sample such that at least p % of the samples are ≤ it. NaN for no samples.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile out of range: ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
}

/** p50 / p95 / max (and min, mean) of `values`, ms; NaN fields for no samples. */
export function summarise(values: readonly number[]): LatencySummary {
  const n = values.length;
  return {
    samples: n,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    max: n ? Math.max(...values) : Number.NaN,
    min: n ? Math.min(...values) : Number.NaN,
    mean: n ? values.reduce((a, b) => a + b, 0) / n : Number.NaN,
  };
}
