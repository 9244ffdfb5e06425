/**
 * Stream ids (ISO/IEC 13818-1 §2.4.3.7, Table 2-22) and stream types (§2.4.4.9, Table 2-34, plus the
 * private values GB/T 28181-2016 Appendix C assigns) of an MPEG-2 Program Stream, and the codec
 * names Argus uses for them.
 */

/** Start-code values (the byte after 00 00 01) at program-stream level (ISO/IEC 13818-1 §2.5.3, §2.4.3.7). */
export const PS_START = {
  /** MPEG_program_end_code (§2.5.3.2). */
  programEnd: 0xb9,
  /** pack_start_code (§2.5.3.3). */
  pack: 0xba,
  /** system_header_start_code (§2.5.3.5). */
  systemHeader: 0xbb,
  /** program_stream_map (§2.5.4). */
  programStreamMap: 0xbc,
  privateStream1: 0xbd,
  paddingStream: 0xbe,
  privateStream2: 0xbf,
  /** program_stream_directory (§2.5.5). */
  directory: 0xff,
} as const;

/** Default stream ids a GB/T 28181 device uses: the first video and the first audio stream. */
export const PS_VIDEO_STREAM_ID = 0xe0;
export const PS_AUDIO_STREAM_ID = 0xc0;

/** Stream types in a Program Stream Map (ISO/IEC 13818-1 Table 2-34; 0x80-0x9B per GB/T 28181-2016 Appendix C). */
export const PS_STREAM_TYPE = {
  mpeg1Video: 0x01,
  mpeg2Video: 0x02,
  mpeg1Audio: 0x03,
  mpeg2Audio: 0x04,
  aac: 0x0f,
  mpeg4Video: 0x10,
  h264: 0x1b,
  h265: 0x24,
  svacVideo: 0x80,
  g711a: 0x90,
  g711u: 0x91,
  g7221: 0x92,
  g7231: 0x93,
  g729: 0x99,
  svacAudio: 0x9b,
} as const;

export type PsCodec = 'h264' | 'h265' | 'g711a' | 'g711u' | 'aac' | 'unknown';
export type PsStreamKind = 'video' | 'audio';

/** 0xE0-0xEF: ISO/IEC 13818-2/11172-2/14496 video streams (Table 2-22). */
export function isVideoStreamId(id: number): boolean {
  return id >= 0xe0 && id <= 0xef;
}

/** 0xC0-0xDF: ISO/IEC 13818-3/11172-3/13818-7/14496-3 audio streams (Table 2-22); GB/T 28181 puts G.711 here. */
export function isAudioStreamId(id: number): boolean {
  return id >= 0xc0 && id <= 0xdf;
}

/** Codec for a PSM stream type; types Argus does not handle map to 'unknown'. */
export function codecForStreamType(streamType: number): PsCodec {
  switch (streamType) {
    case PS_STREAM_TYPE.h264:
      return 'h264';
    case PS_STREAM_TYPE.h265:
      return 'h265';
    case PS_STREAM_TYPE.g711a:
      return 'g711a';
    case PS_STREAM_TYPE.g711u:
      return 'g711u';
    case PS_STREAM_TYPE.aac:
      return 'aac';
    default:
      return 'unknown';
  }
}

/** The PSM stream type a muxer declares for a codec. */
export function streamTypeForCodec(codec: Exclude<PsCodec, 'unknown'>): number {
  return PS_STREAM_TYPE[codec];
}
