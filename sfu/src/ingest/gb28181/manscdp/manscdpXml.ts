import { XMLParser } from 'fast-xml-parser';
import { ManscdpError } from './manscdpError.js';

/**
 * Tolerant XML reading for MANSCDP bodies (GB/T 28181-2016 Appendix A).
 *
 * Devices in the field send XML that a conforming parser rejects: bare `&` in names and
 * addresses, control characters, closing tags in another case than the opening tag
 * (`<DeviceId>…</DeviceID>`), bodies cut short by a UDP datagram or a wrong Content-Length,
 * junk after the root element. A repair pass makes the text well-formed — escaping, closing,
 * dropping — and notes each kind of repair; fast-xml-parser then builds the tree. A body with no
 * element at all, or beyond the size limits, is a {@link ManscdpError}.
 */

/** One element of a MANSCDP body: names as sent (case included), text trimmed and unescaped. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  /** The element's own text (its text children joined), trimmed. */
  text: string;
  children: XmlElement[];
  /** The body ended before this element's closing tag: its text or children may be cut short. */
  truncated: boolean;
}

/** What the repair pass changed or dropped to read a body. */
export type XmlRepair =
  /** C0 control characters (other than tab, CR, LF) and DEL were removed. */
  | 'control-characters'
  /** A `&` that starts no entity was escaped. */
  | 'unescaped-ampersand'
  /** A `<` that starts no markup was escaped. */
  | 'unescaped-less-than'
  /** A closing tag matched its opening tag only when case is ignored. */
  | 'tag-case'
  /** An element was closed by an ancestor's closing tag. */
  | 'unclosed-element'
  /** A closing tag matched no open element and was dropped. */
  | 'stray-closing-tag'
  /** Attributes were unquoted, duplicated or valueless. */
  | 'attribute-syntax'
  /** A DOCTYPE (and any entity it declares) was removed. */
  | 'doctype-removed'
  /** Text before the root element was dropped. */
  | 'leading-content'
  /** Content after the root element was dropped. */
  | 'trailing-content'
  /** A tag or attribute name that JavaScript objects reserve (`constructor`, `__proto__`) was renamed. */
  | 'reserved-name'
  /** The body ended inside an element; open elements were closed. */
  | 'truncated';

export interface XmlLimits {
  /** Deepest element nesting accepted; MANSCDP needs 5. Default 32. */
  maxDepth?: number;
  /** Most elements accepted. Default 200,000 (a 1 MB catalog has about 40,000). */
  maxElements?: number;
}

export interface XmlReadResult {
  root: XmlElement;
  repairs: XmlRepair[];
  truncated: boolean;
}

