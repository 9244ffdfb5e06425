/**
 * mulberry32: a tiny deterministic pseudo-random generator (32-bit state), for reproducible
 * generated data (the demo seed) and reproducible fuzzing in tests. Not for anything secret.
 * @returns a function giving numbers in [0, 1), the same sequence for the same `seed`.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
