import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { centreCreate, centreUpdate, type CommandCentre } from '@argus/shared';
import { api } from '../../api/apiClient.js';
import { validateBody } from '../../api/formErrors.js';
import { orgUnitNames } from '../../orgTree.js';
import { changedFields } from '../../patch.js';
import { describeApiError } from '../apiErrorText.js';
import { ConfirmButton } from '../ConfirmButton.js';
import { Field, FormButtons, FormErrorList, useFormSubmit } from '../FormParts.js';
import { LoadStatus } from '../LoadStatus.js';
import { OrgUnitSelect } from '../OrgUnitSelect.js';
import { useApiLoad } from '../useApiLoad.js';
import type { AdminContext } from './AdminPage.js';

/** Command centres (指挥中心): list, create, edit, delete. Rows: `centre-row-${id}` with `row-edit`, `row-delete`. */
export function CentresTab({ me, orgUnits }: AdminContext) {
  const { t } = useTranslation();
  const list = useApiLoad(() => api.listCentres(), []);
  const names = useMemo(() => orgUnitNames(orgUnits), [orgUnits]);
  const [editing, setEditing] = useState<CommandCentre | 'new' | null>(null);
  const [error, setError] = useState<string | null>(null);

  const remove = async (centre: CommandCentre) => {
    setError(null);
    try {
      await api.deleteCentre(centre.id);
    } catch (e) {
      setError(describeApiError(t, e));
    }
    list.reload();
  };
  const saved = () => {
    setEditing(null);
    list.reload();
  };

  return (
    <section className="admin__tab" data-testid="centres-tab">
      <div className="admin__actions">
        <button type="button" className="primary" data-testid="centre-new" onClick={() => setEditing('new')}>
          {t('centres.create')}
        </button>
        <button type="button" data-testid="reload" onClick={list.reload}>
          {t('common.reload')}
        </button>
      </div>
      <LoadStatus load={list} />
      {error && (
        <p className="page__error" role="alert" data-testid="admin-error">
          {error}
        </p>
      )}
      {editing !== null && (
        <CentreForm key={editing === 'new' ? 'new' : editing.id} centre={editing === 'new' ? null : editing} defaultOrgUnitId={me.user.orgUnitId} orgUnits={orgUnits} onDone={() => setEditing(null)} onSaved={saved} />
      )}
      <table className="table" data-testid="centres-table">
        <thead>
          <tr>
            <th>{t('centres.id')}</th>
            <th>{t('centres.name')}</th>
            <th>{t('centres.orgUnit')}</th>
            <th>{t('common.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.length === 0 && (
            <tr>
              <td colSpan={4} className="table__empty">
                {t('common.empty')}
              </td>
            </tr>
          )}
          {list.data?.map((centre) => (
            <tr key={centre.id} data-testid={`centre-row-${centre.id}`}>
              <td className="mono">{centre.id}</td>
              <td>{centre.name}</td>
              <td>{names.get(centre.orgUnitId) ?? centre.orgUnitId}</td>
              <td className="table__actions">
                <button type="button" data-testid="row-edit" onClick={() => setEditing(centre)}>
                  {t('common.edit')}
                </button>
                <ConfirmButton testId="row-delete" label={t('common.delete')} question={t('centres.deleteQuestion', { name: centre.name })} onConfirm={() => void remove(centre)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function CentreForm({
  centre,
  defaultOrgUnitId,
  orgUnits,
  onDone,
  onSaved,
}: {
  centre: CommandCentre | null;
  defaultOrgUnitId: string;
  orgUnits: AdminContext['orgUnits'];
  onDone: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [id, setId] = useState(centre?.id ?? '');
  const [name, setName] = useState(centre?.name ?? '');
  const [orgUnitId, setOrgUnitId] = useState(centre?.orgUnitId ?? defaultOrgUnitId);
  const { busy, errors, setErrors, submit } = useFormSubmit();

  const save = (event: FormEvent) => {
    event.preventDefault();
    if (centre === null) {
      const checked = validateBody(centreCreate, { id: id.trim(), name, orgUnitId });
      if (!checked.ok) return setErrors(checked.errors);
      void submit(async () => {
        await api.createCentre(checked.data);
        onSaved();
      });
    } else {
      const checked = validateBody(centreUpdate, changedFields(centre, { name: name.trim(), orgUnitId }));
      if (!checked.ok) return setErrors(checked.errors);
      if (Object.keys(checked.data).length === 0) return onDone();
      void submit(async () => {
        await api.updateCentre(centre.id, checked.data);
        onSaved();
      });
    }
  };

  return (
    <form className="form admin__panel" data-testid="centre-form" onSubmit={save} noValidate>
      <h3>{centre ? t('centres.editTitle', { name: centre.name }) : t('centres.createTitle')}</h3>
      <FormErrorList errors={errors} inline={['id', 'name', 'orgUnitId']} />
      <div className="form__row">
        <Field label={t('centres.id')} path="id" errors={errors}>
          <input data-testid="field-id" className="mono" value={id} disabled={centre !== null} onChange={(e) => setId(e.target.value)} />
        </Field>
        <Field label={t('centres.name')} path="name" errors={errors}>
          <input data-testid="field-name" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label={t('centres.orgUnit')} path="orgUnitId" errors={errors}>
          <OrgUnitSelect testId="field-orgUnitId" units={orgUnits} value={orgUnitId} onChange={setOrgUnitId} />
        </Field>
      </div>
      <FormButtons busy={busy} onCancel={onDone} />
    </form>
  );
}
