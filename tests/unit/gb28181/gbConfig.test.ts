import { describe, expect, it } from 'vitest';
import { ConfigError, parseSfuConfig } from '../../../shared/src/config.js';

/** The `gb28181` section of the SFU configuration: off by default, IDs checked (GB/T 28181-2016 Appendix D). */
describe('gb28181 configuration', () => {
  it('is disabled by default, with the standard port and timings', () => {
    expect(parseSfuConfig({}).gb28181).toEqual({
      enabled: false,
      host: '0.0.0.0',
      port: 5060,
      domainId: '9900000000',
      serverId: '99000000002000000001',
      keepaliveIntervalMs: 60_000,
      keepaliveMissed: 3,
      catalogTimeoutMs: 10_000,
      mediaBindHost: '0.0.0.0',
      streamMode: 'udp',
      inviteTimeoutMs: 10_000,
      mediaTimeoutMs: 10_000,
      idleStopMs: 15_000,
    });
  });

  it('takes a cascade upward with its superior\'s IDs, and refuses a malformed one', () => {
    const upstream = { host: '10.1.0.1', serverId: '99000000002000000001', domainId: '9900000000', password: 'secret' };
    expect(parseSfuConfig({ gb28181: { upstream } }).gb28181.upstream).toEqual({ ...upstream, port: 5060, expiresS: 3600, keepaliveIntervalMs: 60_000 });
    expect(() => parseSfuConfig({ gb28181: { upstream: { ...upstream, serverId: '123' } } })).toThrow(/serverId/);
    expect(() => parseSfuConfig({ gb28181: { streamMode: 'tcp' } })).toThrow(/streamMode/);
  });

  it('names each bad field', () => {
    const errorOf = (gb28181: unknown): string => {
      try {
        parseSfuConfig({ gb28181 });
        return '';
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
    };
    expect(errorOf({ domainId: '34020000' })).toContain('gb28181.domainId: must be 10 digits');
    expect(errorOf({ serverId: '3402000000200000000X' })).toContain('gb28181.serverId: must be 20 digits');
    expect(errorOf({ port: 70000 })).toContain('gb28181.port');
    expect(errorOf({ keepaliveMissed: 0 })).toContain('gb28181.keepaliveMissed');
    expect(errorOf({ realm: 'x' })).toContain('gb28181');
    expect(parseSfuConfig({ gb28181: { enabled: true, port: 15060 } }).gb28181).toMatchObject({ enabled: true, port: 15060 });
  });
});
