import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** The create button of an {@link AdminActions} bar. */
export interface CreateAction {
  /** Test hook, e.g. `centre-new`. */
  testId: string;
  label: string;
  onClick: () => void;
  disabled?: boolean;
  title?: string;
}

/**
 * An admin tab's action bar: the create button (`create`, when the tab creates from here),
 * the reload button (`reload`, calls `onReload`), then `children` (e.g. a hint).
 */
export function AdminActions({ create, onReload, children }: { create?: CreateAction; onReload: () => void; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="admin__actions">
      {create && (
        <button type="button" className="primary" data-testid={create.testId} disabled={create.disabled} title={create.title} onClick={create.onClick}>
          {create.label}
        </button>
      )}
      <button type="button" data-testid="reload" onClick={onReload}>
        {t('common.reload')}
      </button>
      {children}
    </div>
  );
}
