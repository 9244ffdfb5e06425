import type { BehaviourAlert } from '@argus/shared';

/**
 * The wall's alarm pop-ups (告警联动) as plain data and a pure reducer (no React, no media), so
 * the rules are unit-tested:
 * - an `alert` socket event queues its alert; the first of the queue is on screen, the others
 *   wait their turn (at most {@link MAX_QUEUED_ALARMS}; later ones go to the backlog);
 * - acknowledging (here, or `alertAcknowledged` from another wall) removes it everywhere, and the
 *   next one shows; after the last one the pop-up closes;
 * - unacknowledged alerts found at load (`GET /api/alerts?open=true`) do not pop up: they wait in
 *   the backlog behind a badge, and the operator opens them one at a time;
 * - 稍后处理 (defer) puts the alert on screen back into the backlog without acknowledging it.
 *
 * The pop-up covers the views; it never changes the wall's own layout (wallLayout.ts), which
 * stays mounted underneath with its tiles paused. Closing the last pop-up therefore returns to
 * exactly the previous layout and tiles, with their consumers, and a reload during an alarm
 * finds the operator's layout saved, not the alarm's.
 */

/** Alerts that may wait in the pop-up queue; more go to the backlog (a storm of alerts must not keep the wall in pop-ups for hours). */
export const MAX_QUEUED_ALARMS = 20;

export interface AlarmState {
  /** Alerts to pop up, in arrival order; the first is on screen. */
  queue: BehaviourAlert[];
  /** Unacknowledged alerts not (or no longer) queued, newest first: the badge's list. */
  backlog: BehaviourAlert[];
}

export type AlarmAction =
  /** A live `alert` event. */
  | { type: 'raised'; alert: BehaviourAlert }
  /**
   * The open alerts as the server listed them (at load and after every reconnect). `complete`:
   * the list holds every open alert (fewer than the limit asked for), so a queued alert missing
   * from it was acknowledged meanwhile.
   */
  | { type: 'loaded'; alerts: readonly BehaviourAlert[]; complete: boolean }
  /** The operator opens a backlog alert: it joins the queue (and shows at once when none is on screen). */
  | { type: 'open'; id: number }
  /** The alert on screen goes back to the backlog, unacknowledged. */
  | { type: 'defer'; id: number }
  /** Acknowledged here or on another wall. */
  | { type: 'acknowledged'; id: number };

export const NO_ALARMS: AlarmState = { queue: [], backlog: [] };

/** The alert on screen, or null when no pop-up is open. */
export function currentAlarm(state: AlarmState): BehaviourAlert | null {
  return state.queue[0] ?? null;
}

/** Every unacknowledged alert the wall knows of (the badge's count). */
export function openAlarmCount(state: AlarmState): number {
  return state.queue.length + state.backlog.length;
}

const byNewest = (a: BehaviourAlert, b: BehaviourAlert) => b.at - a.at || b.id - a.id;
const without = (alerts: readonly BehaviourAlert[], id: number) => alerts.filter((a) => a.id !== id);
const has = (alerts: readonly BehaviourAlert[], id: number) => alerts.some((a) => a.id === id);

export function alarmReducer(state: AlarmState, action: AlarmAction): AlarmState {
  switch (action.type) {
    case 'raised': {
      const alert = action.alert;
      if (alert.acknowledgedAt !== null || has(state.queue, alert.id)) return state;
      if (state.queue.length >= MAX_QUEUED_ALARMS) {
        if (has(state.backlog, alert.id)) return state;
        return { ...state, backlog: [alert, ...state.backlog].sort(byNewest) };
      }
      return { queue: [...state.queue, alert], backlog: without(state.backlog, alert.id) };
    }
    case 'loaded': {
      const open = action.alerts.filter((a) => a.acknowledgedAt === null);
      const openIds = new Set(open.map((a) => a.id));
      const queue = action.complete ? state.queue.filter((a) => openIds.has(a.id)) : state.queue;
      const queued = new Set(queue.map((a) => a.id));
      // Backlog alerts beyond an incomplete list are kept: they may still be open.
      const kept = action.complete ? [] : state.backlog.filter((a) => !openIds.has(a.id) && !queued.has(a.id));
      const backlog = [...open.filter((a) => !queued.has(a.id)), ...kept].sort(byNewest);
      return { queue, backlog };
    }
    case 'open': {
      const alert = state.backlog.find((a) => a.id === action.id);
      if (!alert) return state;
      return { queue: [...state.queue, alert], backlog: without(state.backlog, action.id) };
    }
    case 'defer': {
      const alert = state.queue.find((a) => a.id === action.id);
      if (!alert) return state;
      return { queue: without(state.queue, action.id), backlog: [alert, ...state.backlog].sort(byNewest) };
    }
    case 'acknowledged':
      if (!has(state.queue, action.id) && !has(state.backlog, action.id)) return state;
      return { queue: without(state.queue, action.id), backlog: without(state.backlog, action.id) };
  }
}
