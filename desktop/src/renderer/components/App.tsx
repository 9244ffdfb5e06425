import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeResponse } from '@argus/shared';
import { api } from '../api/apiClient.js';
import { toApiError } from '../api/apiError.js';
import type { LoginNotice } from '../sessionNotice.js';
import { LoginPage } from './LoginPage.js';
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
 * returns to the login page with the reason.
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

  useEffect(() => {
    api.onUnauthenticated = () => ended('expired');
    return () => {
      api.onUnauthenticated = null;
    };
  }, [ended]);

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
      return <Shell key={auth.login} me={auth.me} onEnded={ended} onLogout={logout} />;
  }
}
