import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { centreCreate, centreUpdate, type CommandCentre } from '@argus/shared';
import { api } from '../../api/apiClient.js';
import { changedFields } from '../../patch.js';
import type { Column } from '../DataTable.js';
import { Field, FormButtons, FormErrorList } from '../FormParts.js';
import { OrgUnitSelect } from '../OrgUnitSelect.js';
import { useApiLoad } from '../useApiLoad.js';
import type { AdminContext } from './AdminPage.js';
import { CrudTab } from './CrudTab.js';
import { useOrgUnitName } from './useOrgUnitName.js';
import { useRowSave, type FormDone } from './useRowSave.js';

/** Command centres (指挥中心): list, create, edit, delete. Rows: `centre-row-${id}` with `row-edit`, `row-delete`. */
export function CentresTab({ me, orgUnits }: AdminContext) {
  const { t } = useTranslation();
  const list = useApiLoad(() => api.listCentres(), []);
  const orgUnitName = useOrgUnitName(orgUnits);
  const columns: Array<Column<CommandCentre>> = [
    { header: t('centres.id'), className: 'mono', cell: (centre) => centre.id },
    { header: t('centres.name'), cell: (centre) => centre.name },
    { header: t('centres.orgUnit'), cell: (centre) => orgUnitName(centre.orgUnitId) },
  ];
  return (
    <CrudTab
      testId="centres-tab"
      tableTestId="centres-table"
      rowTestIdPrefix="centre"
      create={{ testId: 'centre-new', label: t('centres.create') }}
      list={list}
      columns={columns}
      deleteQuestion={(centre) => t('centres.deleteQuestion', { name: centre.name })}
      onDelete={(centre) => api.deleteCentre(centre.id)}
      renderForm={(centre, done) => <CentreForm centre={centre} defaultOrgUnitId={me.user.orgUnitId} orgUnits={orgUnits} {...done} />}
    />
  );
}

/** Create a command centre, or edit one's name and org unit. */
function CentreForm({ centre, defaultOrgUnitId, orgUnits, ...done }: { centre: CommandCentre | null; defaultOrgUnitId: string; orgUnits: AdminContext['orgUnits'] } & FormDone) {
  const { t } = useTranslation();
  const [id, setId] = useState(centre?.id ?? '');
  const [name, setName] = useState(centre?.name ?? '');
  const [orgUnitId, setOrgUnitId] = useState(centre?.orgUnitId ?? defaultOrgUnitId);
  const { busy, errors, create, update } = useRowSave(done);

  const save = (event: FormEvent) => {
    event.preventDefault();
    if (centre === null) create(centreCreate, { id: id.trim(), name, orgUnitId }, (body) => api.createCentre(body));
    else update(centreUpdate, changedFields(centre, { name: name.trim(), orgUnitId }), (patch) => api.updateCentre(centre.id, patch));
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
      <FormButtons busy={busy} onCancel={done.onDone} />
    </form>
  );
}
