import { formatPath } from '@argus/shared';

/**
 * Validation problems of one form, by field: keys are request-body paths as the server names
 * them (`name`, `source.url`, `roles`), `general` holds what belongs to no field.
 */
export interface FormErrors {
  fields: Record<string, string[]>;
  general: string[];
}

export const NO_FORM_ERRORS: FormErrors = { fields: {}, general: [] };

/** Whether `errors` holds anything to show. */
export function hasFormErrors(errors: FormErrors): boolean {
  return errors.general.length > 0 || Object.keys(errors.fields).length > 0;
}

/** A zod issue, structurally (the wall does not depend on zod directly). */
export interface IssueLike {
  path: ReadonlyArray<PropertyKey>;
  message: string;
}

/** Errors by field from validation issues; an issue of the body itself (empty path) is general. */
export function formErrorsFromIssues(issues: readonly IssueLike[]): FormErrors {
  const out: FormErrors = { fields: {}, general: [] };
  for (const issue of issues) {
    if (issue.path.length === 0) out.general.push(issue.message);
    else (out.fields[formatPath(issue.path)] ??= []).push(issue.message);
  }
  return out;
}

const PROBLEM = /^((?:[A-Za-z_$][\w$-]*|\[\d+\])(?:\.[A-Za-z_$][\w$-]*|\[\d+\])*|\(root\)): (.+)$/s;

/**
 * Errors by field from a server's `bad-request` message. The server words body problems as
 * shared/src/validation.ts `describeIssues` does, `path: message` joined by `; `
 * (e.g. `name: must not be empty; source.url: must be an rtsp:// …`). A message in any other
 * shape is kept whole as a general error.
 */
export function formErrorsFromMessage(message: string): FormErrors {
  const parts = message.split('; ');
  const matches = parts.map((part) => PROBLEM.exec(part.trim()));
  if (matches.some((m) => m === null)) return { fields: {}, general: [message] };
  const out: FormErrors = { fields: {}, general: [] };
  for (const match of matches) {
    const [, path, problem] = match!;
    if (path === '(root)') out.general.push(problem!);
    else (out.fields[path!] ??= []).push(problem!);
  }
  return out;
}

/** Errors of `path` and of anything below it (`source` also collects `source.url`). */
export function fieldErrors(errors: FormErrors, path: string): string[] {
  return Object.entries(errors.fields)
    .filter(([key]) => key === path || key.startsWith(`${path}.`) || key.startsWith(`${path}[`))
    .flatMap(([, messages]) => messages);
}

/** A request schema, structurally: what `safeParse` of a zod schema gives. */
export interface SchemaLike<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: readonly IssueLike[] } };
}

/**
 * Check a request body against the same schema the server validates it with, before sending.
 * Returns the parsed body (defaults applied) or the errors by field.
 */
export function validateBody<T>(schema: SchemaLike<T>, body: unknown): { ok: true; data: T } | { ok: false; errors: FormErrors } {
  const result = schema.safeParse(body);
  return result.success ? { ok: true, data: result.data } : { ok: false, errors: formErrorsFromIssues(result.error.issues) };
}

/**
 * The server's (and shared schemas') fixed validation messages, by the i18n key that
 * translates them. Anything else is shown as the server worded it.
 */
const KNOWN_MESSAGES: Readonly<Record<string, string>> = {
  'must not be empty': 'validation.empty',
  'must be 1-64 characters of A-Z a-z 0-9 _ -': 'validation.entityId',
  'must be a 6-digit (province, city, county) or 9-digit (township) division code': 'validation.orgUnitId',
  'must be a 20-digit GB/T 28181 id': 'validation.gbId',
  'must be an rtsp:// or rtsps:// URL with a host and without credentials (give username and password separately)': 'validation.rtspUrl',
  'must be at least 10 characters': 'validation.password',
  'must be 3-64 characters of A-Z a-z 0-9 . _ -': 'validation.username',
  'needs at least one role': 'validation.roles',
  'must be a date YYYY-MM-DD': 'validation.date',
  'must not contain control or direction-override characters': 'validation.unsafeText',
  'admin and auditor are separate duties: such an account holds that one role only': 'validation.rolesExclusive',
  // POST /api/auth/password (sfu/src/auth/authService.ts `changePassword`).
  'the current password is wrong': 'validation.currentPasswordWrong',
  'must differ from the current password': 'validation.passwordUnchanged',
  // Analytics (shared/src/analytics.ts): rules, zones, enrolment photos.
  'a zone needs at least 3 points': 'validation.zoneTooFew',
  'must be 1-32 characters of A-Z a-z 0-9 _ -': 'validation.ruleId',
  'send 1 to 5 photos': 'validation.photoCount',
  'a photo may be at most 8 MiB': 'validation.photoTooLarge',
  'Too small: expected string to have >=1 characters': 'validation.empty',
  'Invalid input: expected number, received NaN': 'validation.notANumber',
};

/** The i18n key of a known validation message, or null to show the message as it is. */
export function validationMessageKey(message: string): string | null {
  return KNOWN_MESSAGES[message] ?? null;
}
