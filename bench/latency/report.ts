import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LatencySummary } from './stats.js';

/** One measured quantity against its target. */
export interface ReportRow {
  name: string;
  summary: LatencySummary;
  /** Target for p95, ms. */
  targetP95Ms: number;
  /** Samples needed for the measurement to count. */
  minSamples: number;
}

/** Whether a row meets its target (enough samples and p95 within it). */
export function rowPasses(row: ReportRow): boolean {
  return row.summary.samples >= row.minSamples && row.summary.p95 <= row.targetP95Ms;
}

function ms(value: number): string {
  return Number.isFinite(value) ? value.toFixed(1) : '-';
}

/** The results as a fixed-width text table: samples, p50, p95, max (ms), target, pass/fail. */
export function formatTable(rows: ReportRow[]): string {
  const header = ['measurement', 'samples', 'p50 ms', 'p95 ms', 'max ms', 'target', 'result'];
  const body = rows.map((row) => [
    row.name,
    String(row.summary.samples),
    ms(row.summary.p50),
    ms(row.summary.p95),
    ms(row.summary.max),
    `p95 <= ${row.targetP95Ms} ms`,
    row.summary.samples < row.minSamples ? `FAIL (< ${row.minSamples} samples)` : rowPasses(row) ? 'pass' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** Write `results` as pretty JSON to `file`, creating its folder. */
export async function writeJsonReport(file: string, results: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
}
