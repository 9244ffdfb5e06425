/**
 * The SDP of GB/T 28181 live play (GB/T 28181-2016 §9.2.2 and Appendix G; RFC 4566 for the
 * line syntax; RFC 4145/4571 for media over TCP): the platform's INVITE offer and the device's
 * answer, with the two lines the standard adds to SDP:
 * - `y=` the 10-digit SSRC in decimal: first digit 0 for live (1 for playback), digits 2-6 the
 *   5 digits of the domain ID after its province code (domain ID digits 4-8), then 4 digits that
 *   number the stream;
 * - `f=` the media description (`v/codec/resolution/framerate/rate type/bitrate a/...`), usually empty.
 *
 * Devices of the 2022 edition may name the stream with `a=streamnumber:N` (0 main, 1 sub); it is
 * offered when configured and read back from answers.
 */

/** How the PS-over-RTP media travels (Appendix G; RFC 4571 framing over TCP). */
export type GbMediaTransport = 'udp' | 'tcp-passive' | 'tcp-active';

export interface GbPlayOffer {
  /** The 20-digit ID of the channel to play (o= user name). */
  channelId: string;
  /** Our media address and port (c=, m=). For `tcp-active`, the port is a placeholder. */
  address: string;
  port: number;
  transport: GbMediaTransport;
  /** The 10-digit SSRC string for `y=`. */
  ssrc: string;
  /** Offer `a=streamnumber:N` (2022 edition: 0 main stream, 1 sub-stream); omitted when undefined. */
  streamNumber?: number | undefined;
}

/**
 * The INVITE body for live play: PS (96), with H.264 (98) and MPEG-4 (97) listed as the
 * standard's example does, `a=recvonly`, and for TCP `a=setup` and `a=connection:new`
 * (RFC 4145 §4-5). With `tcp-passive` we listen and the device connects (`setup:passive`);
 * with `tcp-active` we connect to the port the device answers with (`setup:active`).
 */
export function buildPlayOffer(offer: GbPlayOffer): string {
  const family = offer.address.includes(':') ? 'IP6' : 'IP4';
  const proto = offer.transport === 'udp' ? 'RTP/AVP' : 'TCP/RTP/AVP';
  const lines = [
    'v=0',
    `o=${offer.channelId} 0 0 IN ${family} ${offer.address}`,
    's=Play',
    `c=IN ${family} ${offer.address}`,
    't=0 0',
    `m=video ${offer.port} ${proto} 96 98 97`,
    'a=recvonly',
    'a=rtpmap:96 PS/90000',
    'a=rtpmap:98 H264/90000',
    'a=rtpmap:97 MPEG4/90000',
  ];
  if (offer.transport !== 'udp') {
    lines.push(`a=setup:${offer.transport === 'tcp-passive' ? 'passive' : 'active'}`, 'a=connection:new');
  }
  if (offer.streamNumber !== undefined) lines.push(`a=streamnumber:${offer.streamNumber}`);
  lines.push(`y=${offer.ssrc}`, 'f=');
  return lines.join('\r\n') + '\r\n';
}

/** What a device's answer says about the media it will send. */
export interface GbPlayAnswer {
  /** c= address (session or media level). */
  address: string;
  /** m=video port (for `tcp-active`, where we connect to). */
  port: number;
  /** m=video protocol as written (e.g. `RTP/AVP`, `TCP/RTP/AVP`). */
  protocol: string;
  /** RTP payload types of m=video with their rtpmap encodings, e.g. 96 → `PS/90000`. */
  rtpmap: Map<number, string>;
  payloadTypes: number[];
  /** a=setup value, when given. */
  setup: string | null;
  /** The SSRC the device will send with, from y= (decimal); null when the answer has none. */
  ssrc: number | null;
  /** a=streamnumber, when the device names one. */
  streamNumber: number | null;
}

/** An SDP answer that cannot be used. */
export class GbSdpError extends Error {
  override readonly name = 'GbSdpError';
}

/**
 * Read a device's SDP answer. Tolerant of LF line ends, spaces and unknown lines.
 * @throws GbSdpError when there is no `m=video` line, no usable port, or no address
 */
export function parsePlayAnswer(sdp: string): GbPlayAnswer {
  let address: string | null = null;
  let media: { port: number; protocol: string; payloadTypes: number[] } | null = null;
  const rtpmap = new Map<number, string>();
  let setup: string | null = null;
  let ssrc: number | null = null;
  let streamNumber: number | null = null;
  for (const raw of sdp.split(/\r?\n/)) {
    const line = raw.trim();
    const eq = line.indexOf('=');
    if (eq !== 1) continue;
    const type = line[0];
    const value = line.slice(2).trim();
    if (type === 'c') {
      const parts = value.split(/\s+/);
      if (parts.length >= 3 && (address === null || media !== null)) address = parts[2]!.split('/')[0]!;
    } else if (type === 'm') {
      const parts = value.split(/\s+/);
      if (parts[0] === 'video' && media === null) {
        const port = Number.parseInt(parts[1] ?? '', 10);
        media = { port, protocol: parts[2] ?? '', payloadTypes: parts.slice(3).map((p) => Number.parseInt(p, 10)).filter((p) => Number.isInteger(p)) };
      }
    } else if (type === 'a') {
      const colon = value.indexOf(':');
      const name = (colon < 0 ? value : value.slice(0, colon)).toLowerCase();
      const attr = colon < 0 ? '' : value.slice(colon + 1).trim();
      if (name === 'rtpmap') {
        const match = /^(\d+)\s+(\S+)/.exec(attr);
        if (match) rtpmap.set(Number(match[1]), match[2]!);
      } else if (name === 'setup') setup = attr.toLowerCase();
      else if (name === 'streamnumber') {
        const n = Number.parseInt(attr, 10);
        if (Number.isInteger(n)) streamNumber = n;
      }
    } else if (type === 'y') {
      if (/^\d{1,10}$/.test(value)) {
        const n = Number(value);
        if (n <= 0xffffffff) ssrc = n;
      }
    }
  }
  if (!media) throw new GbSdpError('the answer has no m=video line');
  if (!Number.isInteger(media.port) || media.port < 0 || media.port > 65535) throw new GbSdpError(`the answer's m=video port is not a port`);
  if (!address) throw new GbSdpError('the answer has no c= address');
  return { address, port: media.port, protocol: media.protocol, rtpmap, payloadTypes: media.payloadTypes, setup, ssrc, streamNumber };
}

/**
 * The `y=` SSRC for live play: `0`, domain ID digits 4-8, and `sequence` mod 10,000 in 4 digits
 * (GB/T 28181-2016 Appendix G).
 * @throws RangeError when `domainId` is not 10 digits
 */
export function liveSsrc(domainId: string, sequence: number): string {
  if (!/^\d{10}$/.test(domainId)) throw new RangeError(`domain ID must be 10 digits, got ${JSON.stringify(domainId)}`);
  return `0${domainId.slice(3, 8)}${String(((sequence % 10_000) + 10_000) % 10_000).padStart(4, '0')}`;
}
