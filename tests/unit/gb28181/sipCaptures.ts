/**
 * Loading the real SIP traffic under `../shared/data/gb28181/sip/` (see its MANIFEST.md):
 * - `srs4_capture/*.sip`, `srs6_utest_tcp/*.sip|.bin`: one message (or a TCP read) per file;
 * - `dahua_flylab/catalog_*.txt`: several LF-only messages per file, one blank line apart;
 * - `dahua_flylab/Example-g28181_wireshark_text.txt`: a Wireshark "packet details" text export,
 *   from which each SIP frame is rebuilt byte for byte (checked against the frame length).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sharedData } from '../../support/paths.js';

export interface CaptureFile {
  /** Path below gb28181/sip/. */
  name: string;
  bytes: Buffer;
}

/** Every file of a capture folder with one of the extensions, sorted by name. */
export function captureFiles(folder: string, extensions: readonly string[] = ['.sip']): CaptureFile[] {
  const dir = sharedData(`gb28181/sip/${folder}`);
  return readdirSync(dir)
    .filter((f) => extensions.includes(path.extname(f)))
    .sort()
    .map((f) => ({ name: `${folder}/${f}`, bytes: readFileSync(path.join(dir, f)) }));
}

/**
 * Split a file of LF-only messages at each line that starts a new message (a Request-Line
 * or Status-Line at the start of a line, after a line break).
 */
export function splitLfMessages(file: Buffer): Buffer[] {
  const text = file.toString('latin1');
  const starts = [0];
  const re = /\n(?=(?:[A-Z]+ sips?:\S+ SIP\/2\.0|SIP\/2\.0 \d{3} )[^\n]*\n)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) starts.push(m.index + 1);
  return starts.map((s, i) => file.subarray(s, starts[i + 1] ?? file.length));
}

/** One SIP frame rebuilt from the Wireshark text export. */
export interface WiresharkFrame {
  frame: number;
  /** UDP payload length: frame length minus Ethernet (14), IPv4 (20) and UDP (8) headers. */
  wireLength: number;
  source: string;
  destination: string;
  bytes: Buffer;
}

const SDP_FIELDS: ReadonlyMap<string, string> = new Map([
  ['Session Description Protocol Version (v)', 'v'],
  ['Owner/Creator, Session Id (o)', 'o'],
  ['Session Name (s)', 's'],
  ['Session Information (i)', 'i'],
  ['Connection Information (c)', 'c'],
  ['Time Description, active time (t)', 't'],
  ['Media Description, name and address (m)', 'm'],
  ['Media Attribute (a)', 'a'],
]);

/**
 * Rebuild the SIP messages of the Wireshark export: Request-/Status-Line, the header rows
 * (8-space indent; deeper lines are Wireshark's annotations), and the body — text bodies
 * line by line with their escaped `\n` / `\r\n`, SDP bodies from the dissected fields (CRLF).
 */
export function wiresharkFrames(): WiresharkFrame[] {
  const text = readFileSync(sharedData('gb28181/sip/dahua_flylab/Example-g28181_wireshark_text.txt'), 'latin1');
  const frames: WiresharkFrame[] = [];
  for (const block of text.split(/\n(?=No\.\s+Time)/)) {
    const lines = block.split('\n');
    const summary = /^\s*(\d+)\s+\S+\s+(\S+)\s+(\S+)\s+(\S+)\s+(\d+)/.exec(lines[1] ?? '');
    if (!summary || !(summary[4] ?? '').startsWith('SIP')) continue;
    let startLine = '';
    const headers: string[] = [];
    const body: string[] = [];
    let section: 'none' | 'header' | 'body' = 'none';
    let sdp = false;
    for (const line of lines) {
      const start = /^ {4}(?:Request-Line|Status-Line): (.*)$/.exec(line);
      if (start) {
        startLine = start[1] ?? '';
        continue;
      }
      if (line === '    Message Header') section = 'header';
      else if (line === '    Message Body') section = 'body';
      else if (section === 'header' && /^ {8}\S/.test(line)) headers.push(line.slice(8));
      else if (section === 'body') {
        if (line === '        Session Description Protocol') sdp = true;
        else if (sdp) {
          const field = /^ {12}(\S.*?): (.*)$/.exec(line);
          if (!field) continue;
          const key = SDP_FIELDS.get(field[1] ?? '');
          if (key) body.push(`${key}=${field[2]}\r\n`);
          else if (field[1] === 'Unknown') body.push(`${field[2]}\r\n`);
        } else if (line.startsWith('        ')) {
          const l = line.slice(8);
          if (l.endsWith('\\r\\n')) body.push(`${l.slice(0, -4)}\r\n`);
          else if (l.endsWith('\\n')) body.push(`${l.slice(0, -2)}\n`);
          else body.push(l);
        }
      }
    }
    const bytes = Buffer.from(`${startLine}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n${body.join('')}`, 'latin1');
    frames.push({
      frame: Number(summary[1]),
      wireLength: Number(summary[5]) - 42,
      source: summary[2] ?? '',
      destination: summary[3] ?? '',
      bytes,
    });
  }
  return frames;
}
