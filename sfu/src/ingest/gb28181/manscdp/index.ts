/**
 * MANSCDP (GB/T 28181-2016 Appendix A): the XML bodies of SIP MESSAGE and NOTIFY
 * (`Application/MANSCDP+xml`) and the A.3 PTZ control code. Pure: no sockets, no timers
 * except the aggregator's injectable clock.
 */
export { ManscdpError, type ManscdpErrorReason } from './manscdpError.js';
export {
  decodeManscdpBody,
  encodeManscdpBody,
  declaredEncoding,
  isGbCharset,
  type DecodedManscdpBody,
  type DecodeManscdpOptions,
  type ManscdpCharsetNote,
} from './manscdpBody.js';
export { readManscdpXml, childNamed, childrenNamed, attributeNamed, type XmlElement, type XmlRepair, type XmlLimits, type XmlReadResult } from './manscdpXml.js';
export type * from './manscdpTypes.js';
export { parseManscdp, type ManscdpParseOptions, type ManscdpParseResult, type ManscdpRepair } from './manscdpParse.js';
export {
  escapeXml,
  buildCatalogQuery,
  buildDeviceInfoQuery,
  buildDeviceStatusQuery,
  buildPtzControl,
  buildKeyframeRequest,
  buildKeepalive,
  buildResultResponse,
  buildDeviceInfoResponse,
  buildCatalogResponses,
  type BuildOptions,
  type ManscdpEncoding,
  type CommandTarget,
  type CatalogEntry,
  type CatalogAnswer,
} from './manscdpBuild.js';
export {
  CatalogAggregator,
  type CatalogAggregatorOptions,
  type CatalogAggregate,
  type CatalogAddOutcome,
  type CatalogEndReason,
  type CatalogPart,
  type AggregatorClock,
} from './catalogAggregator.js';
export {
  ptzCommand,
  ptzStop,
  focusIrisCommand,
  presetCommand,
  cruiseCommand,
  scanCommand,
  auxiliaryCommand,
  encodePtzBytes,
  ptzChecksum,
  parsePtzCommand,
  PtzCommandError,
  PTZ_DEFAULT_ADDRESS,
  PTZ_MAX_ADDRESS,
  type PtzCommand,
  type PtzCommandErrorReason,
  type PtzMotion,
  type FocusIrisMotion,
  type PtzPan,
  type PtzTilt,
  type PtzZoom,
  type PtzFocus,
  type PtzIris,
  type PresetOperation,
  type CruiseOperation,
  type ScanOperation,
} from './ptzCommand.js';
