import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { ManscdpError, parseManscdp, type CatalogResponse, type KeepaliveNotify, type ManscdpParseResult } from '../../../sfu/src/ingest/gb28181/manscdp/index.js';
import { flylabMessages, sipFileBodies, wiresharkBodies } from './manscdpSamples.js';
import { mulberry32 } from '@argus/shared';

/** Parse, allowing only ManscdpError to escape. */
function tolerant(body: Buffer | string): ManscdpParseResult | ManscdpError {
  try {
    return parseManscdp(body);
  } catch (err) {
    if (err instanceof ManscdpError) return err;
    throw err;
  }
}

const NVR_CATALOG = sipFileBodies().find((s) => s.name.startsWith('srs4_capture/15'))!.body.toString('latin1');
const KEEPALIVE = '<?xml version="1.0" encoding="GB2312"?>\r\n<Notify>\r\n<CmdType>Keepalive</CmdType>\r\n<SN>43</SN>\r\n<DeviceID>34020000001320000001</DeviceID>\r\n<Status>OK</Status>\r\n</Notify>\r\n';

const prng = mulberry32;

const NASTY = ['&', '<', '>', '"', "'", '/', '</', '<!--', ']]>', '<![CDATA[', '<!DOCTYPE x [<!ENTITY a "b">]>', '&#0;', '&#x110000;', '\u0000', '\u0001', '\u001f', '\u007f', '\uFFFF', '\uD800', '中', '<Item>', '</Item>', '</DeviceList>', '<__proto__>', '<constructor>', ' Num=', '=', '\r\n'];

function mutate(body: string, rand: () => number): string {
  let s = body;
  const edits = 1 + Math.floor(rand() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * (s.length + 1));
    switch (Math.floor(rand() * 7)) {
      case 0: s = s.slice(0, at); break; // truncate
      case 1: s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rand() * 20)); break; // delete a run
      case 2: s = s.slice(0, at) + NASTY[Math.floor(rand() * NASTY.length)]! + s.slice(at); break; // insert markup
      case 3: s = s.slice(0, at) + String.fromCharCode(Math.floor(rand() * 0x10000)) + s.slice(at + 1); break; // replace a character
      case 4: s = s.slice(0, at) + s.slice(at, at + 10).toUpperCase() + s.slice(at + 10); break; // case change
      case 5: s = s.slice(0, at) + s.slice(Math.floor(rand() * s.length)); break; // duplicate / splice
      default: s = s.slice(0, at) + s.slice(at, at + 10).toLowerCase() + s.slice(at + 10);
    }
  }
  return s;
}

