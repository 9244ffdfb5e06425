/** GB/T 28181 media: RTP, RFC 4571 framing, PS frame assembly, PS demux and mux, H.264 RTP. */
export * from './rtpPacket.js';
export * from './rfc4571Framer.js';
export * from './psStreamTypes.js';
export * from './annexB.js';
export * from './psFrameAssembler.js';
export * from './psDemuxer.js';
export {
  mpegCrc32,
  buildPackHeader,
  buildSystemHeader,
  buildProgramStreamMap,
  buildPesPackets,
  PsMuxer,
  PsRtpPacketizer,
  PS_RTP_PAYLOAD_TYPE,
  PS_RTP_MAX_PAYLOAD,
  type PsAudioCodec,
  type SystemHeaderStream,
  type PsmEntry,
  type PsVideoFrame,
  type PsAudioFrame,
  type PsMuxerOptions,
  type PsRtpPacketizerOptions,
} from './psMuxer.js';
export * from './h264Rtp.js';
export * from './h264Depacketizer.js';
