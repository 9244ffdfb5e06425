import iconv from 'iconv-lite';

/**
 * Bytes ↔ text for MANSCDP bodies (`Application/MANSCDP+xml`, GB/T 28181-2016 Appendix A).
 *
 * The standard's examples declare `encoding="GB2312"`; devices declare GB2312, GBK, GB18030 or
 * UTF-8, or nothing. GB2312 is decoded as GB18030, its superset: devices put GBK characters
 * (rare surnames, place names) in "GB2312" bodies, and a strict GB2312 decoder turns them into
 * U+FFFD. Outgoing bodies that declare GB2312 are encoded as GB18030 for the same reason: a
 * character outside GB2312 is still sent, and GB2312 text is byte-identical in both.
 */

/** Why the charset used differs from the declaration; null when the declaration was followed. */
export type ManscdpCharsetNote =
  /** No declaration (or none naming an encoding): valid UTF-8 was taken as UTF-8, anything else as GB18030. */
  | 'undeclared'
  /** Declared GB2312/GBK/GB18030 but the bytes are valid UTF-8 whose non-ASCII characters are all CJK. */
  | 'declared-gb-but-utf8'
  /** Declared UTF-8 but the bytes are not valid UTF-8: decoded as GB18030. */
  | 'declared-utf8-but-invalid'
  /** The declared encoding is unknown to iconv-lite: decoded as if undeclared. */
  | 'unknown-declared-encoding'
  /** A UTF-8 byte-order mark overrode the declaration. */
  | 'utf8-bom';

export interface DecodedManscdpBody {
  text: string;
  /** The charset the bytes were decoded with: "UTF-8", "GB18030", or another iconv-lite name. */
  charset: string;
  /** The encoding named by the XML declaration, as written; null when there is none. */
  declared: string | null;
  note: ManscdpCharsetNote | null;
}

export interface DecodeManscdpOptions {
  /**
   * Take a body declared GB2312/GBK/GB18030 as UTF-8 when it is valid UTF-8 and every non-ASCII
   * character it then holds is CJK (platforms that write UTF-8 but copy the standard's
   * declaration). GBK text almost never passes that test (a GB2312 character read as UTF-8 is
   * either invalid or lands outside the CJK blocks). Default true.
   */
  sniffUtf8InGb?: boolean;
}

const GB_ALIASES = new Set(['gb2312', 'gbk', 'gb18030', 'cp936', 'ms936', 'windows936', 'xgbk', 'gb231280', 'euccn', 'xeuccn', 'csgb2312', '936']);
const UTF8_ALIASES = new Set(['utf8', 'unicode11utf8', 'xunicode20utf8']);

const DECLARATION = /^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']?\s*([A-Za-z0-9._:-]+)/i;

/** Non-ASCII characters a Chinese body legitimately holds: CJK punctuation, ideographs, fullwidth forms. */
const NON_CJK = /[^\u0000-\u007f\u2010-\u2027\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]/;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function squash(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, '');
}

/** True for the names of GB2312 and its supersets (GBK, GB18030, CP936 and aliases). */
export function isGbCharset(name: string): boolean {
  return GB_ALIASES.has(squash(name));
}

function isUtf8Charset(name: string): boolean {
  return UTF8_ALIASES.has(squash(name));
}

/**
 * The encoding named by the body's XML declaration (`<?xml version="1.0" encoding="GB2312"?>`),
 * as written; null when there is no declaration or it names none.
 */
export function declaredEncoding(body: Uint8Array | string): string | null {
  const head = typeof body === 'string' ? body.slice(0, 256) : Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 256)).toString('latin1');
  const match = DECLARATION.exec(head.replace(/^(\uFEFF|\u00EF\u00BB\u00BF)/, ''));
  return match?.[1] ?? null;
}

function tryUtf8(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

function hasNonAscii(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b >= 0x80) return true;
  return false;
}

function gb18030(bytes: Uint8Array): string {
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'gb18030');
}

/**
 * Decode a MANSCDP body: follow the XML declaration (GB2312/GBK as GB18030), fall back to UTF-8
 * when the bytes are valid UTF-8 and GB18030 otherwise. Never throws: every byte sequence
 * decodes to something (invalid sequences become U+FFFD).
 */
export function decodeManscdpBody(body: Uint8Array, options: DecodeManscdpOptions = {}): DecodedManscdpBody {
  const sniff = options.sniffUtf8InGb ?? true;
  const declared = declaredEncoding(body);
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) {
    const text = new TextDecoder('utf-8').decode(body.subarray(3));
    return { text, charset: 'UTF-8', declared, note: declared && isUtf8Charset(declared) ? null : 'utf8-bom' };
  }
  if (declared && isGbCharset(declared)) {
    if (sniff && hasNonAscii(body)) {
      const utf8 = tryUtf8(body);
      if (utf8 !== null && !NON_CJK.test(utf8)) return { text: utf8, charset: 'UTF-8', declared, note: 'declared-gb-but-utf8' };
    }
    return { text: gb18030(body), charset: 'GB18030', declared, note: null };
  }
  if (declared && isUtf8Charset(declared)) {
    const utf8 = tryUtf8(body);
    if (utf8 !== null) return { text: utf8, charset: 'UTF-8', declared, note: null };
    return { text: gb18030(body), charset: 'GB18030', declared, note: 'declared-utf8-but-invalid' };
  }
  if (declared && iconv.encodingExists(declared)) {
    return { text: iconv.decode(Buffer.from(body.buffer, body.byteOffset, body.byteLength), declared), charset: declared, declared, note: null };
  }
  const note: ManscdpCharsetNote = declared ? 'unknown-declared-encoding' : 'undeclared';
  const utf8 = tryUtf8(body);
  if (utf8 !== null) return { text: utf8, charset: 'UTF-8', declared, note };
  return { text: gb18030(body), charset: 'GB18030', declared, note };
}

/**
 * Encode an outgoing MANSCDP body in the encoding its XML declaration names: GB2312, GBK and
 * GB18030 as GB18030 bytes, UTF-8 or no declaration as UTF-8.
 */
export function encodeManscdpBody(text: string): Buffer {
  const declared = declaredEncoding(text);
  if (declared === null || isUtf8Charset(declared)) return Buffer.from(text, 'utf8');
  if (isGbCharset(declared)) return iconv.encode(text, 'gb18030');
  if (iconv.encodingExists(declared)) return iconv.encode(text, declared);
  return Buffer.from(text, 'utf8');
}
