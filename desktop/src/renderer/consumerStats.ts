/** One reading of an inbound video RTP stream (W3C webrtc-stats `inbound-rtp`). */
export interface InboundVideoSample {
  /** Reading time, ms (RTCStats.timestamp). */
  timestamp: number;
  bytesReceived: number;
  framesDecoded: number;
  frameWidth: number | null;
  frameHeight: number | null;
}

/** What a tile's overlay shows. */
export interface TileStats {
  width: number | null;
  height: number | null;
  /** Decoded frames per second over the last interval. */
  fps: number;
  /** Received bitrate over the last interval, kbit/s. */
  kbps: number;
}

/** Pick the video `inbound-rtp` entry out of an RTCStatsReport. */
export function readInboundVideo(report: RTCStatsReport): InboundVideoSample | null {
  for (const stats of report.values()) {
    const s = stats as Record<string, unknown>;
    if (s.type === 'inbound-rtp' && s.kind === 'video') {
      return {
        timestamp: Number(s.timestamp),
        bytesReceived: Number(s.bytesReceived ?? 0),
        framesDecoded: Number(s.framesDecoded ?? 0),
        frameWidth: typeof s.frameWidth === 'number' ? s.frameWidth : null,
        frameHeight: typeof s.frameHeight === 'number' ? s.frameHeight : null,
      };
    }
  }
  return null;
}

/** Rates between two readings; null when the interval is empty or counters went backwards. */
export function tileStatsBetween(previous: InboundVideoSample, current: InboundVideoSample): TileStats | null {
  const seconds = (current.timestamp - previous.timestamp) / 1000;
  const bytes = current.bytesReceived - previous.bytesReceived;
  const frames = current.framesDecoded - previous.framesDecoded;
  if (!(seconds > 0) || bytes < 0 || frames < 0) return null;
  return {
    width: current.frameWidth,
    height: current.frameHeight,
    fps: Math.round((frames / seconds) * 10) / 10,
    kbps: Math.round((bytes * 8) / 1000 / seconds),
  };
}
