// Re-opened bidding (docs/reaward.md, issue 16): a job whose awarded providers all died and that
// has no valid bid left asks again, while its deadline still leaves room for a run. Its
// JobRequest cannot be re-sent as is (providers refuse it once its signed bid window closed, and
// the window is part of the job id), so the requester signs a BidReopen: "I, the job's requester,
// take bids for this job again until `bidsCloseAt`". Providers bid on the job again only with a
// valid one: signed by the job's own requester, moving the job's reopen sequence forward, with a
// window that ends early enough for a run to finish by the job's deadline.
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { BidReopen, BidReopenPush, MessageType } from '../gen/market.ts'
import { peerIdToBytes } from '../signing.ts'
import { DEFAULT_CLOCK_SKEW_MS, MAX_MESSAGE_BYTES } from './bounds.ts'
import { checkEnvelopeSignature, checkNamedSigner, openEnvelope, sealEnvelope } from './envelope.ts'
import { fail } from './errors.ts'
import { checkRange, ownBytes, requirePeer } from './fields.ts'
import { jobIdFromBytes, jobIdToBytes } from './job-id.ts'
import type { JobId } from './job-id.ts'
import type { PeerId, PrivateKey } from '@libp2p/interface'

/** Highest reopen sequence a job may reach (the node re-opens far fewer times: MarketOptions) */
export const MAX_REOPEN_SEQUENCE = 16
/** Providers a reopen may name as tried; a longer list is cut to the most recent ones by the signer */
export const MAX_REOPEN_TRIED = 32
/** Longest re-opened window, counted from the reopen's issue time: a reopen is short-lived by design */
export const MAX_REOPEN_WINDOW_MS = 60_000

export interface BidReopenInput {
  jobId: JobId
  sequence: number
  bidsCloseAt: number
  /** providers that held an award of the job (they are not asked again); the last MAX_REOPEN_TRIED are kept */
  tried: PeerId[]
  issuedAt: number
}

export async function signBidReopen(input: BidReopenInput, key: PrivateKey): Promise<Uint8Array> {
  const reopen: BidReopen = {
    jobId: ownBytes(jobIdToBytes(input.jobId)),
    requester: ownBytes(peerIdToBytes(peerIdFromPrivateKey(key))),
    sequence: input.sequence,
    bidsCloseAt: input.bidsCloseAt,
    tried: input.tried.slice(-MAX_REOPEN_TRIED).map((p) => ownBytes(peerIdToBytes(p))),
    issuedAt: input.issuedAt,
  }
  return await sealEnvelope(MessageType.BID_REOPEN, BidReopen.encode(reopen), key)
}

/** What the validator must know of the job (from its validated JobRequest). */
export interface ReopenedJobContext {
  jobId: JobId
  requester: PeerId
  /** the job's deadline: a run must be able to finish by it */
  deadline: number
  wallTimeMs: number
}

export interface ValidateBidReopenOptions {
  now: number
  job: ReopenedJobContext
  /** the highest sequence already taken for this job (0 or undefined: none) */
  lastSequence?: number
  clockSkewMs?: number
}

export interface ValidBidReopen {
  jobId: JobId
  sequence: number
  bidsCloseAt: number
  /** the tried providers, as peer id strings */
  tried: string[]
  issuedAt: number
  bytes: Uint8Array
}

export async function validateBidReopen(bytes: Uint8Array, opts: ValidateBidReopenOptions): Promise<ValidBidReopen> {
  const skew = opts.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS
  const opened = openEnvelope(bytes, {
    type: MessageType.BID_REOPEN,
    decode: (b) => BidReopen.decode(b),
    maxBytes: MAX_MESSAGE_BYTES.bidReopen,
  })
  const r = opened.message
  const jobId = jobIdFromBytes(r.jobId)
  if (jobId !== opts.job.jobId) fail('JOB_ID_MISMATCH', `reopen of job ${jobId}, not ${opts.job.jobId}`, { jobId })
  const requester = requirePeer(r.requester, 'requester')
  // only the job's own requester may re-open its bidding
  if (!requester.equals(opts.job.requester))
    fail('PEER_MISMATCH', `job ${jobId} was requested by another peer than ${requester.toString()}`, { jobId })
  checkNamedSigner(opened, r.requester, 'requester')
  checkRange(r.sequence, 'sequence', { min: 1, max: MAX_REOPEN_SEQUENCE })
  if (r.tried.length > MAX_REOPEN_TRIED)
    fail('MALFORMED', `reopen names ${r.tried.length} tried providers (max ${MAX_REOPEN_TRIED})`, { field: 'tried' })
  const tried = r.tried.map((t, i) => requirePeer(t, `tried[${i}]`).toString())
  if (r.issuedAt > opts.now + skew)
    fail('FROM_FUTURE', 'reopen issued in the future', { jobId, issuedAt: r.issuedAt, now: opts.now })
  checkRange(r.bidsCloseAt - r.issuedAt, 'bidsCloseAt', { min: 1, max: MAX_REOPEN_WINDOW_MS })
  if (opts.now > r.bidsCloseAt + skew)
    fail('JOB_EXPIRED', `the re-opened window of job ${jobId} closed at ${r.bidsCloseAt}`, { jobId, now: opts.now })
  const latest = opts.job.deadline - opts.job.wallTimeMs
  if (r.bidsCloseAt > latest) {
    fail(
      'REOPEN_TOO_LATE',
      `re-opened window ends at ${r.bidsCloseAt}, after the last start (${latest}) that can finish by the deadline`,
      { jobId, bidsCloseAt: r.bidsCloseAt, latest },
    )
  }
  if (r.sequence <= (opts.lastSequence ?? 0)) {
    fail('REOPEN_REPLAYED', `reopen ${r.sequence} of job ${jobId} does not move past ${opts.lastSequence}`, {
      jobId,
      sequence: r.sequence,
    })
  }
  await checkEnvelopeSignature(opened)
  return { jobId, sequence: r.sequence, bidsCloseAt: r.bidsCloseAt, tried, issuedAt: r.issuedAt, bytes }
}

/**
 * When a requester re-opens bidding at `now`: the window's end, or undefined when the deadline
 * no longer leaves room for `minWindowMs` of bidding plus a whole run.
 */
export function reopenWindowEnd(opts: {
  now: number
  deadline: number
  wallTimeMs: number
  windowMs: number
  minWindowMs?: number
}): number | undefined {
  const end = Math.min(opts.now + Math.min(opts.windowMs, MAX_REOPEN_WINDOW_MS), opts.deadline - opts.wallTimeMs)
  return end - opts.now >= (opts.minWindowMs ?? 250) ? end : undefined
}

/** The body of /hive/reopen: the signed reopen and the job's signed request. */
export function encodeReopenPush(reopen: Uint8Array, request: Uint8Array): Uint8Array {
  return BidReopenPush.encode({ reopen: ownBytes(reopen), request: ownBytes(request) })
}

export function decodeReopenPush(bytes: Uint8Array): { reopen: Uint8Array; request: Uint8Array } {
  if (bytes.byteLength > MAX_MESSAGE_BYTES.reopenPush)
    fail('OVERSIZED', `reopen push of ${bytes.byteLength} bytes`, { size: bytes.byteLength })
  let push: BidReopenPush
  try {
    push = BidReopenPush.decode(bytes)
  } catch (err) {
    return fail('MALFORMED', 'not a BidReopenPush', {}, err)
  }
  if (push.reopen.byteLength === 0 || push.request.byteLength === 0)
    fail('MALFORMED', 'a reopen push needs both a reopen and a request', {})
  return { reopen: push.reopen, request: push.request }
}
