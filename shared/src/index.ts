export * from './backoff.js';
export * from './camera.js';
export * from './config.js';
export * from './signalling.js';
export * from './validation.js';
