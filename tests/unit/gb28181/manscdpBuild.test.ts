import { describe, expect, it } from 'vitest';
import {
  buildCatalogQuery,
  buildCatalogResponses,
  buildDeviceInfoQuery,
  buildDeviceInfoResponse,
  buildDeviceStatusQuery,
  buildKeepalive,
  buildKeyframeRequest,
  buildPtzControl,
  buildResultResponse,
  CatalogAggregator,
  encodeManscdpBody,
  escapeXml,
  parseManscdp,
  presetCommand,
  ptzCommand,
  type CatalogAggregate,
  type CatalogEntry,
  type CatalogResponse,
} from '../../../sfu/src/ingest/gb28181/manscdp/index.js';
import { sipFileBodies } from './manscdpSamples.js';

const DEVICE = '34020000001320000001';
const roundTrip = (text: string) => parseManscdp(encodeManscdpBody(text));

describe('builders: the exact bodies', () => {
  it('Query Catalog, as the standard writes it (GB2312 declaration, CRLF)', () => {
    expect(buildCatalogQuery({ sn: 17, deviceId: DEVICE })).toBe(
      '<?xml version="1.0" encoding="GB2312"?>\r\n<Query>\r\n<CmdType>Catalog</CmdType>\r\n<SN>17</SN>\r\n<DeviceID>34020000001320000001</DeviceID>\r\n</Query>\r\n',
    );
    expect(buildCatalogQuery({ sn: 1, deviceId: DEVICE }, { encoding: 'UTF-8' })).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\r\n<Query>/);
  });

  it('DeviceControl with PTZCmd, field for field like the SRS capture', () => {
    const srs = parseManscdp(sipFileBodies().find((s) => s.name.endsWith('ptz_devicecontrol_body.xml'))!.body).message;
    const built = roundTrip(buildPtzControl({ sn: 11, deviceId: '34020000001310000053', ptzCmd: 'A50F01021F0000D6' })).message;
    expect(built).toEqual(srs);
    expect(buildPtzControl({ sn: 1, deviceId: DEVICE, ptzCmd: presetCommand('goto', 3), controlPriority: 5 })).toContain('<PTZCmd>A50F01820003003A</PTZCmd>\r\n<Info>\r\n<ControlPriority>5</ControlPriority>\r\n</Info>');
  });

  it('key frame request uses the standard spelling IFameCmd', () => {
    const text = buildKeyframeRequest({ sn: 2, deviceId: DEVICE });
    expect(text).toContain('<IFameCmd>Send</IFameCmd>');
    expect(roundTrip(text).message).toMatchObject({ kind: 'deviceControl', sn: 2, deviceId: DEVICE, iFrameCmd: 'Send', ptzCmd: null });
  });

  it('rejects bad arguments', () => {
    expect(() => buildCatalogQuery({ sn: -1, deviceId: DEVICE })).toThrow(RangeError);
    expect(() => buildCatalogQuery({ sn: 1.5, deviceId: DEVICE })).toThrow(RangeError);
    expect(() => buildCatalogQuery({ sn: 1, deviceId: ' ' })).toThrow(RangeError);
    expect(() => buildPtzControl({ sn: 1, deviceId: DEVICE, ptzCmd: 'a50f01021f0000d6' })).toThrow(RangeError);
    expect(() => buildCatalogResponses({ sn: 1, deviceId: DEVICE, items: [], perMessage: 0 })).toThrow(RangeError);
  });

  it('escapes the five XML characters and drops what XML cannot carry', () => {
    expect(escapeXml(`a&b<c>d"e'f\u0001g\uFFFEh\uD800i😀`)).toBe('a&amp;b&lt;c&gt;d&quot;e&apos;fghi😀');
  });
});

