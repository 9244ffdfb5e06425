import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { channelCreate, channelUpdate, type Channel, type ChannelSourceInput, type Device } from '@argus/shared';
import { api } from '../../api/apiClient.js';
import { validateBody } from '../../api/formErrors.js';
import { channelCreateBody, channelFormOf, channelUpdateBody, newChannelForm, type ChannelForm } from '../../channelForm.js';
import { orgUnitNames } from '../../orgTree.js';
import { describeApiError } from '../apiErrorText.js';
import { ConfirmButton } from '../ConfirmButton.js';
import { Field, FormButtons, FormErrorList, useFormSubmit } from '../FormParts.js';
import { LoadStatus } from '../LoadStatus.js';
import { OrgUnitSelect } from '../OrgUnitSelect.js';
import { useApiLoad } from '../useApiLoad.js';
import type { AdminContext } from './AdminPage.js';

const SOURCE_TYPES: ReadonlyArray<ChannelSourceInput['type']> = ['rtsp', 'gb28181', 'webrtc'];

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
  const names = useMemo(() => orgUnitNames(orgUnits), [orgUnits]);
  const deviceNames = useMemo(() => new Map((devices.data ?? []).map((d) => [d.id, d.name])), [devices.data]);
  const [editing, setEditing] = useState<Channel | 'new' | null>(null);
  const [error, setError] = useState<string | null>(null);

  const remove = async (channel: Channel) => {
    setError(null);
    try {
      await api.deleteChannel(channel.id);
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
    <section className="admin__tab" data-testid="channels-tab">
      <div className="admin__actions">
        <button type="button" className="primary" data-testid="channel-new" disabled={!devices.data || devices.data.length === 0} title={devices.data?.length === 0 ? t('channels.noDevices') : ''} onClick={() => setEditing('new')}>
          {t('channels.create')}
        </button>
        <button
          type="button"
          data-testid="reload"
          onClick={() => {
            list.reload();
            devices.reload();
          }}
        >
          {t('common.reload')}
        </button>
        {devices.data?.length === 0 && <span className="page__hint">{t('channels.noDevices')}</span>}
      </div>
      <LoadStatus load={list} />
      <LoadStatus load={devices} />
      {error && (
        <p className="page__error" role="alert" data-testid="admin-error">
          {error}
        </p>
      )}
      {editing !== null && (
        <ChannelFormPanel key={editing === 'new' ? 'new' : editing.id} channel={editing === 'new' ? null : editing} devices={devices.data ?? []} orgUnits={orgUnits} onDone={() => setEditing(null)} onSaved={saved} />
      )}
      <table className="table" data-testid="channels-table">
        <thead>
          <tr>
            <th>{t('channels.id')}</th>
            <th>{t('channels.name')}</th>
            <th>{t('channels.device')}</th>
            <th>{t('channels.orgUnit')}</th>
            <th>{t('channels.source')}</th>
            <th>{t('channels.username')}</th>
            <th>{t('channels.password')}</th>
            <th>{t('channels.status')}</th>
            <th>{t('channels.ptz')}</th>
            <th>{t('common.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.length === 0 && (
            <tr>
              <td colSpan={10} className="table__empty">
                {t('common.empty')}
              </td>
            </tr>
          )}
          {list.data?.map((channel) => {
            const hasPassword = channel.source.type === 'rtsp' && channel.source.hasPassword;
            return (
              <tr key={channel.id} data-testid={`channel-row-${channel.id}`} className={channel.enabled ? '' : 'table__row--off'}>
                <td className="mono">{channel.id}</td>
                <td>{channel.name}</td>
                <td>{deviceNames.get(channel.deviceId) ?? channel.deviceId}</td>
                <td>{names.get(channel.orgUnitId) ?? channel.orgUnitId}</td>
                <td className="mono table__wrap">
                  <span className="badge">{t(`channels.sourceTypes.${channel.source.type}`)}</span> {sourceSummary(channel)}
                </td>
                <td>{channel.source.type === 'rtsp' ? (channel.source.username ?? t('common.none')) : t('common.none')}</td>
                <td data-testid="has-password" data-value={String(hasPassword)}>
                  {channel.source.type !== 'rtsp' ? t('common.none') : hasPassword ? `🔒 ${t('channels.hasPassword')}` : t('channels.noPassword')}
                </td>
                <td>{channel.enabled ? t('channels.statusEnabled') : t('channels.statusDisabled')}</td>
                <td>{channel.ptz ? t('common.yes') : t('common.no')}</td>
                <td className="table__actions">
                  <button type="button" data-testid="row-edit" onClick={() => setEditing(channel)}>
                    {t('common.edit')}
                  </button>
                  <ConfirmButton testId="row-delete" label={t('common.delete')} question={t('channels.deleteQuestion', { name: channel.name })} onConfirm={() => void remove(channel)} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function ChannelFormPanel({
  channel,
  devices,
  orgUnits,
  onDone,
  onSaved,
}: {
  channel: Channel | null;
  devices: readonly Device[];
  orgUnits: AdminContext['orgUnits'];
  onDone: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [form, setForm] = useState<ChannelForm>(() => (channel ? channelFormOf(channel) : newChannelForm(devices[0]?.id ?? '')));
  const { busy, errors, setErrors, submit } = useFormSubmit();
  const set = <K extends keyof ChannelForm>(key: K, value: ChannelForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const storedPassword = channel?.source.type === 'rtsp' && channel.source.hasPassword;

  const save = (event: FormEvent) => {
    event.preventDefault();
    if (channel === null) {
      const checked = validateBody(channelCreate, channelCreateBody(form));
      if (!checked.ok) return setErrors(checked.errors);
      void submit(async () => {
        await api.createChannel(checked.data);
        onSaved();
      });
    } else {
      const checked = validateBody(channelUpdate, channelUpdateBody(channel, form));
      if (!checked.ok) return setErrors(checked.errors);
      if (Object.keys(checked.data).length === 0) return onDone();
      void submit(async () => {
        await api.updateChannel(channel.id, checked.data);
        onSaved();
      });
    }
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
      <FormButtons busy={busy} onCancel={onDone} />
    </form>
  );
}
