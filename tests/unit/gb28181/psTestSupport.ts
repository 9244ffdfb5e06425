import { readFileSync } from 'node:fs';
import { sharedData } from '../../support/paths.js';
import { annexBAccessUnits, type AnnexBCodec } from '../../../sfu/src/ingest/gb28181/ps/annexB.js';
import { PsMuxer, PsRtpPacketizer } from '../../../sfu/src/ingest/gb28181/ps/psMuxer.js';
import { mulberry32 } from '@argus/shared';

export const prng = mulberry32;

/** Integer in [lo, hi]. */
export function randInt(rand: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}

/** The avatar elementary stream (../shared/data/gb28181/es/srs_avatar.h264 or .h265). */
export function avatarStream(codec: AnnexBCodec): Buffer {
  return readFileSync(sharedData(`gb28181/es/srs_avatar.${codec}`));
}

export const FRAME_TICKS = 3600; // 25 fps at 90 kHz
export const FIRST_PTS = 90_000;

export interface MuxedStream {
  accessUnits: Buffer[];
  /** PS pack of each access unit. */
  packs: Buffer[];
  /** RTP packets of each access unit. */
  rtpByFrame: Buffer[][];
}

/** Mux the avatar stream to PS over RTP at 25 fps, as the device simulator will. */
export function muxAvatar(codec: AnnexBCodec, ssrc = 200_007_585, initialSequence = 65_000): MuxedStream {
  const accessUnits = annexBAccessUnits(avatarStream(codec), codec);
  const muxer = new PsMuxer({ videoCodec: codec });
  const packetizer = new PsRtpPacketizer({ ssrc, initialSequence });
  const packs: Buffer[] = [];
  const rtpByFrame: Buffer[][] = [];
  accessUnits.forEach((au, i) => {
    const pts = FIRST_PTS + i * FRAME_TICKS;
    const pack = muxer.muxFrame({ video: { data: au, pts90k: pts } });
    packs.push(pack);
    rtpByFrame.push(packetizer.packetize(pack, pts));
  });
  return { accessUnits, packs, rtpByFrame };
}
