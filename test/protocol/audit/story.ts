// Test helpers: peers, hashes and the entries both sides log for one honestly run job.
import { createHash } from 'node:crypto'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { create as createDigest } from 'multiformats/hashes/digest'
import { ZERO_HASH, decodeEntry, encodeEntry, entryHash } from '../../../protocol/audit/index.ts'
import type { AuditEntry, AuditEvent } from '../../../protocol/audit/index.ts'

export const h = (label: string): Uint8Array => new Uint8Array(createHash('sha256').update(label).digest())
/** a stand-in binary peer id (identity multihash of 36 bytes, the Ed25519 shape) */
export const peer = (label: string): Uint8Array =>
  Uint8Array.of(0x00, 0x24, ...h(`peer ${label}`), 0x08, 0x01, 0x12, 0x20).slice(0, 38)
export const cid = (label: string): Uint8Array => CID.createV1(raw.code, createDigest(0x12, h(`cid ${label}`))).bytes

export const REQUESTER = peer('requester')
export const PROVIDER = peer('provider')
export const OTHER_PROVIDER = peer('provider 2')
export const JOB = h('job 1')

export type EventFor = AuditEvent & { jobId?: Uint8Array }

/** Chains `events` into a log of `owner` starting at index 0 (timestamps 1000, 1001, …). */
export function buildLog(
  owner: Uint8Array,
  events: EventFor[],
  jobId = JOB,
): { bytes: Uint8Array[]; entries: AuditEntry[] } {
  const bytes: Uint8Array[] = []
  let prevHash = ZERO_HASH
  for (const [index, ev] of events.entries()) {
    const entry = {
      index,
      prevHash,
      timestamp: 1000 + index,
      peer: owner,
      jobId: ev.type === 'anchored' ? new Uint8Array(0) : (ev.jobId ?? jobId),
      ...ev,
    } as AuditEntry
    const b = encodeEntry(entry)
    bytes.push(b)
    prevHash = entryHash(b)
  }
  return { bytes, entries: bytes.map(decodeEntry) }
}

export const msg = {
  request: h('envelope request'),
  bid: h('envelope bid'),
  award: h('envelope award'),
  acceptance: h('envelope acceptance'),
  result: h('envelope result'),
}
export const PRICE = 1500n
export const OUTPUT = cid('output')
export const VOUCHER = {
  kind: 'voucher' as const,
  channelId: h('channel'),
  cumulativeAmount: 4500n,
  nonce: 3n,
  signature: new Uint8Array(65).fill(7),
}

export function requesterEvents(provider = PROVIDER): EventFor[] {
  return [
    { type: 'posted', messageHash: msg.request, maxPrice: 2000n, paymentMode: 'channel', redundancy: 1 },
    { type: 'bid', direction: 'received', counterparty: provider, messageHash: msg.bid, price: PRICE },
    { type: 'awarded', direction: 'sent', counterparty: provider, messageHash: msg.award, price: PRICE, awardIndex: 0 },
    {
      type: 'accepted',
      direction: 'received',
      counterparty: provider,
      messageHash: msg.acceptance,
      price: PRICE,
      awardIndex: 0,
    },
    { type: 'result', direction: 'received', counterparty: provider, messageHash: msg.result, outputCid: OUTPUT },
    {
      type: 'verified',
      counterparty: provider,
      resultHash: msg.result,
      outputCid: OUTPUT,
      accepted: true,
      reason: 'output fetched and hashed',
    },
    { type: 'paid', direction: 'sent', counterparty: provider, amount: PRICE, method: VOUCHER },
  ]
}

export function providerEvents(requester = REQUESTER): EventFor[] {
  return [
    { type: 'bid', direction: 'sent', counterparty: requester, messageHash: msg.bid, price: PRICE },
    {
      type: 'awarded',
      direction: 'received',
      counterparty: requester,
      messageHash: msg.award,
      price: PRICE,
      awardIndex: 0,
    },
    {
      type: 'accepted',
      direction: 'sent',
      counterparty: requester,
      messageHash: msg.acceptance,
      price: PRICE,
      awardIndex: 0,
    },
    {
      type: 'result',
      direction: 'sent',
      counterparty: requester,
      messageHash: msg.result,
      outputCid: OUTPUT,
      commitmentSignature: new Uint8Array(65).fill(9),
    },
    { type: 'paid', direction: 'received', counterparty: requester, amount: PRICE, method: VOUCHER },
  ]
}

/** One example of every event type. */
export function oneOfEach(): EventFor[] {
  return [
    ...requesterEvents(),
    { type: 'disputed', direction: 'sent', counterparty: PROVIDER, reason: 'late result', txHash: h('tx dispute') },
    { type: 'disputed', direction: 'received', counterparty: REQUESTER, reason: '' },
    { type: 'refunded', direction: 'received', counterparty: PROVIDER, amount: 10n, txHash: h('tx refund') },
    {
      type: 'paid',
      direction: 'received',
      counterparty: REQUESTER,
      amount: 0n,
      method: { kind: 'escrow', txHash: h('tx escrow') },
    },
    {
      type: 'result',
      direction: 'sent',
      counterparty: REQUESTER,
      messageHash: h('x'),
      outputCid: OUTPUT,
      envelope: new TextEncoder().encode('x'),
    },
    { type: 'anchored', treeSize: 12, root: h('root'), chainId: 31337, txHash: h('tx anchor') },
    {
      type: 'revoked',
      direction: 'sent',
      counterparty: PROVIDER,
      messageHash: h('r'),
      awardIndex: 1,
      reason: 'HEARTBEAT_SILENT',
      envelope: new TextEncoder().encode('r'),
    },
    {
      type: 'reopened',
      direction: 'sent',
      messageHash: h('o'),
      sequence: 1,
      bidsCloseAt: 1_700_000_002_000,
      asked: 4,
      envelope: new TextEncoder().encode('o'),
    },
  ]
}
