import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { channelCreate, channelUpdate, type Channel, type ChannelSourceInput, type Device } from '@argus/shared';
import { api } from '../../api/apiClient.js';
import { channelCreateBody, channelFormOf, channelUpdateBody, newChannelForm, type ChannelForm } from '../../channelForm.js';
import type { Column } from '../DataTable.js';
import { Field, FormButtons, FormErrorList } from '../FormParts.js';
import { OrgUnitSelect } from '../OrgUnitSelect.js';
import { useApiLoad } from '../useApiLoad.js';
import type { AdminContext } from './AdminPage.js';
import { CrudTab } from './CrudTab.js';
import { useOrgUnitName } from './useOrgUnitName.js';
import { useRowSave, type FormDone } from './useRowSave.js';

const SOURCE_TYPES: ReadonlyArray<ChannelSourceInput['type']> = ['rtsp', 'gb28181', 'webrtc'];

/** Whether an RTSP channel has a stored password. */
function hasPassword(channel: Channel): boolean {
  return channel.source.type === 'rtsp' && channel.source.hasPassword;
}

/** A channel's source in one line: RTSP URL, GB/T 28181 channel id, or the kind. */
function sourceSummary(channel: Channel): string {
  const source = channel.source;
  if (source.type === 'rtsp') return source.url;
  if (source.type === 'gb28181') return source.gbChannelId;
  return 'WebRTC';
}

/**
 * Channels (通道), the wall's cameras: list, create, edit (RTSP URL, username, write-only
 * password, enabled, PTZ), delete. Rows: `channel-row-${id}` with `row-edit`, `row-delete`;
 * `has-password` (`data-value` true/false) marks a stored password.
 */
export function ChannelsTab({ orgUnits }: AdminContext) {
  const { t } = useTranslation();
  const list = useApiLoad(() => api.listChannels(), []);
  const devices = useApiLoad(() => api.listDevices(), []);
  const orgUnitName = useOrgUnitName(orgUnits);
  const deviceNames = useMemo(() => new Map((devices.data ?? []).map((d) => [d.id, d.name])), [devices.data]);
  const columns: Array<Column<Channel>> = [
    { header: t('channels.id'), className: 'mono', cell: (channel) => channel.id },
    { header: t('channels.name'), cell: (channel) => channel.name },
    { header: t('channels.device'), cell: (channel) => deviceNames.get(channel.deviceId) ?? channel.deviceId },
    { header: t('channels.orgUnit'), cell: (channel) => orgUnitName(channel.orgUnitId) },
    {
      header: t('channels.source'),
      className: 'mono table__wrap',
      cell: (channel) => (
        <>
          <span className="badge">{t(`channels.sourceTypes.${channel.source.type}`)}</span> {sourceSummary(channel)}
        </>
      ),
    },
    { header: t('channels.username'), cell: (channel) => (channel.source.type === 'rtsp' ? (channel.source.username ?? t('common.none')) : t('common.none')) },
    {
      header: t('channels.password'),
      attributes: (channel) => ({ 'data-testid': 'has-password', 'data-value': String(hasPassword(channel)) }),
      cell: (channel) => (channel.source.type !== 'rtsp' ? t('common.none') : hasPassword(channel) ? `🔒 ${t('channels.hasPassword')}` : t('channels.noPassword')),
    },
    { header: t('channels.status'), cell: (channel) => (channel.enabled ? t('channels.statusEnabled') : t('channels.statusDisabled')) },
    { header: t('channels.ptz'), cell: (channel) => (channel.ptz ? t('common.yes') : t('common.no')) },
  ];
  return (
    <CrudTab
      testId="channels-tab"
      tableTestId="channels-table"
      rowTestIdPrefix="channel"
      create={{ testId: 'channel-new', label: t('channels.create'), disabled: !devices.data || devices.data.length === 0, title: devices.data?.length === 0 ? t('channels.noDevices') : '' }}
      list={list}
      loads={[list, devices]}
      onReload={() => {
        list.reload();
        devices.reload();
      }}
      columns={columns}
      rowAttributes={(channel) => ({ className: channel.enabled ? '' : 'table__row--off' })}
      deleteQuestion={(channel) => t('channels.deleteQuestion', { name: channel.name })}
      onDelete={(channel) => api.deleteChannel(channel.id)}
      renderForm={(channel, done) => <ChannelFormPanel channel={channel} devices={devices.data ?? []} orgUnits={orgUnits} {...done} />}
    >
      {devices.data?.length === 0 && <span className="page__hint">{t('channels.noDevices')}</span>}
    </CrudTab>
  );
}

