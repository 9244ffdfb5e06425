import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { DEVICE_KINDS, deviceCreate, deviceUpdate, GB_STREAM_MODES, type Device, type DeviceKind, type GbStreamMode } from '@argus/shared';
import { api } from '../../api/apiClient.js';
import { changedFields, textOrNull } from '../../patch.js';
import type { Column } from '../DataTable.js';
import { Field, FormButtons, FormErrorList } from '../FormParts.js';
import { OrgUnitSelect } from '../OrgUnitSelect.js';
import { useApiLoad } from '../useApiLoad.js';
import type { AdminContext } from './AdminPage.js';
import { CrudTab } from './CrudTab.js';
import { useOrgUnitName } from './useOrgUnitName.js';
import { useRowSave, type FormDone } from './useRowSave.js';

/** Devices (设备): list, create, edit, delete (with their channels). Rows: `device-row-${id}` with `row-edit`, `row-delete`. */
export function DevicesTab({ me, orgUnits }: AdminContext) {
  const { t } = useTranslation();
  const list = useApiLoad(() => api.listDevices(), []);
  const orgUnitName = useOrgUnitName(orgUnits);
  const columns: Array<Column<Device>> = [
    { header: t('devices.id'), className: 'mono', cell: (device) => device.id },
    { header: t('devices.name'), cell: (device) => device.name },
    { header: t('devices.kind'), cell: (device) => t(`deviceKinds.${device.kind}`) },
    { header: t('devices.orgUnit'), cell: (device) => orgUnitName(device.orgUnitId) },
    { header: t('devices.gbDeviceId'), className: 'mono', cell: (device) => device.gbDeviceId ?? t('common.none') },
    {
      header: t('devices.online'),
      attributes: (device) => ({ 'data-testid': 'device-online', 'data-value': String(device.online) }),
      cell: (device) => (device.kind === 'gb28181' ? t(device.online ? 'devices.isOnline' : 'devices.isOffline') : t('common.none')),
    },
    { header: t('devices.manufacturer'), cell: (device) => device.manufacturer ?? t('common.none') },
    { header: t('devices.model'), cell: (device) => device.model ?? t('common.none') },
  ];
  return (
    <CrudTab
      testId="devices-tab"
      tableTestId="devices-table"
      rowTestIdPrefix="device"
      create={{ testId: 'device-new', label: t('devices.create') }}
      list={list}
      columns={columns}
      deleteQuestion={(device) => t('devices.deleteQuestion', { name: device.name })}
      onDelete={(device) => api.deleteDevice(device.id)}
      renderForm={(device, done) => <DeviceForm device={device} defaultOrgUnitId={me.user.orgUnitId} orgUnits={orgUnits} {...done} />}
    />
  );
}

/** Create a device, or edit one's name, org unit, GB/T 28181 id, manufacturer and model (its id and kind stay). */
function DeviceForm({ device, defaultOrgUnitId, orgUnits, ...done }: { device: Device | null; defaultOrgUnitId: string; orgUnits: AdminContext['orgUnits'] } & FormDone) {
  const { t } = useTranslation();
  const [id, setId] = useState(device?.id ?? '');
  const [kind, setKind] = useState<DeviceKind>(device?.kind ?? 'venue-camera');
  const [name, setName] = useState(device?.name ?? '');
  const [orgUnitId, setOrgUnitId] = useState(device?.orgUnitId ?? defaultOrgUnitId);
  const [gbDeviceId, setGbDeviceId] = useState(device?.gbDeviceId ?? '');
  const [manufacturer, setManufacturer] = useState(device?.manufacturer ?? '');
  const [model, setModel] = useState(device?.model ?? '');
  /** Write-only: empty keeps the stored SIP password. */
  const [sipPassword, setSipPassword] = useState('');
  const [streamMode, setStreamMode] = useState<GbStreamMode | ''>(device?.gbStreamMode ?? '');
  const { busy, errors, create, update } = useRowSave(done);
  const isGb = kind === 'gb28181';

  const save = (event: FormEvent) => {
    event.preventDefault();
    const fields = {
      orgUnitId,
      name: name.trim(),
      gbDeviceId: isGb ? textOrNull(gbDeviceId) : null,
      manufacturer: textOrNull(manufacturer),
      model: textOrNull(model),
      gbStreamMode: isGb && streamMode !== '' ? streamMode : null,
    };
    const secret = isGb && sipPassword !== '' ? { sipPassword } : {};
    if (device === null) create(deviceCreate, { id: id.trim(), kind, ...fields, ...secret }, (body) => api.createDevice(body));
    else update(deviceUpdate, { ...changedFields(device, fields), ...secret }, (patch) => api.updateDevice(device.id, patch));
  };

  return (
    <form className="form admin__panel" data-testid="device-form" onSubmit={save} noValidate>
      <h3>{device ? t('devices.editTitle', { name: device.name }) : t('devices.createTitle')}</h3>
      <FormErrorList errors={errors} inline={['id', 'kind', 'name', 'orgUnitId', 'gbDeviceId', 'sipPassword', 'gbStreamMode', 'manufacturer', 'model']} />
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
        {isGb && (
          <Field label={t('devices.sipPassword')} path="sipPassword" errors={errors} hint={device?.hasSipPassword ? t('channels.passwordKeep') : t('devices.sipPasswordNew')}>
            <input data-testid="field-sipPassword" type="password" autoComplete="new-password" value={sipPassword} onChange={(e) => setSipPassword(e.target.value)} />
          </Field>
        )}
        {isGb && (
          <Field label={t('devices.streamMode')} path="gbStreamMode" errors={errors}>
            <select data-testid="field-gbStreamMode" value={streamMode} onChange={(e) => setStreamMode(e.target.value as GbStreamMode | '')}>
              <option value="">{t('devices.streamModes.default')}</option>
              {GB_STREAM_MODES.map((mode) => (
                <option key={mode} value={mode}>
                  {t(`devices.streamModes.${mode}`)}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field label={t('devices.manufacturer')} path="manufacturer" errors={errors}>
          <input data-testid="field-manufacturer" value={manufacturer} onChange={(e) => setManufacturer(e.target.value)} />
        </Field>
        <Field label={t('devices.model')} path="model" errors={errors}>
          <input data-testid="field-model" value={model} onChange={(e) => setModel(e.target.value)} />
        </Field>
      </div>
      <FormButtons busy={busy} onCancel={done.onDone} />
    </form>
  );
}
