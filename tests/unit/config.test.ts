import { describe, expect, it } from 'vitest';
import { ConfigError, parseSfuConfig, parseSfuConfigText } from '@argus/shared';

const camera = { id: 'cam-1', name: '一号门', url: 'rtsp://10.0.0.5:554/Streaming/Channels/101' };

function errorOf(raw: unknown): string {
  try {
    parseSfuConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('SFU configuration', () => {
  it('fills defaults for a minimal file', () => {
    const config = parseSfuConfig({ cameras: [camera] });
    expect(config.http).toEqual({ host: '0.0.0.0', port: 8080, allowedOrigins: [] });
    expect(config.mediasoup.numWorkers).toBe(0);
    expect(config.ingest.backoff).toEqual({ initialMs: 1000, maxMs: 30_000 });
    expect(config.ingest.stallTimeoutMs).toBe(3000);
    expect(config.cameras[0]).toEqual(camera);
  });

  it('keeps optional credentials', () => {
    const config = parseSfuConfig({ cameras: [{ ...camera, username: 'admin', password: 'p@ss:w/rd' }] });
    expect(config.cameras[0]).toMatchObject({ username: 'admin', password: 'p@ss:w/rd' });
  });

  it('names the bad field: a non-RTSP URL', () => {
    expect(errorOf({ cameras: [camera, { ...camera, id: 'cam-2', url: 'http://x/' }] })).toContain('cameras[1].url');
  });

  it('names the bad field: missing name, bad id, unknown key', () => {
    expect(errorOf({ cameras: [{ id: 'cam-1', url: camera.url }] })).toContain('cameras[0].name');
    expect(errorOf({ cameras: [{ ...camera, id: 'has space' }] })).toContain('cameras[0].id');
    expect(errorOf({ cameras: [{ ...camera, colour: 'red' }] })).toMatch(/cameras\[0\].*colour/);
  });

  it('names the bad field: duplicate ids, bad port, inverted ranges', () => {
    expect(errorOf({ cameras: [camera, camera] })).toContain('cameras[1].id: duplicate camera id "cam-1"');
    expect(errorOf({ http: { port: 70000 }, cameras: [] })).toContain('http.port');
    expect(errorOf({ mediasoup: { listenIp: 'banana' }, cameras: [] })).toContain('mediasoup.listenIp: must be an IPv4 or IPv6 address');
    expect(errorOf({ http: { host: 'wall.example' }, cameras: [] })).toContain('http.host');
    expect(parseSfuConfig({ mediasoup: { listenIp: '::' }, cameras: [] }).mediasoup.listenIp).toBe('::');
    expect(errorOf({ mediasoup: { rtcMinPort: 50000, rtcMaxPort: 40000 }, cameras: [] })).toContain('mediasoup.rtcMinPort');
    expect(errorOf({ ingest: { backoff: { initialMs: 5000, maxMs: 1000 } }, cameras: [] })).toContain('ingest.backoff.initialMs');
  });

  it('accepts a file saved with a UTF-8 byte-order mark', () => {
    expect(parseSfuConfigText('\uFEFF' + JSON.stringify({ cameras: [camera] }), 'argus.json').cameras[0]).toEqual(camera);
  });

  it('accepts a file without cameras (they live in the store), and fills in store and auth defaults', () => {
    const config = parseSfuConfig({});
    expect(config.cameras).toEqual([]);
    expect(config.store).toEqual({ path: 'data/argus.db', heartbeatMs: 1000, root: { id: '990000', name: expect.any(String) } });
    expect(config.auth).toMatchObject({ sessionTtlMs: 12 * 3600_000, secureCookie: false, maxFailuresPerUser: 5, maxFailuresPerAddress: 20, lockoutMs: 15 * 60_000 });
    expect(config.auth.tokenSecret).toBeUndefined();
  });

  it('names bad store and auth fields', () => {
    expect(errorOf({ auth: { tokenSecret: 'short' } })).toContain('auth.tokenSecret: must be at least 32 characters');
    expect(errorOf({ auth: { sessionTtlMs: 30 * 24 * 3600_000 } })).toContain('auth.sessionTtlMs');
    expect(errorOf({ store: { root: { id: '99', name: 'x' } } })).toContain('store.root.id');
    expect(errorOf({ cameras: [{ ...camera, orgUnitId: 'county' }] })).toContain('cameras[0].orgUnitId');
  });

  it('rejects a file that is not JSON', () => {
    expect(() => parseSfuConfigText('{ "cameras": [', 'argus.json')).toThrow(/argus\.json: not valid JSON/);
    expect(() => parseSfuConfigText('{"cameras": 3}', 'argus.json')).toThrow(/argus\.json: .*cameras/);
  });
});
