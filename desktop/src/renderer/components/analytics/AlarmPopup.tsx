import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BehaviourAlert } from '@argus/shared';
import { api } from '../../api/apiClient.js';
import { formatTime } from '../../format.js';
import type { WallModel } from '../../useWall.js';
import { describeApiError } from '../apiErrorText.js';
import { Tile } from '../Tile.js';
import { describeAlertDetail } from './alertText.js';
import { SnapshotImage } from './SnapshotImage.js';
import { ZoneOverlay, type OverlayZone } from './ZoneOverlay.js';

/**
 * The alarm pop-up (告警联动): covers the views with the alerting camera live in one big tile
 * (consumed like any tile) with the rule's zone drawn over it, the alert's snapshot beside it
 * (loaded from the API now, audited), the rule's name and kind, the camera and the time, and
 * 确认 (acknowledge) and 稍后处理 (back to the badge's list). The views underneath are not
 * touched, so closing returns to exactly what was there.
 *
 * Test hooks: `alarm-popup` (with `data-alert-id`), `alarm-tile`, `alarm-kind`, `alarm-rule`,
 * `alarm-camera`, `alarm-time`, `alarm-detail`, `alarm-waiting`, `alarm-snapshot`, `alarm-ack`,
 * `alarm-defer`, `alarm-error`, `alarm-camera-unavailable`.
 */
export function AlarmPopup({
  alert,
  waiting,
  wall,
  onAcknowledge,
  onDefer,
}: {
  alert: BehaviourAlert;
  /** Alerts queued behind this one. */
  waiting: number;
  /** The wall's connection and cameras, for the live tile (null without `wall.view`). */
  wall: Pick<WallModel, 'client' | 'session' | 'cameras'> | null;
  onAcknowledge: (id: number) => Promise<void>;
  onDefer: (id: number) => void;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const camera = wall?.cameras.get(alert.channelId) ?? null;
  const zones: OverlayZone[] = [{ key: `alert-${alert.id}`, zone: alert.zone, kind: alert.ruleKind, label: alert.ruleName, active: true }];
  const detail = describeAlertDetail(t, alert.detail);

  const acknowledge = async () => {
    setBusy(true);
    setError(null);
    try {
      await onAcknowledge(alert.id);
    } catch (e) {
      setError(t('alarm.ackFailed', { message: describeApiError(t, e) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className={`alarm alarm--${alert.ruleKind}`} role="alertdialog" aria-labelledby="alarm-heading" data-testid="alarm-popup" data-alert-id={alert.id}>
      <header className="alarm__header">
        <h2 id="alarm-heading" className="alarm__heading">
          <span className={`alarm__kind alarm__kind--${alert.ruleKind}`} data-testid="alarm-kind" data-kind={alert.ruleKind}>
            {t(`ruleKinds.${alert.ruleKind}`)}
          </span>
          <span data-testid="alarm-rule">{alert.ruleName}</span>
        </h2>
        <dl className="alarm__facts">
          <dt>{t('alarm.camera')}</dt>
          <dd data-testid="alarm-camera">{alert.channelName}</dd>
          <dt>{t('alarm.at')}</dt>
          <dd className="mono" data-testid="alarm-time">
            {formatTime(alert.at)}
          </dd>
          {detail !== '' && (
            <dd className="alarm__detail" data-testid="alarm-detail">
              {detail}
            </dd>
          )}
        </dl>
        <span className="toolbar__spacer" />
        {waiting > 0 && (
          <span className="alarm__waiting" data-testid="alarm-waiting">
            {t('alarm.more', { count: waiting })}
          </span>
        )}
        {error && (
          <span className="alarm__error" role="alert" data-testid="alarm-error">
            {error}
          </span>
        )}
        <button type="button" data-testid="alarm-defer" disabled={busy} onClick={() => onDefer(alert.id)}>
          {t('alarm.defer')}
        </button>
        <button type="button" className="primary alarm__ack" data-testid="alarm-ack" disabled={busy} onClick={() => void acknowledge()}>
          {busy ? t('alarm.acknowledging') : t('alarm.acknowledge')}
        </button>
      </header>
      <div className="alarm__body">
        <section className="alarm__live" aria-label={t('alarm.live')}>
          {wall?.client && camera ? (
            <Tile
              // Keyed by camera: consecutive alerts of one camera keep its consumer.
              key={alert.channelId}
              client={wall.client}
              session={wall.session}
              index={-1}
              testId="alarm-tile"
              camera={camera}
              visible
              selected={false}
              onSelect={() => undefined}
              onToggleMaximise={() => undefined}
              overlay={<ZoneOverlay zones={zones} />}
            />
          ) : (
            <p className="alarm__unavailable" data-testid="alarm-camera-unavailable">
              {t('alarm.cameraUnavailable')}
            </p>
          )}
        </section>
        <figure className="alarm__snapshot">
          <figcaption>{t('alarm.snapshot')}</figcaption>
          {alert.hasSnapshot ? (
            <SnapshotImage key={alert.id} src={api.alertSnapshotUrl(alert.id)} alt={t('alarm.snapshot')} testId="alarm-snapshot" failedText={t('alarm.snapshotFailed')} zones={zones} />
          ) : (
            <p className="muted">{t('alarm.noSnapshot')}</p>
          )}
        </figure>
      </div>
    </div>
  );
}
