import { describe, expect, it } from 'vitest';
import type { SignInRecord } from '@argus/shared';
import { addSignIn, mergeSignIns, SIGN_IN_FEED_LIMIT, signInFeedOf } from '../../desktop/src/renderer/analytics/signInFeed.js';
import { formatClock, formatDay, formatPercent } from '../../desktop/src/renderer/format.js';

function record(id: number, at: number, day = '2026-11-29'): SignInRecord {
  return {
    id,
    personId: `p${id}`,
    personName: `对象${id}`,
    orgUnitId: '370102',
    siteOrgUnitId: '370102001',
    channelId: 'cam-1',
    channelName: '司法所大厅',
    day,
    at,
    similarity: 0.71,
    live: 0.9,
    real: 0.95,
    hasSnapshot: true,
  };
}

const ids = (records: readonly SignInRecord[]) => records.map((r) => r.id);

describe('sign-in feed', () => {
  it('shows the day’s list newest first, without duplicates or other days', () => {
    const feed = signInFeedOf('2026-11-29', [record(1, 100), record(3, 300), record(2, 200), record(3, 300), record(9, 50, '2026-11-28')]);
    expect(ids(feed.records)).toEqual([3, 2, 1]);
  });

  it('adds live sign-ins in time order and ignores one it already has (an event during the load)', () => {
    let feed = signInFeedOf('2026-11-29', [record(1, 100), record(2, 200)]);
    feed = addSignIn(feed, record(4, 400));
    expect(ids(feed.records)).toEqual([4, 2, 1]);
    expect(addSignIn(feed, record(2, 200))).toBe(feed);
    // A late event of an earlier time still lands in its place.
    expect(ids(addSignIn(feed, record(3, 150)).records)).toEqual([4, 2, 3, 1]);
  });

  it('starts the new day’s feed at midnight and ignores late sign-ins of the day before', () => {
    const feed = signInFeedOf('2026-11-29', [record(1, 100)]);
    expect(addSignIn(feed, record(0, 50, '2026-11-28'))).toBe(feed);
    const next = addSignIn(feed, record(5, 500, '2026-11-30'));
    expect(next.day).toBe('2026-11-30');
    expect(ids(next.records)).toEqual([5]);
  });

  it('merges a reloaded list after a reconnect, keeping what was shown', () => {
    const feed = addSignIn(signInFeedOf('2026-11-29', [record(1, 100)]), record(2, 200));
    const merged = mergeSignIns(feed, '2026-11-29', [record(3, 300), record(1, 100)]);
    expect(ids(merged.records)).toEqual([3, 2, 1]);
    expect(mergeSignIns(merged, '2026-11-28', [record(7, 1)])).toBe(merged);
    expect(ids(mergeSignIns(merged, '2026-11-30', [record(8, 800, '2026-11-30')]).records)).toEqual([8]);
  });

  it('keeps at most SIGN_IN_FEED_LIMIT sign-ins', () => {
    let feed = signInFeedOf('2026-11-29', Array.from({ length: SIGN_IN_FEED_LIMIT }, (_, i) => record(i + 1, i + 1)));
    feed = addSignIn(feed, record(10_000, 10_000));
    expect(feed.records).toHaveLength(SIGN_IN_FEED_LIMIT);
    expect(feed.records[0]!.id).toBe(10_000);
    expect(feed.records.some((r) => r.id === 1)).toBe(false);
  });

  it('words days, clock times and similarities in UTC+8', () => {
    const at = Date.UTC(2026, 10, 29, 16, 30, 5); // 00:30:05 on 30 November in UTC+8
    expect(formatDay(at)).toBe('2026-11-30');
    expect(formatClock(at)).toBe('00:30:05');
    expect(formatPercent(0.734)).toBe('73%');
  });
});
