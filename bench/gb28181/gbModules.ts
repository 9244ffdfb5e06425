/**
 * The pure SIP and MANSCDP layers of the SFU's GB/T 28181 adapter (`sfu/src/ingest/gb28181/sip/`
 * and `manscdp/`), which `@argus/sfu` does not export: typed from their sources through the
 * project reference, loaded at run time from the SFU's build (`sfu/dist/`).
 */
import type * as SipModule from '../../sfu/src/ingest/gb28181/sip/index.js';
import type * as ManscdpModule from '../../sfu/src/ingest/gb28181/manscdp/index.js';

export type { SipMessage, SipRequest, SipResponse } from '../../sfu/src/ingest/gb28181/sip/index.js';
export type { CatalogEntry } from '../../sfu/src/ingest/gb28181/manscdp/index.js';

/** `sfu/dist/ingest/gb28181/` (this file runs from bench/dist/gb28181/). */
const GB28181_DIST = new URL('../../../sfu/dist/ingest/gb28181/', import.meta.url);

/** SIP messages, headers, identifiers and digest authentication. */
export const sip = (await import(new URL('sip/index.js', GB28181_DIST).href)) as typeof SipModule;
/** MANSCDP bodies: builders, parser, body encoding. */
export const manscdp = (await import(new URL('manscdp/index.js', GB28181_DIST).href)) as typeof ManscdpModule;
