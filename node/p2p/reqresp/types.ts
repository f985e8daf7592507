// What a request/response protocol is: a descriptor the engine (inbound.ts, outbound.ts) runs.
// Framing, limits, timeouts, typed error replies and counting live once in the engine; a
// protocol only says what its messages are and how it answers. Model: Lodestar's reqresp.
import type { ReqRespError } from './errors.ts'
import type { Connection, PeerId } from '@libp2p/interface'

/** A request codec. `decode` throws on bytes that are not a valid request (counted MALFORMED). */
export interface Codec<T> {
  encode: (value: T) => Uint8Array
  decode: (bytes: Uint8Array) => T
}

/** A response codec; `index` is the frame's position, for responses whose frames differ (header, chunks). */
export interface ResponseCodec<T> {
  encode: (value: T) => Uint8Array
  decode: (bytes: Uint8Array, index: number) => T
}

/** `points` requests per `seconds`. */
export interface Quota {
  points: number
  seconds: number
}

export interface Timeouts {
  /** how long the server waits for the request frame, and the client for the first response frame */
  firstByteMs: number
  /** the whole exchange, both sides */
  exchangeMs: number
}

export interface InboundLimits {
  /** streams open at once on this protocol, all peers together; more are refused RATE_LIMITED */
  maxStreams: number
  /** streams open at once on this protocol from one peer; more are refused RATE_LIMITED */
  maxStreamsPerPeer: number
}

export interface HandlerContext {
  peer: PeerId
  connection: Connection
  /** aborted when the exchange's deadline passes */
  signal: AbortSignal
}

/** A handler returns one response, or an iterable of frames for a streamed response. */
export type Handler<Req, Res> = (request: Req, context: HandlerContext) => Promise<Res | ResponseFrames<Res>>

/** Marks a streamed response (request -> frame, frame, …) so the engine writes each frame. */
export interface ResponseFrames<Res> {
  frames: AsyncIterable<Res> | Iterable<Res>
}

export interface ProtocolDescriptor<Req, Res> {
  /** the protocol id with its version: a change of framing is a new version */
  id: string
  /** a short label for counters and logs ('bid', 'voucher', …) */
  name: string
  request: Codec<Req>
  response: ResponseCodec<Res>
  maxRequestBytes: number
  maxResponseFrameBytes: number
  timeouts: Timeouts
  inbound: InboundLimits
  rateLimit?: { perPeer?: Quota; total?: Quota }
  /** invalid requests (OVERSIZED, MALFORMED, INVALID_REQUEST) a peer may send in a window before it is refused */
  strikes?: Quota
  /** serve over relayed (limited) connections too */
  runOnLimitedConnection?: boolean
  handler: Handler<Req, Res>
  /** turns a handler's own error into a typed one; the default makes anything else SERVER_ERROR */
  classifyError?: (err: unknown) => ReqRespError | undefined
  /** puts a typed error on the wire as this protocol's response message */
  errorResponse: (err: ReqRespError) => Res
  /** reads a typed error out of a response (client side), so callers get a ReqRespError, not a status to test */
  responseError?: (response: Res, index: number) => ReqRespError | undefined
}