describe('field damage the parser repairs', () => {
  it('escapes a bare & and keeps the text', () => {
    const r = parseManscdp(NVR_CATALOG.replace('Camera 01', 'Gate A&B 东门 &nbsp; &copy AT&T'));
    expect((r.message as CatalogResponse).items[0]?.name).toBe('Gate A&B 东门 &nbsp; &copy AT&T');
    expect(r.repairs).toContain('unescaped-ampersand');
  });

  it('decodes the predefined and numeric references, drops invalid ones', () => {
    const r = parseManscdp(KEEPALIVE.replace('<Status>OK</Status>', '<Status>&#79;&#x4B;</Status><Info><DeviceID>&lt;1&gt;&amp;&#0;&#xD800;</DeviceID></Info>'));
    expect(r.message).toMatchObject({ status: 'OK', faultyDeviceIds: ['<1>&'] });
  });

  it('removes control characters', () => {
    const r = parseManscdp(`\u0000${KEEPALIVE.replace('<SN>43</SN>', '<SN>4\u00013</SN>\u001b\u0007').replace('<Status>', '<Status>\u0008')}\u0000`);
    expect(r.message).toMatchObject({ kind: 'keepalive', sn: 43, status: 'OK' });
    expect(r.repairs).toContain('control-characters');
  });

  it('reads a body without XML declaration, with BOM, leading junk or trailing junk', () => {
    const bare = KEEPALIVE.replace(/^<\?xml[^>]*>\r\n/, '');
    expect(parseManscdp(bare).message).toMatchObject({ kind: 'keepalive', sn: 43 });
    expect(parseManscdp(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(KEEPALIVE)])).message).toMatchObject({ kind: 'keepalive', sn: 43 });
    const junk = parseManscdp(`garbage ${bare}\r\n<Notify><SN>99</SN></Notify>trailing`);
    expect(junk.message).toMatchObject({ kind: 'keepalive', sn: 43 });
    expect(junk.repairs).toEqual(expect.arrayContaining(['leading-content', 'trailing-content']));
  });

  it('reads tags in the wrong case and mismatched closing tags', () => {
    const r = parseManscdp(
      '<response><cmdtype>Catalog</cmdtype><Sn>7</SN><DeviceId>34020000001110000001</DeviceID><SUMNUM>1</SUMNUM><devicelist num="1">' +
        '<ITEM><deviceID>34020000001320000009</DeviceId><NAME>大门</name><status>on</STATUS><info><ptztype>1</PTZType></info></ITEM></devicelist></response>',
    );
    expect(r.message).toMatchObject({ kind: 'catalogResponse', root: 'Response', cmdType: 'Catalog', sn: 7, deviceId: '34020000001110000001', sumNum: 1, listNum: 1 });
    expect((r.message as CatalogResponse).items[0]).toMatchObject({ deviceId: '34020000001320000009', name: '大门', status: 'ON', ptzType: 1 });
    expect(r.repairs).toContain('tag-case');
  });

  it('closes elements left open and drops stray closing tags', () => {
    const r = parseManscdp('<Notify><CmdType>Keepalive</CmdType><SN>5</SN></Foo><DeviceID>1<Status>OK</Notify>');
    expect(r.message).toMatchObject({ kind: 'keepalive', sn: 5, deviceId: '1', status: null });
    expect(r.repairs).toEqual(expect.arrayContaining(['stray-closing-tag', 'unclosed-element']));
    expect(r.truncated).toBe(false);
  });

  it('reads numbers with spaces, signs, ".0", and ignores numbers that are not', () => {
    const r = parseManscdp(
      '<Response><CmdType>Catalog</CmdType><SN>\r\n  12 \t</SN><DeviceID> 1 </DeviceID><SumNum> 8.0 </SumNum><DeviceList Num=" 2 ">' +
        '<Item><DeviceID>2</DeviceID><Longitude> 120.5 </Longitude><Latitude>N30</Latitude><Port>5060x</Port><Parental> 1 </Parental></Item></DeviceList></Response>',
    );
    expect(r.message).toMatchObject({ sn: 12, deviceId: '1', sumNum: 8, listNum: 2 });
    expect((r.message as CatalogResponse).items[0]).toMatchObject({ longitude: 120.5, latitude: null, port: null, parental: true });
  });

  it('quotes unquoted attributes', () => {
    const r = parseManscdp('<Response><CmdType>Catalog</CmdType><SN>1</SN><DeviceID>1</DeviceID><SumNum>1</SumNum><DeviceList Num=1 Num=2 flag><Item><DeviceID>2</DeviceID></Item></DeviceList></Response>');
    expect(r.message).toMatchObject({ listNum: 1 });
    expect(r.repairs).toContain('attribute-syntax');
  });

  it('removes a DOCTYPE and its entities (no expansion)', () => {
    const laughs = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>';
    const r = parseManscdp(`<?xml version="1.0"?>${laughs}<Notify><CmdType>Keepalive</CmdType><SN>1</SN><DeviceID>&lol2;</DeviceID></Notify>`);
    expect(r.message.deviceId).toBe('&lol2;');
    expect(r.repairs).toEqual(expect.arrayContaining(['doctype-removed', 'unescaped-ampersand']));
  });

  it('cannot pollute prototypes through element or attribute names', () => {
    const r = parseManscdp('<Notify><CmdType>X</CmdType><__proto__><polluted>1</polluted></__proto__><constructor prototype="1">2</constructor><toString>3</toString></Notify>');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(r.message.kind).toBe('unknown');
    expect(r.repairs).toContain('reserved-name');
  });

  it('keeps CDATA text', () => {
    const r = parseManscdp(NVR_CATALOG.replace('Camera 01', '<![CDATA[A <b> & c]]>'));
    expect((r.message as CatalogResponse).items[0]?.name).toBe('A <b> & c');
  });
});

