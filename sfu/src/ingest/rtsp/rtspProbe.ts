import { execFile } from 'node:child_process';

/** What ffprobe reports of an RTSP source's first video and audio streams. */
export interface RtspProbeResult {
  video: {
    /** ffmpeg codec name: "h264", "hevc", "mjpeg", "mpeg4", ... */
    codec: string;
    /** ffmpeg profile name, e.g. "High", "Constrained Baseline"; null when unknown. */
    profile: string | null;
    /** ffmpeg pixel format, e.g. "yuv420p"; null when unknown. */
    pixFmt: string | null;
    width: number | null;
    height: number | null;
    /** Frames are reordered (B-frames): ffprobe's `has_b_frames` > 0. */
    hasBFrames: boolean;
  };
  /** null when the source has no audio. */
  audio: { codec: string; sampleRate: number | null; channels: number | null } | null;
}

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  pix_fmt?: string;
  width?: number;
  height?: number;
  has_b_frames?: number;
  sample_rate?: string;
  channels?: number;
}

/**
 * Read ffprobe's JSON (`-show_streams -of json`) into a {@link RtspProbeResult}.
 * @throws Error when the output is not JSON or holds no video stream.
 */
export function parseFfprobeOutput(json: string): RtspProbeResult {
  let parsed: { streams?: FfprobeStream[] };
  try {
    parsed = JSON.parse(json) as { streams?: FfprobeStream[] };
  } catch {
    throw new Error('ffprobe printed no JSON');
  }
  const streams = parsed.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video' && s.codec_name);
  if (!video?.codec_name) throw new Error('source has no video stream');
  const audio = streams.find((s) => s.codec_type === 'audio' && s.codec_name);
  return {
    video: {
      codec: video.codec_name,
      profile: video.profile ?? null,
      pixFmt: video.pix_fmt ?? null,
      width: video.width ?? null,
      height: video.height ?? null,
      hasBFrames: (video.has_b_frames ?? 0) > 0,
    },
    audio: audio?.codec_name
      ? { codec: audio.codec_name, sampleRate: audio.sample_rate ? Number(audio.sample_rate) : null, channels: audio.channels ?? null }
      : null,
  };
}

/**
 * Probe an RTSP source over TCP (RFC 2326 §10.12 interleaved) with ffprobe.
 * @param timeoutMs socket timeout handed to ffprobe, and (x2) the kill deadline of the probe.
 * @throws Error with ffprobe's last stderr line when the source cannot be opened.
 */
export function probeRtsp(ffprobePath: string, url: string, timeoutMs: number): Promise<RtspProbeResult> {
  const args = [
    '-v', 'error',
    '-rtsp_transport', 'tcp',
    '-timeout', String(timeoutMs * 1000),
    '-show_entries', 'stream=codec_type,codec_name,profile,pix_fmt,width,height,has_b_frames,sample_rate,channels',
    '-of', 'json',
    url,
  ];
  return new Promise((resolve, reject) => {
    execFile(ffprobePath, args, { timeout: timeoutMs * 2, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) {
        const lastLine = String(stderr).trim().split('\n').pop() ?? '';
        reject(new Error(`probe failed: ${redactUrl(lastLine || error.message)}`));
        return;
      }
      try {
        resolve(parseFfprobeOutput(String(stdout)));
      } catch (parseError) {
        reject(parseError as Error);
      }
    });
  });
}

/** Remove `user:password@` from any URL inside `text`, so credentials never reach logs or walls. */
export function redactUrl(text: string): string {
  return text.replace(/(rtsps?:\/\/)[^/@\s]*@/gi, '$1***@');
}
