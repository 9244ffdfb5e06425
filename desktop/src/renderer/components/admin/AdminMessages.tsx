import { LoadStatus } from '../LoadStatus.js';
import type { ApiLoad } from '../useApiLoad.js';

/**
 * What an admin tab tells the operator above its forms and table: the loading state and load
 * failure of each of `loads`, a row action's `error` (`admin-error`) and `notice` (`admin-notice`).
 */
export function AdminMessages({ loads = [], error, notice }: { loads?: ReadonlyArray<ApiLoad<unknown>>; error: string | null; notice?: string | null }) {
  return (
    <>
      {loads.map((load, i) => (
        <LoadStatus key={i} load={load} />
      ))}
      {error && (
        <p className="page__error" role="alert" data-testid="admin-error">
          {error}
        </p>
      )}
      {notice && (
        <p className="page__notice" role="status" data-testid="admin-notice">
          {notice}
        </p>
      )}
    </>
  );
}
