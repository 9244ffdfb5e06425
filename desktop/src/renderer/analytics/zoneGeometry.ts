import type { ZonePoint } from '@argus/shared';

/**
 * Zones drawn over a tile's video. A zone's points are fractions of the camera's picture
 * (shared/src/analytics.ts `ZonePoint`: x 0 left … 1 right, y 0 top … 1 bottom), whatever
 * size the tile has; the video is letterboxed (`object-fit: contain`), so the picture is found
 * inside the element first, and the SVG overlay is laid exactly over it.
 */

/** A rectangle in CSS pixels, relative to whatever contains it. */
export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Most points a zone may have (shared `behaviourRuleSchema`). */
export const MAX_ZONE_POINTS = 32;
/** Fewest points of a zone. */
export const MIN_ZONE_POINTS = 3;
/** Decimals a point keeps (1/10000 of the picture is finer than any camera's pixel). */
const POINT_DECIMALS = 4;

/**
 * Where a picture of `picture` size sits in a `box` with `object-fit: contain`: as large as
 * fits, centred, the rest letterboxed. The whole box while the picture's size is unknown (no
 * frame yet).
 */
export function containedPicture(box: { width: number; height: number }, picture: { width: number; height: number } | null): Rect {
  if (!picture || picture.width <= 0 || picture.height <= 0 || box.width <= 0 || box.height <= 0) return { left: 0, top: 0, width: Math.max(0, box.width), height: Math.max(0, box.height) };
  const scale = Math.min(box.width / picture.width, box.height / picture.height);
  const width = picture.width * scale;
  const height = picture.height * scale;
  return { left: (box.width - width) / 2, top: (box.height - height) / 2, width, height };
}

const round = (value: number) => Math.round(value * 10 ** POINT_DECIMALS) / 10 ** POINT_DECIMALS;
const clamp01 = (value: number) => Math.min(1, Math.max(0, value));

/**
 * A click at (`x`, `y`) (client pixels, as a pointer event gives them) as a point of the
 * picture shown in `picture` (its client rectangle): fractions 0..1, clamped (a click on the
 * letterbox counts as the nearest edge) and rounded to 4 decimals.
 */
export function normalisePoint(x: number, y: number, picture: Rect): ZonePoint {
  if (picture.width <= 0 || picture.height <= 0) return [0, 0];
  return [round(clamp01((x - picture.left) / picture.width)), round(clamp01((y - picture.top) / picture.height))];
}

/** `zone` with `point` added at the end; unchanged when it already has {@link MAX_ZONE_POINTS}, or the point repeats the last one (a double click). */
export function addZonePoint(zone: readonly ZonePoint[], point: ZonePoint): ZonePoint[] {
  const last = zone[zone.length - 1];
  if (zone.length >= MAX_ZONE_POINTS || (last && last[0] === point[0] && last[1] === point[1])) return [...zone];
  return [...zone, point];
}

/** The `points` attribute of an SVG polygon or polyline in a `viewBox="0 0 1 1"`. */
export function svgPoints(zone: readonly ZonePoint[]): string {
  return zone.map(([x, y]) => `${x},${y}`).join(' ');
}

/** Where to put a zone's label: the mean of its points (inside any convex zone); null for none. */
export function zoneLabelPoint(zone: readonly ZonePoint[]): ZonePoint | null {
  if (zone.length === 0) return null;
  const sum = zone.reduce<[number, number]>((acc, [x, y]) => [acc[0] + x, acc[1] + y], [0, 0]);
  return [sum[0] / zone.length, sum[1] / zone.length];
}
