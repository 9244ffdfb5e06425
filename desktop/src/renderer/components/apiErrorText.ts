import type { useTranslation } from 'react-i18next';
import { toApiError } from '../api/apiError.js';
import { formErrorsFromMessage, type FormErrors } from '../api/formErrors.js';

export type Translate = ReturnType<typeof useTranslation>['t'];

/** One line for the operator about a failed API call, in the UI language. */
export function describeApiError(t: Translate, error: unknown): string {
  const e = toApiError(error);
  switch (e.code) {
    case 'rate-limited':
      return e.retryAfter !== null ? t('errors.rate-limited', { seconds: e.retryAfter }) : t('login.errors.rateLimitedNoWait');
    default:
      return t(`errors.${e.code}`, { message: e.message });
  }
}

/**
 * A failed save as form errors: a `bad-request` is split into its fields (the server names
 * each problem `path: message`), anything else is one general line.
 */
export function formErrorsOf(t: Translate, error: unknown): FormErrors {
  const e = toApiError(error);
  if (e.code === 'bad-request') return formErrorsFromMessage(e.message);
  return { fields: {}, general: [describeApiError(t, e)] };
}