describe('truncated bodies: keep what parsed, report it', () => {
  it('keeps the complete items of a catalog cut inside its second item and reports the truncation', () => {
    const cut = NVR_CATALOG.slice(0, NVR_CATALOG.indexOf('IPCamera 02') + 4);
    const r = parseManscdp(cut);
    expect(r.truncated).toBe(true);
    expect(r.repairs).toEqual(expect.arrayContaining(['truncated', 'truncated-item-dropped']));
    const m = r.message as CatalogResponse;
    expect(m).toMatchObject({ kind: 'catalogResponse', sn: 419315752, sumNum: 8, listNum: 2 });
    expect(m.items.map((i) => i.name)).toEqual(['Camera 01']);
  });

  it('never takes a field cut short for the real value', () => {
    const cut = KEEPALIVE.slice(0, KEEPALIVE.indexOf('0000001</DeviceID>'));
    const r = parseManscdp(cut);
    expect(r.truncated).toBe(true);
    expect(r.message).toMatchObject({ kind: 'keepalive', sn: 43, deviceId: null });
    expect(parseManscdp(KEEPALIVE.slice(0, KEEPALIVE.indexOf('3</SN>'))).message.sn).toBeNull();
  });

  it('at every cut of real bodies: a message with no half-read item, or a ManscdpError when no element started', () => {
    const bodies = [NVR_CATALOG, KEEPALIVE, flylabMessages('catalog_responses_dahua.txt')[0]!.body.toString('utf8')];
    for (const body of bodies) {
      const full = parseManscdp(body);
      let lastItems = 0;
      for (let at = 0; at < body.length; at++) {
        const r = tolerant(body.slice(0, at));
        if (r instanceof ManscdpError) {
          expect(['empty', 'no-element']).toContain(r.reason);
          continue;
        }
        const items = r.message.kind === 'catalogResponse' ? r.message.items : [];
        expect(items.length).toBeGreaterThanOrEqual(lastItems);
        lastItems = items.length;
        const fullItems = full.message.kind === 'catalogResponse' ? full.message.items : [];
        items.forEach((item, i) => expect(item).toEqual(fullItems[i]));
        if (r.message.sn !== null) expect(r.message.sn).toBe(full.message.sn);
        if (r.message.deviceId !== null) expect(r.message.deviceId).toBe(full.message.deviceId);
      }
    }
  });
});

describe('size limits', () => {
  function bigCatalog(items: number): string {
    const item = (i: number) =>
      `<Item><DeviceID>3402000000132${String(i).padStart(7, '0')}</DeviceID><Name>通道 ${i} 东门&amp;北门</Name><Manufacturer>Hikvision</Manufacturer>` +
      `<Model>DS-2CD</Model><Owner>0</Owner><CivilCode>340200</CivilCode><Address>杭州市滨江区某某路 ${i} 号</Address><Parental>0</Parental>` +
      `<ParentID>34020000001110000001</ParentID><SafetyWay>0</SafetyWay><RegisterWay>1</RegisterWay><Secrecy>0</Secrecy><Status>ON</Status>` +
      `<Longitude>120.${i}</Longitude><Latitude>30.${i}</Latitude><Info><PTZType>1</PTZType></Info></Item>\r\n`;
    return `<?xml version="1.0" encoding="GB2312"?>\r\n<Response><CmdType>Catalog</CmdType><SN>1</SN><DeviceID>34020000001110000001</DeviceID><SumNum>${items}</SumNum><DeviceList Num="${items}">\r\n${Array.from({ length: items }, (_, i) => item(i)).join('')}</DeviceList></Response>`;
  }

  it('parses a 1.5 MB GB18030 catalog of 3,000 items when maxBytes allows; rejects it by default (1 MiB)', () => {
    const bytes = iconv.encode(bigCatalog(3000), 'gb18030');
    expect(bytes.length).toBeGreaterThan(1_400_000);
    const m = parseManscdp(bytes, { maxBytes: 2 * 1024 * 1024 }).message as CatalogResponse;
    expect(m.items).toHaveLength(3000);
    expect(m.items[2999]).toMatchObject({ name: '通道 2999 东门&北门', address: '杭州市滨江区某某路 2999 号', status: 'ON', longitude: 120.2999 });
    expect(() => parseManscdp(bytes)).toThrow(expect.objectContaining({ name: 'ManscdpError', reason: 'too-large' }));
  });

  it('caps the items kept from one message', () => {
    const r = parseManscdp(bigCatalog(50), { maxItems: 10 });
    expect((r.message as CatalogResponse).items).toHaveLength(10);
    expect(r.repairs).toContain('items-capped');
  });

  it('rejects bodies over maxBytes, nesting over maxDepth, element floods over maxElements — as ManscdpError', () => {
    const reason = (body: Buffer | string, options = {}) => {
      try {
        parseManscdp(body, options);
        return 'parsed';
      } catch (err) {
        expect(err).toBeInstanceOf(ManscdpError);
        return (err as ManscdpError).reason;
      }
    };
    const huge = { maxBytes: 8 * 1024 * 1024 };
    expect(reason(Buffer.alloc(5 * 1024 * 1024, 0x20))).toBe('too-large');
    expect(reason(bigCatalog(100), { maxBytes: 1000 })).toBe('too-large');
    expect(reason('<a>'.repeat(500_000), huge)).toBe('too-deep');
    expect(reason('<a>'.repeat(33))).toBe('too-deep');
    expect(reason('<a>'.repeat(20))).toBe('parsed');
    expect(reason(`<a>${'<b/>'.repeat(300_000)}</a>`, huge)).toBe('too-many-elements');
    expect(reason('&'.repeat(1_500_000), huge)).toBe('no-element');
    expect(reason(Buffer.alloc(2_000_000, 0xff), huge)).toBe('no-element');
    expect(reason('   \r\n ')).toBe('empty');
    expect(reason(Buffer.alloc(0))).toBe('empty');
    expect(reason('<Notify')).toBe('no-element');
    expect(reason(`<Notify><Name>${'x'.repeat(1_000_000)}`)).toBe('parsed');
  });
});

