import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PsMuxer } from '../../../sfu/src/ingest/gb28181/ps/psMuxer.js';
import { muxAvatar } from './psTestSupport.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'argus-ps-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Probe {
  format: { format_name: string };
  streams: { codec_type: string; codec_name: string; id: string; nb_read_packets?: string }[];
}

function probe(file: string): Probe {
  const out = execFileSync('ffprobe', ['-v', 'error', '-count_packets', '-show_entries', 'format=format_name:stream=codec_type,codec_name,id,nb_read_packets', '-of', 'json', file], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return JSON.parse(out) as Probe;
}

describe('ffprobe recognises the muxer output', () => {
  it.each([
    ['h264', 'h264'],
    ['h265', 'hevc'],
  ] as const)('avatar %s muxed to PS is MPEG-PS with %s video on stream 0x1e0', (codec, ffmpegName) => {
    const file = path.join(dir, `avatar_${codec}.ps`);
    writeFileSync(file, Buffer.concat([...muxAvatar(codec).packs, PsMuxer.programEnd()]));
    const result = probe(file);
    expect(result.format.format_name).toBe('mpeg');
    expect(result.streams).toHaveLength(1);
    expect(result.streams[0]).toMatchObject({ codec_type: 'video', codec_name: ffmpegName, id: '0x1e0', nb_read_packets: '308' });
  });
});
