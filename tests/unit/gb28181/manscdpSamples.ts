import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sharedData } from '../../support/paths.js';

/** One MANSCDP body taken from the captures in `../shared/data/gb28181/sip/`. */
export interface ManscdpSample {
  /** File (relative to gb28181/sip) and position, for test names. */
  name: string;
  body: Buffer;
}

const SIP_DIR = 'gb28181/sip';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** The body of a raw SIP message: the bytes after the first empty line (CRLF or LF). */
export function sipBody(message: Buffer): Buffer {
  const crlf = message.indexOf('\r\n\r\n');
  const lf = message.indexOf('\n\n');
  if (crlf === -1 && lf === -1) return Buffer.alloc(0);
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return message.subarray(crlf + 4);
  return message.subarray(lf + 2);
}

function looksLikeXml(body: Buffer): boolean {
  return body.toString('latin1').trimStart().startsWith('<');
}

/** Bodies of the `.sip` captures (XML ones only when `xmlOnly`) and the `.xml` bodies. */
export function sipFileBodies(xmlOnly = true): ManscdpSample[] {
  const root = sharedData(SIP_DIR);
  const out: ManscdpSample[] = [];
  for (const file of filesUnder(root).sort()) {
    const rel = path.relative(root, file);
    if (file.endsWith('.sip')) {
      const body = sipBody(readFileSync(file));
      if (!xmlOnly || looksLikeXml(body)) out.push({ name: rel, body });
    } else if (file.endsWith('.xml')) {
      out.push({ name: rel, body: readFileSync(file) });
    }
  }
  return out;
}

/**
 * The LF-only SIP messages of a FlyLab text file (one message after another, blank line between),
 * each body cut at its Content-Length.
 */
export function flylabMessages(file: 'catalog_responses_dahua.txt' | 'catalog_queries.txt'): ManscdpSample[] {
  const text = readFileSync(sharedData(`${SIP_DIR}/dahua_flylab/${file}`), 'utf8');
  return text
    .split(/\n(?=MESSAGE sip:)/)
    .filter((m) => m.startsWith('MESSAGE'))
    .map((message, i) => {
      const [head = '', ...rest] = message.split('\n\n');
      const length = Number(/Content-Length:\s*(\d+)/i.exec(head)?.[1] ?? NaN);
      const body = Buffer.from(rest.join('\n\n'), 'utf8');
      return { name: `dahua_flylab/${file}#${i + 1}`, body: Number.isFinite(length) ? body.subarray(0, length) : body };
    });
}

/**
 * The XML message bodies of the Wireshark text export: the lines under "Message Body", with
 * Wireshark's 8-space indent removed and its `\n` / `\r\n` markers turned back into line ends.
 */
export function wiresharkBodies(): ManscdpSample[] {
  const lines = readFileSync(sharedData(`${SIP_DIR}/dahua_flylab/Example-g28181_wireshark_text.txt`), 'utf8').split('\n');
  const out: ManscdpSample[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== 'Message Body') continue;
    let body = '';
    for (let j = i + 1; j < lines.length && lines[j]?.startsWith('        ') && /\\r\\n$|\\n$/.test(lines[j] ?? ''); j++) {
      body += (lines[j] ?? '').slice(8).replace(/\\r\\n$/, '\r\n').replace(/\\n$/, '\n');
    }
    if (body.trimStart().startsWith('<')) out.push({ name: `Example-g28181_wireshark_text.txt:${i + 1}`, body: Buffer.from(body, 'utf8') });
  }
  return out;
}

/**
 * The XML bodies quoted in the SRS transcript file (ALL_TRANSCRIPTS.txt): from each `<?xml`
 * line to the closing tag of its root.
 */
export function transcriptBodies(): ManscdpSample[] {
  const lines = readFileSync(sharedData(`${SIP_DIR}/srs4_capture/ALL_TRANSCRIPTS.txt`), 'utf8').split('\n');
  const out: ManscdpSample[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]?.startsWith('<?xml')) continue;
    const root = /^<(\w+)>/.exec(lines[i + 1]?.trim() ?? '')?.[1];
    const body: string[] = [];
    for (let j = i; j < lines.length; j++) {
      body.push(lines[j]!);
      if (root && lines[j]!.trim() === `</${root}>`) break;
    }
    out.push({ name: `srs4_capture/ALL_TRANSCRIPTS.txt:${i + 1}`, body: Buffer.from(`${body.join('\n')}\n`, 'utf8') });
  }
  return out;
}
