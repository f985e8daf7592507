// Result validation, on the requester's /hive/result stream. It checks the message, not the
// output: fetching the output and comparing CIDs across providers is the requester's next step.
import { ExecStatus, MessageType, Result } from '../gen/market.ts'
import { DEFAULT_CLOCK_SKEW_MS, MAX_MESSAGE_BYTES, MESSAGE_BOUNDS } from './bounds.ts'
import { checkEnvelopeSignature, checkNamedSigner, openEnvelope } from './envelope.ts'
import { fail } from './errors.ts'
import { checkRange, checkText, requireCid, requirePeer } from './fields.ts'
import { jobIdFromBytes } from './job-id.ts'
import { maxBundleOverhead } from '../output-bundle.ts'
import type { JobId } from './job-id.ts'
import type { SeenCache } from './seen-cache.ts'
import type { Ed25519PeerId, PeerId } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

/** What the requester knows about an award it made to this provider. */
export interface ResultAwardContext {
  /** the job's limits.outputBytes */
  outputBytes: number
}

export interface ValidateResultOptions {
  now: number
  /** the peer at the other end of the stream: the result must be its own */
  expectedProvider?: PeerId
  /** the live award of `jobId` to `provider`, or undefined if there is none */
  lookupAward: (jobId: JobId, provider: PeerId) => ResultAwardContext | undefined
  /** replay cache keyed by `${jobId}/${provider}` */
  seen?: SeenCache
  clockSkewMs?: number
}

export interface ValidResult {
  jobId: JobId
  result: Result
  provider: Ed25519PeerId
  /** set when status is EXEC_OK */
  outputCid: CID | undefined
  bytes: Uint8Array
}

const METERED_MS = { min: 0, max: MESSAGE_BOUNDS.maxMeteredMs }

export async function validateResult(bytes: Uint8Array, opts: ValidateResultOptions): Promise<ValidResult> {
  const skew = opts.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS
  const opened = openEnvelope(bytes, {
    type: MessageType.RESULT,
    decode: (b) => Result.decode(b),
    maxBytes: MAX_MESSAGE_BYTES.result,
  })
  const result = opened.message
  const jobId = jobIdFromBytes(result.jobId)
  const provider = requirePeer(result.provider, 'provider')
  if (opts.expectedProvider !== undefined && !opts.expectedProvider.equals(provider)) {
    fail('PEER_MISMATCH', `result names ${provider.toString()} but came from ${opts.expectedProvider.toString()}`, {
      jobId,
      provider: provider.toString(),
    })
  }
  checkNamedSigner(opened, result.provider, 'provider')

  const award = opts.lookupAward(jobId, provider)
  if (award === undefined)
    fail('UNKNOWN_JOB', `no live award of ${jobId} to ${provider.toString()}`, { jobId, provider: provider.toString() })
  const key = `${jobId}/${provider.toString()}`
  if (opts.seen?.has(key, opts.now) === true)
    fail('DUPLICATE', `already have the result of ${provider.toString()} for ${jobId}`, { jobId })
  if (result.completedAt > opts.now + skew)
    fail('FROM_FUTURE', 'result completed in the future', { jobId, completedAt: result.completedAt, now: opts.now })

  if (result.status === ExecStatus.EXEC_STATUS_UNSPECIFIED)
    fail('INVALID_FIELD', 'result status missing', { jobId, field: 'status' })
  let outputCid: CID | undefined
  if (result.status === ExecStatus.EXEC_OK) {
    outputCid = requireCid(result.outputCid, 'outputCid')
    // outputSize is the encoded bundle's: the limit counts its contents, the framing comes on top
    checkRange(
      result.outputSize,
      'outputSize',
      { min: 0, max: award.outputBytes + maxBundleOverhead() },
      'LIMITS_OUT_OF_RANGE',
    )
  } else if (result.outputCid.length > 0) {
    fail('INVALID_FIELD', 'a failed result carries no output', { jobId, field: 'outputCid', status: result.status })
  }
  if (result.metering === undefined) fail('MALFORMED', 'metering missing', { jobId, field: 'metering' })
  checkRange(result.metering.wallMs, 'metering.wallMs', METERED_MS)
  checkRange(result.metering.cpuMs, 'metering.cpuMs', METERED_MS)
  checkRange(result.metering.peakMemoryBytes, 'metering.peakMemoryBytes', { min: 0, max: Number.MAX_SAFE_INTEGER })
  checkText(result.error, 'error', MESSAGE_BOUNDS.maxErrorLength)
  checkRange(result.commitment.length, 'commitment', { min: 0, max: MESSAGE_BOUNDS.maxCommitmentBytes })
  checkRange(result.commitmentSignature.length, 'commitmentSignature', {
    min: 0,
    max: MESSAGE_BOUNDS.maxCommitmentSignatureBytes,
  })

  await checkEnvelopeSignature(opened)
  if (opts.seen !== undefined && !opts.seen.add(key, opts.now))
    fail('DUPLICATE', `already have the result of ${provider.toString()} for ${jobId}`, { jobId })
  return { jobId, result, provider, outputCid, bytes }
}
