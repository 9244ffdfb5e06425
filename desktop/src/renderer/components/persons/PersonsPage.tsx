import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { personCreate, personUpdate, type MeResponse, type OrgUnit, type SupervisedPerson } from '@argus/shared';
import { api } from '../../api/apiClient.js';
import { changedFields } from '../../patch.js';
import { CrudTab } from '../admin/CrudTab.js';
import { useOrgUnitName } from '../admin/useOrgUnitName.js';
import { useRowSave, type FormDone } from '../admin/useRowSave.js';
import type { Column } from '../DataTable.js';
import { Field, FormButtons, FormErrorList } from '../FormParts.js';
import { OrgUnitSelect } from '../OrgUnitSelect.js';
import { useApiLoad } from '../useApiLoad.js';
import { FaceEnrolPanel } from './FaceEnrolPanel.js';

/**
 * 人员管理 (`persons.manage`): the supervised persons (矫正对象) of the user's area — list
 * (each read audited), create, edit, delete — and each person's face enrolment (人脸登记).
 * Test hooks: `persons-page`, `persons-table`, rows `person-row-${id}` with `row-faces`,
 * `row-edit`, `row-delete`; `person-new`, `person-form` with `field-*`.
 */
export function PersonsPage({ me, orgUnits }: { me: MeResponse; orgUnits: OrgUnit[] }) {
  const { t } = useTranslation();
  const list = useApiLoad(() => api.listPersons(), []);
  const orgUnitName = useOrgUnitName(orgUnits);
  const [enrolling, setEnrolling] = useState<SupervisedPerson | null>(null);
  const columns: Array<Column<SupervisedPerson>> = [
    { header: t('persons.id'), className: 'mono', cell: (person) => person.id },
    { header: t('persons.name'), cell: (person) => person.name },
    { header: t('persons.caseNumber'), className: 'mono', cell: (person) => person.caseNumber },
    { header: t('persons.orgUnit'), cell: (person) => orgUnitName(person.orgUnitId) },
    { header: t('persons.period'), className: 'mono nowrap', cell: (person) => `${person.supervisionStart} – ${person.supervisionEnd}` },
    { header: t('persons.publicConsent'), cell: (person) => (person.publicConsent ? t('common.yes') : t('common.no')) },
  ];
  return (
    <div className="page persons" data-testid="persons-page">
      <p className="page__hint">{t('persons.sensitiveHint')}</p>
      <CrudTab
        testId="persons-tab"
        tableTestId="persons-table"
        rowTestIdPrefix="person"
        create={{ testId: 'person-new', label: t('persons.create') }}
        list={list}
        columns={columns}
        deleteQuestion={(person) => t('persons.deleteQuestion', { name: person.name })}
        onDelete={async (person) => {
          await api.deletePerson(person.id);
          if (enrolling?.id === person.id) setEnrolling(null);
        }}
        renderForm={(person, done) => <PersonForm person={person} defaultOrgUnitId={me.user.orgUnitId} orgUnits={orgUnits} {...done} />}
        rowActions={(person) => (
          <button type="button" data-testid="row-faces" className={enrolling?.id === person.id ? 'primary' : undefined} onClick={() => setEnrolling(person)}>
            {t('persons.faces')}
          </button>
        )}
        panel={enrolling && <FaceEnrolPanel key={enrolling.id} person={enrolling} onClose={() => setEnrolling(null)} />}
      />
    </div>
  );
}

/** Create a supervised person, or edit one (the id stays). */
function PersonForm({ person, defaultOrgUnitId, orgUnits, ...done }: { person: SupervisedPerson | null; defaultOrgUnitId: string; orgUnits: OrgUnit[] } & FormDone) {
  const { t } = useTranslation();
  const [id, setId] = useState(person?.id ?? '');
  const [name, setName] = useState(person?.name ?? '');
  const [caseNumber, setCaseNumber] = useState(person?.caseNumber ?? '');
  const [orgUnitId, setOrgUnitId] = useState(person?.orgUnitId ?? defaultOrgUnitId);
  const [supervisionStart, setSupervisionStart] = useState(person?.supervisionStart ?? '');
  const [supervisionEnd, setSupervisionEnd] = useState(person?.supervisionEnd ?? '');
  const [publicConsent, setPublicConsent] = useState(person?.publicConsent ?? false);
  const { busy, errors, create, update } = useRowSave(done);

  const save = (event: FormEvent) => {
    event.preventDefault();
    const values = { name: name.trim(), caseNumber: caseNumber.trim(), orgUnitId, supervisionStart, supervisionEnd, publicConsent };
    if (person === null) create(personCreate, { id: id.trim(), ...values }, (body) => api.createPerson(body));
    else update(personUpdate, changedFields(person, values), (patch) => api.updatePerson(person.id, patch));
  };

  return (
    <form className="form admin__panel" data-testid="person-form" onSubmit={save} noValidate autoComplete="off">
      <h3>{person ? t('persons.editTitle', { name: person.name }) : t('persons.createTitle')}</h3>
      <FormErrorList errors={errors} inline={['id', 'name', 'caseNumber', 'orgUnitId', 'supervisionStart', 'supervisionEnd', 'publicConsent']} />
      <div className="form__row">
        <Field label={t('persons.id')} path="id" errors={errors}>
          <input data-testid="field-id" className="mono" value={id} disabled={person !== null} onChange={(e) => setId(e.target.value)} />
        </Field>
        <Field label={t('persons.name')} path="name" errors={errors}>
          <input data-testid="field-name" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label={t('persons.caseNumber')} path="caseNumber" errors={errors}>
          <input data-testid="field-caseNumber" className="mono" value={caseNumber} onChange={(e) => setCaseNumber(e.target.value)} />
        </Field>
        <Field label={t('persons.orgUnit')} path="orgUnitId" errors={errors}>
          <OrgUnitSelect testId="field-orgUnitId" units={orgUnits} value={orgUnitId} onChange={setOrgUnitId} />
        </Field>
        <Field label={t('persons.supervisionStart')} path="supervisionStart" errors={errors}>
          <input type="date" data-testid="field-supervisionStart" value={supervisionStart} onChange={(e) => setSupervisionStart(e.target.value)} />
        </Field>
        <Field label={t('persons.supervisionEnd')} path="supervisionEnd" errors={errors}>
          <input type="date" data-testid="field-supervisionEnd" value={supervisionEnd} onChange={(e) => setSupervisionEnd(e.target.value)} />
        </Field>
      </div>
      <label className="form__check" title={t('persons.publicConsentHint')}>
        <input type="checkbox" data-testid="field-publicConsent" checked={publicConsent} onChange={(e) => setPublicConsent(e.target.checked)} />
        {t('persons.publicConsent')}
      </label>
      <span className="form__hint form__hint--block">{t('persons.publicConsentHint')}</span>
      <FormButtons busy={busy} onCancel={done.onDone} />
    </form>
  );
}
