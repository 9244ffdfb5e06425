import { describe, expect, it } from 'vitest';
import { ManscdpError, parseManscdp, type CatalogResponse, type ManscdpMessage } from '../../../sfu/src/ingest/gb28181/manscdp/index.js';
import { flylabMessages, sipFileBodies, transcriptBodies, wiresharkBodies } from './manscdpSamples.js';

function parsed<K extends ManscdpMessage['kind']>(body: Buffer | string, kind: K): Extract<ManscdpMessage, { kind: K }> {
  const result = parseManscdp(body);
  expect(result.truncated).toBe(false);
  expect(result.repairs).toEqual([]);
  expect(result.message.kind).toBe(kind);
  return result.message as Extract<ManscdpMessage, { kind: K }>;
}

function sample(name: string): Buffer {
  const found = sipFileBodies().find((s) => s.name === name);
  if (!found) throw new Error(`no sample ${name}`);
  return found.body;
}

describe('parseManscdp on the SRS 4 capture (Hikvision-style IPC and NVR)', () => {
  it('finds exactly the five XML bodies among the .sip and .xml files', () => {
    expect(sipFileBodies().map((s) => s.name)).toEqual([
      'srs4_capture/03_ipc_keepalive_message.sip',
      'srs4_capture/12_server_message_query_catalog.sip',
      'srs4_capture/15_nvr_message_catalog_response.sip',
      'srs4_capture/nvr_keepalive_body_with_info.xml',
      'srs4_capture/ptz_devicecontrol_body.xml',
    ]);
  });

  it('reads the IPC keepalive (UTF-8, LF-only, empty <Info>)', () => {
    const r = parseManscdp(sample('srs4_capture/03_ipc_keepalive_message.sip'));
    expect(r.charset).toBe('UTF-8');
    expect(r.message).toEqual({ kind: 'keepalive', root: 'Notify', cmdType: 'Keepalive', sn: 1, deviceId: '34020000001320000003', status: 'OK', faultyDeviceIds: [] });
  });

  it('reads the NVR keepalive listing six faulty channels (gb2312)', () => {
    const r = parseManscdp(sample('srs4_capture/nvr_keepalive_body_with_info.xml'));
    expect(r.charset).toBe('GB18030');
    expect(r.message).toMatchObject({ kind: 'keepalive', sn: 2034, deviceId: '34020000001110000001', status: 'OK' });
    expect(r.message.kind === 'keepalive' && r.message.faultyDeviceIds).toEqual(['2', '3', '5', '6', '7', '8'].map((n) => `3402000000132000000${n}`));
  });

  it('reads the platform catalog query', () => {
    expect(parsed(sample('srs4_capture/12_server_message_query_catalog.sip'), 'catalogQuery')).toEqual({
      kind: 'catalogQuery', root: 'Query', cmdType: 'Catalog', sn: 419315752, deviceId: '34020000001110000001', startTime: null, endTime: null,
    });
  });

  it('reads the NVR catalog response: SumNum 8, two items in this message, one OFF', () => {
    const m = parsed(sample('srs4_capture/15_nvr_message_catalog_response.sip'), 'catalogResponse');
    expect(m).toMatchObject({ sn: 419315752, deviceId: '34020000001110000001', sumNum: 8, listNum: 2 });
    expect(m.items).toHaveLength(2);
    expect(m.items[0]).toMatchObject({
      deviceId: '34020000001320000001', name: 'Camera 01', manufacturer: 'Manufacturer', model: 'Camera', owner: 'Owner', civilCode: 'CivilCode',
      address: '192.168.254.18', parental: false, safetyWay: 0, registerWay: 1, secrecy: 0, status: 'ON', parentId: null, event: null,
    });
    expect(m.items[1]).toMatchObject({ deviceId: '34020000001320000002', name: 'IPCamera 02', address: '192.168.254.14', status: 'OFF' });
  });

  it('reads the PTZ DeviceControl (trailing spaces, no encoding) and decodes its PTZCmd', () => {
    const r = parseManscdp(sample('srs4_capture/ptz_devicecontrol_body.xml'));
    expect(r.charsetNote).toBe('undeclared');
    expect(r.message).toMatchObject({ kind: 'deviceControl', root: 'Control', sn: 11, deviceId: '34020000001310000053', ptzCmd: 'A50F01021F0000D6', ptzError: null });
    expect(r.message.kind === 'deviceControl' && r.message.ptz).toEqual({ kind: 'motion', address: 1, pan: 'left', tilt: null, zoom: null, panSpeed: 0x1f, tiltSpeed: 0, zoomSpeed: 0 });
  });

  it('reads the same five bodies quoted in ALL_TRANSCRIPTS.txt to the same messages', () => {
    const quoted = transcriptBodies().map((s) => parseManscdp(s.body));
    expect(quoted).toHaveLength(5);
    for (const r of quoted) expect(r.repairs).toEqual([]);
    const files = sipFileBodies().map((s) => parseManscdp(s.body).message);
    const key = (m: ManscdpMessage) => `${m.kind}:${m.sn}`;
    expect(quoted.map((r) => key(r.message)).sort()).toEqual(files.map(key).sort());
    for (const r of quoted) expect(r.message).toEqual(files.find((m) => key(m) === key(r.message)));
  });

  it('rejects the non-XML bodies (SDP, empty) with a reason, never another error', () => {
    const others = sipFileBodies(false).filter((s) => !s.body.toString('latin1').trimStart().startsWith('<'));
    expect(others.length).toBeGreaterThan(10);
    for (const s of others) {
      const expected = s.body.toString('latin1').trim() === '' ? 'empty' : 'no-element';
      expect(() => parseManscdp(s.body), s.name).toThrow(ManscdpError);
      try {
        parseManscdp(s.body);
      } catch (err) {
        expect((err as ManscdpError).reason, s.name).toBe(expected);
      }
    }
  });
});

