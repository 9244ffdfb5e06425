import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { openAlarmCount } from '../../analytics/alarmQueue.js';
import { formatTime } from '../../format.js';
import { describeApiError } from '../apiErrorText.js';
import type { Alarms } from './useAlarms.js';

/**
 * The toolbar's alert badge (告警 N): every unacknowledged alert the wall knows of. Open alerts
 * found at load (and deferred ones) do not pop up by themselves; the badge's list shows them,
 * newest first, and 查看 pops one up. It also says when the analytics service is off or down.
 * Test hooks: `alarm-badge` (with `data-count`), `alarm-list`, `alarm-list-row-${id}`,
 * `alarm-list-open-${id}`, `alarm-service`.
 */
export function AlarmBadge({ alarms }: { alarms: Alarms }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const count = openAlarmCount(alarms.state);
  const { status } = alarms;
  const serviceProblem = status === null ? null : !status.enabled ? t('alarm.serviceOff') : status.workers.some((w) => w.state === 'ready') ? null : t('alarm.serviceDown');
  return (
    <span className="alarm-badge">
      <button
        type="button"
        className={`toolbar__button alarm-badge__button${count > 0 ? ' alarm-badge__button--open' : ''}`}
        data-testid="alarm-badge"
        data-count={count}
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        {t('alarm.badge', { count })}
      </button>
      {open && (
        <div className="alarm-badge__list" data-testid="alarm-list">
          <h3>{t('alarm.listTitle')}</h3>
          {serviceProblem && (
            <p className="page__hint" data-testid="alarm-service">
              {serviceProblem}
            </p>
          )}
          {alarms.loadError !== null && <p className="page__error">{t('alarm.loadFailed', { message: describeApiError(t, alarms.loadError) })}</p>}
          {alarms.state.backlog.length === 0 ? (
            <p className="muted">{t('alarm.listEmpty')}</p>
          ) : (
            <ul>
              {alarms.state.backlog.map((alert) => (
                <li key={alert.id} data-testid={`alarm-list-row-${alert.id}`}>
                  <span className={`alarm__kind alarm__kind--${alert.ruleKind}`}>{t(`ruleKinds.${alert.ruleKind}`)}</span>
                  <span className="alarm-badge__text">
                    {alert.channelName} · {alert.ruleName}
                  </span>
                  <span className="mono muted">{formatTime(alert.at)}</span>
                  <button
                    type="button"
                    data-testid={`alarm-list-open-${alert.id}`}
                    onClick={() => {
                      alarms.dispatch({ type: 'open', id: alert.id });
                      setOpen(false);
                    }}
                  >
                    {t('alarm.open')}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </span>
  );
}
