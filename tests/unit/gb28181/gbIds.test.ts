import { describe, expect, it } from 'vitest';
import { GB_TYPE_CODES, GbIdError, gbTypeCodeOf, gbTypeKind, isDomainId, isGbId, parseGbId } from '../../../sfu/src/ingest/gb28181/sip/gbIds.js';
import { parseSipMessage } from '../../../sfu/src/ingest/gb28181/sip/sipMessage.js';
import { getContacts, getFrom, getTo, parseSipUri } from '../../../sfu/src/ingest/gb28181/sip/sipHeaderFields.js';
import { captureFiles, splitLfMessages, wiresharkFrames } from './sipCaptures.js';

describe('GB/T 28181 IDs (Appendix D)', () => {
  it('cuts an IPC ID into its fields', () => {
    expect(parseGbId('34020000001320000001')).toEqual({
      id: '34020000001320000001',
      centreCode: '34020000',
      provinceCode: '34',
      cityCode: '02',
      districtCode: '00',
      unitCode: '00',
      industryCode: '00',
      typeCode: 132,
      typeKind: 'front-end-peripheral',
      typeName: 'ipc',
      networkId: 0,
      serial: '000001',
      domainId: '3402000000',
    });
  });

  it('names the types seen in the captures', () => {
    expect(parseGbId('34020000002000000001')).toMatchObject({ typeCode: 200, typeKind: 'platform', typeName: 'sip server' });
    expect(parseGbId('34020000001310000001')).toMatchObject({ typeCode: 131, typeKind: 'front-end-peripheral', typeName: 'camera' });
    // The Hikvision NVR in the SRS transcripts registers with type 111 (DVR), not 118 (NVR).
    expect(parseGbId('34020000001110000001')).toMatchObject({ typeCode: 111, typeKind: 'front-end-device', typeName: 'dvr' });
    // SRS unit tests use a camera ID whose type code (177) is an unnamed extension, and whose 14th digit is 2.
    const srs = parseGbId('34020000001772715371');
    expect(srs).toMatchObject({ typeCode: 177, typeKind: 'front-end-peripheral', networkId: 2, serial: '715371' });
    expect(srs.typeName).toBeUndefined();
  });

  it('classifies type codes by the ranges of Table D.1', () => {
    expect([110, 111, 118, 130, 131, 199, 200, 215, 216, 299, 300, 400, 499, 500, 999].map(gbTypeKind)).toEqual([
      'other', 'front-end-device', 'front-end-device', 'front-end-device', 'front-end-peripheral', 'front-end-peripheral',
      'platform', 'platform', 'platform', 'platform', 'centre-user', 'terminal-user', 'terminal-user', 'other', 'other',
    ]);
    expect(GB_TYPE_CODES.BUSINESS_GROUP).toBe(215);
    expect(GB_TYPE_CODES.VIRTUAL_ORGANISATION).toBe(216);
    expect(gbTypeCodeOf('34020000001320000001')).toBe(132);
    expect(gbTypeCodeOf('0000042001000001')).toBeUndefined();
  });

  it('refuses what is not 20 digits, saying why', () => {
    const reason = (v: unknown): string => {
      try {
        parseGbId(v);
        return 'parsed';
      } catch (err) {
        return err instanceof GbIdError ? err.reason : 'other';
      }
    };
    expect(reason('0000042001000001')).toBe('wrong-length');
    expect(reason('3402000000132000000１')).toBe('not-digits');
    expect(reason('3402000000132000000a')).toBe('not-digits');
    expect(reason(' 4020000001320000001')).toBe('not-digits');
    expect(reason(34020000001320000001)).toBe('not-a-string');
    expect(isGbId('34020000001320000001')).toBe(true);
    expect(isGbId('3402000000132000000')).toBe(false);
    expect(isGbId('340200000013200000011')).toBe(false);
    expect(isGbId('34020000001320000001\n')).toBe(false);
    expect(isGbId(null)).toBe(false);
  });

  it('knows 10-digit SIP domain IDs', () => {
    expect(isDomainId('3402000000')).toBe(true);
    expect(isDomainId('3402000000.spvmn.cn')).toBe(false);
    expect(isDomainId('340200000')).toBe(false);
  });

  it('every user part in the captures is a GB/T 28181 ID, except the FlyLab test platform’s 16-digit one', () => {
    const messages = [
      ...[...captureFiles('srs4_capture'), ...captureFiles('srs6_utest_tcp')].filter((f) => !/09_server_401|15_nvr/.test(f.name)).map((f) => f.bytes),
      ...captureFiles('dahua_flylab', ['.txt']).filter((f) => !f.name.includes('wireshark')).flatMap((f) => splitLfMessages(f.bytes)),
      ...wiresharkFrames().map((f) => f.bytes),
    ].map((b) => parseSipMessage(b));
    const users = new Set<string>();
    for (const msg of messages) {
      const uris = [getFrom(msg).uri, getTo(msg).uri, ...getContacts(msg).contacts.map((c) => c.uri)];
      if (msg.kind === 'request') uris.push(msg.uri);
      for (const uri of uris) {
        const user = parseSipUri(uri).user;
        if (user) users.add(user);
      }
    }
    const notGb = [...users].filter((u) => !isGbId(u));
    expect(notGb).toEqual(['0000042001000001']);
    expect([...users].filter(isGbId).map((u) => parseGbId(u).domainId)).toEqual([...users].filter(isGbId).map(() => '3402000000'));
  });
});
