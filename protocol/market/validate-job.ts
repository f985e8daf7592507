// JobRequest validation, run by every peer that receives one (gossip topic validator, or the
// /hive/request push). Cheap checks first, the signature last; IGNOREs (duplicate, stale) come
// before the costlier REJECT checks because honest duplicates are the common case.
import { JobRequest, MessageType } from '../gen/market.ts'
import { DEFAULT_CLOCK_SKEW_MS, JOB_BOUNDS, MAX_MESSAGE_BYTES } from './bounds.ts'
import { checkEnvelopeSignature, checkNamedSigner, openEnvelope } from './envelope.ts'
import { fail } from './errors.ts'
import { checkText } from './fields.ts'
import { computeJobId, jobIdFromBytes } from './job-id.ts'
import { checkJobSpec } from './job-spec.ts'
import { checkLotteryFields } from './lottery.ts'
import { multiaddr } from '@multiformats/multiaddr'
import type { JobSpec } from '../gen/market.ts'
import type { JobId } from './job-id.ts'
import type { SeenCache } from './seen-cache.ts'
import type { Ed25519PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { CID } from 'multiformats/cid'

export interface ValidJobRequest {
  jobId: JobId
  request: JobRequest
  spec: JobSpec
  requester: Ed25519PeerId
  requesterAddrs: Multiaddr[]
  module: CID
  inputs: Array<{ name: string; cid: CID; size: number }>
  maxPrice: bigint
  /** createdAt + bidWindowMs: no bid is worth sending after that */
  bidsCloseAt: number
  /** the signed envelope as received: forward or store these bytes */
  bytes: Uint8Array
}

export interface ValidateJobRequestOptions {
  now: number
  /** replay cache keyed by job id; a valid request is added to it */
  seen?: SeenCache
  clockSkewMs?: number
  /**
   * the job's signed bid window is not checked: the caller holds a BidReopen for the job and
   * checks that window instead, once this request's signature names the reopen's requester
   */
  windowFromReopen?: boolean
}

export async function validateJobRequest(bytes: Uint8Array, opts: ValidateJobRequestOptions): Promise<ValidJobRequest> {
  const skew = opts.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS
  const opened = openEnvelope(bytes, {
    type: MessageType.JOB_REQUEST,
    decode: (b) => JobRequest.decode(b),
    maxBytes: MAX_MESSAGE_BYTES.jobRequest,
  })
  const request = opened.message
  const spec = request.spec
  if (spec === undefined) fail('MALFORMED', 'JobRequest has no spec', { field: 'spec' })
  const jobId = jobIdFromBytes(request.jobId)

  if (opts.seen?.has(jobId, opts.now) === true) fail('DUPLICATE', `job ${jobId} already seen`, { jobId })
  if (spec.createdAt > opts.now + skew) {
    fail('FROM_FUTURE', `job ${jobId} created ${spec.createdAt - opts.now} ms in the future`, {
      jobId,
      createdAt: spec.createdAt,
      now: opts.now,
    })
  }
  const bidsCloseAt = spec.createdAt + spec.bidWindowMs
  if (opts.windowFromReopen !== true && opts.now > bidsCloseAt + skew) {
    fail('JOB_EXPIRED', `job ${jobId} stopped taking bids at ${bidsCloseAt}`, { jobId, bidsCloseAt, now: opts.now })
  }

  const computed = computeJobId(spec)
  if (computed !== jobId) fail('JOB_ID_MISMATCH', `job id ${jobId} is not the hash of its spec`, { jobId, computed })
  checkNamedSigner(opened, spec.requester, 'spec.requester')
  const checked = checkJobSpec(spec)
  checkLotteryFields(spec)
  const requesterAddrs = request.requesterAddrs.map((text, i) => {
    checkText(text, `requesterAddrs[${i}]`, JOB_BOUNDS.maxAddrLength)
    try {
      return multiaddr(text)
    } catch (err) {
      return fail(
        'INVALID_FIELD',
        `requesterAddrs[${i}] is not a multiaddr`,
        { field: `requesterAddrs[${i}]`, value: text.slice(0, 80) },
        err,
      )
    }
  })

  await checkEnvelopeSignature(opened)
  // a concurrent validation of the same job may have finished while we verified
  if (opts.seen !== undefined && !opts.seen.add(jobId, opts.now))
    fail('DUPLICATE', `job ${jobId} already seen`, { jobId })
  return { jobId, request, spec, ...checked, requesterAddrs, bidsCloseAt, bytes }
}
