import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeResponse } from '@argus/shared';
import { api } from '../api/apiClient.js';
import { toApiError, type ApiError } from '../api/apiError.js';
import type { LoginNotice } from '../sessionNotice.js';
import { describeApiError, describeWait } from './apiErrorText.js';
import { LanguageSelect } from './LanguageSelect.js';

/** Seconds left until `until` (epoch ms), updated every quarter second; 0 once passed or without a wait. */
function useCountdown(until: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === null) return;
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), 250);
    return () => window.clearInterval(timer);
  }, [until]);
  return until === null ? 0 : Math.max(0, Math.ceil((until - now) / 1000));
}

/**
 * The login page (登录): username and password. Explains why it is shown (`notice`: session
 * expired, logged out elsewhere, ...) and why a login failed: wrong username or password,
 * too many attempts (with a countdown; the button waits too), or no server.
 *
 * Test hooks: `login-form`, `login-username`, `login-password`, `login-submit`, `login-error`
 * (with `data-code`), `login-notice` (with `data-notice`).
 */
export function LoginPage({ notice, onLoggedIn }: { notice: LoginNotice | null; onLoggedIn: (me: MeResponse) => void }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [waitUntil, setWaitUntil] = useState<number | null>(null);
  const secondsLeft = useCountdown(waitUntil);
  const passwordRef = useRef<HTMLInputElement>(null);

  // The wait is over: the rate-limit message has done its job.
  useEffect(() => {
    if (waitUntil !== null && secondsLeft === 0) {
      setWaitUntil(null);
      setError((e) => (e?.code === 'rate-limited' ? null : e));
    }
  }, [waitUntil, secondsLeft]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || waitUntil !== null) return;
    setBusy(true);
    setError(null);
    try {
      const { expiresAt, user, permissions, mustChangePassword } = await api.login({ username: username.trim(), password });
      // The token in the answer is not kept: the HttpOnly cookie carries the session.
      onLoggedIn({ expiresAt, user, permissions, mustChangePassword: mustChangePassword === true });
    } catch (e) {
      const failure = toApiError(e);
      setError(failure);
      if (failure.code === 'rate-limited' && failure.retryAfter !== null && failure.retryAfter > 0) setWaitUntil(Date.now() + failure.retryAfter * 1000);
      setPassword('');
      passwordRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  let errorText: string | null = null;
  if (error) {
    switch (error.code) {
      case 'unauthenticated':
        errorText = t('login.errors.invalid');
        break;
      case 'rate-limited':
        errorText = waitUntil !== null ? t('login.errors.rateLimited', { wait: describeWait(t, secondsLeft) }) : t('login.errors.rateLimitedNoWait');
        break;
      case 'unreachable':
        errorText = t('login.errors.unreachable');
        break;
      default:
        errorText = t('login.errors.other', { message: describeApiError(t, error) });
    }
  }

  return (
    <div className="login">
      <div className="login__language">
        <LanguageSelect />
      </div>
      <form className="login__form" data-testid="login-form" onSubmit={(e) => void submit(e)} noValidate>
        <h1>{t('app.title')}</h1>
        <h2>{t('login.title')}</h2>
        {notice && !error && (
          <p className={`login__notice login__notice--${notice}`} role="status" data-testid="login-notice" data-notice={notice}>
            {t(`login.notices.${notice}`)}
          </p>
        )}
        <label className="form__field">
          <span className="form__label">{t('login.username')}</span>
          <input data-testid="login-username" name="username" autoComplete="username" autoFocus required value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label className="form__field">
          <span className="form__label">{t('login.password')}</span>
          <input
            ref={passwordRef}
            data-testid="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {errorText && (
          <p className="login__error" role="alert" data-testid="login-error" data-code={error?.code}>
            {errorText}
          </p>
        )}
        <button type="submit" className="primary" data-testid="login-submit" disabled={busy || waitUntil !== null || username.trim() === '' || password === ''}>
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
    </div>
  );
}
