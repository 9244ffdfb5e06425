import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** Attributes a row or a cell carries besides its content: a class, a title, `data-*` hooks. */
export type ExtraAttributes = { className?: string; title?: string } & { [key: `data-${string}`]: string | undefined };

/** One column of a {@link DataTable}: its heading and how a row fills its cell. */
export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  /** The cell's class, the same in every row (e.g. `mono`). */
  className?: string;
  /** Attributes of the cell that depend on the row (e.g. `title`, `data-value`). */
  attributes?: (row: T) => ExtraAttributes;
}

/**
 * A table (`className`, default `table`; test hook `testId`) with a heading per column and a
 * row per entry of `rows` (nothing while they are undefined, i.e. still loading). Each row's
 * test hook is `${rowTestIdPrefix}-row-${rowId(row)}`, with `rowAttributes` on it. `actions`
 * adds a last column (common.actions) of the row's buttons; `emptyText`, when given, fills a
 * row of its own when `rows` is empty. `busy` sets `aria-busy`.
 */
export function DataTable<T>({
  testId,
  className = 'table',
  busy,
  columns,
  rows,
  rowId,
  rowTestIdPrefix,
  rowAttributes,
  actions,
  emptyText,
}: {
  testId: string;
  className?: string;
  busy?: boolean;
  columns: ReadonlyArray<Column<T>>;
  rows: readonly T[] | undefined;
  rowId: (row: T) => string | number;
  rowTestIdPrefix: string;
  rowAttributes?: (row: T) => ExtraAttributes;
  actions?: (row: T) => ReactNode;
  emptyText?: string;
}) {
  const { t } = useTranslation();
  return (
    <table className={className} data-testid={testId} aria-busy={busy}>
      <thead>
        <tr>
          {columns.map((column, i) => (
            <th key={i}>{column.header}</th>
          ))}
          {actions && <th>{t('common.actions')}</th>}
        </tr>
      </thead>
      <tbody>
        {emptyText !== undefined && rows?.length === 0 && (
          <tr>
            <td colSpan={columns.length + (actions ? 1 : 0)} className="table__empty">
              {emptyText}
            </td>
          </tr>
        )}
        {rows?.map((row) => (
          <tr key={rowId(row)} data-testid={`${rowTestIdPrefix}-row-${rowId(row)}`} {...rowAttributes?.(row)}>
            {columns.map((column, i) => (
              <td key={i} className={column.className} {...column.attributes?.(row)}>
                {column.cell(row)}
              </td>
            ))}
            {actions && <td className="table__actions">{actions(row)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
