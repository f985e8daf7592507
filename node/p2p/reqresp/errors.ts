// Typed errors of the request/response layer. `code` is from a small fixed set so counters stay
// bounded; `detail` carries the protocol's own finer code (e.g. BID_EXPIRED) for the reply.
import { HiveError } from '../../../protocol/errors.ts'

export type ReqRespErrorCode =
  | 'RATE_LIMITED' // too many requests or too many open streams from this peer or in total
  | 'OVERSIZED' // a request frame over the protocol's limit
  | 'MALFORMED' // a truncated frame, a bad length prefix, or bytes the codec refuses
  | 'INVALID_REQUEST' // the handler rejected the request (a strike)
  | 'IGNORED' // the handler declined it without blame
  | 'NOT_FOUND'
  | 'OUT_OF_RANGE'
  | 'PAYMENT_REQUIRED'
  | 'TIMEOUT' // the peer stalled: no request, or no response, in time
  | 'SERVER_ERROR' // the handler failed
  | 'STREAM_ERROR' // the stream broke (reset, closed early)
  | 'UNREACHABLE' // client side: no stream could be opened (no address, dial failed, not served)

export const REQRESP_ERROR_CODES: readonly ReqRespErrorCode[] = [
  'RATE_LIMITED',
  'OVERSIZED',
  'MALFORMED',
  'INVALID_REQUEST',
  'IGNORED',
  'NOT_FOUND',
  'OUT_OF_RANGE',
  'PAYMENT_REQUIRED',
  'TIMEOUT',
  'SERVER_ERROR',
  'STREAM_ERROR',
  'UNREACHABLE',
]

/** Codes that count against a peer's strikes: it broke the protocol, not just our limits. */
export const STRIKE_CODES: ReadonlySet<ReqRespErrorCode> = new Set(['OVERSIZED', 'MALFORMED', 'INVALID_REQUEST'])

/** A HiveError, so the local API reports its code like any other (RATE_LIMITED, NOT_FOUND → 404 …). */
export class ReqRespError extends HiveError {
  static override name = 'ReqRespError'
  declare readonly code: ReqRespErrorCode
  /** the protocol's own code, when finer than `code` */
  readonly detail: string
  readonly protocol: string

  constructor(
    code: ReqRespErrorCode,
    message: string,
    options: { detail?: string; protocol?: string; cause?: unknown } = {},
  ) {
    const details = {
      ...(options.protocol !== undefined ? { protocol: options.protocol } : {}),
      ...(options.detail !== undefined ? { detail: options.detail } : {}),
    }
    super(code, message, details, options.cause !== undefined ? { cause: options.cause } : undefined)
    this.detail = options.detail ?? code
    this.protocol = options.protocol ?? ''
  }
}

export function isReqRespError(err: unknown): err is ReqRespError {
  return err instanceof Error && err.name === 'ReqRespError' && typeof (err as ReqRespError).code === 'string'
}

/** What a framing failure from @libp2p/utils' lpStream means, by the error's stable name. */
export function frameError(err: unknown, limit: number, protocol: string): ReqRespError {
  const name = err instanceof Error ? err.name : ''
  if (name === 'InvalidDataLengthError' || name === 'InvalidDataLengthLengthError') {
    return new ReqRespError('OVERSIZED', `frame over the ${limit}-byte limit of ${protocol}`, { protocol, cause: err })
  }
  if (name === 'UnexpectedEOFError' || name === 'InvalidMessageLengthError') {
    return new ReqRespError('MALFORMED', 'truncated or unreadable frame', { protocol, cause: err })
  }
  if (name === 'AbortError' || name === 'TimeoutError') {
    return new ReqRespError('TIMEOUT', `no complete frame in time on ${protocol}`, { protocol, cause: err })
  }
  return new ReqRespError('STREAM_ERROR', err instanceof Error ? err.message : String(err), { protocol, cause: err })
}

/** The refusals a protocol that answers errors as their code in text may send (profile push, profile exchange). */
const TEXT_REFUSALS = new Set<string>(['INVALID_REQUEST', 'RATE_LIMITED', 'OVERSIZED', 'MALFORMED', 'SERVER_ERROR'])

/** An error reply written as its code in text. */
export function textRefusal(err: ReqRespError): Uint8Array {
  return new TextEncoder().encode(err.code)
}

/** Reads a reply written by `textRefusal`: an unknown code reads as SERVER_ERROR. */
export function readTextRefusal(bytes: Uint8Array, message: string, protocol: string): ReqRespError {
  const code = new TextDecoder().decode(bytes)
  return new ReqRespError((TEXT_REFUSALS.has(code) ? code : 'SERVER_ERROR') as ReqRespErrorCode, message, {
    protocol,
  })
}
