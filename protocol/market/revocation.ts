// The signed award revocation (docs/reaward.md): a requester withdraws an award from a provider
// it takes for dead (silent, or its connection lost past the grace period) before the slot goes
// to another bidder. Signed by the requester and bound to job, provider and slot: the provider
// stops only for its own job's requester, never for a third party's say-so.
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { AwardRevocation, MessageType } from '../gen/market.ts'
import { peerIdToBytes } from '../signing.ts'
import { DEFAULT_CLOCK_SKEW_MS, MAX_MESSAGE_BYTES, MESSAGE_BOUNDS } from './bounds.ts'
import { checkEnvelopeSignature, checkNamedSigner, openEnvelope, sealEnvelope } from './envelope.ts'
import { fail } from './errors.ts'
import { checkText, ownBytes, requirePeer } from './fields.ts'
import { jobIdFromBytes, jobIdToBytes } from './job-id.ts'
import type { JobId } from './job-id.ts'
import type { Ed25519PeerId, PeerId, PrivateKey } from '@libp2p/interface'

/** Why an award is withdrawn (the machine-readable part; free text is not carried). */
export type RevocationReason = 'HEARTBEAT_SILENT' | 'CONNECTION_LOST'
const REASON = /^[A-Z][A-Z0-9_]{0,63}$/

export interface RevocationInput {
  jobId: JobId
  provider: PeerId
  awardIndex: number
  reason: RevocationReason
  issuedAt: number
}

export async function signRevocation(input: RevocationInput, key: PrivateKey): Promise<Uint8Array> {
  const revocation: AwardRevocation = {
    jobId: ownBytes(jobIdToBytes(input.jobId)),
    requester: ownBytes(peerIdToBytes(peerIdFromPrivateKey(key))),
    provider: ownBytes(peerIdToBytes(input.provider)),
    awardIndex: input.awardIndex,
    reason: input.reason,
    issuedAt: input.issuedAt,
  }
  return await sealEnvelope(MessageType.AWARD_REVOCATION, AwardRevocation.encode(revocation), key)
}

/** What a provider knows of an award it is working on. */
export interface RevokedAwardContext {
  /** the job's requester, from the JobRequest it bid on */
  requester: PeerId
  awardIndex: number
}

export interface ValidateRevocationOptions {
  now: number
  /** this provider: a revocation must name us */
  self: PeerId
  /** the peer at the other end of the stream */
  expectedRequester: PeerId
  lookupAward: (jobId: JobId) => RevokedAwardContext | undefined
  clockSkewMs?: number
}

export interface ValidRevocation {
  jobId: JobId
  requester: Ed25519PeerId
  awardIndex: number
  reason: string
  bytes: Uint8Array
}

export async function validateRevocation(bytes: Uint8Array, opts: ValidateRevocationOptions): Promise<ValidRevocation> {
  const skew = opts.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS
  const opened = openEnvelope(bytes, {
    type: MessageType.AWARD_REVOCATION,
    decode: (b) => AwardRevocation.decode(b),
    maxBytes: MAX_MESSAGE_BYTES.revocation,
  })
  const r = opened.message
  const jobId = jobIdFromBytes(r.jobId)
  const requester = requirePeer(r.requester, 'requester')
  const provider = requirePeer(r.provider, 'provider')
  if (!opts.self.equals(provider)) fail('NOT_ADDRESSED_TO_US', `revocation for ${provider.toString()}`, { jobId })
  checkNamedSigner(opened, r.requester, 'requester')
  if (!opts.expectedRequester.equals(requester)) {
    fail(
      'PEER_MISMATCH',
      `revocation names ${requester.toString()} but came from ${opts.expectedRequester.toString()}`,
      { jobId },
    )
  }
  checkText(r.reason, 'reason', MESSAGE_BOUNDS.maxReasonLength, REASON)
  if (r.issuedAt > opts.now + skew)
    fail('FROM_FUTURE', 'revocation issued in the future', { jobId, issuedAt: r.issuedAt, now: opts.now })
  const award = opts.lookupAward(jobId)
  if (award === undefined) fail('UNKNOWN_JOB', `no running award of job ${jobId}`, { jobId })
  // only the job's own requester may withdraw its award
  if (!award.requester.equals(requester)) fail('PEER_MISMATCH', `job ${jobId} was requested by another peer`, { jobId })
  if (award.awardIndex !== r.awardIndex) {
    fail('AWARD_INDEX_OUT_OF_RANGE', `revocation of slot ${r.awardIndex}, our award is slot ${award.awardIndex}`, {
      jobId,
    })
  }
  await checkEnvelopeSignature(opened)
  return { jobId, requester, awardIndex: r.awardIndex, reason: r.reason, bytes }
}
