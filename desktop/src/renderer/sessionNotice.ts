/**
 * Why the login page is shown after a session, as the login page explains it:
 * - `expired`: the session ran out (or the server no longer knows it);
 * - `logout-elsewhere`: the same session was logged out from another window;
 * - `revoked`: an administrator changed the account (password, roles, org unit, disabled) or deleted it;
 * - `forbidden`: the account may not watch video although the wall asked to;
 * - `logged-out`: the user logged out here;
 * - `unreachable`: the server did not answer the session check at start.
 */
export type LoginNotice = 'expired' | 'logout-elsewhere' | 'revoked' | 'forbidden' | 'logged-out' | 'unreachable';

/** The notice for the SFU's `sessionEnded` event. */
export function noticeForSessionEnd(reason: 'logout' | 'expired' | 'revoked'): LoginNotice {
  switch (reason) {
    case 'logout':
      return 'logout-elsewhere';
    case 'revoked':
      return 'revoked';
    default:
      return 'expired';
  }
}

/**
 * The notice for a signalling connection the SFU refused (`connect_error` message), or null
 * when the refusal is not about the session (the wall then retries).
 */
export function noticeForRefusal(message: string): LoginNotice | null {
  if (message === 'unauthenticated') return 'expired';
  if (message === 'forbidden') return 'forbidden';
  return null;
}
