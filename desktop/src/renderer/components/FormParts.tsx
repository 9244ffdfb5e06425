import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldErrors, NO_FORM_ERRORS, validationMessageKey, type FormErrors } from '../api/formErrors.js';
import { formErrorsOf } from './apiErrorText.js';

/** A validation message in the UI language when it is one of the known ones, else as given. */
function useMessageText(): (message: string) => string {
  const { t } = useTranslation();
  return (message) => {
    const key = validationMessageKey(message);
    return key ? t(key) : message;
  };
}

/** The errors of one field, under it. */
export function FieldErrorText({ errors, path }: { errors: FormErrors; path: string }) {
  const text = useMessageText();
  const messages = fieldErrors(errors, path);
  if (messages.length === 0) return null;
  return (
    <span className="form__field-error" role="alert" data-testid={`field-error-${path}`}>
      {messages.map(text).join('; ')}
    </span>
  );
}

/** A labelled form field with its hint and its errors. */
export function Field({ label, path, errors, hint, children }: { label: string; path: string; errors: FormErrors; hint?: string; children: ReactNode }) {
  return (
    <label className="form__field">
      <span className="form__label">{label}</span>
      {children}
      {hint ? <span className="form__hint">{hint}</span> : null}
      <FieldErrorText errors={errors} path={path} />
    </label>
  );
}

/**
 * A form's errors next to it: the general ones, and those of fields the form does not show
 * inline (`inline` lists the paths shown under their fields), so that no server message is lost.
 */
export function FormErrorList({ errors, inline }: { errors: FormErrors; inline: readonly string[] }) {
  const text = useMessageText();
  const covered = (path: string) => inline.some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
  const lines = [
    ...errors.general.map(text),
    ...Object.entries(errors.fields)
      .filter(([path]) => !covered(path))
      .flatMap(([path, messages]) => messages.map((m) => `${path}: ${text(m)}`)),
  ];
  if (lines.length === 0) return null;
  return (
    <ul className="form__errors" role="alert" data-testid="form-errors">
      {lines.map((line, i) => (
        <li key={i}>{line}</li>
      ))}
    </ul>
  );
}

/**
 * Submitting a form: `busy` while the call runs, and the call's failure turned into form
 * errors (a server `bad-request` split by field).
 */
export function useFormSubmit() {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(NO_FORM_ERRORS);
  const submit = async (action: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setErrors(NO_FORM_ERRORS);
    try {
      await action();
    } catch (error) {
      setErrors(formErrorsOf(t, error));
    } finally {
      setBusy(false);
    }
  };
  return { busy, errors, setErrors, submit };
}

/** Save and cancel buttons of a form. */
export function FormButtons({ busy, onCancel, submitLabel }: { busy: boolean; onCancel: () => void; submitLabel?: string }) {
  const { t } = useTranslation();
  return (
    <div className="form__buttons">
      <button type="submit" className="primary" data-testid="form-submit" disabled={busy}>
        {busy ? t('common.saving') : (submitLabel ?? t('common.save'))}
      </button>
      <button type="button" data-testid="form-cancel" onClick={onCancel} disabled={busy}>
        {t('common.cancel')}
      </button>
    </div>
  );
}
