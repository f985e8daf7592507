// One request/response layer for every direct protocol (market, vouchers, blobs, audit).
// A protocol is a ProtocolDescriptor; handleProtocol serves it, sendRequest/requestFrames ask.
export { handleProtocol } from './inbound.ts'
export type { HandleOptions, InboundComponents } from './inbound.ts'
export { requestFrames, sendRequest } from './outbound.ts'
export type { OutboundComponents, RequestOptions } from './outbound.ts'
export { OutcomeCounters } from './counters.ts'
export type { Outcome } from './counters.ts'
export { REQRESP_ERROR_CODES, ReqRespError, isReqRespError } from './errors.ts'
export type { ReqRespErrorCode } from './errors.ts'
export { bytesCodec } from './codecs.ts'
export type {
  Codec,
  Handler,
  HandlerContext,
  InboundLimits,
  ProtocolDescriptor,
  Quota,
  ResponseCodec,
  ResponseFrames,
  Timeouts,
} from './types.ts'
