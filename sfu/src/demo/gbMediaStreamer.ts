import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import type { LiveEsSource } from './liveEsSource.js';
import { annexBAccessUnits, frameRfc4571, isKeyframeAccessUnit, PsMuxer, PsRtpPacketizer, type AnnexBCodec } from '../ingest/gb28181/ps/index.js';

/** Access units of an Annex-B file, cached per path (the files are read-only test data). */
const unitCache = new Map<string, Buffer[]>();
export function accessUnitsOf(file: string, codec: AnnexBCodec): Buffer[] {
  let units = unitCache.get(file);
  if (!units) {
    units = annexBAccessUnits(readFileSync(file), codec);
    unitCache.set(file, units);
  }
  return units;
}

export interface GbMediaStreamerOptions {
  /** An Annex-B file to loop at `fps`, or a live source whose access units are sent as they come. */
  file: string | LiveEsSource;
  codec: AnnexBCodec;
  ssrc: number;
  /** Frames per second (the files are 25). */
  fps?: number;
  /** Raw G.711 (8 kHz mono) to send with each video frame, looped (1/fps s of it per frame). */
  audio?: { file: string; law: 'g711a' | 'g711u' };
  /** Where to send: UDP datagrams, or RFC 4571 frames on a connected TCP socket. */
  target: { kind: 'udp'; address: string; port: number } | { kind: 'tcp'; socket: net.Socket };
  /**
   * Hook to mangle what goes on the wire (fuzzing): each RTP datagram over UDP, each RFC 4571
   * frame (length prefix included) over TCP. Return null to send nothing.
   */
  mangle?: (wire: Buffer) => Buffer | null;
}

/**
 * Streams an H.264 or H.265 elementary-stream file as a GB/T 28181 device does: one PS pack per
 * access unit (PSM on keyframes) over RTP (PT 96, one timestamp per frame, marker on the last
 * packet), looping the file, paced at `fps` by a timer. After {@link requestKeyframe} the
 * stream jumps to the next keyframe at once, as devices do on IFameCmd.
 */
export class GbMediaStreamer {
  private readonly units: Buffer[];
  private readonly muxer: PsMuxer;
  private readonly packetizer: PsRtpPacketizer;
  private readonly udp: dgram.Socket | null;
  private timer: NodeJS.Timeout | null = null;
  private index = 0;
  private pts = 90_000;
  private keyframeWanted = false;
  private unsubscribe: (() => void) | null = null;
  private readonly audio: Buffer | null;
  private audioOffset = 0;
  framesSent = 0;
  packetsSent = 0;

  constructor(private readonly options: GbMediaStreamerOptions) {
    this.units = typeof options.file === 'string' ? accessUnitsOf(options.file, options.codec) : [];
    this.muxer = new PsMuxer({ videoCodec: options.codec, audioCodec: options.audio?.law ?? null });
    this.audio = options.audio ? readFileSync(options.audio.file) : null;
    this.packetizer = new PsRtpPacketizer({ ssrc: options.ssrc, initialSequence: 1000 });
    this.udp = options.target.kind === 'udp' ? dgram.createSocket('udp4') : null;
    this.udp?.on('error', () => undefined);
  }

  start(): void {
    const source = this.options.file;
    if (typeof source !== 'string') {
      this.unsubscribe = source.subscribe((unit) => this.sendUnit(unit));
      return;
    }
    const interval = 1000 / (this.options.fps ?? 25);
    this.timer = setInterval(() => this.sendFrame(), interval);
  }

  requestKeyframe(): void {
    this.keyframeWanted = true;
  }

  stop(): void {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.udp?.close();
    if (this.options.target.kind === 'tcp') this.options.target.socket.destroy();
  }

  private sendFrame(): void {
    if (this.keyframeWanted) {
      this.keyframeWanted = false;
      for (let i = 0; i < this.units.length; i++) {
        const at = (this.index + i) % this.units.length;
        if (isKeyframeAccessUnit(this.options.codec, this.units[at]!)) {
          this.index = at;
          break;
        }
      }
    }
    const unit = this.units[this.index]!;
    this.index = (this.index + 1) % this.units.length;
    this.sendUnit(unit);
  }

  /** One access unit (with its share of audio) as PS over RTP, stamped 1/fps after the previous one. */
  private sendUnit(unit: Buffer): void {
    let audio: Array<{ data: Buffer; pts90k: number }> = [];
    if (this.audio && this.audio.length > 0) {
      const bytes = Math.round(8000 / (this.options.fps ?? 25));
      const chunk = Buffer.alloc(bytes);
      for (let i = 0; i < bytes; i++) chunk[i] = this.audio[(this.audioOffset + i) % this.audio.length]!;
      this.audioOffset = (this.audioOffset + bytes) % this.audio.length;
      audio = [{ data: chunk, pts90k: this.pts }];
    }
    const ps = this.muxer.muxFrame({ video: { data: unit, pts90k: this.pts }, audio });
    const target = this.options.target;
    for (const packet of this.packetizer.packetize(ps, this.pts)) {
      const framed = target.kind === 'udp' ? packet : frameRfc4571(packet);
      const wire = this.options.mangle ? this.options.mangle(framed) : framed;
      if (!wire) continue;
      this.packetsSent++;
      if (target.kind === 'udp') this.udp!.send(wire, target.port, target.address);
      else if (!target.socket.destroyed) target.socket.write(wire);
    }
    this.framesSent++;
    this.pts += Math.round(90_000 / (this.options.fps ?? 25));
  }
}
