/**
 * The calendar day of `at` (epoch ms) in `timeZone` (IANA, e.g. `Asia/Shanghai`) as `YYYY-MM-DD`:
 * the day a sign-in counts for.
 * @throws RangeError for an unknown time zone
 */
export function localDay(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
