import type { useTranslation } from 'react-i18next';
import { toApiError, type ApiFailureCode } from '../api/apiError.js';
import { formErrorsFromMessage, type FormErrors } from '../api/formErrors.js';
import { waitParts } from '../format.js';

export type Translate = ReturnType<typeof useTranslation>['t'];

/**
 * Codes whose server message is worth showing after the sentence in the UI language (the
 * server words it in English, e.g. which rule a change broke). The others say all there is.
 */
const WITH_DETAIL: ReadonlySet<ApiFailureCode> = new Set(['bad-request', 'forbidden', 'not-found', 'conflict', 'internal', 'bad-response']);

/** A wait in seconds in the UI language: `49 秒`, `14 分 49 秒`, `14 min 49 s`. */
export function describeWait(t: Translate, seconds: number): string {
  const { key, values } = waitParts(seconds);
  return t(`wait.${key}`, values);
}

/**
 * One line for the operator about a failed API call: a sentence in the UI language first,
 * then, for codes where it adds something, the server's own (English) message after a dash,
 * e.g. `操作冲突 — org unit 370100 has children`. A rate limit says how long to wait.
 */
export function describeApiError(t: Translate, error: unknown): string {
  const e = toApiError(error);
  if (e.code === 'rate-limited') return e.retryAfter !== null && e.retryAfter > 0 ? t('errors.rate-limited', { wait: describeWait(t, e.retryAfter) }) : t('errors.rateLimitedNoWait');
  const text = t(`errors.${e.code}`);
  const detail = e.message.trim();
  return WITH_DETAIL.has(e.code) && detail !== '' ? t('errors.withDetail', { text, detail }) : text;
}

/**
 * A failed save as form errors: a `bad-request` worded `path: problem; …` is split into its
 * fields (each shown under its field, translated when known); anything else is one general line.
 */
export function formErrorsOf(t: Translate, error: unknown): FormErrors {
  const e = toApiError(error);
  if (e.code === 'bad-request') {
    const errors = formErrorsFromMessage(e.message);
    if (Object.keys(errors.fields).length > 0) return errors;
  }
  return { fields: {}, general: [describeApiError(t, e)] };
}
