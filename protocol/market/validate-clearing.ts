// Clearing validation, on the hive/clearing/1 gossip topic. A peer cannot check a clearing
// against the award it summarises (it saw neither), only that it is well formed, fresh and
// signed by the requester it names; pricing bounds each record's influence for that reason.
import { Clearing, MessageType } from '../gen/market.ts'
import { parsePositiveAmount } from './amounts.ts'
import { DEFAULT_CLEARING_MAX_AGE_MS, DEFAULT_CLOCK_SKEW_MS, JOB_BOUNDS, MAX_MESSAGE_BYTES } from './bounds.ts'
import { checkEnvelopeSignature, checkNamedSigner, openEnvelope } from './envelope.ts'
import { fail } from './errors.ts'
import { checkOptionalEthAddress, checkRange, checkText, requirePeer } from './fields.ts'
import { jobIdFromBytes } from './job-id.ts'
import type { JobId } from './job-id.ts'
import type { SeenCache } from './seen-cache.ts'
import type { Ed25519PeerId } from '@libp2p/interface'

export interface ValidateClearingOptions {
  now: number
  /** replay cache keyed by job id */
  seen?: SeenCache
  clockSkewMs?: number
  maxAgeMs?: number
}

export interface ValidClearing {
  jobId: JobId
  clearing: Clearing
  requester: Ed25519PeerId
  winners: Array<{ provider: Ed25519PeerId; price: bigint }>
  bytes: Uint8Array
}

export async function validateClearing(bytes: Uint8Array, opts: ValidateClearingOptions): Promise<ValidClearing> {
  const skew = opts.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS
  const maxAge = opts.maxAgeMs ?? DEFAULT_CLEARING_MAX_AGE_MS
  const opened = openEnvelope(bytes, {
    type: MessageType.CLEARING,
    decode: (b) => Clearing.decode(b),
    maxBytes: MAX_MESSAGE_BYTES.clearing,
  })
  const clearing = opened.message
  const jobId = jobIdFromBytes(clearing.jobId)
  const requester = requirePeer(clearing.requester, 'requester')
  checkNamedSigner(opened, clearing.requester, 'requester')

  if (opts.seen?.has(jobId, opts.now) === true) fail('DUPLICATE', `clearing of ${jobId} already seen`, { jobId })
  if (clearing.timestamp > opts.now + skew)
    fail('FROM_FUTURE', 'clearing from the future', { jobId, timestamp: clearing.timestamp, now: opts.now })
  if (clearing.timestamp < opts.now - maxAge)
    fail('STALE_CLEARING', `clearing of ${jobId} is older than ${maxAge} ms`, {
      jobId,
      timestamp: clearing.timestamp,
      now: opts.now,
    })

  checkRange(clearing.winners.length, 'winners', { min: 1, max: JOB_BOUNDS.maxWinners })
  const seenWinners = new Set<string>()
  const winners = clearing.winners.map((w, i) => {
    const provider = requirePeer(w.provider, `winners[${i}].provider`)
    if (seenWinners.has(provider.toString()))
      fail('INVALID_FIELD', `${provider.toString()} wins twice`, { jobId, field: `winners[${i}].provider` })
    seenWinners.add(provider.toString())
    return { provider, price: parsePositiveAmount(w.price, `winners[${i}].price`) }
  })
  checkText(clearing.executor, 'executor', 32, JOB_BOUNDS.executor)
  checkOptionalEthAddress(clearing.token, 'token')
  checkRange(clearing.wallTimeMs, 'wallTimeMs', JOB_BOUNDS.wallTimeMs, 'LIMITS_OUT_OF_RANGE')
  checkRange(clearing.memoryBytes, 'memoryBytes', JOB_BOUNDS.memoryBytes, 'LIMITS_OUT_OF_RANGE')

  await checkEnvelopeSignature(opened)
  if (opts.seen !== undefined && !opts.seen.add(jobId, opts.now))
    fail('DUPLICATE', `clearing of ${jobId} already seen`, { jobId })
  return { jobId, clearing, requester, winners, bytes }
}
