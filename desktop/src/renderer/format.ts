const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * The wall shows and reads times in China Standard Time (UTC+8, Asia/Shanghai, no daylight
 * saving), whatever the computer's own time zone: the same clock as the audit CSV export.
 */
export const DISPLAY_UTC_OFFSET_MS = 8 * 3600_000;

/** Epoch ms as `YYYY-MM-DD HH:mm:ss` in UTC+8, the way the audit log and user lists show times. */
export function formatTime(ms: number): string {
  const d = new Date(ms + DISPLAY_UTC_OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** An audit entry's details on one line (`key=value`, nested values as JSON); '' when there are none. */
export function formatDetail(detail: Readonly<Record<string, unknown>>): string {
  return Object.entries(detail)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}

/** A wait (e.g. `Retry-After`, seconds) split for reading: hours, minutes and seconds (negative and fractional waits round up to whole seconds ≥ 0). */
export function splitWait(totalSeconds: number): { hours: number; minutes: number; seconds: number } {
  const total = Math.max(0, Math.ceil(totalSeconds));
  return { hours: Math.floor(total / 3600), minutes: Math.floor((total % 3600) / 60), seconds: total % 60 };
}

/**
 * The i18n key (under `wait.`) and values that word a wait: `49 秒`, `14 分 49 秒`, `15 分钟`,
 * `1 小时 5 分`. Waits of an hour or more leave out the seconds.
 */
export function waitParts(totalSeconds: number): { key: 'seconds' | 'minutes' | 'minutesSeconds' | 'hoursMinutes'; values: { hours: number; minutes: number; seconds: number } } {
  const values = splitWait(totalSeconds);
  if (values.hours > 0) return { key: 'hoursMinutes', values };
  if (values.minutes === 0) return { key: 'seconds', values };
  return { key: values.seconds === 0 ? 'minutes' : 'minutesSeconds', values };
}

/** Epoch ms as the calendar day `YYYY-MM-DD` in UTC+8 (the day sign-ins are counted by, with the server's default `analytics.timeZone`). */
export function formatDay(ms: number): string {
  return formatTime(ms).slice(0, 10);
}

/** Epoch ms as `HH:mm:ss` in UTC+8, for lists of today's events. */
export function formatClock(ms: number): string {
  return formatTime(ms).slice(11);
}

/** A similarity or score 0..1 as a percentage with no decimals (`0.734` → `73%`). */
export function formatPercent(value: number): string {
  return `${Math.round(value * 100)}%`;
}
