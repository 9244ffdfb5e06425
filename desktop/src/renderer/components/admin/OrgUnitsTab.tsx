import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { orgUnitCreate, orgUnitUpdate, type OrgLevel, type OrgUnit } from '@argus/shared';
import { api } from '../../api/apiClient.js';
import { toApiError } from '../../api/apiError.js';
import { validateBody } from '../../api/formErrors.js';
import { childIdPrefix, childLevels, flattenOrgTree, orgIdLength } from '../../orgTree.js';
import { describeApiError } from '../apiErrorText.js';
import { ConfirmButton } from '../ConfirmButton.js';
import { Field, FormButtons, FormErrorList, useFormSubmit } from '../FormParts.js';
import type { AdminContext } from './AdminPage.js';

type Editing = { kind: 'create'; parent: OrgUnit } | { kind: 'rename'; unit: OrgUnit } | null;

/**
 * The org tree of the administrator's subtree: create a child unit, rename, delete (the
 * server refuses with 409 while anything still belongs to the unit; the reason is shown).
 * Rows: `org-unit-row-${id}` with `row-add-child`, `row-rename`, `row-delete` (+`-confirm`).
 */
export function OrgUnitsTab({ me, orgUnits, onOrgUnitsChanged }: AdminContext) {
  const { t } = useTranslation();
  const rows = useMemo(() => flattenOrgTree(orgUnits), [orgUnits]);
  const [editing, setEditing] = useState<Editing>(null);
  const [error, setError] = useState<string | null>(null);

  const remove = async (unit: OrgUnit) => {
    setError(null);
    try {
      await api.deleteOrgUnit(unit.id);
      await onOrgUnitsChanged();
    } catch (e) {
      const failure = toApiError(e);
      setError(failure.code === 'conflict' ? t('orgUnits.deleteConflict', { name: unit.name, message: failure.message }) : describeApiError(t, failure));
    }
  };

  return (
    <section className="admin__tab" data-testid="org-units-tab">
      <div className="admin__actions">
        <button type="button" data-testid="reload" onClick={() => void onOrgUnitsChanged()}>
          {t('common.reload')}
        </button>
      </div>
      {error && (
        <p className="page__error" role="alert" data-testid="admin-error">
          {error}
        </p>
      )}
      {editing?.kind === 'create' && (
        <OrgUnitCreateForm
          parent={editing.parent}
          onDone={() => setEditing(null)}
          onSaved={async () => {
            setEditing(null);
            await onOrgUnitsChanged();
          }}
        />
      )}
      {editing?.kind === 'rename' && (
        <OrgUnitRenameForm
          unit={editing.unit}
          onDone={() => setEditing(null)}
          onSaved={async () => {
            setEditing(null);
            await onOrgUnitsChanged();
          }}
        />
      )}
      <table className="table" data-testid="org-units-table">
        <thead>
          <tr>
            <th>{t('orgUnits.name')}</th>
            <th>{t('orgUnits.id')}</th>
            <th>{t('orgUnits.level')}</th>
            <th>{t('common.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ unit, depth }) => {
            const own = unit.id === me.user.orgUnitId;
            return (
              <tr key={unit.id} data-testid={`org-unit-row-${unit.id}`}>
                <td>
                  <span className="tree__name" style={{ paddingLeft: `${depth * 1.5}em` }}>
                    {depth > 0 ? <span className="tree__branch">└ </span> : null}
                    {unit.name}
                    {own ? <span className="badge">{t('orgUnits.ownUnit')}</span> : null}
                  </span>
                </td>
                <td className="mono">{unit.id}</td>
                <td>{t(`orgLevels.${unit.level}`)}</td>
                <td className="table__actions">
                  {childLevels(unit.level).length > 0 && (
                    <button type="button" data-testid="row-add-child" onClick={() => setEditing({ kind: 'create', parent: unit })}>
                      {t('orgUnits.addChild')}
                    </button>
                  )}
                  <button type="button" data-testid="row-rename" onClick={() => setEditing({ kind: 'rename', unit })}>
                    {t('orgUnits.rename')}
                  </button>
                  {!own && <ConfirmButton testId="row-delete" label={t('common.delete')} question={t('orgUnits.deleteQuestion', { name: unit.name })} onConfirm={() => void remove(unit)} />}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** New child of `parent`: its level (below the parent's), division code and name. */
function OrgUnitCreateForm({ parent, onDone, onSaved }: { parent: OrgUnit; onDone: () => void; onSaved: () => Promise<void> }) {
  const { t } = useTranslation();
  const levels = childLevels(parent.level);
  const [level, setLevel] = useState<OrgLevel>(levels[0] ?? 'township');
  const [id, setId] = useState(() => childIdPrefix(parent));
  const [name, setName] = useState('');
  const { busy, errors, setErrors, submit } = useFormSubmit();

  const save = (event: FormEvent) => {
    event.preventDefault();
    const checked = validateBody(orgUnitCreate, { id: id.trim(), parentId: parent.id, level, name });
    if (!checked.ok) return setErrors(checked.errors);
    void submit(async () => {
      await api.createOrgUnit(checked.data);
      await onSaved();
    });
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
      <FormButtons busy={busy} onCancel={onDone} />
    </form>
  );
}

/** A unit's new name. */
function OrgUnitRenameForm({ unit, onDone, onSaved }: { unit: OrgUnit; onDone: () => void; onSaved: () => Promise<void> }) {
  const { t } = useTranslation();
  const [name, setName] = useState(unit.name);
  const { busy, errors, setErrors, submit } = useFormSubmit();

  const save = (event: FormEvent) => {
    event.preventDefault();
    const checked = validateBody(orgUnitUpdate, { name });
    if (!checked.ok) return setErrors(checked.errors);
    if (checked.data.name === unit.name) return onDone();
    void submit(async () => {
      await api.updateOrgUnit(unit.id, checked.data);
      await onSaved();
    });
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
      <FormButtons busy={busy} onCancel={onDone} />
    </form>
  );
}
