// Names on the wire: gossip topics, direct protocol ids, and the typed map from each to the
// message it carries, its size limit and its validator (the Lodestar pattern: a handler
// registered for a topic kind can only receive that kind's validated message).
// Versions: a topic's or protocol's version changes when its message changes incompatibly;
// the signing domains in protocol/market/envelope.ts move with them.
import { MessageType } from './gen/market.ts'
import { JOB_BOUNDS, MAX_MESSAGE_BYTES } from './market/bounds.ts'
import { validateClearing } from './market/validate-clearing.ts'
import { validateJobRequest } from './market/validate-job.ts'
import type { SeenCache } from './market/seen-cache.ts'
import type { ValidClearing } from './market/validate-clearing.ts'
import type { ValidJobRequest } from './market/validate-job.ts'

export { MAX_MESSAGE_BYTES }

export const CLEARING_TOPIC = 'hive/clearing/1'

/** The topic on which jobs for one executor class are gossiped, e.g. hive/jobs/wasm/1. */
export function jobsTopic (executor: string): string {
  if (!JOB_BOUNDS.executor.test(executor)) throw new TypeError(`not an executor class: ${JSON.stringify(executor.slice(0, 40))}`)
  return `hive/jobs/${executor}/1`
}

export type GossipKind = 'jobs' | 'clearing'
export type GossipTopic = { kind: 'jobs', executor: string } | { kind: 'clearing' }

const JOBS_TOPIC = /^hive\/jobs\/([a-z][a-z0-9-]{0,31})\/1$/

/** The kind of a topic we know, or undefined for anything else (including other versions). */
export function parseTopic (topic: string): GossipTopic | undefined {
  if (topic === CLEARING_TOPIC) return { kind: 'clearing' }
  const m = JOBS_TOPIC.exec(topic)
  return m === null ? undefined : { kind: 'jobs', executor: m[1] }
}

export function topicName (topic: GossipTopic): string {
  return topic.kind === 'clearing' ? CLEARING_TOPIC : jobsTopic(topic.executor)
}

export interface GossipMessages {
  jobs: ValidJobRequest
  clearing: ValidClearing
}

export interface GossipValidationContext {
  now: number
  /** the replay cache of this topic kind */
  seen?: SeenCache
  clockSkewMs?: number
}

export interface GossipType<K extends GossipKind> {
  messageType: MessageType
  maxBytes: number
  /** decode + validate; throws a MarketValidationError carrying the verdict */
  validate: (bytes: Uint8Array, ctx: GossipValidationContext) => Promise<GossipMessages[K]>
}

export const GOSSIP_TYPES: { [K in GossipKind]: GossipType<K> } = {
  jobs: { messageType: MessageType.JOB_REQUEST, maxBytes: MAX_MESSAGE_BYTES.jobRequest, validate: validateJobRequest },
  clearing: { messageType: MessageType.CLEARING, maxBytes: MAX_MESSAGE_BYTES.clearing, validate: validateClearing },
}

/** One handler per kind, typed by the message it receives once validated. */
export type GossipHandlers = { [K in GossipKind]: (message: GossipMessages[K], topic: string) => void | Promise<void> }

/**
 * The largest gossip message of any kind: gossipsub's maxMessageSize must not be smaller,
 * and should not be much larger (it bounds what a peer can make us buffer).
 */
export const MAX_GOSSIP_MESSAGE_BYTES = Math.max(...Object.values(GOSSIP_TYPES).map((t) => t.maxBytes))

export const PROTOCOLS = {
  /** requester -> provider: a signed JobRequest pushed directly; answered by a Reply */
  request: '/hive/request/1.0.0',
  /** provider -> requester: a signed Bid; answered by a Reply */
  bid: '/hive/bid/1.0.0',
  /** requester -> provider: a signed Award; answered by a Reply carrying the signed Acceptance */
  award: '/hive/award/1.0.0',
  /** provider -> requester: a signed Result; answered by a Reply */
  result: '/hive/result/1.0.0',
  /** a BlobRequest; answered by a BlobResponse then BlobChunk frames */
  blob: '/hive/blob/1.0.0',
  /** audit log entries and proofs (messages defined by the audit work) */
  audit: '/hive/audit/1.0.0',
  /**
   * requester -> provider: a Voucher; answered by a VoucherReply (a signed ack, or a typed error).
   * Version 2: version 1 answered errors by resetting the stream.
   */
  voucher: '/hive/voucher/2.0.0',
} as const

export type DirectProtocol = keyof typeof PROTOCOLS

/**
 * Per direct protocol: the envelope type of the request and the frame limits each side must
 * pass to its length-prefixed decoder (`maxDataLength`), so nothing unbounded is ever read.
 */
export const DIRECT_LIMITS: Record<
  Exclude<DirectProtocol, 'audit' | 'voucher'>,
  { request?: MessageType, maxRequestBytes: number, maxResponseFrameBytes: number }
> = {
  request: { request: MessageType.JOB_REQUEST, maxRequestBytes: MAX_MESSAGE_BYTES.jobRequest, maxResponseFrameBytes: MAX_MESSAGE_BYTES.reply },
  bid: { request: MessageType.BID, maxRequestBytes: MAX_MESSAGE_BYTES.bid, maxResponseFrameBytes: MAX_MESSAGE_BYTES.reply },
  award: { request: MessageType.AWARD, maxRequestBytes: MAX_MESSAGE_BYTES.award, maxResponseFrameBytes: MAX_MESSAGE_BYTES.reply },
  result: { request: MessageType.RESULT, maxRequestBytes: MAX_MESSAGE_BYTES.result, maxResponseFrameBytes: MAX_MESSAGE_BYTES.reply },
  blob: { maxRequestBytes: MAX_MESSAGE_BYTES.blobRequest, maxResponseFrameBytes: MAX_MESSAGE_BYTES.blobChunk },
}