const ATTRIBUTE = /\s*([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"?|'([^']*)'?|([^\s"'>]+)))?/y;
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
const ENTITY = /&(#[0-9]{1,8};|#[xX][0-9a-fA-F]{1,8};|[A-Za-z][A-Za-z0-9]{0,31};)?/g;
const XML_ENTITIES = new Set(['amp;', 'lt;', 'gt;', 'quot;', 'apos;']);
/** Attribute the repair pass puts on elements the body ended inside; never taken from the input. */
const TRUNCATED_MARK = '_argus_truncated_';

const CRITICAL_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const PROTOTYPE_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__', 'prototype']);

/** Names fast-xml-parser refuses or that would shadow Object.prototype members. */
function isReservedName(name: string): boolean {
  return PROTOTYPE_NAMES.has(name) || (name.length <= 11 && CRITICAL_NAMES.has(name.toLowerCase()));
}

/** XML name start characters, simplified: ASCII letters, `_`, and anything from U+00C0. */
function isNameStart(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c >= 0xc0;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0xb7;
}

/** Accumulates well-formed XML text out of a field body. */
class Repairer {
  readonly repairs = new Set<XmlRepair>();
  private readonly out: string[] = [];
  /** Open elements: name and the index of their opening tag in `out`. */
  private readonly stack: { name: string; at: number }[] = [];
  private elements = 0;
  private rootClosed = false;
  private rootSeen = false;
  truncated = false;

  constructor(
    private readonly src: string,
    private readonly maxDepth: number,
    private readonly maxElements: number,
  ) {}

  run(): string {
    const src = this.src;
    let i = 0;
    while (i < src.length && !this.rootClosed) {
      const lt = src.indexOf('<', i);
      const textEnd = lt === -1 ? src.length : lt;
      if (textEnd > i) this.text(src.slice(i, textEnd));
      if (lt === -1) break;
      i = this.markup(lt);
      if (i < 0) break;
    }
    if (this.rootClosed && i >= 0 && src.slice(i).trim() !== '') this.repairs.add('trailing-content');
    if (!this.rootSeen) throw new ManscdpError('no-element', 'no XML element in the body');
    if (this.stack.length > 0) {
      this.truncated = true;
      this.repairs.add('truncated');
      while (this.stack.length > 0) {
        const open = this.stack.pop()!;
        this.out[open.at] = this.out[open.at]!.replace(/>$/, ` ${TRUNCATED_MARK}="1">`);
        this.out.push(`</${open.name}>`);
      }
    }
    return this.out.join('');
  }

  private text(raw: string): void {
    if (this.stack.length === 0) {
      if (raw.trim() !== '') this.repairs.add('leading-content');
      return;
    }
    this.out.push(this.escapeText(raw));
  }

  /** Escape what XML forbids in text; numeric references become the characters they name. */
  private escapeText(raw: string): string {
    if (raw.indexOf('&') === -1 && raw.indexOf('<') === -1) return raw;
    let s = raw.replace(ENTITY, (whole, ref: string | undefined) => {
      if (ref === undefined) {
        this.repairs.add('unescaped-ampersand');
        return '&amp;';
      }
      if (ref.startsWith('#')) {
        const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2, -1), 16) : parseInt(ref.slice(1, -1), 10);
        const valid = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) && code !== 0xfffe && code !== 0xffff);
        if (!valid) return '';
        const ch = String.fromCodePoint(code);
        return ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : ch;
      }
      if (XML_ENTITIES.has(ref)) return whole;
      this.repairs.add('unescaped-ampersand');
      return `&amp;${ref}`;
    });
    if (s.includes('<')) s = s.replace(/</g, '&lt;');
    return s;
  }

  /** Handle the markup starting at `lt`; returns where reading continues, -1 at a truncated end. */
  private markup(lt: number): number {
    const src = this.src;
    const next = src.charCodeAt(lt + 1);
    if (next === 0x21 /* ! */ && src.startsWith('<!--', lt)) {
      const end = src.indexOf('-->', lt + 4);
      return end === -1 ? this.cut() : end + 3;
    }
    if (next === 0x21 && src.startsWith('<![CDATA[', lt)) {
      const end = src.indexOf(']]>', lt + 9);
      const content = src.slice(lt + 9, end === -1 ? src.length : end);
      if (this.stack.length > 0) this.out.push(content.replace(/&/g, '&amp;').replace(/</g, '&lt;'));
      return end === -1 ? this.cut() : end + 3;
    }
    if (next === 0x21) return this.doctype(lt);
    if (next === 0x3f /* ? */) {
      const end = src.indexOf('?>', lt + 2);
      return end === -1 ? this.cut() : end + 2;
    }
    if (next === 0x2f /* / */) return this.closingTag(lt);
    if (isNameStart(next)) return this.openingTag(lt);
    if (lt + 1 >= src.length) return this.cut();
    this.repairs.add('unescaped-less-than');
    if (this.stack.length > 0) this.out.push('&lt;');
    return lt + 1;
  }

  private cut(): number {
    if (this.stack.length > 0 || !this.rootSeen) this.truncated = true;
    return -1;
  }

  private doctype(lt: number): number {
    this.repairs.add('doctype-removed');
    let depth = 0;
    for (let j = lt + 2; j < this.src.length; j++) {
      const c = this.src[j];
      if (c === '[') depth++;
      else if (c === ']') depth--;
      else if (c === '>' && depth <= 0) return j + 1;
    }
    return this.cut();
  }

  /**
   * Find the `>` ending the tag that starts at `from`, skipping `>` in quoted attribute values.
   * A `<` (which no attribute value may hold) means the tag was not closed properly: inside an
   * unterminated quote the last `>` seen ends it; otherwise it ends where the `<` stands
   * (returned as -2 - its index). -1 when the body ends first.
   */
  private tagEnd(from: number): number {
    let quote: string | null = null;
    let gtInQuote = -1;
    for (let j = from; j < this.src.length; j++) {
      const c = this.src[j];
      if (c === '<') {
        this.repairs.add('attribute-syntax');
        return gtInQuote !== -1 ? gtInQuote : -2 - j;
      }
      if (quote) {
        if (c === quote) {
          quote = null;
          gtInQuote = -1;
        } else if (c === '>') gtInQuote = j;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '>') return j;
    }
    return -1;
  }

  /** The tag name at `at` (renamed when reserved) and its length in the source. */
  private name(at: number): { name: string; length: number } {
    const src = this.src;
    if (!isNameStart(src.charCodeAt(at))) return { name: '', length: 0 };
    let end = at + 1;
    while (end < src.length && isNameChar(src.charCodeAt(end))) end++;
    const name = src.slice(at, end);
    if (isReservedName(name)) {
      this.repairs.add('reserved-name');
      return { name: `_${name}_`, length: end - at };
    }
    return { name, length: end - at };
  }

  private openingTag(lt: number): number {
    const { name, length } = this.name(lt + 1);
    const end = this.tagEnd(lt + 1 + length);
    if (end === -1) return this.cut();
    const close = end < -1 ? -2 - end : end; // a tag missing its '>' ends where the next begins
    let inner = this.src.slice(lt + 1 + length, close);
    const selfClosing = inner.endsWith('/');
    if (selfClosing) inner = inner.slice(0, -1);
    if (this.rootClosed || (this.stack.length === 0 && this.rootSeen)) {
      this.rootClosed = true;
      return close + 1;
    }
    if (this.stack.length >= this.maxDepth) throw new ManscdpError('too-deep', `elements nested deeper than ${this.maxDepth}`);
    if (++this.elements > this.maxElements) throw new ManscdpError('too-many-elements', `more than ${this.maxElements} elements`);
    this.rootSeen = true;
    this.out.push(`<${name}${this.attributes(inner)}${selfClosing ? '/>' : '>'}`);
    if (selfClosing) {
      if (this.stack.length === 0) this.rootClosed = true;
    } else {
      this.stack.push({ name, at: this.out.length - 1 });
    }
    return end < -1 ? close : close + 1;
  }

  private attributes(inner: string): string {
    if (inner.trim() === '') return '';
    const seen = new Set<string>();
    let out = '';
    let at = 0;
    ATTRIBUTE.lastIndex = 0;
    while (at < inner.length) {
      ATTRIBUTE.lastIndex = at;
      const m = ATTRIBUTE.exec(inner);
      if (!m || m[0].length === 0) {
        if (inner.slice(at).trim() !== '') this.repairs.add('attribute-syntax');
        break;
      }
      at = ATTRIBUTE.lastIndex;
      let key = m[1] ?? '';
      const value = m[2] ?? m[3] ?? m[4];
      if (m[4] !== undefined || value === undefined || !/^[A-Za-z_][\w.:-]*$/.test(key) || seen.has(key)) this.repairs.add('attribute-syntax');
      if (!/^[A-Za-z_][\w.:-]*$/.test(key) || seen.has(key) || key === TRUNCATED_MARK) continue;
      if (isReservedName(key)) {
        this.repairs.add('reserved-name');
        key = `_${key}_`;
      }
      seen.add(key);
      out += ` ${key}="${this.escapeText(value ?? '').replace(/"/g, '&quot;')}"`;
    }
    return out;
  }

  private closingTag(lt: number): number {
    const { name } = this.name(lt + 2);
    const end = this.tagEnd(lt + 2);
    if (end === -1) return this.cut();
    if (!name) {
      this.repairs.add('stray-closing-tag');
      return end < -1 ? -2 - end : end + 1;
    }
    const next = end < -1 ? -2 - end : end + 1;
    const top = this.stack[this.stack.length - 1]?.name;
    if (top === name) {
      this.pop();
      return next;
    }
    const lower = name.toLowerCase();
    const depth = this.stack.findLastIndex((open) => open.name.toLowerCase() === lower);
    if (depth === -1) {
      this.repairs.add('stray-closing-tag');
      return next;
    }
    if (this.stack[depth]!.name !== name) this.repairs.add('tag-case');
    if (depth < this.stack.length - 1) this.repairs.add('unclosed-element');
    while (this.stack.length > depth) this.pop();
    return next;
  }

  private pop(): void {
    this.out.push(`</${this.stack.pop()!.name}>`);
    if (this.stack.length === 0) this.rootClosed = true;
  }
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: 1024,
  jPath: false,
});

