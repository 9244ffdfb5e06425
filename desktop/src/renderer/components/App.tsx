import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeResponse } from '@argus/shared';
import { api } from '../api/apiClient.js';
import { toApiError } from '../api/apiError.js';
import type { LoginNotice } from '../sessionNotice.js';
import { LoginPage } from './LoginPage.js';
import { PasswordRequiredPage } from './PasswordChange.js';
import { Shell } from './Shell.js';

type AuthState =
  | { status: 'checking' }
  | { status: 'anonymous'; notice: LoginNotice | null }
  /** `login` numbers the logins of this page, so every login starts a fresh shell (and wall connection). */
  | { status: 'signedIn'; me: MeResponse; login: number };

/**
 * The app: asks the server who is logged in (`GET /api/auth/me`: the HttpOnly session cookie
 * survives a reload), then shows the login page or the shell. Any sign that the session
 * ended (the SFU's `sessionEnded`, a refused connection, a 401 from the API, the expiry time)
 * returns to the login page with the reason. While the server says the user must choose a
 * new password (`mustChangePassword` at login or from `me`, or any call answered
 * `password-change-required`), the 请先设置新密码 page replaces the views; once the password
 * is changed, the user's views follow (with the session as `me` then describes it).
 */
export function App() {
  const { t } = useTranslation();
  const [auth, setAuth] = useState<AuthState>({ status: 'checking' });
  const logins = useRef(0);
  const loggingOut = useRef(false);

  const signIn = useCallback((me: MeResponse) => setAuth({ status: 'signedIn', me, login: ++logins.current }), []);
  /** The session ended under us; ignored while logging out here (the SFU tells this wall too) and when already out. */
  const ended = useCallback((notice: LoginNotice) => {
    if (loggingOut.current) return;
    setAuth((previous) => (previous.status === 'signedIn' ? { status: 'anonymous', notice } : previous));
  }, []);

  useEffect(() => {
    let current = true;
    api.me().then(
      (me) => current && signIn(me),
      (error: unknown) => current && setAuth({ status: 'anonymous', notice: toApiError(error).code === 'unauthenticated' ? null : 'unreachable' }),
    );
    return () => {
      current = false;
    };
  }, [signIn]);

  /** The server wants a new password first (a call was refused for it): leave the views for the password page. */
  const requirePasswordChange = useCallback(() => {
    setAuth((previous) => (previous.status === 'signedIn' && !previous.me.mustChangePassword ? { ...previous, me: { ...previous.me, mustChangePassword: true } } : previous));
  }, []);

  /** The new password is set: continue to the user's views, as the server now describes the session. */
  const passwordChanged = useCallback(async () => {
    try {
      signIn(await api.me());
    } catch (error) {
      if (toApiError(error).code === 'unauthenticated') ended('expired');
      // No answer: go on with what is known; the shell checks the session again itself.
      else setAuth((previous) => (previous.status === 'signedIn' ? { status: 'signedIn', me: { ...previous.me, mustChangePassword: false }, login: ++logins.current } : previous));
    }
  }, [signIn, ended]);

  useEffect(() => {
    api.onUnauthenticated = () => ended('expired');
    api.onPasswordChangeRequired = requirePasswordChange;
    return () => {
      api.onUnauthenticated = null;
      api.onPasswordChangeRequired = null;
    };
  }, [ended, requirePasswordChange]);

  const logout = useCallback(async () => {
    loggingOut.current = true;
    try {
      await api.logout();
      setAuth({ status: 'anonymous', notice: 'logged-out' });
    } finally {
      loggingOut.current = false;
    }
  }, []);

  switch (auth.status) {
    case 'checking':
      return (
        <div className="login">
          <p className="login__checking" data-testid="session-checking">
            {t('app.checking')}
          </p>
        </div>
      );
    case 'anonymous':
      return <LoginPage notice={auth.notice} onLoggedIn={signIn} />;
    case 'signedIn':
      if (auth.me.mustChangePassword) return <PasswordRequiredPage me={auth.me} onChanged={passwordChanged} onLogout={logout} />;
      return <Shell key={auth.login} me={auth.me} onEnded={ended} onLogout={logout} onPasswordChangeRequired={requirePasswordChange} />;
  }
}