describe('builder → parser round trips', () => {
  it('queries and keepalive', () => {
    expect(roundTrip(buildCatalogQuery({ sn: 5, deviceId: DEVICE, startTime: '2024-01-01T00:00:00', endTime: '2024-01-02T00:00:00' })).message).toEqual({
      kind: 'catalogQuery', root: 'Query', cmdType: 'Catalog', sn: 5, deviceId: DEVICE, startTime: '2024-01-01T00:00:00', endTime: '2024-01-02T00:00:00',
    });
    expect(roundTrip(buildDeviceInfoQuery({ sn: 6, deviceId: DEVICE })).message).toMatchObject({ kind: 'deviceInfoQuery', sn: 6, deviceId: DEVICE });
    expect(roundTrip(buildDeviceStatusQuery({ sn: 7, deviceId: DEVICE })).message).toMatchObject({ kind: 'deviceStatusQuery', sn: 7, deviceId: DEVICE });
    expect(roundTrip(buildKeepalive({ sn: 8, deviceId: DEVICE })).message).toEqual({ kind: 'keepalive', root: 'Notify', cmdType: 'Keepalive', sn: 8, deviceId: DEVICE, status: 'OK', faultyDeviceIds: [] });
    expect(roundTrip(buildKeepalive({ sn: 9, deviceId: DEVICE, status: 'ERROR', faultyDeviceIds: ['1', '2'] })).message).toMatchObject({ status: 'ERROR', faultyDeviceIds: ['1', '2'] });
  });

  it('PTZ controls of every kind decode back to what was asked', () => {
    const cmd = ptzCommand({ pan: 'right', tilt: 'down', zoom: 'in', speed: 200 });
    const m = roundTrip(buildPtzControl({ sn: 10, deviceId: DEVICE, ptzCmd: cmd })).message;
    expect(m).toMatchObject({ kind: 'deviceControl', ptzCmd: cmd, ptz: { kind: 'motion', pan: 'right', tilt: 'down', zoom: 'in', panSpeed: 200, tiltSpeed: 200, zoomSpeed: 12 } });
  });

  it('result and DeviceInfo responses (device simulator, cascade)', () => {
    expect(roundTrip(buildResultResponse({ sn: 3, deviceId: DEVICE, cmdType: 'DeviceControl', result: 'OK' })).message).toEqual({
      kind: 'result', root: 'Response', cmdType: 'DeviceControl', sn: 3, deviceId: DEVICE, result: 'OK', reason: null,
    });
    expect(roundTrip(buildDeviceInfoResponse({ sn: 4, deviceId: DEVICE, deviceName: '模拟摄像机 & 1', manufacturer: 'Argus', model: 'Sim', firmware: '1.0', channel: 2 })).message).toMatchObject({
      kind: 'deviceInfoResponse', deviceName: '模拟摄像机 & 1', result: 'OK', manufacturer: 'Argus', channel: 2,
    });
  });

  const NAMES = ['前门东侧球机', '人民路&中山路交叉口 <北>', '王堃家门口', '𠮷野家 "分店"', "O'Brien 楼 1F", '停车场\u0001入口', '雪亮工程-天网 😀'];
  const entries: CatalogEntry[] = Array.from({ length: 25 }, (_, i) => ({
    deviceId: `3402000000132${String(i + 1).padStart(7, '0')}`,
    name: NAMES[i % NAMES.length]!,
    manufacturer: '海康威视',
    model: 'DS-2DE4425IW',
    owner: 'Owner',
    civilCode: '340200',
    address: `杭州市滨江区 ${i} 号`,
    parentId: '34020000002000000001',
    status: i % 5 === 0 ? 'OFF' : 'ON',
    longitude: 120.2 + i / 1000,
    latitude: 30.2,
    ptzType: i % 2 ? 1 : 3,
  }));

  it('a 25-channel catalog with Chinese names: 7 GB18030 messages of 4, each with SumNum 25, read back identically', () => {
    const texts = buildCatalogResponses({ sn: 88, deviceId: '34020000002000000001', items: entries, perMessage: 4 });
    expect(texts).toHaveLength(7);
    const messages = texts.map((t) => roundTrip(t));
    messages.forEach((r, i) => {
      expect(r.charset).toBe('GB18030');
      expect(r.repairs).toEqual([]);
      expect(r.message).toMatchObject({ kind: 'catalogResponse', sn: 88, deviceId: '34020000002000000001', sumNum: 25, listNum: i < 6 ? 4 : 1 });
    });
    const items = messages.flatMap((r) => (r.message as CatalogResponse).items);
    expect(items).toHaveLength(25);
    items.forEach((item, i) => {
      const e = entries[i]!;
      expect(item).toMatchObject({
        deviceId: e.deviceId, name: e.name.replace('\u0001', ''), manufacturer: '海康威视', model: 'DS-2DE4425IW', owner: 'Owner', civilCode: '340200',
        address: e.address, parental: false, parentId: '34020000002000000001', registerWay: 1, secrecy: 0, status: e.status, longitude: e.longitude,
        latitude: 30.2, ptzType: e.ptzType, event: null,
      });
    });
  });

  it('one channel per message (the default) fits a UDP datagram', () => {
    const texts = buildCatalogResponses({ sn: 1, deviceId: DEVICE, items: entries });
    expect(texts).toHaveLength(25);
    for (const t of texts) expect(encodeManscdpBody(t).length).toBeLessThan(1000);
  });

  it('the split answer re-assembles in the aggregator, in any order, duplicates included', () => {
    const results: CatalogAggregate[] = [];
    const agg = new CatalogAggregator({ onResult: (r) => results.push(r) });
    const texts = buildCatalogResponses({ sn: 88, deviceId: '34020000002000000001', items: entries, perMessage: 3 });
    const order = [...texts.keys()].reverse();
    for (const i of [order[1]!, ...order]) agg.add(roundTrip(texts[i]!).message as CatalogResponse);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ complete: true, reason: 'complete', sumNum: 25, duplicates: 3 });
    expect(results[0]!.items.map((i) => i.deviceId).sort()).toEqual(entries.map((e) => e.deviceId));
  });

  it('an empty catalog is one message with SumNum 0', () => {
    const texts = buildCatalogResponses({ sn: 2, deviceId: DEVICE, items: [] });
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain('<SumNum>0</SumNum>\r\n<DeviceList Num="0">\r\n</DeviceList>');
    expect(roundTrip(texts[0]!).message).toMatchObject({ kind: 'catalogResponse', sumNum: 0, listNum: 0, items: [] });
  });

  it('UTF-8 bodies round-trip too', () => {
    const [text] = buildCatalogResponses({ sn: 3, deviceId: DEVICE, items: entries.slice(0, 1) }, { encoding: 'UTF-8' });
    const r = roundTrip(text!);
    expect(r.charset).toBe('UTF-8');
    expect((r.message as CatalogResponse).items[0]?.name).toBe(entries[0]!.name);
  });
});
