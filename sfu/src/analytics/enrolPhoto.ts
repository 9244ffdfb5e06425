import type { DescribedFace, EnrolRejection } from '@argus/shared';

export type EnrolJudgement = { ok: true; face: DescribedFace } | { ok: false; reason: EnrolRejection; message: string };

/**
 * Whether the faces found in an enrolment photo make a usable template: exactly one face at
 * least `minFaceWidthPx` wide. A second face counts only if it too is at least that wide (a tiny
 * face in the background could never be matched and does not make the photo ambiguous).
 */
export function judgeEnrolPhoto(faces: readonly DescribedFace[], minFaceWidthPx: number): EnrolJudgement {
  if (faces.length === 0) return { ok: false, reason: 'no-face', message: 'no face was found in the photo' };
  const usable = faces.filter((face) => face.box[2] >= minFaceWidthPx);
  if (usable.length > 1) return { ok: false, reason: 'several-faces', message: `${usable.length} faces were found; the photo must show one person` };
  if (usable.length === 0) {
    const widest = Math.max(...faces.map((face) => face.box[2]));
    return { ok: false, reason: 'face-too-small', message: `the face is ${Math.round(widest)} px wide; at least ${minFaceWidthPx} px are needed` };
  }
  return { ok: true, face: usable[0]! };
}
