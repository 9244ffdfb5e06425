import type { Channel, ChannelSourceInput, channelCreate, channelUpdate } from '@argus/shared';
import type { BodyOf } from './api/apiClient.js';
import { changedFields, textOrNull } from './patch.js';

/** The channel form as typed. The RTSP password is write-only: empty keeps the stored one. */
export interface ChannelForm {
  id: string;
  deviceId: string;
  /** '' = the device's org unit. */
  orgUnitId: string;
  name: string;
  sourceType: ChannelSourceInput['type'];
  url: string;
  username: string;
  password: string;
  /** Remove the stored password (only meaningful while editing a channel that has one). */
  clearPassword: boolean;
  gbChannelId: string;
  ptz: boolean;
  enabled: boolean;
}

/** An empty form for a new channel. */
export function newChannelForm(deviceId = ''): ChannelForm {
  return { id: '', deviceId, orgUnitId: '', name: '', sourceType: 'rtsp', url: '', username: '', password: '', clearPassword: false, gbChannelId: '', ptz: false, enabled: true };
}

/** The form for editing `channel`: its values, password left empty (kept unless typed or cleared). */
export function channelFormOf(channel: Channel): ChannelForm {
  const source = channel.source;
  return {
    id: channel.id,
    deviceId: channel.deviceId,
    orgUnitId: channel.orgUnitId,
    name: channel.name,
    sourceType: source.type,
    url: source.type === 'rtsp' ? source.url : '',
    username: source.type === 'rtsp' ? (source.username ?? '') : '',
    password: '',
    clearPassword: false,
    gbChannelId: source.type === 'gb28181' ? source.gbChannelId : '',
    ptz: channel.ptz,
    enabled: channel.enabled,
  };
}

/** The source as the form describes it; `password` is left out unless typed (or null to clear). */
function sourceOf(form: ChannelForm, editing: boolean): ChannelSourceInput {
  switch (form.sourceType) {
    case 'rtsp': {
      const source: ChannelSourceInput = { type: 'rtsp', url: form.url.trim(), username: textOrNull(form.username) };
      if (form.password !== '') source.password = form.password;
      else if (editing && form.clearPassword) source.password = null;
      return source;
    }
    case 'gb28181':
      return { type: 'gb28181', gbChannelId: form.gbChannelId.trim() };
    case 'webrtc':
      return { type: 'webrtc' };
  }
}

/** `POST /api/channels` body for a new channel (org unit left out to default to the device's). */
export function channelCreateBody(form: ChannelForm): BodyOf<typeof channelCreate> {
  const body: BodyOf<typeof channelCreate> = {
    id: form.id.trim(),
    deviceId: form.deviceId,
    name: form.name.trim(),
    source: sourceOf(form, false),
    ptz: form.ptz,
    enabled: form.enabled,
  };
  if (form.orgUnitId !== '') body.orgUnitId = form.orgUnitId;
  return body;
}

/**
 * `PATCH /api/channels/:id` body naming only what changed. The source is sent only when its
 * type, URL, username or GB channel id changed or a password was typed or cleared, since a
 * changed source restarts the channel's ingest.
 */
export function channelUpdateBody(original: Channel, form: ChannelForm): BodyOf<typeof channelUpdate> {
  const body: BodyOf<typeof channelUpdate> = changedFields<{ orgUnitId?: string; name: string; ptz: boolean; enabled: boolean }>(
    { orgUnitId: original.orgUnitId, name: original.name, ptz: original.ptz, enabled: original.enabled },
    { orgUnitId: form.orgUnitId === '' ? undefined : form.orgUnitId, name: form.name.trim(), ptz: form.ptz, enabled: form.enabled },
  );
  const source = sourceOf(form, true);
  const before = original.source;
  const changed =
    source.type !== before.type ||
    (source.type === 'rtsp' &&
      before.type === 'rtsp' &&
      (source.url !== before.url || (source.username ?? null) !== before.username || source.password !== undefined)) ||
    (source.type === 'gb28181' && before.type === 'gb28181' && source.gbChannelId !== before.gbChannelId);
  if (changed) body.source = source;
  return body;
}
