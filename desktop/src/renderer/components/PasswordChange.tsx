import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { passwordChange, type MeResponse } from '@argus/shared';
import { api } from '../api/apiClient.js';
import { NO_FORM_ERRORS, validateBody, type FormErrors } from '../api/formErrors.js';
import { formErrorsOf } from './apiErrorText.js';
import { Field, FormErrorList } from './FormParts.js';
import { LanguageSelect } from './LanguageSelect.js';
import { useLogout } from './useLogout.js';

/** Paths of the password form's fields, as the server names them (plus the local repeat). */
const FIELDS = ['currentPassword', 'newPassword', 'newPasswordAgain'] as const;

/**
 * The form that changes the user's own password (`POST /api/auth/password`): current password,
 * new password, new password again. The schema's rules and the repeat are checked here
 * first; the server's answer is shown under the field it concerns (a wrong current password
 * under 当前密码, an unchanged one under 新密码) or above the fields (e.g. a rate limit).
 *
 * Test hooks: `password-change-form`, `field-currentPassword`, `field-newPassword`,
 * `field-newPasswordAgain`, `field-error-…` of each, `form-errors`, `form-submit`,
 * `form-cancel` (when `onCancel` is given).
 */
export function PasswordChangeForm({ username, onChanged, onCancel }: { username: string; onChanged: () => void | Promise<void>; onCancel?: () => void }) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(NO_FORM_ERRORS);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (current === '') return setErrors({ fields: { currentPassword: ['must not be empty'] }, general: [] });
    const checked = validateBody(passwordChange, { currentPassword: current, newPassword: next });
    if (!checked.ok) return setErrors(checked.errors);
    if (next === current) return setErrors({ fields: { newPassword: ['must differ from the current password'] }, general: [] });
    if (next !== again) return setErrors({ fields: { newPasswordAgain: [t('validation.passwordMismatch')] }, general: [] });
    setBusy(true);
    setErrors(NO_FORM_ERRORS);
    try {
      await api.changePassword(checked.data);
    } catch (error) {
      // The server words a wrong current password or an unchanged one as a field problem (400).
      const failed = formErrorsOf(t, error);
      setErrors(failed);
      if (failed.fields.currentPassword) setCurrent('');
      setBusy(false);
      return;
    }
    setBusy(false);
    await onChanged();
  };

  return (
    <form className="form" data-testid="password-change-form" onSubmit={(e) => void save(e)} noValidate>
      {/* For the browser's password manager: whose password this is. */}
      <input type="text" name="username" autoComplete="username" value={username} hidden readOnly />
      <FormErrorList errors={errors} inline={FIELDS} />
      <Field label={t('password.current')} path="currentPassword" errors={errors}>
        <input data-testid="field-currentPassword" type="password" autoComplete="current-password" autoFocus value={current} onChange={(e) => setCurrent(e.target.value)} />
      </Field>
      <Field label={t('password.new')} path="newPassword" errors={errors} hint={t('password.newHint')}>
        <input data-testid="field-newPassword" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} />
      </Field>
      <Field label={t('password.again')} path="newPasswordAgain" errors={errors}>
        <input data-testid="field-newPasswordAgain" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} />
      </Field>
      <p className="form__hint">{t('password.otherSessionsHint')}</p>
      <div className="form__buttons">
        <button type="submit" className="primary" data-testid="form-submit" disabled={busy}>
          {busy ? t('password.submitting') : t('password.submit')}
        </button>
        {onCancel && (
          <button type="button" data-testid="form-cancel" onClick={onCancel} disabled={busy}>
            {t('common.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}

/**
 * 请先设置新密码: shown instead of the views while the server says the user must choose a new
 * password (`mustChangePassword`: the password was set by an administrator or at first start).
 * Nothing else works until then; the user may also log out.
 *
 * Test hooks: `password-required-page`, the {@link PasswordChangeForm}'s, `logout`, `logout-error`.
 */
export function PasswordRequiredPage({ me, onChanged, onLogout }: { me: MeResponse; onChanged: () => Promise<void>; onLogout: () => Promise<void> }) {
  const { t } = useTranslation();
  const { logout, loggingOut, error: logoutError } = useLogout(onLogout);
  return (
    <div className="login" data-testid="password-required-page">
      <div className="login__language">
        <LanguageSelect />
      </div>
      <div className="login__form">
        <h1>{t('app.title')}</h1>
        <h2>{t('password.requiredTitle')}</h2>
        <p className="login__notice login__notice--password" role="status">
          {t('password.requiredHint')}
        </p>
        <p className="login__user">
          <span className="muted">{t('toolbar.user')}</span> <span data-testid="current-user">{me.user.displayName}</span>{' '}
          <span className="muted mono">({me.user.username})</span>
        </p>
        <PasswordChangeForm username={me.user.username} onChanged={onChanged} />
        {logoutError && (
          <p className="login__error" role="alert" data-testid="logout-error">
            {logoutError}
          </p>
        )}
        <button type="button" data-testid="logout" disabled={loggingOut} onClick={logout}>
          {loggingOut ? t('toolbar.loggingOut') : t('toolbar.logout')}
        </button>
      </div>
    </div>
  );
}

/**
 * 修改密码 from the toolbar: the {@link PasswordChangeForm} in a dialog over the views (which
 * keep running). Escape or 取消 closes it. Test hook: `password-dialog`.
 */
export function PasswordDialog({ username, onChanged, onClose }: { username: string; onChanged: () => void; onClose: () => void }) {
  const { t } = useTranslation();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="dialog__backdrop">
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="password-dialog-title" data-testid="password-dialog">
        <h2 id="password-dialog-title">{t('password.title')}</h2>
        <PasswordChangeForm username={username} onChanged={onChanged} onCancel={onClose} />
      </div>
    </div>
  );
}
