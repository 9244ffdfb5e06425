import { beforeAll, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from '../../desktop/src/renderer/locales/en.js';
import { DataTable, type Column } from '../../desktop/src/renderer/components/DataTable.js';
import { CrudTab } from '../../desktop/src/renderer/components/admin/CrudTab.js';
import type { ApiLoad } from '../../desktop/src/renderer/components/useApiLoad.js';

interface Row {
  id: string;
  name: string;
}

const ROWS: Row[] = [
  { id: 'a', name: 'Alpha' },
  { id: 'b', name: 'Beta' },
];
const COLUMNS: Array<Column<Row>> = [
  { header: 'Id', className: 'mono', cell: (row) => row.id },
  { header: 'Name', attributes: (row) => ({ 'data-value': row.name }), cell: (row) => row.name },
];

const load = (data: Row[] | undefined, extra: Partial<ApiLoad<Row[]>> = {}): ApiLoad<Row[]> => ({ data, error: null, loading: false, reload: () => {}, ...extra });

beforeAll(async () => {
  await i18next.use(initReactI18next).init({ lng: 'en', resources: { en: { translation: en } }, interpolation: { escapeValue: false } });
});

describe('DataTable', () => {
  it('heads the columns, marks rows with the prefix and id, and puts the actions last', () => {
    const html = renderToStaticMarkup(createElement(DataTable<Row>, { testId: 't', columns: COLUMNS, rows: ROWS, rowId: (r) => r.id, rowTestIdPrefix: 'thing', actions: (r) => `act-${r.id}`, emptyText: 'none' }));
    expect(html).toBe(
      '<table class="table" data-testid="t"><thead><tr><th>Id</th><th>Name</th><th>Actions</th></tr></thead><tbody>' +
        '<tr data-testid="thing-row-a"><td class="mono">a</td><td data-value="Alpha">Alpha</td><td class="table__actions">act-a</td></tr>' +
        '<tr data-testid="thing-row-b"><td class="mono">b</td><td data-value="Beta">Beta</td><td class="table__actions">act-b</td></tr></tbody></table>',
    );
  });

  it('fills an empty list with one row spanning every column, only when told what to say', () => {
    const props = { testId: 't', columns: COLUMNS, rows: [] as Row[], rowId: (r: Row) => r.id, rowTestIdPrefix: 'thing' };
    expect(renderToStaticMarkup(createElement(DataTable<Row>, { ...props, emptyText: 'none' }))).toContain('<tbody><tr><td colSpan="2" class="table__empty">none</td></tr></tbody>');
    expect(renderToStaticMarkup(createElement(DataTable<Row>, { ...props, emptyText: 'none', actions: () => null }))).toContain('colSpan="3"');
    expect(renderToStaticMarkup(createElement(DataTable<Row>, props))).toContain('<tbody></tbody>');
    expect(renderToStaticMarkup(createElement(DataTable<Row>, { ...props, rows: undefined, emptyText: 'none' }))).toContain('<tbody></tbody>');
  });

  it('passes the class, aria-busy and row attributes through', () => {
    const html = renderToStaticMarkup(
      createElement(DataTable<Row>, { testId: 't', className: 'table x', busy: true, columns: COLUMNS, rows: ROWS.slice(0, 1), rowId: (r) => r.id, rowTestIdPrefix: 'thing', rowAttributes: (r) => ({ className: 'off', 'data-name': r.name }) }),
    );
    expect(html).toContain('<table class="table x" data-testid="t" aria-busy="true">');
    expect(html).toContain('<tr data-testid="thing-row-a" class="off" data-name="Alpha">');
  });
});

describe('CrudTab', () => {
  const tab = (list: ApiLoad<Row[]>, extra: object = {}) =>
    renderToStaticMarkup(
      createElement(CrudTab<Row>, {
        testId: 'things-tab',
        tableTestId: 'things-table',
        rowTestIdPrefix: 'thing',
        create: { testId: 'thing-new', label: 'New thing' },
        list,
        columns: COLUMNS,
        deleteQuestion: (r) => `Delete ${r.name}?`,
        onDelete: async () => {},
        renderForm: () => null,
        ...extra,
      }),
    );

  it('shows the create and reload buttons, and edit and delete in each row', () => {
    const html = tab(load(ROWS));
    expect(html).toContain('<section class="admin__tab" data-testid="things-tab"><div class="admin__actions"><button type="button" class="primary" data-testid="thing-new">New thing</button><button type="button" data-testid="reload">Reload</button></div>');
    expect(html).toContain('<tr data-testid="thing-row-b"><td class="mono">b</td><td data-value="Beta">Beta</td><td class="table__actions"><button type="button" data-testid="row-edit">Edit</button><button type="button" class="danger" data-testid="row-delete">Delete</button></td></tr>');
    expect(html).not.toContain('admin-error');
  });

  it('says when the list is empty, loading or failed to load', () => {
    expect(tab(load([]))).toContain('class="table__empty">');
    expect(tab(load(undefined, { loading: true }))).toContain('<p class="page__hint">');
    expect(tab(load(undefined, { error: new Error('boom') }))).toContain('data-testid="load-error"');
  });

  it('passes the create button’s state and extra action-bar content through', () => {
    const html = tab(load([]), { create: { testId: 'thing-new', label: 'New thing', disabled: true, title: 'why' }, children: 'hint' });
    expect(html).toContain('<button type="button" class="primary" data-testid="thing-new" disabled="" title="why">New thing</button><button type="button" data-testid="reload">Reload</button>hint</div>');
  });
});
