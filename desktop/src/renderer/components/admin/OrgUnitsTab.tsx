import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { orgUnitCreate, orgUnitUpdate, type OrgLevel, type OrgUnit } from '@argus/shared';
import { api } from '../../api/apiClient.js';
import { toApiError } from '../../api/apiError.js';
import { childIdPrefix, childLevels, flattenOrgTree, orgIdLength, type OrgTreeRow } from '../../orgTree.js';
import { describeApiError } from '../apiErrorText.js';
import { DataTable, type Column } from '../DataTable.js';
import { Field, FormButtons, FormErrorList } from '../FormParts.js';
import { AdminActions } from './AdminActions.js';
import { AdminMessages } from './AdminMessages.js';
import type { AdminContext } from './AdminPage.js';
import { RowDeleteButton } from './RowButtons.js';
import { useAdminTab } from './useAdminTab.js';
import { useRowSave, type FormDone } from './useRowSave.js';

type Editing = { kind: 'create'; parent: OrgUnit } | { kind: 'rename'; unit: OrgUnit };

/**
 * The org tree of the administrator's subtree: create a child unit, rename, delete (the
 * server refuses with 409 while anything still belongs to the unit; the reason is shown).
 * Rows: `org-unit-row-${id}` with `row-add-child`, `row-rename`, `row-delete` (+`-confirm`).
 */
export function OrgUnitsTab({ me, orgUnits, onOrgUnitsChanged }: AdminContext) {
  const { t } = useTranslation();
  const rows = useMemo(() => flattenOrgTree(orgUnits), [orgUnits]);
  const { editing, edit, close, saved, error, act } = useAdminTab<Editing>(onOrgUnitsChanged, { reloadOnFailure: false });
  const isOwn = (unit: OrgUnit) => unit.id === me.user.orgUnitId;
  const columns: Array<Column<OrgTreeRow>> = [
    {
      header: t('orgUnits.name'),
      cell: ({ unit, depth }) => (
        <span className="tree__name" style={{ paddingLeft: `${depth * 1.5}em` }}>
          {depth > 0 ? <span className="tree__branch">└ </span> : null}
          {unit.name}
          {isOwn(unit) ? <span className="badge">{t('orgUnits.ownUnit')}</span> : null}
        </span>
      ),
    },
    { header: t('orgUnits.id'), className: 'mono', cell: ({ unit }) => unit.id },
    { header: t('orgUnits.level'), cell: ({ unit }) => t(`orgLevels.${unit.level}`) },
  ];
  const remove = (unit: OrgUnit) =>
    act(
      () => api.deleteOrgUnit(unit.id),
      (e) => {
        const failure = toApiError(e);
        return failure.code === 'conflict' ? t('orgUnits.deleteConflict', { name: unit.name, message: failure.message }) : describeApiError(t, failure);
      },
    );

  return (
    <section className="admin__tab" data-testid="org-units-tab">
      <AdminActions onReload={() => void onOrgUnitsChanged()} />
      <AdminMessages error={error} />
      {editing?.kind === 'create' && <OrgUnitCreateForm parent={editing.parent} onDone={close} onSaved={saved} />}
      {editing?.kind === 'rename' && <OrgUnitRenameForm unit={editing.unit} onDone={close} onSaved={saved} />}
      <DataTable
        testId="org-units-table"
        columns={columns}
        rows={rows}
        rowId={({ unit }) => unit.id}
        rowTestIdPrefix="org-unit"
        actions={({ unit }) => (
          <>
            {childLevels(unit.level).length > 0 && (
              <button type="button" data-testid="row-add-child" onClick={() => edit({ kind: 'create', parent: unit })}>
                {t('orgUnits.addChild')}
              </button>
            )}
            <button type="button" data-testid="row-rename" onClick={() => edit({ kind: 'rename', unit })}>
              {t('orgUnits.rename')}
            </button>
            {!isOwn(unit) && <RowDeleteButton question={t('orgUnits.deleteQuestion', { name: unit.name })} onConfirm={() => void remove(unit)} />}
          </>
        )}
      />
    </section>
  );
}

/** New child of `parent`: its level (below the parent's), division code and name. */
function OrgUnitCreateForm({ parent, ...done }: { parent: OrgUnit } & FormDone) {
  const { t } = useTranslation();
  const levels = childLevels(parent.level);
  const [level, setLevel] = useState<OrgLevel>(levels[0] ?? 'township');
  const [id, setId] = useState(() => childIdPrefix(parent));
  const [name, setName] = useState('');
  const { busy, errors, create } = useRowSave(done);

  const save = (event: FormEvent) => {
    event.preventDefault();
    create(orgUnitCreate, { id: id.trim(), parentId: parent.id, level, name }, (body) => api.createOrgUnit(body));
  };

  return (
    <form className="form admin__panel" data-testid="org-unit-form" onSubmit={save} noValidate>
      <h3>{t('orgUnits.createTitle', { parent: parent.name })}</h3>
      <FormErrorList errors={errors} inline={['id', 'level', 'name', 'parentId']} />
      <div className="form__row">
        <Field label={t('orgUnits.parent')} path="parentId" errors={errors}>
          <input value={`${parent.name} (${parent.id})`} disabled />
        </Field>
        <Field label={t('orgUnits.level')} path="level" errors={errors}>
          <select data-testid="field-level" value={level} onChange={(e) => setLevel(e.target.value as OrgLevel)}>
            {levels.map((l) => (
              <option key={l} value={l}>
                {t(`orgLevels.${l}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('orgUnits.id')} path="id" errors={errors} hint={t('orgUnits.idHint', { digits: orgIdLength(level) })}>
          <input data-testid="field-id" className="mono" inputMode="numeric" maxLength={9} value={id} onChange={(e) => setId(e.target.value)} />
        </Field>
        <Field label={t('orgUnits.name')} path="name" errors={errors}>
          <input data-testid="field-name" value={name} onChange={(e) => setName(e.target.value)} autoFocus />
        </Field>
      </div>
      <FormButtons busy={busy} onCancel={done.onDone} />
    </form>
  );
}

/** A unit's new name. */
function OrgUnitRenameForm({ unit, ...done }: { unit: OrgUnit } & FormDone) {
  const { t } = useTranslation();
  const [name, setName] = useState(unit.name);
  const { busy, errors, update } = useRowSave(done);

  const save = (event: FormEvent) => {
    event.preventDefault();
    update(orgUnitUpdate, { name }, (patch) => api.updateOrgUnit(unit.id, patch), (patch) => patch.name === unit.name);
  };

  return (
    <form className="form admin__panel" data-testid="org-unit-form" onSubmit={save} noValidate>
      <h3>{t('orgUnits.renameTitle', { name: unit.name })}</h3>
      <FormErrorList errors={errors} inline={['name']} />
      <div className="form__row">
        <Field label={t('orgUnits.name')} path="name" errors={errors}>
          <input data-testid="field-name" value={name} onChange={(e) => setName(e.target.value)} autoFocus />
        </Field>
      </div>
      <FormButtons busy={busy} onCancel={done.onDone} />
    </form>
  );
}
