export * from './api.js';
export * from './backoff.js';
export * from './camera.js';
export * from './config.js';
export * from './signalling.js';
export * from './validation.js';
export * from './domain.js';
export * from './prng.js';
