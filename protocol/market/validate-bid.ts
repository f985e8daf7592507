// Bid validation, on the requester's /hive/bid stream. The requester only learns which job a
// bid is for by decoding it, hence the lookup callback rather than a job argument.
import { Bid, MessageType } from '../gen/market.ts'
import { parseAmount, parsePositiveAmount } from './amounts.ts'
import { DEFAULT_CLOCK_SKEW_MS, MAX_MESSAGE_BYTES, MESSAGE_BOUNDS } from './bounds.ts'
import { checkEnvelopeSignature, checkNamedSigner, openEnvelope } from './envelope.ts'
import { fail } from './errors.ts'
import { checkOptionalEthAddress, checkRange, requirePeer } from './fields.ts'
import { jobIdFromBytes } from './job-id.ts'
import { MAX_PROVIDER_ESTIMATE } from './lottery.ts'
import type { JobId } from './job-id.ts'
import type { SeenCache } from './seen-cache.ts'
import type { Ed25519PeerId, PeerId } from '@libp2p/interface'

/** the most slots a bid may state free or held (a node running more jobs at once than this is not one node) */
export const MAX_FREE_SLOTS = 4_096

/** What the requester knows about one of its open jobs. */
export interface BidJobContext {
  maxPrice: bigint
}

export interface ValidateBidOptions {
  now: number
  /** the peer at the other end of the stream: the bid must be its own */
  expectedProvider?: PeerId
  /** the requester's open job with this id, or undefined (closed, unknown) */
  lookupJob: (jobId: JobId) => BidJobContext | undefined
  /** replay cache keyed by `${jobId}/${provider}`: one bid per provider per job */
  seen?: SeenCache
  clockSkewMs?: number
}

export interface ValidBid {
  jobId: JobId
  bid: Bid
  provider: Ed25519PeerId
  price: bigint
  /** undefined when the provider stated none */
  stakeHint: bigint | undefined
  bytes: Uint8Array
}

export function bidKey(jobId: JobId, provider: PeerId): string {
  return `${jobId}/${provider.toString()}`
}

export async function validateBid(bytes: Uint8Array, opts: ValidateBidOptions): Promise<ValidBid> {
  const skew = opts.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS
  const opened = openEnvelope(bytes, {
    type: MessageType.BID,
    decode: (b) => Bid.decode(b),
    maxBytes: MAX_MESSAGE_BYTES.bid,
  })
  const bid = opened.message
  const jobId = jobIdFromBytes(bid.jobId)
  const provider = requirePeer(bid.provider, 'provider')
  if (opts.expectedProvider !== undefined && !opts.expectedProvider.equals(provider)) {
    fail('PEER_MISMATCH', `bid names ${provider.toString()} but came from ${opts.expectedProvider.toString()}`, {
      jobId,
      provider: provider.toString(),
      peer: opts.expectedProvider.toString(),
    })
  }
  checkNamedSigner(opened, bid.provider, 'provider')

  const job = opts.lookupJob(jobId)
  if (job === undefined) fail('UNKNOWN_JOB', `no open job ${jobId}`, { jobId })
  const key = bidKey(jobId, provider)
  if (opts.seen?.has(key, opts.now) === true)
    fail('DUPLICATE', `already have a bid from ${provider.toString()} for ${jobId}`, {
      jobId,
      provider: provider.toString(),
    })
  if (bid.expiresAt + skew < opts.now)
    fail('BID_EXPIRED', `bid expired at ${bid.expiresAt}`, { jobId, expiresAt: bid.expiresAt, now: opts.now })
  checkRange(bid.expiresAt - opts.now, 'expiresAt', { min: -skew, max: MESSAGE_BOUNDS.maxValidityMs })

  const price = parsePositiveAmount(bid.price, 'price')
  if (price > job.maxPrice)
    fail('PRICE_ABOVE_MAX', `bid ${price} over the job's max ${job.maxPrice}`, { jobId, price, maxPrice: job.maxPrice })
  const stakeHint = bid.stakeHint === '' ? undefined : parseAmount(bid.stakeHint, 'stakeHint')
  checkRange(bid.estimatedDurationMs, 'estimatedDurationMs', { min: 0, max: MESSAGE_BOUNDS.maxDurationMs })
  checkOptionalEthAddress(bid.providerEthAddress, 'providerEthAddress')
  checkRange(bid.lotteryEstimate, 'lotteryEstimate', { min: 0, max: MAX_PROVIDER_ESTIMATE })
  checkRange(bid.freeSlots, 'freeSlots', { min: 0, max: MAX_FREE_SLOTS })
  checkRange(bid.slotsHeldForRequester, 'slotsHeldForRequester', { min: 0, max: MAX_FREE_SLOTS })

  await checkEnvelopeSignature(opened)
  if (opts.seen !== undefined && !opts.seen.add(key, opts.now))
    fail('DUPLICATE', `already have a bid from ${provider.toString()} for ${jobId}`, {
      jobId,
      provider: provider.toString(),
    })
  return { jobId, bid, provider, price, stakeHint, bytes }
}
