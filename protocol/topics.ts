// Names on the wire: gossip topics, direct protocol ids and their size limits. Each topic's
// validator is protocol/market/validate-job.ts or validate-clearing.ts; node/market/gossip.ts
// applies it with the verdict of protocol/market/errors.ts.
// Versions: a topic's or protocol's version changes when its message changes incompatibly;
// the signing domains in protocol/market/envelope.ts move with them.
import { MessageType } from './gen/market.ts'
import { JOB_BOUNDS, MAX_MESSAGE_BYTES } from './market/bounds.ts'

export { MAX_MESSAGE_BYTES }

export const CLEARING_TOPIC = 'hive/clearing/1'

/** The topic on which jobs for one executor class are gossiped, e.g. hive/jobs/wasm/1. */
export function jobsTopic (executor: string): string {
  if (!JOB_BOUNDS.executor.test(executor)) throw new TypeError(`not an executor class: ${JSON.stringify(executor.slice(0, 40))}`)
  return `hive/jobs/${executor}/1`
}

/**
 * The largest gossip message of any kind: gossipsub's maxMessageSize must not be smaller,
 * and should not be much larger (it bounds what a peer can make us buffer).
 */
export const MAX_GOSSIP_MESSAGE_BYTES = Math.max(MAX_MESSAGE_BYTES.jobRequest, MAX_MESSAGE_BYTES.clearing)

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
  /** audit log entries and proofs: one AuditRequest answered by one AuditResponse (audit.proto) */
  audit: '/hive/audit/1.0.0',
  /**
   * requester -> provider: a Voucher; answered by a VoucherReply (a signed ack, or a typed error).
   * Version 2: version 1 answered errors by resetting the stream.
   */
  voucher: '/hive/voucher/2.0.0',
  /** provider -> requester: a signed Heartbeat while an award is worked on; answered by a Reply (docs/reaward.md) */
  heartbeat: '/hive/heartbeat/1.0.0',
  /** requester -> provider: a signed AwardRevocation; answered by a Reply */
  revoke: '/hive/revoke/1.0.0',
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
  heartbeat: { request: MessageType.HEARTBEAT, maxRequestBytes: MAX_MESSAGE_BYTES.heartbeat, maxResponseFrameBytes: MAX_MESSAGE_BYTES.reply },
  revoke: { request: MessageType.AWARD_REVOCATION, maxRequestBytes: MAX_MESSAGE_BYTES.revocation, maxResponseFrameBytes: MAX_MESSAGE_BYTES.reply },
  blob: { maxRequestBytes: MAX_MESSAGE_BYTES.blobRequest, maxResponseFrameBytes: MAX_MESSAGE_BYTES.blobChunk },
}