/** Create a channel on one of `devices`, or edit one (its id and device stay). */
function ChannelFormPanel({ channel, devices, orgUnits, ...done }: { channel: Channel | null; devices: readonly Device[]; orgUnits: AdminContext['orgUnits'] } & FormDone) {
  const { t } = useTranslation();
  const [form, setForm] = useState<ChannelForm>(() => (channel ? channelFormOf(channel) : newChannelForm(devices[0]?.id ?? '')));
  const { busy, errors, create, update } = useRowSave(done);
  const set = <K extends keyof ChannelForm>(key: K, value: ChannelForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const storedPassword = channel !== null && hasPassword(channel);

  const save = (event: FormEvent) => {
    event.preventDefault();
    if (channel === null) create(channelCreate, channelCreateBody(form), (body) => api.createChannel(body));
    else update(channelUpdate, channelUpdateBody(channel, form), (patch) => api.updateChannel(channel.id, patch));
  };

  return (
    <form className="form admin__panel" data-testid="channel-form" onSubmit={save} noValidate autoComplete="off">
      <h3>{channel ? t('channels.editTitle', { name: channel.name }) : t('channels.createTitle')}</h3>
      <FormErrorList errors={errors} inline={['id', 'deviceId', 'orgUnitId', 'name', 'source.type', 'source.url', 'source.username', 'source.password', 'source.gbChannelId']} />
      <div className="form__row">
        <Field label={t('channels.id')} path="id" errors={errors}>
          <input data-testid="field-id" className="mono" value={form.id} disabled={channel !== null} onChange={(e) => set('id', e.target.value)} />
        </Field>
        <Field label={t('channels.name')} path="name" errors={errors}>
          <input data-testid="field-name" value={form.name} onChange={(e) => set('name', e.target.value)} />
        </Field>
        <Field label={t('channels.device')} path="deviceId" errors={errors}>
          <select data-testid="field-deviceId" value={form.deviceId} disabled={channel !== null} onChange={(e) => set('deviceId', e.target.value)}>
            {channel !== null && !devices.some((d) => d.id === form.deviceId) && <option value={form.deviceId}>{form.deviceId}</option>}
            {devices.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({d.id})
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('channels.orgUnit')} path="orgUnitId" errors={errors}>
          <OrgUnitSelect testId="field-orgUnitId" units={orgUnits} value={form.orgUnitId} onChange={(v) => set('orgUnitId', v)} emptyLabel={channel === null ? t('channels.orgUnitOfDevice') : undefined} />
        </Field>
      </div>
      <div className="form__row">
        <Field label={t('channels.source')} path="source.type" errors={errors}>
          <select data-testid="field-sourceType" value={form.sourceType} onChange={(e) => set('sourceType', e.target.value as ChannelForm['sourceType'])}>
            {SOURCE_TYPES.map((type) => (
              <option key={type} value={type}>
                {t(`channels.sourceTypes.${type}`)}
              </option>
            ))}
          </select>
        </Field>
        {form.sourceType === 'rtsp' && (
          <>
            <Field label={t('channels.url')} path="source.url" errors={errors} hint={t('channels.urlHint')}>
              <input data-testid="field-url" className="mono form__wide" placeholder="rtsp://192.168.1.64:554/Streaming/Channels/101" value={form.url} onChange={(e) => set('url', e.target.value)} />
            </Field>
            <Field label={t('channels.username')} path="source.username" errors={errors}>
              <input data-testid="field-username" autoComplete="off" value={form.username} onChange={(e) => set('username', e.target.value)} />
            </Field>
            <Field label={t('channels.password')} path="source.password" errors={errors} hint={storedPassword ? t('channels.passwordKeep') : t('channels.passwordNew')}>
              <input
                data-testid="field-password"
                type="password"
                autoComplete="new-password"
                value={form.password}
                disabled={form.clearPassword}
                placeholder={storedPassword ? '••••••••' : ''}
                onChange={(e) => set('password', e.target.value)}
              />
              {storedPassword && (
                <span className="form__marker" data-testid="has-password-marker">
                  🔒 {t('channels.hasPassword')}
                </span>
              )}
            </Field>
            {storedPassword && (
              <label className="form__check">
                <input type="checkbox" data-testid="field-clearPassword" checked={form.clearPassword} onChange={(e) => setForm((f) => ({ ...f, clearPassword: e.target.checked, password: '' }))} />
                {t('channels.clearPassword')}
              </label>
            )}
          </>
        )}
        {form.sourceType === 'gb28181' && (
          <Field label={t('channels.gbChannelId')} path="source.gbChannelId" errors={errors}>
            <input data-testid="field-gbChannelId" className="mono" inputMode="numeric" maxLength={20} value={form.gbChannelId} onChange={(e) => set('gbChannelId', e.target.value)} />
          </Field>
        )}
      </div>
      <div className="form__row">
        <label className="form__check">
          <input type="checkbox" data-testid="field-enabled" checked={form.enabled} onChange={(e) => set('enabled', e.target.checked)} />
          {t('channels.enabled')}
        </label>
        <label className="form__check">
          <input type="checkbox" data-testid="field-ptz" checked={form.ptz} onChange={(e) => set('ptz', e.target.checked)} />
          {t('channels.ptz')}
        </label>
      </div>
      <FormButtons busy={busy} onCancel={done.onDone} />
    </form>
  );
}