describe('parseManscdp on the FlyLab Dahua IPC-HDW2230C-A-V2 capture', () => {
  it('reads all 17 GB2312 catalog responses with every field', () => {
    const messages = flylabMessages('catalog_responses_dahua.txt');
    expect(messages).toHaveLength(17);
    const sns = new Set<number>();
    for (const s of messages) {
      const r = parseManscdp(s.body);
      expect(r.charset, s.name).toBe('GB18030');
      expect(r.repairs, s.name).toEqual([]);
      const m = r.message as CatalogResponse;
      expect(m.kind, s.name).toBe('catalogResponse');
      expect(m).toMatchObject({ cmdType: 'Catalog', deviceId: '34020000001320000001', sumNum: 1, listNum: 1 });
      expect(m.sn).toBeGreaterThan(0);
      sns.add(m.sn!);
      expect(m.items).toEqual([
        {
          deviceId: '34020000001310000001', event: null, name: 'IPC', manufacturer: 'Dahua', model: 'IPC-HDW2230C-A-V2', owner: '0', civilCode: '340200',
          block: null, address: 'axy', parental: false, parentId: '34020000001320000001', businessGroupId: null, safetyWay: null, registerWay: 1,
          certNum: null, certifiable: null, errCode: null, endTime: null, secrecy: 0, ipAddress: null, port: null, status: 'ON', longitude: null,
          latitude: null, streamNum: 2, ptzType: 3, info: { PTZType: '3', DownloadSpeed: '1/2/4/8' }, extra: {},
        },
      ]);
    }
    expect(sns.size).toBe(17);
  });

  it('reads all 17 catalog queries; the 15 addressed to the IPC are the ones answered (by SN)', () => {
    const queries = flylabMessages('catalog_queries.txt').map((s) => parsed(s.body, 'catalogQuery'));
    expect(queries).toHaveLength(17);
    // Two queries address the platform's own 16-digit ID instead of the device: unanswered.
    const toDevice = queries.filter((q) => q.deviceId === '34020000001320000001');
    expect(queries.filter((q) => q.deviceId === '0000042001000001').map((q) => q.sn).sort()).toEqual([17852, 19951]);
    expect(toDevice).toHaveLength(15);
    const answered = new Set(flylabMessages('catalog_responses_dahua.txt').map((s) => parseManscdp(s.body).message.sn));
    for (const q of toDevice) expect(answered.has(q.sn), `SN ${q.sn}`).toBe(true);
    // Two responses answer queries not in the file.
    expect([...answered].filter((sn) => !queries.some((q) => q.sn === sn)).sort()).toEqual([16705, 18004]);
  });

  it('reads every body of the Wireshark text export: keepalives, queries, the catalog and the SUBSCRIBE answer', () => {
    const bodies = wiresharkBodies();
    const kinds = bodies.map((s) => parseManscdp(s.body).message.kind);
    expect(kinds.filter((k) => k === 'keepalive')).toHaveLength(35);
    expect(kinds.filter((k) => k === 'catalogQuery')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'catalogResponse')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'result')).toHaveLength(1);
    expect(bodies).toHaveLength(39);
    for (const s of bodies) expect(parseManscdp(s.body).repairs, s.name).toEqual([]);
    const catalog = bodies.map((s) => parseManscdp(s.body).message).find((m) => m.kind === 'catalogResponse') as CatalogResponse;
    // This IPC lists itself as its only channel: item DeviceID = device DeviceID = ParentID.
    expect(catalog.items[0]).toMatchObject({ deviceId: '34020000001320000001', parentId: '34020000001320000001', streamNum: 2, ptzType: 3 });
    const ack = bodies.map((s) => parseManscdp(s.body).message).find((m) => m.kind === 'result');
    expect(ack).toEqual({ kind: 'result', root: 'Response', cmdType: 'Catalog', sn: 2, deviceId: '34020000001320000001', result: 'OK', reason: null });
  });
});

