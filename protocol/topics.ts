// Names on the wire: gossip topics, direct protocol ids and their size limits. Each topic's
// validator is protocol/market/validate-job.ts or validate-clearing.ts; node/market/gossip.ts
// applies it with the verdict of protocol/market/errors.ts.
// Versions: a topic's or protocol's version changes when its message changes incompatibly;
// the signing domains in protocol/market/envelope.ts move with them.
import { createHash } from 'node:crypto'
import { MessageType } from './gen/market.ts'
import { JOB_BOUNDS, MAX_MESSAGE_BYTES } from './market/bounds.ts'

export { MAX_MESSAGE_BYTES }

export const CLEARING_TOPIC = 'hive/clearing/1'

/** The topic on which jobs for one executor class are gossiped, e.g. hive/jobs/wasm/1. */
export function jobsTopic(executor: string): string {
  if (!JOB_BOUNDS.executor.test(executor))
    throw new TypeError(`not an executor class: ${JSON.stringify(executor.slice(0, 40))}`)
  return `hive/jobs/${executor}/1`
}

/**
 * Signed provider profiles (protocol/profile-record.ts), announced on start and at every re-sign:
 * a low-rate topic (one message per provider per half profile lifetime) that lets running peers
 * see a new provider within a gossip hop instead of a DHT walk.
 */
export const PROFILES_TOPIC = 'hive/profiles/1'

/** Most shards a job class may be split into (a network parameter; topics name it). */
export const MAX_JOB_SHARDS = 1024

function checkShards(shards: number): void {
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_JOB_SHARDS) {
    throw new TypeError(`shards must be a whole number from 1 to ${MAX_JOB_SHARDS}, got ${String(shards)}`)
  }
}

/**
 * The topic of one shard of a job class. One shard is the class's unsharded topic (so a network
 * that does not shard keeps hive/jobs/<executor>/1); otherwise the shard count is part of the
 * name, so peers that disagree on it share no topic instead of silently missing each other's jobs.
 */
export function jobShardTopic(executor: string, shard: number, shards: number): string {
  checkShards(shards)
  if (!Number.isInteger(shard) || shard < 0 || shard >= shards)
    throw new TypeError(`shard ${String(shard)} is not in 0..${shards - 1}`)
  const base = jobsTopic(executor)
  return shards === 1 ? base : `${base}/${shards}/${shard}`
}

/**
 * The shard a job is published to: its id's first 32 bits modulo the shard count. The job id is
 * a sha-256 of the job's content, so jobs spread evenly and a requester cannot aim one at a
 * shard without grinding the spec (which only moves its own job).
 */
export function jobShard(jobId: string, shards: number): number {
  checkShards(shards)
  if (!/^[0-9a-f]{8}/.test(jobId)) throw new TypeError('not a job id')
  return Number.parseInt(jobId.slice(0, 8), 16) % shards
}

/**
 * The shards a provider joins: `count` consecutive shards (all of them when count is 0 or at
 * least the shard count) starting at a point derived from its peer id, so providers spread over
 * the shards evenly and a provider keeps the same shards across restarts.
 */
export function providerShards(peerId: string, shards: number, count: number): number[] {
  checkShards(shards)
  const n = count <= 0 || count >= shards ? shards : Math.floor(count)
  const start = n === shards ? 0 : createHash('sha256').update(peerId).digest().readUInt32BE(0) % shards
  return Array.from({ length: n }, (_, i) => (start + i) % shards)
}

/**
 * The clearing topic of one shard: a job's clearing (who won at what price) goes to the same
 * shard as the job, so a provider hears the clearings of the jobs it could have bid on and no
 * others. One shard is the unsharded hive/clearing/1.
 */
export function clearingShardTopic(shard: number, shards: number): string {
  checkShards(shards)
  if (!Number.isInteger(shard) || shard < 0 || shard >= shards)
    throw new TypeError(`shard ${String(shard)} is not in 0..${shards - 1}`)
  return shards === 1 ? CLEARING_TOPIC : `${CLEARING_TOPIC}/${shards}/${shard}`
}

/** Every topic of a job class under `shards` shards (scoring parameters, subscription checks). */
export function jobShardTopics(executor: string, shards: number): string[] {
  checkShards(shards)
  return Array.from({ length: shards }, (_, i) => jobShardTopic(executor, i, shards))
}

/**
 * Every topic a job of the class may travel on: its shards and the unsharded topic (a network
 * with `jobShards: 1`, or a peer of one). "A provider on the class's job topics" means on any.
 */
export function classJobTopics(executor: string, shards: number): string[] {
  return [...new Set([jobsTopic(executor), ...jobShardTopics(executor, shards)])]
}

/**
 * A gossip message's id: the sha-256 of its bytes. Every payload on our topics is a signed
 * envelope or record, so gossipsub needs no signature of its own (StrictNoSign) and the same
 * bytes are the same message whoever relays them: duplicates die in gossipsub's seen cache
 * before anything decodes them, and re-sending old bytes under a fresh sequence number is no
 * longer a new message.
 */
export function gossipMessageId(data: Uint8Array): Uint8Array {
  return createHash('sha256').update(data).digest()
}

/**
 * The largest gossip message of any kind: gossipsub's maxMessageSize must not be smaller,
 * and should not be much larger (it bounds what a peer can make us buffer).
 */
export const MAX_GOSSIP_MESSAGE_BYTES = Math.max(MAX_MESSAGE_BYTES.jobRequest, MAX_MESSAGE_BYTES.clearing)

