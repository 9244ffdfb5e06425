import { describe, expect, it } from 'vitest';
import { channelUpdate, type Channel } from '@argus/shared';
import { channelCreateBody, channelFormOf, channelUpdateBody, newChannelForm } from '../../desktop/src/renderer/channelForm.js';
import { changedFields, textOrNull } from '../../desktop/src/renderer/patch.js';

const RTSP: Channel = {
  id: 'cam-1',
  deviceId: 'dev-1',
  orgUnitId: '370102',
  name: '东门',
  source: { type: 'rtsp', url: 'rtsp://10.0.0.5:554/s1', username: 'admin', hasPassword: true },
  ptz: false,
  enabled: true,
};

describe('PATCH bodies', () => {
  it('name only what changed, comparing arrays by content', () => {
    expect(changedFields({ name: 'a', roles: ['admin'], orgUnitId: 'x' }, { name: 'a', roles: ['admin', 'auditor'], orgUnitId: 'x' })).toEqual({ roles: ['admin', 'auditor'] });
    expect(changedFields({ name: 'a' }, { name: 'a' })).toEqual({});
    expect(changedFields<{ model: string | null }>({ model: 'm' }, { model: null })).toEqual({ model: null });
    expect(textOrNull('  ')).toBeNull();
    expect(textOrNull(' x ')).toBe('x');
  });
});

describe('channel form', () => {
  it('creates with the device’s org unit unless one is picked, and without empty credentials', () => {
    const form = { ...newChannelForm('dev-1'), id: ' cam-2 ', name: '西门', url: ' rtsp://10.0.0.6/s ' };
    expect(channelCreateBody(form)).toEqual({
      id: 'cam-2',
      deviceId: 'dev-1',
      name: '西门',
      source: { type: 'rtsp', url: 'rtsp://10.0.0.6/s', username: null },
      ptz: false,
      enabled: true,
    });
    const withUnit = channelCreateBody({ ...form, orgUnitId: '370112', username: 'op', password: 'secret' });
    expect(withUnit.orgUnitId).toBe('370112');
    expect(withUnit.source).toEqual({ type: 'rtsp', url: 'rtsp://10.0.0.6/s', username: 'op', password: 'secret' });
  });

  it('keeps the stored password (and the source, and so the ingest) when only the name changes', () => {
    const form = { ...channelFormOf(RTSP), name: '东门 1' };
    expect(form.password).toBe('');
    expect(channelUpdateBody(RTSP, form)).toEqual({ name: '东门 1' });
    expect(channelUpdateBody(RTSP, channelFormOf(RTSP))).toEqual({});
  });

  it('sends the source without a password when the URL changes, so the stored one is kept', () => {
    const body = channelUpdateBody(RTSP, { ...channelFormOf(RTSP), url: 'rtsp://10.0.0.5:554/s2' });
    expect(body).toEqual({ source: { type: 'rtsp', url: 'rtsp://10.0.0.5:554/s2', username: 'admin' } });
    expect('password' in body.source!).toBe(false);
    expect(channelUpdate.safeParse(body).success).toBe(true);
  });

  it('sends a typed password, and null to clear the stored one', () => {
    expect(channelUpdateBody(RTSP, { ...channelFormOf(RTSP), password: 'n3w' }).source).toEqual({ type: 'rtsp', url: RTSP.source.type === 'rtsp' ? RTSP.source.url : '', username: 'admin', password: 'n3w' });
    expect(channelUpdateBody(RTSP, { ...channelFormOf(RTSP), clearPassword: true }).source).toMatchObject({ password: null });
    expect(channelUpdateBody(RTSP, { ...channelFormOf(RTSP), username: '' }).source).toMatchObject({ username: null });
  });

  it('switches source type and flags', () => {
    const gb = channelUpdateBody(RTSP, { ...channelFormOf(RTSP), sourceType: 'gb28181', gbChannelId: '37010200001320000001', enabled: false, ptz: true });
    expect(gb).toEqual({ source: { type: 'gb28181', gbChannelId: '37010200001320000001' }, enabled: false, ptz: true });
    const webrtc: Channel = { ...RTSP, source: { type: 'webrtc' } };
    expect(channelFormOf(webrtc).url).toBe('');
    expect(channelUpdateBody(webrtc, channelFormOf(webrtc))).toEqual({});
  });
});
