export { startSfu, type SfuHandle, type StartSfuOptions } from './server.js';
export { loadConfigFile } from './configFile.js';
export { createLogger, type Logger } from './log.js';
export { decideVideoPath, buildFfmpegIngestArgs, withCredentials } from './ingest/rtsp/ingestPlan.js';
export { parseFfprobeOutput, redactUrl } from './ingest/rtsp/rtspProbe.js';
export { explainFailure } from './ingest/rtsp/rtspSource.js';
export { routerMediaCodecs, declaredH264Profile } from './media/mediaCodecs.js';
