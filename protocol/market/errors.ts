// Validation errors for market messages, each carrying the gossip verdict it deserves.
// The verdict is a property of the code, not of the throw site, so a code can never be
// REJECTed in one place and IGNOREd in another, and metrics can count by a fixed label set.
// REJECT (the sender's gossipsub score drops; direct streams refuse and rate-limit) is kept for
// what an honest peer running this code could never send; IGNORE for what honest peers do send
// now and then: stale, duplicate, early, unknown to us.
import { ValidationError } from '../errors.ts'
import type { ErrorDetails } from '../errors.ts'

export const MARKET_ERROR_ACTIONS = {
  /** More bytes than the message type's limit, checked before decoding. */
  OVERSIZED: 'REJECT',
  /** Not a valid protobuf, a missing part, a repeated field over its limit, a bad CID/peer id. */
  MALFORMED: 'REJECT',
  /** An envelope of another message type than the protocol carries. */
  WRONG_TYPE: 'REJECT',
  BAD_SIGNATURE: 'REJECT',
  /** The envelope's signer is not the peer the message names as its author. */
  SIGNER_MISMATCH: 'REJECT',
  /** The message names another peer than the one on the other end of the stream. */
  PEER_MISMATCH: 'REJECT',
  /** The carried job id is not the hash of the job spec, or not the job this answer is about. */
  JOB_ID_MISMATCH: 'REJECT',
  /** A field outside its allowed form or range (details.field says which). */
  INVALID_FIELD: 'REJECT',
  /** An amount that is not a canonical non-negative decimal within uint256. */
  INVALID_AMOUNT: 'REJECT',
  PRICE_ABOVE_MAX: 'REJECT',
  /** A price that differs from the one agreed (bid vs award vs acceptance). */
  PRICE_MISMATCH: 'REJECT',
  REDUNDANCY_OUT_OF_RANGE: 'REJECT',
  LIMITS_OUT_OF_RANGE: 'REJECT',
  AWARD_INDEX_OUT_OF_RANGE: 'REJECT',
  /** An award or acceptance that names another provider than us. */
  NOT_ADDRESSED_TO_US: 'REJECT',
  JOB_EXPIRED: 'IGNORE',
  BID_EXPIRED: 'IGNORE',
  AWARD_EXPIRED: 'IGNORE',
  /** Created further in the future than the allowed clock skew. */
  FROM_FUTURE: 'IGNORE',
  DUPLICATE: 'IGNORE',
  /** About a job we do not know (never saw, or already forgot). */
  UNKNOWN_JOB: 'IGNORE',
  /** A clearing record older than the window we learn prices from. */
  STALE_CLEARING: 'IGNORE',
  /**
   * A bid from a provider the job was neither pushed to nor drawn for by its lottery
   * (protocol/market/lottery.ts). Ignored rather than rejected: the bidder's view of its own
   * stake may lag the requester's by an event.
   */
  NOT_SELECTED: 'IGNORE',
  /** A heartbeat or result for an award the requester withdrew (docs/reaward.md): the provider should stop. */
  AWARD_REVOKED: 'IGNORE',
  /**
   * A BidReopen whose sequence does not move past one already taken for the job (docs/reaward.md):
   * a replay, or the same reopen heard twice (push and gossip), so ignored rather than rejected.
   */
  REOPEN_REPLAYED: 'IGNORE',
  /** A BidReopen whose window ends too late for a run to finish by the job's deadline. */
  REOPEN_TOO_LATE: 'REJECT',
} as const satisfies Record<string, 'IGNORE' | 'REJECT'>

export type MarketErrorCode = keyof typeof MARKET_ERROR_ACTIONS
export type MarketErrorAction = 'IGNORE' | 'REJECT'
export const MARKET_ERROR_CODES = Object.keys(MARKET_ERROR_ACTIONS) as MarketErrorCode[]

export class MarketValidationError extends ValidationError {
  static override name = 'MarketValidationError'
  declare readonly code: MarketErrorCode
  readonly action: MarketErrorAction

  constructor(code: MarketErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(code, message, details, options)
    this.action = MARKET_ERROR_ACTIONS[code]
  }
}

export function isMarketValidationError(err: unknown, code?: MarketErrorCode): err is MarketValidationError {
  return err instanceof MarketValidationError && (code === undefined || err.code === code)
}

/**
 * The gossipsub validator result for an error thrown while validating (the strings equal
 * gossipsub's TopicValidatorResult values). Anything that is not a MarketValidationError is
 * our own bug, never the sender's fault, so it is ignored rather than penalised.
 */
export function gossipVerdict(err: unknown): 'ignore' | 'reject' {
  return isMarketValidationError(err) && err.action === 'REJECT' ? 'reject' : 'ignore'
}

/** Shorthand used by the validators. */
export function fail(code: MarketErrorCode, message: string, details: ErrorDetails = {}, cause?: unknown): never {
  throw new MarketValidationError(code, message, details, cause === undefined ? undefined : { cause })
}
