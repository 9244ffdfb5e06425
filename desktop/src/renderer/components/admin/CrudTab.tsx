import { Fragment, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { DataTable, type Column, type ExtraAttributes } from '../DataTable.js';
import type { ApiLoad } from '../useApiLoad.js';
import { AdminActions, type CreateAction } from './AdminActions.js';
import { AdminMessages } from './AdminMessages.js';
import { RowDeleteButton, RowEditButton } from './RowButtons.js';
import { useAdminTab } from './useAdminTab.js';
import type { FormDone } from './useRowSave.js';

/**
 * An admin tab over one list with create, edit and delete: the action bar (the create button
 * `create.testId`, `reload` calling `onReload`, default `list.reload`, then `children`), the
 * load states of `loads` (default just `list`) and the delete error (`admin-error`), the open
 * form (`renderForm(row, done)`, row null for a new one), and the table (`tableTestId`; rows
 * `${rowTestIdPrefix}-row-${id}` with `row-edit` and `row-delete`, which asks `deleteQuestion`
 * and then calls `onDelete`, showing a failure and reloading the list either way).
 * `rowActions` adds a row's own buttons before those two; `panel` shows below the form (e.g.
 * a row's details opened by one of those buttons).
 */
export function CrudTab<T extends { id: string }>({
  testId,
  tableTestId,
  rowTestIdPrefix,
  create,
  list,
  loads = [list],
  onReload = list.reload,
  columns,
  rowAttributes,
  deleteQuestion,
  onDelete,
  renderForm,
  rowActions,
  panel,
  children,
}: {
  testId: string;
  tableTestId: string;
  rowTestIdPrefix: string;
  create: Omit<CreateAction, 'onClick'>;
  list: ApiLoad<T[]>;
  loads?: ReadonlyArray<ApiLoad<unknown>>;
  onReload?: () => void;
  columns: ReadonlyArray<Column<T>>;
  rowAttributes?: (row: T) => ExtraAttributes;
  deleteQuestion: (row: T) => string;
  onDelete: (row: T) => Promise<unknown>;
  renderForm: (row: T | null, done: FormDone) => ReactNode;
  rowActions?: (row: T) => ReactNode;
  panel?: ReactNode;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const tab = useAdminTab<T | 'new'>(list.reload);
  return (
    <section className="admin__tab" data-testid={testId}>
      <AdminActions create={{ ...create, onClick: () => tab.edit('new') }} onReload={onReload}>
        {children}
      </AdminActions>
      <AdminMessages loads={loads} error={tab.error} />
      {tab.editing !== null && (
        <Fragment key={tab.editing === 'new' ? 'new' : tab.editing.id}>{renderForm(tab.editing === 'new' ? null : tab.editing, { onDone: tab.close, onSaved: tab.saved })}</Fragment>
      )}
      {panel}
      <DataTable
        testId={tableTestId}
        columns={columns}
        rows={list.data}
        rowId={(row) => row.id}
        rowTestIdPrefix={rowTestIdPrefix}
        rowAttributes={rowAttributes}
        emptyText={t('common.empty')}
        actions={(row) => (
          <>
            {rowActions?.(row)}
            <RowEditButton onClick={() => tab.edit(row)} />
            <RowDeleteButton question={deleteQuestion(row)} onConfirm={() => void tab.act(() => onDelete(row))} />
          </>
        )}
      />
    </section>
  );
}
