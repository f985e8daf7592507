// The agreement: the requester's signed Award (checked by the provider on /hive/award) and the
// provider's signed Acceptance that answers it (checked by the requester). Together they fix
// job, provider, price and slot; both sides keep both envelopes.
import { Acceptance, Award, MessageType } from '../gen/market.ts'
import { parsePositiveAmount } from './amounts.ts'
import { DEFAULT_CLOCK_SKEW_MS, MAX_MESSAGE_BYTES, MESSAGE_BOUNDS } from './bounds.ts'
import { checkEnvelopeSignature, checkNamedSigner, openEnvelope } from './envelope.ts'
import { fail } from './errors.ts'
import { checkRange, checkText, requirePeer } from './fields.ts'
import { jobIdFromBytes } from './job-id.ts'
import type { JobId } from './job-id.ts'
import type { SeenCache } from './seen-cache.ts'
import type { Ed25519PeerId, PeerId } from '@libp2p/interface'

/** What a provider remembers about a bid it sent. */
export interface AwardBidContext {
  /** the job's requester, from the JobRequest the provider bid on */
  requester: PeerId
  /** the price the provider bid */
  price: bigint
  redundancy: number
}

export interface ValidateAwardOptions {
  now: number
  /** this provider: an award must name us */
  self: PeerId
  /** the peer at the other end of the stream, when known */
  expectedRequester?: PeerId
  lookupBid: (jobId: JobId) => AwardBidContext | undefined
  /** replay cache keyed by job id: one award per job per provider */
  seen?: SeenCache
  clockSkewMs?: number
}

export interface ValidAward {
  jobId: JobId
  award: Award
  requester: Ed25519PeerId
  provider: Ed25519PeerId
  price: bigint
  bytes: Uint8Array
}

export async function validateAward(bytes: Uint8Array, opts: ValidateAwardOptions): Promise<ValidAward> {
  const skew = opts.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS
  const opened = openEnvelope(bytes, {
    type: MessageType.AWARD,
    decode: (b) => Award.decode(b),
    maxBytes: MAX_MESSAGE_BYTES.award,
  })
  const award = opened.message
  const jobId = jobIdFromBytes(award.jobId)
  const requester = requirePeer(award.requester, 'requester')
  const provider = requirePeer(award.provider, 'provider')
  if (!opts.self.equals(provider))
    fail('NOT_ADDRESSED_TO_US', `award for ${provider.toString()}`, { jobId, provider: provider.toString() })
  if (opts.expectedRequester !== undefined && !opts.expectedRequester.equals(requester)) {
    fail('PEER_MISMATCH', `award names ${requester.toString()} but came from ${opts.expectedRequester.toString()}`, {
      jobId,
      requester: requester.toString(),
    })
  }
  checkNamedSigner(opened, award.requester, 'requester')

  const bid = opts.lookupBid(jobId)
  if (bid === undefined) fail('UNKNOWN_JOB', `no bid of ours for job ${jobId}`, { jobId })
  if (!bid.requester.equals(requester))
    fail('PEER_MISMATCH', `job ${jobId} was requested by another peer`, { jobId, requester: requester.toString() })
  if (opts.seen?.has(jobId, opts.now) === true) fail('DUPLICATE', `job ${jobId} already awarded to us`, { jobId })
  if (award.deadline <= opts.now)
    fail('AWARD_EXPIRED', `award deadline ${award.deadline} passed`, { jobId, deadline: award.deadline, now: opts.now })
  if (award.issuedAt > opts.now + skew)
    fail('FROM_FUTURE', 'award issued in the future', { jobId, issuedAt: award.issuedAt, now: opts.now })
  checkRange(award.deadline - opts.now, 'deadline', { min: 1, max: MESSAGE_BOUNDS.maxValidityMs })

  const price = parsePositiveAmount(award.price, 'price')
  if (price !== bid.price)
    fail('PRICE_MISMATCH', `award price ${price} is not our bid ${bid.price}`, { jobId, price, bid: bid.price })
  if (award.awardIndex >= bid.redundancy) {
    fail('AWARD_INDEX_OUT_OF_RANGE', `award index ${award.awardIndex} for redundancy ${bid.redundancy}`, {
      jobId,
      awardIndex: award.awardIndex,
      redundancy: bid.redundancy,
    })
  }

  await checkEnvelopeSignature(opened)
  if (opts.seen !== undefined && !opts.seen.add(jobId, opts.now))
    fail('DUPLICATE', `job ${jobId} already awarded to us`, { jobId })
  return { jobId, award, requester, provider, price, bytes }
}

/** The award the requester sent, which the acceptance must answer exactly. */
export interface SentAward {
  jobId: JobId
  provider: PeerId
  price: bigint
  awardIndex: number
}

export interface ValidateAcceptanceOptions {
  now: number
  award: SentAward
  clockSkewMs?: number
}

export interface ValidAcceptance {
  jobId: JobId
  acceptance: Acceptance
  provider: Ed25519PeerId
  accepted: boolean
  bytes: Uint8Array
}

export async function validateAcceptance(bytes: Uint8Array, opts: ValidateAcceptanceOptions): Promise<ValidAcceptance> {
  const skew = opts.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS
  const opened = openEnvelope(bytes, {
    type: MessageType.ACCEPTANCE,
    decode: (b) => Acceptance.decode(b),
    maxBytes: MAX_MESSAGE_BYTES.acceptance,
  })
  const acceptance = opened.message
  const jobId = jobIdFromBytes(acceptance.jobId)
  const provider = requirePeer(acceptance.provider, 'provider')
  if (jobId !== opts.award.jobId)
    fail('JOB_ID_MISMATCH', `acceptance for ${jobId}, award was for ${opts.award.jobId}`, {
      jobId,
      expected: opts.award.jobId,
    })
  if (!opts.award.provider.equals(provider))
    fail('PEER_MISMATCH', `acceptance names ${provider.toString()}`, { jobId, provider: provider.toString() })
  checkNamedSigner(opened, acceptance.provider, 'provider')
  const price = parsePositiveAmount(acceptance.price, 'price')
  if (price !== opts.award.price)
    fail('PRICE_MISMATCH', `acceptance price ${price} is not the award's ${opts.award.price}`, {
      jobId,
      price,
      award: opts.award.price,
    })
  if (acceptance.awardIndex !== opts.award.awardIndex) {
    fail(
      'AWARD_INDEX_OUT_OF_RANGE',
      `acceptance for slot ${acceptance.awardIndex}, award was slot ${opts.award.awardIndex}`,
      { jobId, awardIndex: acceptance.awardIndex },
    )
  }
  checkText(acceptance.reason, 'reason', MESSAGE_BOUNDS.maxReasonLength)
  if (acceptance.timestamp > opts.now + skew)
    fail('FROM_FUTURE', 'acceptance from the future', { jobId, timestamp: acceptance.timestamp, now: opts.now })

  await checkEnvelopeSignature(opened)
  return { jobId, acceptance, provider, accepted: acceptance.accepted, bytes }
}
