import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeApiError } from '../apiErrorText.js';

/** What {@link useAdminTab} gives a tab. */
export interface AdminTab<E> {
  /** What the open form edits (e.g. a row, or `'new'`); null while no form is open. */
  editing: E | null;
  /** Opens the form for `what` (replacing any open one). */
  edit: (what: E) => void;
  /** Closes the form without saving. */
  close: () => void;
  /** After a form saved: closes it and reloads the list. */
  saved: () => Promise<void>;
  /** The last row action's failure, for the operator (`admin-error`). */
  error: string | null;
  /** A line about the last success worth telling (`admin-notice`). */
  notice: string | null;
  setNotice: (notice: string | null) => void;
  /**
   * Runs a row action (delete, enable/disable, ...): clears the error and the notice, shows a
   * failure as the error (`describe`, default the API error in the UI language), then reloads
   * the list (after a failure too, unless the tab said `reloadOnFailure: false`).
   */
  act: (action: () => Promise<unknown>, describe?: (error: unknown) => string) => Promise<void>;
}

/**
 * The state an admin tab keeps around its list: which form is open (`E`, e.g. `Row | 'new'`),
 * and the error and notice of row actions. `reload` loads the list again.
 */
export function useAdminTab<E>(reload: () => void | Promise<void>, { reloadOnFailure = true }: { reloadOnFailure?: boolean } = {}): AdminTab<E> {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<E | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const act = async (action: () => Promise<unknown>, describe = (e: unknown) => describeApiError(t, e)) => {
    setError(null);
    setNotice(null);
    try {
      await action();
    } catch (e) {
      setError(describe(e));
      if (!reloadOnFailure) return;
    }
    await reload();
  };
  const saved = async () => {
    setEditing(null);
    await reload();
  };
  return { editing, edit: setEditing, close: () => setEditing(null), saved, error, notice, setNotice, act };
}
