import type { SignInRecord } from '@argus/shared';

/**
 * The wall's sign-in feed (签到记录) as plain data: one day's sign-ins, newest first, from the
 * day's list (`GET /api/sign-ins?day=`) and live `signIn` events, without duplicates (an event
 * may arrive while the list loads). A sign-in of a later day starts the new day's feed.
 */

/** Most sign-ins the feed keeps (the list route's default page). */
export const SIGN_IN_FEED_LIMIT = 200;

export interface SignInFeed {
  /** The day shown, `YYYY-MM-DD`. */
  day: string;
  /** Newest first. */
  records: SignInRecord[];
}

const byNewest = (a: SignInRecord, b: SignInRecord) => b.at - a.at || b.id - a.id;

/** The feed of `day` from a loaded list (records of other days are left out). */
export function signInFeedOf(day: string, records: readonly SignInRecord[]): SignInFeed {
  const seen = new Set<number>();
  const unique = records.filter((r) => r.day === day && !seen.has(r.id) && seen.add(r.id));
  return { day, records: unique.sort(byNewest).slice(0, SIGN_IN_FEED_LIMIT) };
}

/**
 * The feed after a live sign-in: added in time order, unless already there or of an earlier
 * day; a later day replaces the feed. Returns `feed` itself when nothing changes.
 */
export function addSignIn(feed: SignInFeed, record: SignInRecord): SignInFeed {
  if (record.day < feed.day) return feed;
  if (record.day > feed.day) return { day: record.day, records: [record] };
  if (feed.records.some((r) => r.id === record.id)) return feed;
  return { day: feed.day, records: [...feed.records, record].sort(byNewest).slice(0, SIGN_IN_FEED_LIMIT) };
}

/**
 * A loaded list merged into the feed (after a reconnect: events missed meanwhile come from the
 * list, those already shown stay).
 */
export function mergeSignIns(feed: SignInFeed, day: string, records: readonly SignInRecord[]): SignInFeed {
  if (day < feed.day) return feed;
  return signInFeedOf(day, day === feed.day ? [...feed.records, ...records] : records);
}