export const PROTOCOLS = {
  /** requester -> provider: a signed JobRequest pushed directly; answered by a Reply */
  request: '/hive/request/1.0.0',
  /**
   * requester -> provider: a signed JobRequest pushed directly, as on /hive/request/1.0.0; the
   * Reply carries the provider's signed Bid in its envelope when it bids (one exchange instead of
   * a push and a bid), NOT_BIDDING and why when not. Version 1 stays for older peers.
   */
  requestBid: '/hive/request/2.0.0',
  /** provider -> requester: a signed Bid; answered by a Reply */
  bid: '/hive/bid/1.0.0',
  /** requester -> provider: a signed Award; answered by a Reply carrying the signed Acceptance */
  award: '/hive/award/1.0.0',
  /**
   * requester -> provider: an AwardWithData (the signed Award and the job's small inputs inline);
   * answered like /hive/award/1.0.0. Version 2: a new request body; version 1 stays for older peers.
   */
  awardData: '/hive/award/2.0.0',
  /** provider -> requester: a signed Result; answered by a Reply */
  result: '/hive/result/1.0.0',
  /**
   * provider -> requester: a ResultWithData (the signed Result and its small output inline, when
   * the output may leave at once); answered like /hive/result/1.0.0, which stays for older peers.
   */
  resultData: '/hive/result/2.0.0',
  /** a BlobRequest; answered by a BlobResponse then BlobChunk frames */
  blob: '/hive/blob/1.0.0',
  /** audit log entries and proofs: one AuditRequest answered by one AuditResponse (audit.proto) */
  audit: '/hive/audit/1.0.0',
  /**
   * requester -> provider: a Voucher; answered by a VoucherReply (a signed ack, or a typed error).
   * Version 2: version 1 answered errors by resetting the stream.
   */
  voucher: '/hive/voucher/2.0.0',
  /** provider -> requester: a signed Heartbeat while an award is worked on; answered by a Reply (docs/reaward.md) */
  heartbeat: '/hive/heartbeat/1.0.0',
  /**
   * the same, possibly carrying the job's live output (docs/job-logs.md). Version 1.1: a larger
   * frame, which a 1.0.0 requester would refuse as oversized; a provider falls back to 1.0.0
   * (without output) for a requester that does not speak 1.1.0.
   */
  heartbeatLog: '/hive/heartbeat/1.1.0',
  /** requester -> provider: a signed AwardRevocation; answered by a Reply */
  revoke: '/hive/revoke/1.0.0',
  /** requester -> provider: a BidReopenPush (signed BidReopen + the job's JobRequest); answered by a Reply */
  reopen: '/hive/reopen/1.0.0',
} as const

export type DirectProtocol = keyof typeof PROTOCOLS

/**
 * Per direct protocol: the envelope type of the request and the frame limits each side must
 * pass to its length-prefixed decoder (`maxDataLength`), so nothing unbounded is ever read.
 */
export const DIRECT_LIMITS: Record<
  Exclude<DirectProtocol, 'audit' | 'voucher'>,
  { request?: MessageType; maxRequestBytes: number; maxResponseFrameBytes: number }
> = {
  request: {
    request: MessageType.JOB_REQUEST,
    maxRequestBytes: MAX_MESSAGE_BYTES.jobRequest,
    maxResponseFrameBytes: MAX_MESSAGE_BYTES.reply,
  },
  requestBid: {
    request: MessageType.JOB_REQUEST,
    maxRequestBytes: MAX_MESSAGE_BYTES.jobRequest,
    maxResponseFrameBytes: MAX_MESSAGE_BYTES.reply,
  },
  bid: {
    request: MessageType.BID,
    maxRequestBytes: MAX_MESSAGE_BYTES.bid,
    maxResponseFrameBytes: MAX_MESSAGE_BYTES.reply,
  },
  award: {
    request: MessageType.AWARD,
    maxRequestBytes: MAX_MESSAGE_BYTES.award,
    maxResponseFrameBytes: MAX_MESSAGE_BYTES.reply,
  },
  awardData: {
    maxRequestBytes: MAX_MESSAGE_BYTES.awardWithData,
    maxResponseFrameBytes: MAX_MESSAGE_BYTES.reply,
  },
  result: {
    request: MessageType.RESULT,
    maxRequestBytes: MAX_MESSAGE_BYTES.result,
    maxResponseFrameBytes: MAX_MESSAGE_BYTES.reply,
  },
  resultData: {
    maxRequestBytes: MAX_MESSAGE_BYTES.resultWithData,
    maxResponseFrameBytes: MAX_MESSAGE_BYTES.reply,
  },
  heartbeat: {
    request: MessageType.HEARTBEAT,
    maxRequestBytes: MAX_MESSAGE_BYTES.heartbeat,
    maxResponseFrameBytes: MAX_MESSAGE_BYTES.reply,
  },
  heartbeatLog: {
    request: MessageType.HEARTBEAT,
    maxRequestBytes: MAX_MESSAGE_BYTES.heartbeatWithLog,
    maxResponseFrameBytes: MAX_MESSAGE_BYTES.reply,
  },
  revoke: {
    request: MessageType.AWARD_REVOCATION,
    maxRequestBytes: MAX_MESSAGE_BYTES.revocation,
    maxResponseFrameBytes: MAX_MESSAGE_BYTES.reply,
  },
  reopen: { maxRequestBytes: MAX_MESSAGE_BYTES.reopenPush, maxResponseFrameBytes: MAX_MESSAGE_BYTES.reply },
  blob: { maxRequestBytes: MAX_MESSAGE_BYTES.blobRequest, maxResponseFrameBytes: MAX_MESSAGE_BYTES.blobChunk },
}
