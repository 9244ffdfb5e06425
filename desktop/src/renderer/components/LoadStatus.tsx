import { useTranslation } from 'react-i18next';
import { describeApiError } from './apiErrorText.js';
import type { ApiLoad } from './useApiLoad.js';

/** A list's loading state and load failure, with a reload button. */
export function LoadStatus({ load }: { load: ApiLoad<unknown> }) {
  const { t } = useTranslation();
  if (load.error) {
    return (
      <p className="page__error" role="alert" data-testid="load-error">
        {describeApiError(t, load.error)}{' '}
        <button type="button" onClick={load.reload}>
          {t('common.reload')}
        </button>
      </p>
    );
  }
  if (load.loading && load.data === undefined) return <p className="page__hint">{t('common.loading')}</p>;
  return null;
}
