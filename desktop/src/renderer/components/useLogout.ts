import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeApiError } from './apiErrorText.js';

/**
 * Logging out from a button: `logout()` calls `onLogout` once, `loggingOut` is true meanwhile,
 * and `error` holds a translated message when the server could not be reached (the button is
 * usable again then).
 */
export function useLogout(onLogout: () => Promise<void>): { logout: () => void; loggingOut: boolean; error: string | null } {
  const { t } = useTranslation();
  const [loggingOut, setLoggingOut] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const logout = () => {
    setLoggingOut(true);
    setError(null);
    onLogout().catch((failure: unknown) => {
      setLoggingOut(false);
      setError(t('toolbar.logoutFailed', { message: describeApiError(t, failure) }));
    });
  };
  return { logout, loggingOut, error };
}
