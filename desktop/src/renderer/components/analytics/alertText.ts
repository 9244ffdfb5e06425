import { formatDetail } from '../../format.js';
import type { Translate } from '../apiErrorText.js';

/** Details the wall words itself (`alarm.details.*`); others are shown as `key=value`. */
const WORDED_DETAILS: ReadonlySet<string> = new Set(['people', 'dwellS', 'holdS']);
/** Details for machines, not operators (the worker's track ids). */
const INTERNAL_DETAILS: ReadonlySet<string> = new Set(['trackIds']);

/** An alert's detail (`{ people: 6 }`, `{ dwellS: 41.3 }`) in the UI language, e.g. `人数 6`, `停留 41.3 秒`; '' for none (track ids are left out). */
export function describeAlertDetail(t: Translate, detail: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(detail)) {
    if (INTERNAL_DETAILS.has(key)) continue;
    if (WORDED_DETAILS.has(key) && typeof value === 'number') parts.push(t(`alarm.details.${key}`, { value: Math.round(value * 10) / 10 }));
    else rest[key] = value;
  }
  const other = formatDetail(rest);
  return [...parts, ...(other !== '' ? [other] : [])].join(t('alarm.detailSeparator'));
}
