import { describe, expect, it } from 'vitest';
import type { BehaviourAlert } from '@argus/shared';
import { alarmReducer, currentAlarm, MAX_QUEUED_ALARMS, NO_ALARMS, openAlarmCount, type AlarmAction, type AlarmState } from '../../desktop/src/renderer/analytics/alarmQueue.js';
import { initialWallLayout, wallLayoutReducer } from '../../desktop/src/renderer/wallLayout.js';

const run = (state: AlarmState, ...actions: AlarmAction[]) => actions.reduce(alarmReducer, state);

function alert(id: number, overrides: Partial<BehaviourAlert> = {}): BehaviourAlert {
  return {
    id,
    channelId: 'cam-1',
    channelName: '一号门',
    orgUnitId: '370000',
    ruleId: 'rule-1',
    ruleKind: 'intrusion',
    ruleName: '禁入区',
    zone: [
      [0.1, 0.1],
      [0.9, 0.1],
      [0.5, 0.9],
    ],
    at: 1_700_000_000_000 + id * 1000,
    detail: {},
    hasSnapshot: true,
    acknowledgedAt: null,
    acknowledgedBy: null,
    ...overrides,
  };
}

const ids = (alerts: readonly BehaviourAlert[]) => alerts.map((a) => a.id);

describe('alarm pop-ups', () => {
  it('shows live alerts one at a time in arrival order, and closes after the last acknowledgement', () => {
    let state = run(NO_ALARMS, { type: 'raised', alert: alert(1) }, { type: 'raised', alert: alert(2) }, { type: 'raised', alert: alert(3) });
    expect(currentAlarm(state)?.id).toBe(1);
    expect(openAlarmCount(state)).toBe(3);
    state = run(state, { type: 'acknowledged', id: 1 });
    expect(currentAlarm(state)?.id).toBe(2);
    // An acknowledgement from another wall of an alert still waiting removes it from the queue.
    state = run(state, { type: 'acknowledged', id: 3 });
    expect(ids(state.queue)).toEqual([2]);
    state = run(state, { type: 'acknowledged', id: 2 });
    expect(currentAlarm(state)).toBeNull();
    expect(state).toEqual(NO_ALARMS);
  });

  it('ignores repeats, already acknowledged alerts and acknowledgements of unknown alerts (same state object)', () => {
    const state = run(NO_ALARMS, { type: 'raised', alert: alert(1) });
    expect(alarmReducer(state, { type: 'raised', alert: alert(1) })).toBe(state);
    expect(alarmReducer(state, { type: 'raised', alert: alert(2, { acknowledgedAt: 5, acknowledgedBy: 'op' }) })).toBe(state);
    expect(alarmReducer(state, { type: 'acknowledged', id: 99 })).toBe(state);
    expect(alarmReducer(state, { type: 'open', id: 99 })).toBe(state);
    expect(alarmReducer(state, { type: 'defer', id: 99 })).toBe(state);
  });

  it('puts open alerts found at load behind the badge instead of popping them all up', () => {
    const state = run(NO_ALARMS, { type: 'loaded', alerts: [alert(7), alert(5), alert(6)], complete: true });
    expect(currentAlarm(state)).toBeNull();
    expect(ids(state.backlog)).toEqual([7, 6, 5]);
    expect(openAlarmCount(state)).toBe(3);
    // The operator opens one: it pops up; the rest wait.
    const opened = run(state, { type: 'open', id: 6 });
    expect(currentAlarm(opened)?.id).toBe(6);
    expect(ids(opened.backlog)).toEqual([7, 5]);
    // A live alert while one is on screen waits its turn.
    const live = run(opened, { type: 'raised', alert: alert(8) });
    expect(ids(live.queue)).toEqual([6, 8]);
  });

  it('defers the alert on screen back to the list, unacknowledged', () => {
    const state = run(NO_ALARMS, { type: 'raised', alert: alert(1) }, { type: 'raised', alert: alert(2) }, { type: 'defer', id: 1 });
    expect(currentAlarm(state)?.id).toBe(2);
    expect(ids(state.backlog)).toEqual([1]);
    expect(openAlarmCount(state)).toBe(2);
  });

  it('after a reconnect, drops queued alerts acknowledged meanwhile only when the list is complete', () => {
    const queued = run(NO_ALARMS, { type: 'raised', alert: alert(1) }, { type: 'raised', alert: alert(2) });
    const partial = run(queued, { type: 'loaded', alerts: [alert(2), alert(9)], complete: false });
    expect(ids(partial.queue)).toEqual([1, 2]);
    expect(ids(partial.backlog)).toEqual([9]);
    const complete = run(queued, { type: 'loaded', alerts: [alert(2), alert(9)], complete: true });
    expect(ids(complete.queue)).toEqual([2]);
    expect(ids(complete.backlog)).toEqual([9]);
    // A complete list also clears backlog entries acknowledged elsewhere.
    const cleared = run(complete, { type: 'loaded', alerts: [alert(2)], complete: true });
    expect(cleared.backlog).toEqual([]);
  });

  it('queues at most MAX_QUEUED_ALARMS; a storm beyond that waits in the list', () => {
    const storm = Array.from({ length: MAX_QUEUED_ALARMS + 5 }, (_, i) => ({ type: 'raised' as const, alert: alert(i + 1) }));
    const state = run(NO_ALARMS, ...storm);
    expect(state.queue).toHaveLength(MAX_QUEUED_ALARMS);
    expect(state.backlog).toHaveLength(5);
    expect(openAlarmCount(state)).toBe(MAX_QUEUED_ALARMS + 5);
    expect(state.backlog[0]!.id).toBe(MAX_QUEUED_ALARMS + 5);
  });

  it('never touches the wall layout: the grid under the pop-up comes back exactly as it was', () => {
    // The pop-up is a separate state; the wall's layout reducer never sees an alarm action.
    const layout = wallLayoutReducer(wallLayoutReducer(initialWallLayout(9), { type: 'assignCamera', cameraId: 'cam-2' }), { type: 'toggleMaximise', index: 1 });
    const before = JSON.stringify(layout);
    let alarms = run(NO_ALARMS, { type: 'raised', alert: alert(1, { channelId: 'cam-7' }) });
    expect(currentAlarm(alarms)?.channelId).toBe('cam-7');
    alarms = run(alarms, { type: 'acknowledged', id: 1 });
    expect(currentAlarm(alarms)).toBeNull();
    expect(JSON.stringify(layout)).toBe(before);
  });
});