describe('mutation fuzz over every real body', () => {
  it('2,000 mutated bodies: a message or a ManscdpError, never another exception', () => {
    const seeds = [...sipFileBodies(), ...flylabMessages('catalog_responses_dahua.txt').slice(0, 3), ...flylabMessages('catalog_queries.txt').slice(0, 2), ...wiresharkBodies().slice(-6)];
    const rand = prng(28181);
    let parsed = 0;
    let rejected = 0;
    for (let i = 0; i < 2000; i++) {
      const seed = seeds[i % seeds.length]!;
      const text = mutate(seed.body.toString('utf8'), rand);
      const asBytes = i % 2 === 0 ? iconv.encode(text, 'gb18030') : text;
      let r: ManscdpParseResult | ManscdpError;
      try {
        r = tolerant(asBytes);
      } catch (err) {
        throw new Error(`mutation ${i} of ${seed.name} threw ${(err as Error).name}: ${(err as Error).message}\n${JSON.stringify(text)}`);
      }
      if (r instanceof ManscdpError) rejected++;
      else parsed++;
    }
    expect(parsed + rejected).toBe(2000);
    expect(parsed).toBeGreaterThan(1500);
  });

  it('keepalives survive the usual damage with SN and DeviceID intact', () => {
    const damaged = [
      KEEPALIVE.replace('<Status>OK</Status>', '<Status>OK & fine</Status>'),
      KEEPALIVE.replace('</Notify>', ''),
      KEEPALIVE.replace('<DeviceID>', '<DeviceId>').replace('</DeviceID>', '</DEVICEID>'),
      KEEPALIVE.replace('<SN>43</SN>', '<SN> 43 </SN>\u0001'),
      KEEPALIVE.replace(/^<\?xml[^>]*>/, ''),
    ];
    for (const body of damaged) {
      const m = parseManscdp(iconv.encode(body, 'gb18030')).message as KeepaliveNotify;
      expect(m.kind, body).toBe('keepalive');
      expect(m.sn, body).toBe(43);
      expect(m.deviceId, body).toBe('34020000001320000001');
    }
  });
});

describe('broken tags', () => {
  it('a tag missing its ">" or with an unterminated quote ends where the next tag begins', () => {
    const r = parseManscdp('<Response><CmdType>Catalog</CmdType><SN>1</SN><DeviceID>1</DeviceID><SumNum>1</SumNum><DeviceList Num="1><Item><DeviceID>2</DeviceID><Name>x</Name</Item></DeviceList></Response>');
    expect(r.message).toMatchObject({ kind: 'catalogResponse', sumNum: 1, listNum: 1 });
    expect((r.message as CatalogResponse).items).toEqual([expect.objectContaining({ deviceId: '2', name: 'x' })]);
    expect(r.truncated).toBe(false);
  });
});
