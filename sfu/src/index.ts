export { startSfu, type SfuHandle, type StartSfuOptions } from './server.js';
export { loadConfigFile } from './configFile.js';
export { createLogger, type Logger } from './log.js';
export { decideVideoPath, buildFfmpegIngestArgs, withCredentials } from './ingest/rtsp/ingestPlan.js';
export { parseFfprobeOutput, redactUrl } from './ingest/rtsp/rtspProbe.js';
export { isOriginAllowed } from './signalling/originPolicy.js';
export { explainFailure } from './ingest/rtsp/rtspSource.js';
export { routerMediaCodecs, declaredH264Profile } from './media/mediaCodecs.js';
// Development tooling shared by the demo, the tests and the benchmark (not used by the SFU itself).
export { freeTcpPort, freeUdpPort } from './demo/freePort.js';
export { startRtspTestServer, RTSP_SERVER_SCRIPT, type RtspMount, type RtspTestServer, type MountVideoCodec } from './demo/rtspTestServer.js';
export { startFileFeed, startTestPatternFeed, type Feed, type TestPatternOptions } from './demo/feeds.js';
export { CHROMIUM_PATH, HEADLESS_CHROMIUM_FLAGS } from './demo/chromiumFlags.js';
