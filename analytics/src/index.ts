export { FaceEngine, cosine, l2Normalise, DESCRIPTOR_LENGTH, type FaceObservation, type FaceEngineOptions } from './face/faceEngine.js';
export { loadHuman, registerFileLoader, HUMAN_MODELS_DIR, TFJS_WASM_DIR } from './face/humanRuntime.js';
export { FaceGallery, type GalleryMatch } from './gallery/faceGallery.js';
export { decodeImage, MAX_IMAGE_SIDE, type RgbImage } from './media/imageDecode.js';
export { verificationAt, pairSimilarities, rank1, type VerificationStats } from './gallery/matchMetrics.js';
export { PamStream } from './media/pamStream.js';
export { readVideoFrames, analysisFilter, type VideoFrame, type VideoFrameOptions } from './media/videoFrames.js';
export { cropImage, encodeJpeg, type Box } from './media/snapshot.js';
export { IouTracker, iou, type Track, type IouTrackerOptions } from './tracking/iouTracker.js';