type OrderedNode = Record<string, unknown>;

function elementName(node: OrderedNode): string | undefined {
  for (const k in node) if (k !== ':@' && k !== '#text') return k;
  return undefined;
}

function toElement(node: OrderedNode): XmlElement | null {
  const name = elementName(node);
  if (name === undefined) return null;
  const attributes: Record<string, string> = {};
  let truncated = false;
  const attrs = node[':@'];
  if (attrs && typeof attrs === 'object') {
    for (const [k, v] of Object.entries(attrs as Record<string, unknown>)) {
      if (k === TRUNCATED_MARK) truncated = true;
      else attributes[k] = String(v);
    }
  }
  const children: XmlElement[] = [];
  const texts: string[] = [];
  const content = node[name];
  if (Array.isArray(content)) {
    for (const child of content as OrderedNode[]) {
      const t = child['#text'];
      if (t !== undefined) texts.push(String(t));
      else {
        const el = toElement(child);
        if (el) children.push(el);
      }
    }
  }
  return { name, attributes, text: texts.join('').trim(), children, truncated };
}

/**
 * Read a MANSCDP body's XML, repairing what the field breaks.
 * @throws ManscdpError when no element can be found or a limit is exceeded.
 */
export function readManscdpXml(text: string, limits: XmlLimits = {}): XmlReadResult {
  const cleaned = text.replace(CONTROL, '');
  const repairer = new Repairer(cleaned, limits.maxDepth ?? 32, limits.maxElements ?? 200_000);
  if (cleaned.length !== text.length) repairer.repairs.add('control-characters');
  const xml = repairer.run();
  let parsed: unknown;
  try {
    parsed = parser.parse(xml);
  } catch (err) {
    throw new ManscdpError('malformed', `XML not readable after repair: ${(err as Error).message}`);
  }
  const top = Array.isArray(parsed) ? (parsed as OrderedNode[]).map(toElement).find((e) => e !== null) : undefined;
  if (!top) throw new ManscdpError('no-element', 'no XML element in the body');
  return { root: top, repairs: [...repairer.repairs], truncated: repairer.truncated };
}

/** The first child named `name`, compared without case; null when there is none. */
export function childNamed(el: XmlElement, name: string): XmlElement | null {
  const lower = name.toLowerCase();
  return el.children.find((c) => c.name.toLowerCase() === lower) ?? null;
}

/** All children named `name`, compared without case. */
export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  const lower = name.toLowerCase();
  return el.children.filter((c) => c.name.toLowerCase() === lower);
}

/** An attribute's value, its name compared without case; null when absent. */
export function attributeNamed(el: XmlElement, name: string): string | null {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(el.attributes)) if (k.toLowerCase() === lower) return v;
  return null;
}
