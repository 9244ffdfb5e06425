/**
 * Where a person stands relative to a rule's zone. A zone is a polygon of points given as
 * fractions of the picture (x 0 left → 1 right, y 0 top → 1 bottom, shared/src/analytics.ts);
 * a person is in it when the bottom centre of their box (where their feet meet the floor) is.
 */
import type { ZonePoint } from '@argus/shared';
import type { Box } from '../media/snapshot.js';

/**
 * Whether point (x, y) lies inside `polygon` (even-odd rule, any units as long as they agree).
 * A point exactly on an edge may fall either side; the polygon may be concave and need not be closed.
 */
export function pointInPolygon(x: number, y: number, polygon: ReadonlyArray<readonly [number, number]>): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i]!;
    const [xj, yj] = polygon[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * The bottom centre of `box` as fractions of a `width` × `height` px picture, 0-1. The bottom is
 * the middle of the box's last pixel row (y + h − 0.5), so a person cut off by the bottom of the
 * picture still stands inside a zone drawn over the whole picture.
 */
export function footPoint(box: Box, width: number, height: number): [number, number] {
  return [(box[0] + box[2] / 2) / width, (box[1] + box[3] - 0.5) / height];
}

/** Whether the person in `box` (px, in a `width` × `height` px picture) stands in `zone` (fractions). */
export function isInZone(box: Box, zone: readonly ZonePoint[], width: number, height: number): boolean {
  const [x, y] = footPoint(box, width, height);
  return pointInPolygon(x, y, zone);
}
