import { useState } from 'react';
import { ZoneOverlay, type OverlayZone } from './ZoneOverlay.js';

/**
 * A captured picture (sign-in face crop, alert frame) loaded from the API when shown (the
 * session cookie goes along; the server audits each load), with `zones` drawn over it. The
 * image's box is the picture itself, so the overlay needs no letterbox arithmetic.
 * Test hooks: `testId` on the <img> (with `data-loaded` once decoded), `${testId}-failed`.
 */
export function SnapshotImage({ src, alt, testId, failedText, zones = [] }: { src: string; alt: string; testId: string; failedText: string; zones?: readonly OverlayZone[] }) {
  const [state, setState] = useState<'loading' | 'loaded' | 'failed'>('loading');
  if (state === 'failed') {
    return (
      <p className="snapshot__failed" data-testid={`${testId}-failed`}>
        {failedText}
      </p>
    );
  }
  return (
    <span className="snapshot">
      <img src={src} alt={alt} data-testid={testId} data-loaded={state === 'loaded' ? 'true' : 'false'} onLoad={() => setState('loaded')} onError={() => setState('failed')} />
      {state === 'loaded' && zones.length > 0 && <ZoneOverlay zones={zones} />}
    </span>
  );
}
