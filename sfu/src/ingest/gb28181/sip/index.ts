/** The pure SIP layer of the GB/T 28181 adapter: no sockets, no timers. See README.md. */
export * from './sipHeaders.js';
export * from './sipParseError.js';
export * from './sipMessage.js';
export * from './sipHeaderFields.js';
export * from './sipIdentifiers.js';
export * from './sipResponse.js';
export * from './sipStreamFramer.js';
export * from './digestAuth.js';
export * from './gbIds.js';
export * from './gbSdp.js';
