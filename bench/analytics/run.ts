#!/usr/bin/env node
/**
 * `npm run bench:analytics [-- --faces DIR --output FILE]`: how well and how fast faces are matched.
 *
 * 1. Descriptors (Human's faceres on tfjs-backend-wasm, one core) of every labelled photo under
 *    ../shared/data/faces (group and edge-case folders skipped; the largest face of each photo):
 *    genuine vs impostor cosine-similarity distributions, TAR at FAR 1e-3 and the threshold there,
 *    leave-one-out rank-1 identification, and the time per photo.
 * 2. Exact 1:N search over synthetic galleries of 10k, 50k and 100k unit descriptors (1024-d),
 *    ms per query on one core, against the 10 ms target for 100k.
 * Prints tables and writes JSON (default bench/output/analytics.json).
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { mulberry32 } from '@argus/shared';
import { decodeImage, FaceEngine, FaceGallery, l2Normalise, pairSimilarities, rank1, verificationAt } from '@argus/analytics';
import { writeJsonReport } from '../latency/report.js';
import { percentile } from '../latency/stats.js';

const SKIPPED = new Set(['group', 'edge']);
const IMAGE = /\.(jpe?g|png|webp|bmp)$/i;

/** Labelled photos: every folder of image files (not group/edge) is one identity, named by its path. */
function labelledPhotos(root: string): Array<{ label: string; file: string }> {
  const out: Array<{ label: string; file: string }> = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) {
        if (!SKIPPED.has(name)) walk(full);
      } else if (IMAGE.test(name)) out.push({ label: path.relative(root, dir), file: full });
    }
  };
  walk(root);
  return out;
}

const fmt = (n: number, digits = 3) => n.toFixed(digits);
const pad = (cells: string[], widths: number[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { faces: { type: 'string' }, output: { type: 'string' } } });
  const root = values.faces ?? path.resolve(process.env.ARGUS_SHARED_DATA ?? path.resolve(import.meta.dirname, '../../../../shared/data'), 'faces');
  const photos = labelledPhotos(root);
  const engine = await FaceEngine.create({ maxFaces: 5 });
  const labels: string[] = [];
  const descriptors: Float32Array[] = [];
  const times: number[] = [];
  let noFace = 0;
  let unreadable = 0;
  for (const { label, file } of photos) {
    let image;
    try {
      image = await decodeImage(file);
    } catch {
      unreadable++;
      continue;
    }
    const started = performance.now();
    const faces = await engine.describe(image);
    times.push(performance.now() - started);
    const largest = faces.sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3])[0];
    if (!largest) {
      noFace++;
      continue;
    }
    labels.push(label);
    descriptors.push(largest.descriptor);
  }
  const { genuine, impostor } = pairSimilarities(labels, descriptors);
  const at3 = verificationAt(genuine, impostor, 1e-3);
  const at2 = verificationAt(genuine, impostor, 1e-2);
  const r1 = rank1(labels, descriptors);
  const identities = new Set(labels).size;

  console.log(`\nArgus analytics: face matching on ${photos.length} photos of ${new Set(photos.map((p) => p.label)).size} identities (${root})`);
  console.log(`described ${descriptors.length}; no face found in ${noFace}; unreadable ${unreadable}; ${identities} identities described`);
  const widths = [26, 8, 8, 8, 8, 8, 8, 8];
  console.log(pad(['cosine similarity', 'pairs', 'p1', 'p5', 'p50', 'p95', 'p99', 'max'], widths));
  for (const [name, list] of [['genuine (same person)', genuine], ['impostor (different)', impostor]] as const) {
    console.log(pad([name, String(list.length), fmt(percentile(list, 1)), fmt(percentile(list, 5)), fmt(percentile(list, 50)), fmt(percentile(list, 95)), fmt(percentile(list, 99)), fmt(Math.max(...list))], widths));
  }
  console.log(pad(['', 'threshold', 'FAR', 'TAR'], [26, 10, 10, 10]));
  console.log(pad(['at FAR 1e-3', fmt(at3.threshold), fmt(at3.far, 5), fmt(at3.tar)], [26, 10, 10, 10]));
  console.log(pad(['at FAR 1e-2', fmt(at2.threshold), fmt(at2.far, 5), fmt(at2.tar)], [26, 10, 10, 10]));
  console.log(`rank-1 identification (leave-one-out): ${fmt(r1.rate)} over ${r1.probes} probes`);
  console.log(`time per photo (detect + descriptor + antispoof + liveness, one core): p50 ${fmt(percentile(times, 50), 0)} ms, p95 ${fmt(percentile(times, 95), 0)} ms`);

  // Exact 1:N search on synthetic galleries.
  const random = mulberry32(1024);
  const gaussian = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const vector = () => l2Normalise(Array.from({ length: 1024 }, gaussian));
  const search: Array<{ size: number; msP50: number; msP95: number; top1Correct: number }> = [];
  console.log(`\n${pad(['1:N exact search (1024-d)', 'ms p50', 'ms p95', 'top-1 = planted', 'target'], [26, 8, 8, 16, 16])}`);
  const gallery = new FaceGallery(1024, 100_000);
  const planted: Float32Array[] = [];
  for (const size of [10_000, 50_000, 100_000]) {
    while (gallery.size < size) {
      const v = vector();
      gallery.add(`s${gallery.size}`, v);
      if (planted.length < 20 && gallery.size % 997 === 0) planted.push(v);
    }
    const ms: number[] = [];
    let correct = 0;
    for (const [i, target] of planted.entries()) {
      // A probe near a planted descriptor: the descriptor plus noise, like another photo of that person.
      const probe = l2Normalise(Array.from(target, (x) => x + 0.02 * gaussian()));
      const started = performance.now();
      const [best] = gallery.search(probe, 1);
      ms.push(performance.now() - started);
      if (best?.subjectId === `s${(i + 1) * 997 - 1}`) correct++;
    }
    const row = { size, msP50: percentile(ms, 50), msP95: percentile(ms, 95), top1Correct: correct / planted.length };
    search.push(row);
    const target = size === 100_000 ? (row.msP95 <= 10 ? '≤ 10 ms: met' : '≤ 10 ms: MISSED') : '';
    console.log(pad([`gallery of ${size.toLocaleString('en')}`, fmt(row.msP50, 1), fmt(row.msP95, 1), `${fmt(row.top1Correct * 100, 0)} %`, target], [26, 8, 8, 16, 16]));
  }
  const output = values.output ?? path.resolve(import.meta.dirname, '../../output/analytics.json');
  await writeJsonReport(output, { photos: photos.length, described: descriptors.length, noFace, unreadable, identities, genuine: genuine.length, impostor: impostor.length, at3, at2, rank1: r1, timePerPhotoMs: { p50: percentile(times, 50), p95: percentile(times, 95) }, search });
  console.log(`\nresults: ${path.relative(process.cwd(), output)}`);
}

main().catch((error) => {
  console.error(`bench failed: ${(error as Error).message}`);
  process.exit(1);
});
