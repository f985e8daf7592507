// Conversion of each event between its typed form and its protobuf message, with every field
// checked both ways. Written as a table keyed by event type (one encoder and one decoder per
// type) so that adding a type is one entry here and one field in audit.proto.
import * as pb from '../gen/audit.ts'
import { equalBytes, sha256 } from '../merkle/index.ts'
import { AUDIT_BOUNDS as B } from './bounds.ts'
import {
  NO_BYTES,
  amountFromWire,
  amountToWire,
  bad,
  checkAmount,
  checkBytes,
  checkCid,
  checkCount,
  checkHash,
  checkPeer,
  checkText,
  own,
} from './fields.ts'
import type { AuditEvent, Direction, MessageRef, PaymentMode } from './types.ts'

type WireEvent = Pick<
  pb.AuditEntry,
  | 'posted'
  | 'bid'
  | 'awarded'
  | 'accepted'
  | 'result'
  | 'verified'
  | 'paid'
  | 'disputed'
  | 'refunded'
  | 'anchored'
  | 'revoked'
  | 'reopened'
>

const DIRECTIONS: Record<Direction, pb.Direction> = { sent: pb.Direction.SENT, received: pb.Direction.RECEIVED }
const MODES: Record<PaymentMode, pb.AuditPaymentMode> = {
  escrow: pb.AuditPaymentMode.AUDIT_PAYMENT_ESCROW,
  channel: pb.AuditPaymentMode.AUDIT_PAYMENT_CHANNEL,
}

function directionTo(d: Direction, field: string): pb.Direction {
  const v = DIRECTIONS[d]
  if (v === undefined) bad(field, "must be 'sent' or 'received'")
  return v
}
function directionFrom(d: pb.Direction, field: string): Direction {
  if (d === pb.Direction.SENT) return 'sent'
  if (d === pb.Direction.RECEIVED) return 'received'
  return bad(field, 'must be SENT or RECEIVED')
}
function optional(bytes: Uint8Array): Uint8Array | undefined {
  return bytes.length === 0 ? undefined : bytes
}

function checkRef(r: MessageRef, t: string): void {
  checkPeer(r.counterparty, `${t}.counterparty`)
  checkHash(r.messageHash, `${t}.messageHash`)
  if (r.envelope !== undefined && r.envelope.length > 0) {
    checkBytes(r.envelope, `${t}.envelope`, 1, B.maxEnvelopeBytes)
    // an embedded envelope must be the very message the hash names
    if (!equalBytes(sha256(r.envelope), r.messageHash)) bad(`${t}.envelope`, 'does not hash to messageHash')
  }
}

function messageTo(e: MessageRef & { price: bigint; awardIndex?: number }, t: string): pb.MessageRecord {
  checkRef(e, t)
  checkAmount(e.price, `${t}.price`)
  checkCount(e.awardIndex ?? 0, `${t}.awardIndex`, B.maxAwardIndex)
  return {
    direction: directionTo(e.direction, `${t}.direction`),
    counterparty: own(e.counterparty),
    messageHash: own(e.messageHash),
    price: amountToWire(e.price),
    awardIndex: e.awardIndex ?? 0,
    envelope: own(e.envelope ?? NO_BYTES),
  }
}
function messageFrom(m: pb.MessageRecord, t: string): MessageRef & { price: bigint; awardIndex: number } {
  const r = {
    direction: directionFrom(m.direction, `${t}.direction`),
    counterparty: m.counterparty,
    messageHash: m.messageHash,
    ...(m.envelope.length > 0 ? { envelope: m.envelope } : {}),
    price: amountFromWire(m.price, `${t}.price`),
    awardIndex: m.awardIndex,
  }
  checkRef(r, t)
  checkCount(r.awardIndex, `${t}.awardIndex`, B.maxAwardIndex)
  return r
}

