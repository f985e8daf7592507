// The typed form of audit entries. On the wire and in storage an entry is its canonical
// protobuf bytes (protocol/proto/audit.proto); this is what code builds and reads.
import type { PaymentMode } from '../payment-mode.ts'

export type { PaymentMode }

/** Whether this log's owner sent or received the message it records. */
export type Direction = 'sent' | 'received'

/** A signed market message (SignedEnvelope) exchanged with the counterparty. */
export interface MessageRef {
  direction: Direction
  /** the other peer's binary peer id */
  counterparty: Uint8Array
  /** sha-256 of the SignedEnvelope bytes as they travelled */
  messageHash: Uint8Array
  /** the envelope itself, when the node keeps it in the log (lets auditors check signatures) */
  envelope?: Uint8Array
}

export interface JobPostedEvent {
  type: 'posted'
  messageHash: Uint8Array
  maxPrice: bigint
  paymentMode: PaymentMode
  redundancy: number
  /** the signed JobRequest envelope (when at most maxEnvelopeBytes): proof of being the requester */
  envelope?: Uint8Array
}
export interface BidEvent extends MessageRef {
  type: 'bid'
  price: bigint
}
export interface AwardedEvent extends MessageRef {
  type: 'awarded'
  price: bigint
  awardIndex: number
}
export interface AcceptedEvent extends MessageRef {
  type: 'accepted'
  price: bigint
  awardIndex: number
}
export interface ResultEvent extends MessageRef {
  type: 'result'
  /** binary CIDv1 of the output */
  outputCid: Uint8Array
  /** the EIP-712 result commitment signature the Result carried, if any */
  commitmentSignature?: Uint8Array
}
export interface VerifiedEvent {
  type: 'verified'
  counterparty: Uint8Array
  /** messageHash of the Result that was checked */
  resultHash: Uint8Array
  outputCid: Uint8Array
  accepted: boolean
  reason: string
}

export interface VoucherPayment {
  kind: 'voucher'
  channelId: Uint8Array
  cumulativeAmount: bigint
  nonce: bigint
  signature: Uint8Array
}
export interface EscrowPayment {
  kind: 'escrow'
  txHash: Uint8Array
}

export interface PaidEvent {
  type: 'paid'
  direction: Direction
  counterparty: Uint8Array
  /** what this job was paid (for a voucher: its increment over the channel's previous voucher) */
  amount: bigint
  method: VoucherPayment | EscrowPayment
}
export interface DisputedEvent {
  type: 'disputed'
  direction: Direction
  counterparty: Uint8Array
  reason: string
  txHash?: Uint8Array
}
export interface RefundedEvent {
  type: 'refunded'
  direction: Direction
  counterparty: Uint8Array
  amount: bigint
  txHash: Uint8Array
}
/** The requester withdrew the award of a provider it took for dead (docs/reaward.md). */
export interface RevokedEvent extends MessageRef {
  type: 'revoked'
  awardIndex: number
  /** HEARTBEAT_SILENT or CONNECTION_LOST */
  reason: string
}
/**
 * The requester re-opened bidding on its job (docs/reaward.md): every provider it awarded died or
 * failed and no bid was left; why a job may end with more awards than its redundancy.
 */
export interface ReopenedEvent {
  type: 'reopened'
  direction: Direction
  /** sha-256 of the signed BidReopen */
  messageHash: Uint8Array
  /** the signed BidReopen (the requester's own signature) */
  envelope?: Uint8Array
  sequence: number
  bidsCloseAt: number
  /** providers it was pushed to */
  asked: number
}
/** The log's own root at treeSize was anchored on-chain. Not about a job: its jobId is empty. */
export interface AnchoredEvent {
  type: 'anchored'
  treeSize: number
  root: Uint8Array
  chainId: number
  txHash: Uint8Array
}

export type AuditEvent =
  | JobPostedEvent
  | BidEvent
  | AwardedEvent
  | AcceptedEvent
  | ResultEvent
  | VerifiedEvent
  | PaidEvent
  | DisputedEvent
  | RefundedEvent
  | AnchoredEvent
  | RevokedEvent
  | ReopenedEvent

export type AuditEventType = AuditEvent['type']

export const AUDIT_EVENT_TYPES: readonly AuditEventType[] = [
  'posted',
  'bid',
  'awarded',
  'accepted',
  'result',
  'verified',
  'paid',
  'disputed',
  'refunded',
  'anchored',
  'revoked',
  'reopened',
]

/** What every entry carries besides its event. */
export interface EntryHeader {
  /** position in the log, from 0, without gaps */
  index: number
  /** leaf hash of the previous entry; 32 zero bytes for index 0 */
  prevHash: Uint8Array
  /** unix ms, passed in by the caller (protocol code reads no clock) */
  timestamp: number
  /** binary peer id of the log's owner */
  peer: Uint8Array
  /** 32-byte job id; empty for 'anchored' */
  jobId: Uint8Array
}

/** One entry of a log; `entry.type` narrows the event fields (the intersection distributes). */
export type AuditEntry = EntryHeader & AuditEvent

/** An entry as the log holds it: typed, plus the exact bytes and their leaf hash. */
export interface StoredEntry {
  entry: AuditEntry
  bytes: Uint8Array
  /** SHA-256(0x00 || bytes): the Merkle leaf and the next entry's prevHash */
  hash: Uint8Array
}