describe('parseManscdp on the other commands', () => {
  const decl = '<?xml version="1.0" encoding="GB2312"?>\r\n';

  it('reads DeviceInfo and DeviceStatus responses', () => {
    const info = parsed(
      `${decl}<Response><CmdType>DeviceInfo</CmdType><SN>7</SN><DeviceID>34020000001320000001</DeviceID><DeviceName>IPC</DeviceName><Result>OK</Result>` +
        '<Manufacturer>Hikvision</Manufacturer><Model>DS-2CD2T47</Model><Firmware>V5.5.0</Firmware><Channel>1</Channel></Response>',
      'deviceInfoResponse',
    );
    expect(info).toMatchObject({ deviceName: 'IPC', result: 'OK', manufacturer: 'Hikvision', model: 'DS-2CD2T47', firmware: 'V5.5.0', channel: 1 });
    const status = parsed(
      `${decl}<Response><CmdType>DeviceStatus</CmdType><SN>8</SN><DeviceID>34020000001320000001</DeviceID><Result>OK</Result><Online>ONLINE</Online>` +
        '<Status>OK</Status><Encode>ON</Encode><Record>OFF</Record><DeviceTime>2024-01-02T03:04:05</DeviceTime>' +
        '<Alarmstatus Num="1"><Item><DeviceID>34020000001340000001</DeviceID><DutyStatus>OFFDUTY</DutyStatus></Item></Alarmstatus></Response>',
      'deviceStatusResponse',
    );
    expect(status).toMatchObject({ result: 'OK', online: true, status: 'OK', encode: true, record: false, deviceTime: '2024-01-02T03:04:05' });
    expect(status.alarmStatus).toEqual([{ deviceId: '34020000001340000001', dutyStatus: 'OFFDUTY' }]);
  });

  it('reads DeviceInfo and DeviceStatus queries', () => {
    expect(parsed(`${decl}<Query><CmdType>DeviceInfo</CmdType><SN>1</SN><DeviceID>1</DeviceID></Query>`, 'deviceInfoQuery').sn).toBe(1);
    expect(parsed(`${decl}<Query><CmdType>DeviceStatus</CmdType><SN>2</SN><DeviceID>1</DeviceID></Query>`, 'deviceStatusQuery').sn).toBe(2);
  });

  it('reads DeviceControl sub-commands: key frame (both spellings), guard, record, reboot, priority, the rest in extra', () => {
    const m = parsed(
      `${decl}<Control><CmdType>DeviceControl</CmdType><SN>3</SN><DeviceID>1</DeviceID><IFameCmd>Send</IFameCmd><GuardCmd>SetGuard</GuardCmd>` +
        '<RecordCmd>Record</RecordCmd><TeleBoot>Boot</TeleBoot><AlarmCmd>ResetAlarm</AlarmCmd><Info><ControlPriority>5</ControlPriority></Info>' +
        '<DragZoomIn><Length>100</Length><Width>50</Width></DragZoomIn></Control>',
      'deviceControl',
    );
    expect(m).toMatchObject({ iFrameCmd: 'Send', guardCmd: 'SetGuard', recordCmd: 'Record', teleBoot: 'Boot', alarmCmd: 'ResetAlarm', controlPriority: 5, ptzCmd: null, ptz: null });
    expect(m.extra).toEqual({ 'DragZoomIn.Length': '100', 'DragZoomIn.Width': '50' });
    expect(parsed('<Control><CmdType>DeviceControl</CmdType><SN>4</SN><DeviceID>1</DeviceID><IFrameCmd>Send</IFrameCmd></Control>', 'deviceControl').iFrameCmd).toBe('Send');
  });

  it('keeps a DeviceControl whose PTZCmd has a wrong checksum, with the reason', () => {
    const m = parsed('<Control><CmdType>DeviceControl</CmdType><SN>4</SN><DeviceID>1</DeviceID><PTZCmd>A50F01021F0000D7</PTZCmd></Control>', 'deviceControl');
    expect(m.ptz).toBeNull();
    expect(m.ptzError).toMatch(/checksum/);
  });

  it('reads catalog NOTIFY events', () => {
    const m = parsed(
      `${decl}<Notify><CmdType>Catalog</CmdType><SN>9</SN><DeviceID>34020000001110000001</DeviceID><SumNum>3</SumNum><DeviceList Num="3">` +
        '<Item><DeviceID>34020000001320000001</DeviceID><Event>ADD</Event><Name>新增通道</Name><Status>ON</Status></Item>' +
        '<Item><DeviceID>34020000001320000002</DeviceID><Event>del</Event></Item>' +
        '<Item><DeviceID>34020000001320000003</DeviceID><Event>OFF</Event></Item></DeviceList></Notify>',
      'catalogNotify',
    );
    expect(m.items.map((i) => [i.deviceId.slice(-1), i.event])).toEqual([['1', 'ADD'], ['2', 'DEL'], ['3', 'OFF']]);
    expect(m.items[0]?.name).toBe('新增通道');
  });

  it('reads alarm NOTIFY', () => {
    const m = parsed(
      `${decl}<Notify><CmdType>Alarm</CmdType><SN>10</SN><DeviceID>34020000001340000001</DeviceID><AlarmPriority>1</AlarmPriority><AlarmMethod>5</AlarmMethod>` +
        '<AlarmTime>2024-01-02T03:04:05</AlarmTime><AlarmDescription>区域入侵</AlarmDescription><Longitude>120.1</Longitude><Latitude>30.2</Latitude>' +
        '<Info><AlarmType>2</AlarmType><AlarmTypeParam><EventType>1</EventType></AlarmTypeParam></Info></Notify>',
      'alarmNotify',
    );
    expect(m).toMatchObject({ alarmPriority: 1, alarmMethod: 5, alarmTime: '2024-01-02T03:04:05', alarmDescription: '区域入侵', longitude: 120.1, latitude: 30.2, alarmType: 2, eventType: 1 });
  });

  it('returns an unknown CmdType as a typed unknown message, never an error', () => {
    const m = parsed(
      `${decl}<Notify><CmdType>MobilePosition</CmdType><SN>11</SN><DeviceID>1</DeviceID><Longitude>120</Longitude><Info><Speed>3</Speed></Info></Notify>`,
      'unknown',
    );
    expect(m).toMatchObject({ root: 'Notify', cmdType: 'MobilePosition', sn: 11, deviceId: '1' });
    expect(m.fields).toMatchObject({ Longitude: '120', 'Info.Speed': '3' });
    expect(parsed('<Foo><Bar>1</Bar></Foo>', 'unknown')).toMatchObject({ root: 'Foo', cmdType: null, sn: null, deviceId: null });
    expect(parsed('<Response><CmdType>RecordInfo</CmdType><SN>1</SN><DeviceID>1</DeviceID></Response>', 'unknown').cmdType).toBe('RecordInfo');
  });
});
