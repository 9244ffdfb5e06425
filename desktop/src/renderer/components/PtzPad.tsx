import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PtzRequestCommand } from '@argus/shared';

/** Pan and tilt speed the pad sends, 1–255 (about half speed: precise enough, fast enough). */
export const PTZ_PAD_SPEED = 128;

interface PtzPadProps {
  /** Sends one command; rejects with a message the pad shows. */
  send: (command: PtzRequestCommand) => Promise<void>;
}

type Move = Omit<Extract<PtzRequestCommand, { type: 'move' }>, 'type' | 'speed'>;

const DIRECTIONS: Array<{ key: string; label: string; move: Move; glyph: string }> = [
  { key: 'up', label: 'ptz.up', move: { tilt: 'up' }, glyph: '▲' },
  { key: 'left', label: 'ptz.left', move: { pan: 'left' }, glyph: '◀' },
  { key: 'right', label: 'ptz.right', move: { pan: 'right' }, glyph: '▶' },
  { key: 'down', label: 'ptz.down', move: { tilt: 'down' }, glyph: '▼' },
  { key: 'zoom-in', label: 'ptz.zoomIn', move: { zoom: 'in' }, glyph: '+' },
  { key: 'zoom-out', label: 'ptz.zoomOut', move: { zoom: 'out' }, glyph: '−' },
];

/**
 * The PTZ pad of a tile: hold a direction or zoom button to move (a `move` on press, a `stop`
 * on release or when the pointer leaves), and go to or set a preset (1–255).
 * Test hooks: `data-testid="ptz-<key>"`, `ptz-preset`, `ptz-goto`, `ptz-set`, `ptz-error`.
 */
export function PtzPad({ send }: PtzPadProps) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [moving, setMoving] = useState(false);
  const [preset, setPreset] = useState(1);

  const run = (command: PtzRequestCommand) => {
    setError(null);
    send(command).catch((e: Error) => setError(e.message));
  };
  const start = (move: Move) => {
    setMoving(true);
    run({ type: 'move', speed: PTZ_PAD_SPEED, ...move });
  };
  const stop = () => {
    if (!moving) return;
    setMoving(false);
    run({ type: 'stop' });
  };

  return (
    // Clicks on the pad must not select or maximise the tile underneath.
    <div className="ptz" aria-label={t('ptz.pad')} data-testid="ptz-pad" onClick={(e) => e.stopPropagation()} onDoubleClick={(e) => e.stopPropagation()}>
      <div className="ptz__grid">
        {DIRECTIONS.map(({ key, label, move, glyph }) => (
          <button
            key={key}
            type="button"
            className={`ptz__button ptz__button--${key}`}
            title={t(label)}
            aria-label={t(label)}
            data-testid={`ptz-${key}`}
            onPointerDown={(e) => {
              try {
                e.currentTarget.setPointerCapture(e.pointerId);
              } catch {
                // synthetic events without an active pointer: release still stops
              }
              start(move);
            }}
            onPointerUp={stop}
            onPointerCancel={stop}
            onLostPointerCapture={stop}
          >
            {glyph}
          </button>
        ))}
      </div>
      <div className="ptz__preset">
        <label>
          {t('ptz.preset')}
          <input
            type="number"
            min={1}
            max={255}
            value={preset}
            data-testid="ptz-preset"
            onChange={(e) => setPreset(Math.min(255, Math.max(1, Number.parseInt(e.target.value, 10) || 1)))}
          />
        </label>
        <button type="button" data-testid="ptz-goto" onClick={() => run({ type: 'preset', operation: 'goto', preset })}>
          {t('ptz.gotoPreset')}
        </button>
        <button type="button" data-testid="ptz-set" onClick={() => run({ type: 'preset', operation: 'set', preset })}>
          {t('ptz.setPreset')}
        </button>
      </div>
      {error && (
        <div className="ptz__error" data-testid="ptz-error">
          {t('ptz.failed', { message: error })}
        </div>
      )}
    </div>
  );
}
