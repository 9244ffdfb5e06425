import { describe, expect, it } from 'vitest';
import { behaviourRuleSchema } from '@argus/shared';
import { addZonePoint, containedPicture, MAX_ZONE_POINTS, normalisePoint, svgPoints, zoneLabelPoint } from '../../desktop/src/renderer/analytics/zoneGeometry.js';

describe('zone geometry', () => {
  it('finds a letterboxed picture inside its element (object-fit: contain)', () => {
    // 16:9 video in a 4:3 box: bars above and below.
    expect(containedPicture({ width: 800, height: 600 }, { width: 1920, height: 1080 })).toEqual({ left: 0, top: 75, width: 800, height: 450 });
    // 4:3 video in a 16:9 box: bars left and right.
    expect(containedPicture({ width: 1600, height: 900 }, { width: 640, height: 480 })).toEqual({ left: 200, top: 0, width: 1200, height: 900 });
    // Unknown picture size (no frame yet): the whole box.
    expect(containedPicture({ width: 300, height: 200 }, null)).toEqual({ left: 0, top: 0, width: 300, height: 200 });
    expect(containedPicture({ width: 300, height: 200 }, { width: 0, height: 0 })).toEqual({ left: 0, top: 0, width: 300, height: 200 });
  });

  it('turns a click into fractions of the picture, clamped to 0..1 and rounded to 4 decimals', () => {
    const picture = { left: 100, top: 175, width: 800, height: 450 };
    expect(normalisePoint(100, 175, picture)).toEqual([0, 0]);
    expect(normalisePoint(900, 625, picture)).toEqual([1, 1]);
    expect(normalisePoint(500, 400, picture)).toEqual([0.5, 0.5]);
    expect(normalisePoint(300, 250, picture)).toEqual([0.25, 0.1667]);
    // A click on the letterbox counts as the nearest edge.
    expect(normalisePoint(50, 100, picture)).toEqual([0, 0]);
    expect(normalisePoint(1000, 700, picture)).toEqual([1, 1]);
    expect(normalisePoint(10, 10, { left: 0, top: 0, width: 0, height: 0 })).toEqual([0, 0]);
  });

  it('gives points the shared rule schema accepts', () => {
    const picture = containedPicture({ width: 1234, height: 777 }, { width: 1920, height: 1080 });
    const zone = [
      [17, 33],
      [1200, 90],
      [640, 760],
    ].map(([x, y]) => normalisePoint(x! + picture.left, y! + picture.top, picture));
    expect(behaviourRuleSchema.safeParse({ id: 'r1', kind: 'intrusion', name: 'x', zone }).success).toBe(true);
  });

  it('adds points up to the schema limit and ignores a repeated last point', () => {
    let zone = addZonePoint([], [0.1, 0.2]);
    zone = addZonePoint(zone, [0.1, 0.2]);
    expect(zone).toEqual([[0.1, 0.2]]);
    for (let i = 0; i < 40; i++) zone = addZonePoint(zone, [i / 40, 0.5]);
    expect(zone).toHaveLength(MAX_ZONE_POINTS);
  });

  it('writes SVG points and places a label at the mean of the points', () => {
    const zone: Array<[number, number]> = [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
    ];
    expect(svgPoints(zone)).toBe('0,0 1,0 1,1 0,1');
    expect(zoneLabelPoint(zone)).toEqual([0.5, 0.5]);
    expect(zoneLabelPoint([])).toBeNull();
  });
});
