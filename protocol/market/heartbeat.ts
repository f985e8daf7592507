// The provider's liveness signal (docs/reaward.md): while it works on an accepted award it sends
// its requester a small signed Heartbeat every few seconds. Signed and bound to the job, the
// award's slot and both peers, so that nobody else can keep a dead provider's award alive (the
// stream is authenticated too; the signature makes a heartbeat evidence anyone can check).
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { Heartbeat, MessageType } from '../gen/market.ts'
import { peerIdToBytes } from '../signing.ts'
import { DEFAULT_CLOCK_SKEW_MS, MAX_MESSAGE_BYTES } from './bounds.ts'
import { checkEnvelopeSignature, checkNamedSigner, openEnvelope, sealEnvelope } from './envelope.ts'
import { fail } from './errors.ts'
import { checkText, ownBytes, requirePeer } from './fields.ts'
import { jobIdFromBytes, jobIdToBytes } from './job-id.ts'
import { LOG_CHUNK_MAX_BYTES } from './job-log.ts'
import type { JobId } from './job-id.ts'
import type { Ed25519PeerId, PeerId, PrivateKey } from '@libp2p/interface'

export type HeartbeatStage = 'fetching' | 'running' | 'sending'
const STAGES: ReadonlySet<string> = new Set(['fetching', 'running', 'sending'])

export interface HeartbeatInput {
  jobId: JobId
  requester: PeerId
  awardIndex: number
  seq: number
  sentAt: number
  stage: HeartbeatStage
  /** live job output (protocol/market/job-log.ts): the next stderr bytes, at `logOffset` in the stream */
  log?: { offset: number; data: Uint8Array }
}

export async function signHeartbeat(input: HeartbeatInput, key: PrivateKey): Promise<Uint8Array> {
  const hb: Heartbeat = {
    jobId: ownBytes(jobIdToBytes(input.jobId)),
    provider: ownBytes(peerIdToBytes(peerIdFromPrivateKey(key))),
    requester: ownBytes(peerIdToBytes(input.requester)),
    awardIndex: input.awardIndex,
    seq: input.seq,
    sentAt: input.sentAt,
    stage: input.stage,
    log: ownBytes(input.log?.data ?? new Uint8Array(0)),
    logOffset: input.log?.offset ?? 0,
  }
  return await sealEnvelope(MessageType.HEARTBEAT, Heartbeat.encode(hb), key)
}

/** What the requester knows of the award a heartbeat is about. */
export interface HeartbeatAwardContext {
  awardIndex: number
  /** the award was withdrawn: the provider is told so (AWARD_REVOKED) and should stop */
  revoked: boolean
}

export interface ValidateHeartbeatOptions {
  now: number
  /** the requester: a heartbeat must name us */
  self: PeerId
  /** the peer at the other end of the (authenticated) stream */
  expectedProvider: PeerId
  lookupAward: (jobId: JobId, provider: PeerId) => HeartbeatAwardContext | undefined
  clockSkewMs?: number
  /** the frame bound of the protocol it came on (default MAX_MESSAGE_BYTES.heartbeat; 1.1.0: heartbeatWithLog) */
  maxBytes?: number
}

export interface ValidHeartbeat {
  jobId: JobId
  provider: Ed25519PeerId
  seq: number
  sentAt: number
  stage: HeartbeatStage
  /** present when the heartbeat carries job output */
  log?: { offset: number; data: Uint8Array }
}

export async function validateHeartbeat(bytes: Uint8Array, opts: ValidateHeartbeatOptions): Promise<ValidHeartbeat> {
  const skew = opts.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS
  const opened = openEnvelope(bytes, {
    type: MessageType.HEARTBEAT,
    decode: (b) => Heartbeat.decode(b),
    maxBytes: opts.maxBytes ?? MAX_MESSAGE_BYTES.heartbeat,
  })
  const hb = opened.message
  const jobId = jobIdFromBytes(hb.jobId)
  const provider = requirePeer(hb.provider, 'provider')
  const requester = requirePeer(hb.requester, 'requester')
  if (!opts.self.equals(requester))
    fail('NOT_ADDRESSED_TO_US', `heartbeat for requester ${requester.toString()}`, { jobId })
  if (!opts.expectedProvider.equals(provider)) {
    fail('PEER_MISMATCH', `heartbeat names ${provider.toString()} but came from ${opts.expectedProvider.toString()}`, {
      jobId,
    })
  }
  checkNamedSigner(opened, hb.provider, 'provider')
  checkText(hb.stage, 'stage', 16)
  if (!STAGES.has(hb.stage))
    fail('INVALID_FIELD', `unknown heartbeat stage ${JSON.stringify(hb.stage)}`, { jobId, field: 'stage' })
  if (hb.log.length > LOG_CHUNK_MAX_BYTES) {
    fail('INVALID_FIELD', `heartbeat log chunk of ${hb.log.length} bytes`, { jobId, field: 'log' })
  }
  if (!Number.isSafeInteger(hb.logOffset) || hb.logOffset < 0)
    fail('INVALID_FIELD', 'heartbeat log offset out of range', { jobId, field: 'logOffset' })
  if (hb.sentAt > opts.now + skew)
    fail('FROM_FUTURE', 'heartbeat sent in the future', { jobId, sentAt: hb.sentAt, now: opts.now })
  const award = opts.lookupAward(jobId, provider)
  if (award === undefined) fail('UNKNOWN_JOB', `no award of job ${jobId} to ${provider.toString()}`, { jobId })
  if (award.awardIndex !== hb.awardIndex) {
    fail('AWARD_INDEX_OUT_OF_RANGE', `heartbeat for slot ${hb.awardIndex}, award was slot ${award.awardIndex}`, {
      jobId,
    })
  }
  await checkEnvelopeSignature(opened)
  if (award.revoked) fail('AWARD_REVOKED', `the award of job ${jobId} to ${provider.toString()} was revoked`, { jobId })
  const log = hb.log.length > 0 ? { log: { offset: hb.logOffset, data: hb.log } } : {}
  return { jobId, provider, seq: hb.seq, sentAt: hb.sentAt, stage: hb.stage as HeartbeatStage, ...log }
}
