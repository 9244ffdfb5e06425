import type { MouseEvent } from 'react';
import type { BehaviourRuleKind, ZonePoint } from '@argus/shared';
import { normalisePoint, svgPoints, zoneLabelPoint } from '../../analytics/zoneGeometry.js';

/** One zone to draw. */
export interface OverlayZone {
  key: string;
  zone: readonly ZonePoint[];
  kind: BehaviourRuleKind;
  label: string;
  /** Drawn brighter (the rule being edited, the alert's zone). */
  active?: boolean;
}

/**
 * Zones over a picture: to be laid exactly over it (a Tile's `overlay`, or over a snapshot),
 * since it draws in picture fractions (`viewBox="0 0 1 1"`, stretched). A zone of 3 points or
 * more is a filled polygon; fewer (being drawn) a line with its points. Labels are HTML (text in
 * a stretched SVG would be distorted).
 *
 * With `onPoint`, clicks on the picture add points (normalised 0..1) instead of reaching the
 * tile underneath. Test hooks: `zone-overlay` (with `data-drawing`), `zone-${key}` (with
 * `data-points`, the zone's points as `x,y x,y`).
 */
export function ZoneOverlay({ zones, onPoint }: { zones: readonly OverlayZone[]; onPoint?: (point: ZonePoint) => void }) {
  const click = (event: MouseEvent<SVGSVGElement>) => {
    if (!onPoint) return;
    event.stopPropagation();
    onPoint(normalisePoint(event.clientX, event.clientY, event.currentTarget.getBoundingClientRect()));
  };
  return (
    <div className={`zone-overlay${onPoint ? ' zone-overlay--drawing' : ''}`} data-testid="zone-overlay" data-drawing={onPoint ? 'true' : 'false'}>
      <svg
        viewBox="0 0 1 1"
        preserveAspectRatio="none"
        className="zone-overlay__svg"
        onClick={click}
        onDoubleClick={onPoint ? (e) => e.stopPropagation() : undefined}
      >
        {zones.map(({ key, zone, kind, active }) => {
          const className = `zone zone--${kind}${active ? ' zone--active' : ''}`;
          const points = svgPoints(zone);
          return (
            <g key={key} className={className} data-testid={`zone-${key}`} data-points={points}>
              {zone.length >= 3 ? <polygon points={points} vectorEffect="non-scaling-stroke" /> : <polyline points={points} vectorEffect="non-scaling-stroke" />}
              {active &&
                zone.map(([x, y], i) => (
                  // A tiny stroked line shows as a dot of the stroke's width at any scale.
                  <line key={i} className="zone__point" x1={x} y1={y} x2={x} y2={y} vectorEffect="non-scaling-stroke" />
                ))}
            </g>
          );
        })}
      </svg>
      {zones.map(({ key, zone, kind, label, active }) => {
        const at = zoneLabelPoint(zone);
        if (!at || label === '') return null;
        return (
          <span key={key} className={`zone__label zone__label--${kind}${active ? ' zone__label--active' : ''}`} style={{ left: `${at[0] * 100}%`, top: `${at[1] * 100}%` }}>
            {label}
          </span>
        );
      })}
    </div>
  );
}
