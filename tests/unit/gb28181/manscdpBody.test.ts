import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { declaredEncoding, decodeManscdpBody, encodeManscdpBody, parseManscdp, type CatalogResponse } from '../../../sfu/src/ingest/gb28181/manscdp/index.js';
import { flylabMessages } from './manscdpSamples.js';

const gb = (text: string): Buffer => iconv.encode(text, 'gb18030');
const NAMES = ['前门东侧球机', '人民路与中山路交叉口', '一号楼大厅', '停车场入口', '西门岗亭', '北京市海淀区中关村', '雪亮工程-天网', '测试（全角）'];

describe('declaredEncoding', () => {
  it('reads the encoding of the XML declaration, however it is quoted or spaced', () => {
    expect(declaredEncoding('<?xml version="1.0" encoding="GB2312"?><a/>')).toBe('GB2312');
    expect(declaredEncoding("<?xml version='1.0' encoding='gbk' ?>")).toBe('gbk');
    expect(declaredEncoding('  \r\n<?xml version="1.0" encoding = "UTF-8" standalone="yes"?>')).toBe('UTF-8');
    expect(declaredEncoding(Buffer.from('\uFEFF<?xml version="1.0" encoding="GB18030"?>'))).toBe('GB18030');
    expect(declaredEncoding('<?xml version="1.0"?><a/>')).toBeNull();
    expect(declaredEncoding('<Notify/>')).toBeNull();
  });
});

describe('decodeManscdpBody', () => {
  it('decodes the Dahua GB2312 catalog responses re-encoded with Chinese names as GB18030 bytes', () => {
    const messages = flylabMessages('catalog_responses_dahua.txt');
    messages.forEach((s, i) => {
      const name = NAMES[i % NAMES.length]!;
      const text = s.body.toString('utf8').replace('<Name>IPC</Name>', `<Name>${name}</Name>`).replace('<Address>axy</Address>', '<Address>浙江省杭州市滨江区</Address>');
      const bytes = gb(text);
      expect(bytes.equals(Buffer.from(text, 'utf8'))).toBe(false);
      const decoded = decodeManscdpBody(bytes);
      expect(decoded).toMatchObject({ text, charset: 'GB18030', declared: 'GB2312', note: null });
      const item = (parseManscdp(bytes).message as CatalogResponse).items[0];
      expect(item).toMatchObject({ name, address: '浙江省杭州市滨江区', manufacturer: 'Dahua' });
    });
  });

  it('decodes GBK and GB18030-only characters in a body declared GB2312', () => {
    const text = '<?xml version="1.0" encoding="GB2312"?><Response><Name>王堃 喆 镕 𠮷 €</Name></Response>';
    expect(decodeManscdpBody(gb(text)).text).toBe(text);
  });

  it('follows GBK and GB18030 declarations', () => {
    for (const enc of ['GBK', 'gb18030', 'cp936']) {
      const text = `<?xml version="1.0" encoding="${enc}"?><Notify><Name>${NAMES[0]}</Name></Notify>`;
      expect(decodeManscdpBody(gb(text))).toMatchObject({ text, charset: 'GB18030', note: null });
    }
  });

  it('takes a "GB2312" body that is really UTF-8 Chinese as UTF-8, unless told not to', () => {
    const text = `<?xml version="1.0" encoding="GB2312"?><Notify><Name>${NAMES[1]}</Name></Notify>`;
    const bytes = Buffer.from(text, 'utf8');
    expect(decodeManscdpBody(bytes)).toMatchObject({ text, charset: 'UTF-8', note: 'declared-gb-but-utf8' });
    const strict = decodeManscdpBody(bytes, { sniffUtf8InGb: false });
    expect(strict.charset).toBe('GB18030');
    expect(strict.text).not.toBe(text);
  });

  it('never mistakes real GB2312 Chinese for UTF-8', () => {
    for (const name of NAMES) {
      const text = `<?xml version="1.0" encoding="GB2312"?><Notify><Name>${name}</Name></Notify>`;
      expect(decodeManscdpBody(gb(text)), name).toMatchObject({ text, charset: 'GB18030', note: null });
    }
    // Every GB2312 hanzi pair (level 1 and 2), as the only non-ASCII text of a body.
    let misread = 0;
    for (let lead = 0xb0; lead <= 0xf7; lead += 3) {
      for (let trail = 0xa1; trail <= 0xfe; trail += 5) {
        const bytes = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="GB2312"?><a>'), Buffer.from([lead, trail, trail, lead]), Buffer.from('</a>')]);
        if (decodeManscdpBody(bytes).charset !== 'GB18030') misread++;
      }
    }
    expect(misread).toBe(0);
  });

  it('decodes a body declared UTF-8 that is not UTF-8 as GB18030', () => {
    const text = `<?xml version="1.0" encoding="UTF-8"?><Notify><Name>${NAMES[2]}</Name></Notify>`;
    expect(decodeManscdpBody(gb(text))).toMatchObject({ text, charset: 'GB18030', note: 'declared-utf8-but-invalid' });
    expect(decodeManscdpBody(Buffer.from(text))).toMatchObject({ text, charset: 'UTF-8', note: null });
  });

  it('guesses an undeclared body: valid UTF-8 as UTF-8, anything else as GB18030', () => {
    const text = `<Notify><Name>${NAMES[3]}</Name></Notify>`;
    expect(decodeManscdpBody(Buffer.from(text))).toMatchObject({ text, charset: 'UTF-8', note: 'undeclared' });
    expect(decodeManscdpBody(gb(text))).toMatchObject({ text, charset: 'GB18030', note: 'undeclared' });
    expect(decodeManscdpBody(gb(`<?xml version="1.0" encoding="x-klingon"?>${text}`)).note).toBe('unknown-declared-encoding');
  });

  it('honours a UTF-8 byte-order mark', () => {
    const text = `<?xml version="1.0" encoding="GB2312"?><Notify><Name>${NAMES[4]}</Name></Notify>`;
    expect(decodeManscdpBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toMatchObject({ text, charset: 'UTF-8', note: 'utf8-bom' });
  });

  it('decodes anything, even binary junk, without throwing', () => {
    for (let i = 0; i < 200; i++) {
      const junk = Buffer.from(Array.from({ length: 64 + i }, (_, j) => (j * 7919 + i * 104729) & 0xff));
      expect(typeof decodeManscdpBody(junk).text).toBe('string');
      expect(typeof decodeManscdpBody(Buffer.concat([Buffer.from('<?xml version="1.0" encoding="GB2312"?>'), junk])).text).toBe('string');
    }
  });
});

describe('encodeManscdpBody', () => {
  it('encodes a body declared GB2312 as GB18030 bytes, so GBK-only characters survive', () => {
    const text = `<?xml version="1.0" encoding="GB2312"?><Notify><Name>${NAMES[0]} 王堃 𠮷</Name></Notify>`;
    const bytes = encodeManscdpBody(text);
    expect(bytes.equals(gb(text))).toBe(true);
    expect(decodeManscdpBody(bytes).text).toBe(text);
  });

  it('encodes UTF-8 and undeclared bodies as UTF-8', () => {
    for (const text of [`<?xml version="1.0" encoding="UTF-8"?><a>${NAMES[1]}</a>`, `<a>${NAMES[1]}</a>`]) {
      expect(encodeManscdpBody(text).equals(Buffer.from(text, 'utf8'))).toBe(true);
    }
  });
});
