/**
 * How well descriptors separate people, for choosing and documenting the match threshold:
 * verification (genuine vs impostor similarity, TAR at a FAR) and closed-set identification
 * (rank-1, leave-one-out). Pure functions over cosine similarities.
 */
import { cosine } from '@argus/shared';

export interface VerificationStats {
  /** Similarity threshold: a pair at or above it is called the same person. */
  threshold: number;
  /** Share of impostor pairs at or above the threshold (≤ the requested FAR). */
  far: number;
  /** Share of genuine pairs at or above the threshold (true accept rate). */
  tar: number;
  genuinePairs: number;
  impostorPairs: number;
}

/**
 * The lowest threshold whose false-accept rate over `impostor` is at most `targetFar`, and the
 * true-accept rate over `genuine` there.
 * @throws RangeError when either list is empty
 */
export function verificationAt(genuine: readonly number[], impostor: readonly number[], targetFar: number): VerificationStats {
  if (genuine.length === 0 || impostor.length === 0) throw new RangeError('need genuine and impostor pairs');
  const sorted = [...impostor].sort((a, b) => b - a);
  // At most floor(targetFar × n) impostors may reach the threshold: it sits just above the next one.
  const allowed = Math.floor(targetFar * sorted.length);
  const threshold = allowed >= sorted.length ? -1 : sorted[allowed]! + 1e-6;
  const far = sorted.filter((s) => s >= threshold).length / sorted.length;
  const tar = genuine.filter((s) => s >= threshold).length / genuine.length;
  return { threshold, far, tar, genuinePairs: genuine.length, impostorPairs: impostor.length };
}

/** Every pair's similarity, split by whether both descriptors are of the same label. */
export function pairSimilarities(labels: readonly string[], descriptors: readonly Float32Array[]): { genuine: number[]; impostor: number[] } {
  const genuine: number[] = [];
  const impostor: number[] = [];
  for (let i = 0; i < descriptors.length; i++) {
    for (let j = i + 1; j < descriptors.length; j++) (labels[i] === labels[j] ? genuine : impostor).push(cosine(descriptors[i]!, descriptors[j]!));
  }
  return { genuine, impostor };
}

/**
 * Leave-one-out rank-1 identification: each descriptor whose label has another sample is looked
 * up among all the others; a hit when the most similar one has its label.
 */
export function rank1(labels: readonly string[], descriptors: readonly Float32Array[]): { rate: number; probes: number } {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  let hits = 0;
  let probes = 0;
  for (let i = 0; i < descriptors.length; i++) {
    if ((counts.get(labels[i]!) ?? 0) < 2) continue;
    probes++;
    let best = -Infinity;
    let bestLabel = '';
    for (let j = 0; j < descriptors.length; j++) {
      if (j === i) continue;
      const s = cosine(descriptors[i]!, descriptors[j]!);
      if (s > best) {
        best = s;
        bestLabel = labels[j]!;
      }
    }
    if (bestLabel === labels[i]) hits++;
  }
  return { rate: probes === 0 ? 0 : hits / probes, probes };
}