/** Typed event -> protobuf oneof member (validating). */
export function eventToWire(e: AuditEvent): WireEvent {
  switch (e.type) {
    case 'posted':
      checkHash(e.messageHash, 'posted.messageHash')
      checkAmount(e.maxPrice, 'posted.maxPrice')
      checkCount(e.redundancy, 'posted.redundancy', B.maxRedundancy)
      if (e.redundancy < 1) bad('posted.redundancy', 'must be at least 1')
      if (MODES[e.paymentMode] === undefined) bad('posted.paymentMode', "must be 'escrow' or 'channel'")
      if (e.envelope !== undefined && e.envelope.length > 0) {
        checkBytes(e.envelope, 'posted.envelope', 1, B.maxEnvelopeBytes)
        if (!equalBytes(sha256(e.envelope), e.messageHash)) bad('posted.envelope', 'does not hash to messageHash')
      }
      return {
        posted: {
          messageHash: own(e.messageHash),
          maxPrice: amountToWire(e.maxPrice),
          payment: MODES[e.paymentMode],
          redundancy: e.redundancy,
          envelope: own(e.envelope ?? NO_BYTES),
        },
      }
    case 'bid': {
      if ((e as { awardIndex?: number }).awardIndex !== undefined) bad('bid.awardIndex', 'bids have no award slot')
      return { bid: messageTo(e, 'bid') }
    }
    case 'awarded':
      return { awarded: messageTo(e, 'awarded') }
    case 'accepted':
      return { accepted: messageTo(e, 'accepted') }
    case 'result':
      checkRef(e, 'result')
      checkCid(e.outputCid, 'result.outputCid')
      if (e.commitmentSignature !== undefined)
        checkBytes(e.commitmentSignature, 'result.commitmentSignature', 0, B.maxSignatureBytes)
      return {
        result: {
          direction: directionTo(e.direction, 'result.direction'),
          counterparty: own(e.counterparty),
          messageHash: own(e.messageHash),
          outputCid: own(e.outputCid),
          commitmentSignature: own(e.commitmentSignature ?? NO_BYTES),
          envelope: own(e.envelope ?? NO_BYTES),
        },
      }
    case 'verified':
      checkPeer(e.counterparty, 'verified.counterparty')
      checkHash(e.resultHash, 'verified.resultHash')
      checkCid(e.outputCid, 'verified.outputCid')
      checkText(e.reason, 'verified.reason', B.maxReasonLength)
      if (typeof e.accepted !== 'boolean') bad('verified.accepted', 'must be a boolean')
      return {
        verified: {
          counterparty: own(e.counterparty),
          resultHash: own(e.resultHash),
          outputCid: own(e.outputCid),
          accepted: e.accepted,
          reason: e.reason,
        },
      }
    case 'paid': {
      checkPeer(e.counterparty, 'paid.counterparty')
      checkAmount(e.amount, 'paid.amount')
      const base = {
        direction: directionTo(e.direction, 'paid.direction'),
        counterparty: own(e.counterparty),
        amount: amountToWire(e.amount),
      }
      const m = e.method
      if (m?.kind === 'voucher') {
        checkHash(m.channelId, 'paid.voucher.channelId')
        checkAmount(m.cumulativeAmount, 'paid.voucher.cumulativeAmount')
        checkAmount(m.nonce, 'paid.voucher.nonce')
        checkBytes(m.signature, 'paid.voucher.signature', 1, B.maxSignatureBytes)
        return {
          paid: {
            ...base,
            voucher: {
              channelId: own(m.channelId),
              cumulativeAmount: amountToWire(m.cumulativeAmount),
              nonce: amountToWire(m.nonce),
              signature: own(m.signature),
            },
          },
        }
      }
      if (m?.kind === 'escrow') {
        checkHash(m.txHash, 'paid.escrow.txHash')
        return { paid: { ...base, escrow: { txHash: own(m.txHash) } } }
      }
      return bad('paid.method', "must be a 'voucher' or 'escrow' payment")
    }
    case 'disputed':
      checkPeer(e.counterparty, 'disputed.counterparty')
      checkText(e.reason, 'disputed.reason', B.maxReasonLength)
      if (e.txHash !== undefined) checkHash(e.txHash, 'disputed.txHash')
      return {
        disputed: {
          direction: directionTo(e.direction, 'disputed.direction'),
          counterparty: own(e.counterparty),
          reason: e.reason,
          txHash: own(e.txHash ?? NO_BYTES),
        },
      }
    case 'refunded':
      checkPeer(e.counterparty, 'refunded.counterparty')
      checkAmount(e.amount, 'refunded.amount')
      checkHash(e.txHash, 'refunded.txHash')
      return {
        refunded: {
          direction: directionTo(e.direction, 'refunded.direction'),
          counterparty: own(e.counterparty),
          amount: amountToWire(e.amount),
          txHash: own(e.txHash),
        },
      }
    case 'anchored':
      checkCount(e.treeSize, 'anchored.treeSize')
      if (e.treeSize < 1) bad('anchored.treeSize', 'must be at least 1')
      checkHash(e.root, 'anchored.root')
      checkCount(e.chainId, 'anchored.chainId')
      if (e.chainId < 1) bad('anchored.chainId', 'must be at least 1')
      checkHash(e.txHash, 'anchored.txHash')
      return { anchored: { treeSize: e.treeSize, root: own(e.root), chainId: e.chainId, txHash: own(e.txHash) } }
    case 'revoked':
      checkRef(e, 'revoked')
      checkCount(e.awardIndex, 'revoked.awardIndex', B.maxAwardIndex)
      checkText(e.reason, 'revoked.reason', B.maxReasonLength)
      return {
        revoked: {
          direction: directionTo(e.direction, 'revoked.direction'),
          counterparty: own(e.counterparty),
          messageHash: own(e.messageHash),
          awardIndex: e.awardIndex,
          reason: e.reason,
          envelope: own(e.envelope ?? NO_BYTES),
        },
      }
    case 'reopened':
      checkHash(e.messageHash, 'reopened.messageHash')
      if (e.envelope !== undefined && e.envelope.length > 0) {
        checkBytes(e.envelope, 'reopened.envelope', 1, B.maxEnvelopeBytes)
        if (!equalBytes(sha256(e.envelope), e.messageHash)) bad('reopened.envelope', 'does not hash to messageHash')
      }
      checkCount(e.sequence, 'reopened.sequence')
      checkCount(e.bidsCloseAt, 'reopened.bidsCloseAt')
      checkCount(e.asked, 'reopened.asked')
      return {
        reopened: {
          direction: directionTo(e.direction, 'reopened.direction'),
          messageHash: own(e.messageHash),
          sequence: e.sequence,
          bidsCloseAt: e.bidsCloseAt,
          asked: e.asked,
          envelope: own(e.envelope ?? NO_BYTES),
        },
      }
    default:
      return bad('type', 'unknown event type', { type: String((e as { type?: unknown }).type) })
  }
}

