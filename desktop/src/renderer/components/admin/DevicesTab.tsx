import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { DEVICE_KINDS, deviceCreate, deviceUpdate, type Device, type DeviceKind } from '@argus/shared';
import { api } from '../../api/apiClient.js';
import { validateBody } from '../../api/formErrors.js';
import { orgUnitNames } from '../../orgTree.js';
import { changedFields, textOrNull } from '../../patch.js';
import { describeApiError } from '../apiErrorText.js';
import { ConfirmButton } from '../ConfirmButton.js';
import { Field, FormButtons, FormErrorList, useFormSubmit } from '../FormParts.js';
import { LoadStatus } from '../LoadStatus.js';
import { OrgUnitSelect } from '../OrgUnitSelect.js';
import { useApiLoad } from '../useApiLoad.js';
import type { AdminContext } from './AdminPage.js';

/** Devices (设备): list, create, edit, delete (with their channels). Rows: `device-row-${id}` with `row-edit`, `row-delete`. */
export function DevicesTab({ me, orgUnits }: AdminContext) {
  const { t } = useTranslation();
  const list = useApiLoad(() => api.listDevices(), []);
  const names = useMemo(() => orgUnitNames(orgUnits), [orgUnits]);
  const [editing, setEditing] = useState<Device | 'new' | null>(null);
  const [error, setError] = useState<string | null>(null);

  const remove = async (device: Device) => {
    setError(null);
    try {
      await api.deleteDevice(device.id);
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
    <section className="admin__tab" data-testid="devices-tab">
      <div className="admin__actions">
        <button type="button" className="primary" data-testid="device-new" onClick={() => setEditing('new')}>
          {t('devices.create')}
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
        <DeviceForm key={editing === 'new' ? 'new' : editing.id} device={editing === 'new' ? null : editing} defaultOrgUnitId={me.user.orgUnitId} orgUnits={orgUnits} onDone={() => setEditing(null)} onSaved={saved} />
      )}
      <table className="table" data-testid="devices-table">
        <thead>
          <tr>
            <th>{t('devices.id')}</th>
            <th>{t('devices.name')}</th>
            <th>{t('devices.kind')}</th>
            <th>{t('devices.orgUnit')}</th>
            <th>{t('devices.gbDeviceId')}</th>
            <th>{t('devices.manufacturer')}</th>
            <th>{t('devices.model')}</th>
            <th>{t('common.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.length === 0 && (
            <tr>
              <td colSpan={8} className="table__empty">
                {t('common.empty')}
              </td>
            </tr>
          )}
          {list.data?.map((device) => (
            <tr key={device.id} data-testid={`device-row-${device.id}`}>
              <td className="mono">{device.id}</td>
              <td>{device.name}</td>
              <td>{t(`deviceKinds.${device.kind}`)}</td>
              <td>{names.get(device.orgUnitId) ?? device.orgUnitId}</td>
              <td className="mono">{device.gbDeviceId ?? t('common.none')}</td>
              <td>{device.manufacturer ?? t('common.none')}</td>
              <td>{device.model ?? t('common.none')}</td>
              <td className="table__actions">
                <button type="button" data-testid="row-edit" onClick={() => setEditing(device)}>
                  {t('common.edit')}
                </button>
                <ConfirmButton testId="row-delete" label={t('common.delete')} question={t('devices.deleteQuestion', { name: device.name })} onConfirm={() => void remove(device)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function DeviceForm({
  device,
  defaultOrgUnitId,
  orgUnits,
  onDone,
  onSaved,
}: {
  device: Device | null;
  defaultOrgUnitId: string;
  orgUnits: AdminContext['orgUnits'];
  onDone: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [id, setId] = useState(device?.id ?? '');
  const [kind, setKind] = useState<DeviceKind>(device?.kind ?? 'venue-camera');
  const [name, setName] = useState(device?.name ?? '');
  const [orgUnitId, setOrgUnitId] = useState(device?.orgUnitId ?? defaultOrgUnitId);
  const [gbDeviceId, setGbDeviceId] = useState(device?.gbDeviceId ?? '');
  const [manufacturer, setManufacturer] = useState(device?.manufacturer ?? '');
  const [model, setModel] = useState(device?.model ?? '');
  const { busy, errors, setErrors, submit } = useFormSubmit();
  const isGb = kind === 'gb28181';

  const save = (event: FormEvent) => {
    event.preventDefault();
    const fields = {
      orgUnitId,
      name: name.trim(),
      gbDeviceId: isGb ? textOrNull(gbDeviceId) : null,
      manufacturer: textOrNull(manufacturer),
      model: textOrNull(model),
    };
    if (device === null) {
      const checked = validateBody(deviceCreate, { id: id.trim(), kind, ...fields });
      if (!checked.ok) return setErrors(checked.errors);
      void submit(async () => {
        await api.createDevice(checked.data);
        onSaved();
      });
    } else {
      const checked = validateBody(deviceUpdate, changedFields(device, fields));
      if (!checked.ok) return setErrors(checked.errors);
      if (Object.keys(checked.data).length === 0) return onDone();
      void submit(async () => {
        await api.updateDevice(device.id, checked.data);
        onSaved();
      });
    }
  };

  return (
    <form className="form admin__panel" data-testid="device-form" onSubmit={save} noValidate>
      <h3>{device ? t('devices.editTitle', { name: device.name }) : t('devices.createTitle')}</h3>
      <FormErrorList errors={errors} inline={['id', 'kind', 'name', 'orgUnitId', 'gbDeviceId', 'manufacturer', 'model']} />
      <div className="form__row">
        <Field label={t('devices.id')} path="id" errors={errors}>
          <input data-testid="field-id" className="mono" value={id} disabled={device !== null} onChange={(e) => setId(e.target.value)} />
        </Field>
        <Field label={t('devices.kind')} path="kind" errors={errors}>
          <select data-testid="field-kind" value={kind} disabled={device !== null} onChange={(e) => setKind(e.target.value as DeviceKind)}>
            {DEVICE_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`deviceKinds.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('devices.name')} path="name" errors={errors}>
          <input data-testid="field-name" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label={t('devices.orgUnit')} path="orgUnitId" errors={errors}>
          <OrgUnitSelect testId="field-orgUnitId" units={orgUnits} value={orgUnitId} onChange={setOrgUnitId} />
        </Field>
      </div>
      <div className="form__row">
        {isGb && (
          <Field label={t('devices.gbDeviceId')} path="gbDeviceId" errors={errors}>
            <input data-testid="field-gbDeviceId" className="mono" inputMode="numeric" maxLength={20} value={gbDeviceId} onChange={(e) => setGbDeviceId(e.target.value)} />
          </Field>
        )}
        <Field label={t('devices.manufacturer')} path="manufacturer" errors={errors}>
          <input data-testid="field-manufacturer" value={manufacturer} onChange={(e) => setManufacturer(e.target.value)} />
        </Field>
        <Field label={t('devices.model')} path="model" errors={errors}>
          <input data-testid="field-model" value={model} onChange={(e) => setModel(e.target.value)} />
        </Field>
      </div>
      <FormButtons busy={busy} onCancel={onDone} />
    </form>
  );
}
