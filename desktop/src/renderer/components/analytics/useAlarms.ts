import { useCallback, useEffect, useReducer, useState } from 'react';
import type { AnalyticsStatus } from '@argus/shared';
import { api } from '../../api/apiClient.js';
import { toApiError } from '../../api/apiError.js';
import { alarmReducer, currentAlarm, NO_ALARMS, type AlarmAction, type AlarmState } from '../../analytics/alarmQueue.js';
import type { WallClient } from '../../wallClient.js';

/** Open alerts asked for at load; fewer answered means the list is complete. */
export const OPEN_ALERTS_LIMIT = 100;

/** What {@link useAlarms} gives the shell. */
export interface Alarms {
  state: AlarmState;
  dispatch: (action: AlarmAction) => void;
  /** The last failure to list open alerts, or null. */
  loadError: unknown;
  /** The analytics service's state as last asked, or null (unknown, or not allowed). */
  status: AnalyticsStatus | null;
  /** `POST /api/alerts/:id/ack`, then the pop-up moves on. @throws ApiError when the server refused (the pop-up stays). */
  acknowledge: (id: number) => Promise<void>;
}

/**
 * Behaviour alerts for a user with `alerts.handle` (`enabled`): live `alert` events pop up in
 * turn, `alertAcknowledged` (from any wall) closes them, and the open alerts listed at load and
 * after each reconnect (events may have been missed meanwhile) wait behind the badge.
 */
export function useAlarms(client: WallClient | null, enabled: boolean): Alarms {
  const [state, dispatch] = useReducer(alarmReducer, NO_ALARMS);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [status, setStatus] = useState<AnalyticsStatus | null>(null);

  useEffect(() => {
    if (!client || !enabled) return;
    let current = true;
    const load = () => {
      api.listAlerts({ open: true, limit: OPEN_ALERTS_LIMIT }).then(
        (alerts) => {
          if (!current) return;
          setLoadError(null);
          dispatch({ type: 'loaded', alerts, complete: alerts.length < OPEN_ALERTS_LIMIT });
        },
        (error: unknown) => current && setLoadError(error),
      );
      api.analyticsStatus().then(
        (answer) => current && setStatus(answer),
        () => current && setStatus(null),
      );
    };
    const offs = [
      client.on('session', load),
      client.on('alert', (alert) => dispatch({ type: 'raised', alert })),
      client.on('alertAcknowledged', ({ id }) => dispatch({ type: 'acknowledged', id })),
    ];
    if (client.currentSession > 0) load();
    return () => {
      current = false;
      for (const off of offs) off();
    };
  }, [client, enabled]);

  const acknowledge = useCallback(async (id: number) => {
    try {
      await api.acknowledgeAlert(id);
    } catch (error) {
      // Gone (deleted, or no longer in the user's area): nothing left to acknowledge here.
      if (toApiError(error).code !== 'not-found') throw error;
    }
    dispatch({ type: 'acknowledged', id });
  }, []);

  return { state, dispatch, loadError, status, acknowledge };
}

/** Whether an alarm pop-up is open. */
export function alarmShowing(alarms: Alarms): boolean {
  return currentAlarm(alarms.state) !== null;
}