/** Protobuf oneof member -> typed event (validating by going back through eventToWire). */
export function eventFromWire(w: WireEvent): AuditEvent {
  const e = convertFromWire(w)
  eventToWire(e)
  return e
}

function convertFromWire(w: WireEvent): AuditEvent {
  if (w.posted != null) {
    const p = w.posted
    const paymentMode =
      p.payment === pb.AuditPaymentMode.AUDIT_PAYMENT_ESCROW
        ? 'escrow'
        : p.payment === pb.AuditPaymentMode.AUDIT_PAYMENT_CHANNEL
          ? 'channel'
          : bad('posted.payment', 'must be ESCROW or CHANNEL')
    const env = optional(p.envelope)
    return {
      type: 'posted',
      messageHash: p.messageHash,
      maxPrice: amountFromWire(p.maxPrice, 'posted.maxPrice'),
      paymentMode,
      redundancy: p.redundancy,
      ...(env !== undefined ? { envelope: env } : {}),
    }
  }
  if (w.bid != null) {
    const { awardIndex, ...rest } = messageFrom(w.bid, 'bid')
    if (awardIndex !== 0) bad('bid.awardIndex', 'bids have no award slot')
    return { type: 'bid', ...rest }
  }
  if (w.awarded != null) return { type: 'awarded', ...messageFrom(w.awarded, 'awarded') }
  if (w.accepted != null) return { type: 'accepted', ...messageFrom(w.accepted, 'accepted') }
  if (w.result != null) {
    const r = w.result
    const sig = optional(r.commitmentSignature)
    const env = optional(r.envelope)
    return {
      type: 'result',
      direction: directionFrom(r.direction, 'result.direction'),
      counterparty: r.counterparty,
      messageHash: r.messageHash,
      ...(env !== undefined ? { envelope: env } : {}),
      outputCid: r.outputCid,
      ...(sig !== undefined ? { commitmentSignature: sig } : {}),
    }
  }
  if (w.verified != null) {
    const v = w.verified
    return {
      type: 'verified',
      counterparty: v.counterparty,
      resultHash: v.resultHash,
      outputCid: v.outputCid,
      accepted: v.accepted,
      reason: v.reason,
    }
  }
  if (w.paid != null) {
    const p = w.paid
    const method =
      p.voucher != null
        ? {
            kind: 'voucher' as const,
            channelId: p.voucher.channelId,
            cumulativeAmount: amountFromWire(p.voucher.cumulativeAmount, 'paid.voucher.cumulativeAmount'),
            nonce: amountFromWire(p.voucher.nonce, 'paid.voucher.nonce'),
            signature: p.voucher.signature,
          }
        : p.escrow != null
          ? { kind: 'escrow' as const, txHash: p.escrow.txHash }
          : bad('paid.method', 'missing')
    return {
      type: 'paid',
      direction: directionFrom(p.direction, 'paid.direction'),
      counterparty: p.counterparty,
      amount: amountFromWire(p.amount, 'paid.amount'),
      method,
    }
  }
  if (w.disputed != null) {
    const d = w.disputed
    const tx = optional(d.txHash)
    return {
      type: 'disputed',
      direction: directionFrom(d.direction, 'disputed.direction'),
      counterparty: d.counterparty,
      reason: d.reason,
      ...(tx !== undefined ? { txHash: tx } : {}),
    }
  }
  if (w.refunded != null) {
    const r = w.refunded
    return {
      type: 'refunded',
      direction: directionFrom(r.direction, 'refunded.direction'),
      counterparty: r.counterparty,
      amount: amountFromWire(r.amount, 'refunded.amount'),
      txHash: r.txHash,
    }
  }
  if (w.anchored != null) {
    const a = w.anchored
    return { type: 'anchored', treeSize: a.treeSize, root: a.root, chainId: a.chainId, txHash: a.txHash }
  }
  if (w.revoked != null) {
    const r = w.revoked
    const env = optional(r.envelope)
    return {
      type: 'revoked',
      direction: directionFrom(r.direction, 'revoked.direction'),
      counterparty: r.counterparty,
      messageHash: r.messageHash,
      ...(env !== undefined ? { envelope: env } : {}),
      awardIndex: r.awardIndex,
      reason: r.reason,
    }
  }
  if (w.reopened != null) {
    const r = w.reopened
    const env = optional(r.envelope)
    return {
      type: 'reopened',
      direction: directionFrom(r.direction, 'reopened.direction'),
      messageHash: r.messageHash,
      ...(env !== undefined ? { envelope: env } : {}),
      sequence: r.sequence,
      bidsCloseAt: r.bidsCloseAt,
      asked: r.asked,
    }
  }
  return bad('event', 'entry has no event')
}
