// Audit entries as plain JSON for the API and `hive audit log --json`: byte strings in hex,
// peer ids and CIDs in their text forms, amounts as decimal strings. Display only: the
// canonical form of an entry is its protobuf bytes.
import { peerIdFromMultihash } from '@libp2p/peer-id'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { toHex } from './export.ts'
import type { AuditEntry, StoredEntry } from './types.ts'

export type EntryJson = Record<string, string | number | boolean>

export function peerText(bytes: Uint8Array): string {
  try {
    return peerIdFromMultihash(Digest.decode(bytes)).toString()
  } catch {
    return toHex(bytes)
  }
}

function cidText(bytes: Uint8Array): string {
  try {
    return CID.decode(bytes).toString()
  } catch {
    return toHex(bytes)
  }
}

export function entryToJson(s: StoredEntry): EntryJson {
  const e: AuditEntry = s.entry
  const out: EntryJson = {
    index: e.index,
    type: e.type,
    timestamp: e.timestamp,
    hash: toHex(s.hash),
    prevHash: toHex(e.prevHash),
    peer: peerText(e.peer),
  }
  if (e.type !== 'anchored') out.jobId = toHex(e.jobId)
  switch (e.type) {
    case 'posted':
      Object.assign(out, {
        messageHash: toHex(e.messageHash),
        maxPrice: e.maxPrice.toString(),
        paymentMode: e.paymentMode,
        redundancy: e.redundancy,
      })
      break
    case 'bid':
    case 'awarded':
    case 'accepted':
      Object.assign(out, {
        direction: e.direction,
        counterparty: peerText(e.counterparty),
        messageHash: toHex(e.messageHash),
        price: e.price.toString(),
        ...(e.type !== 'bid' ? { awardIndex: e.awardIndex } : {}),
        envelope: e.envelope !== undefined,
      })
      break
    case 'reopened':
      Object.assign(out, {
        direction: e.direction,
        messageHash: toHex(e.messageHash),
        sequence: e.sequence,
        bidsCloseAt: e.bidsCloseAt,
        asked: e.asked,
        envelope: e.envelope !== undefined,
      })
      break
    case 'revoked':
      Object.assign(out, {
        direction: e.direction,
        counterparty: peerText(e.counterparty),
        messageHash: toHex(e.messageHash),
        awardIndex: e.awardIndex,
        reason: e.reason,
        envelope: e.envelope !== undefined,
      })
      break
    case 'result':
      Object.assign(out, {
        direction: e.direction,
        counterparty: peerText(e.counterparty),
        messageHash: toHex(e.messageHash),
        outputCid: cidText(e.outputCid),
        envelope: e.envelope !== undefined,
      })
      break
    case 'verified':
      Object.assign(out, {
        counterparty: peerText(e.counterparty),
        resultHash: toHex(e.resultHash),
        outputCid: cidText(e.outputCid),
        accepted: e.accepted,
        reason: e.reason,
      })
      break
    case 'paid':
      Object.assign(out, {
        direction: e.direction,
        counterparty: peerText(e.counterparty),
        amount: e.amount.toString(),
        method: e.method.kind,
        ...(e.method.kind === 'escrow'
          ? { txHash: toHex(e.method.txHash) }
          : {
              channelId: toHex(e.method.channelId),
              cumulativeAmount: e.method.cumulativeAmount.toString(),
              nonce: e.method.nonce.toString(),
            }),
      })
      break
    case 'disputed':
      Object.assign(out, {
        direction: e.direction,
        counterparty: peerText(e.counterparty),
        reason: e.reason,
        ...(e.txHash !== undefined ? { txHash: toHex(e.txHash) } : {}),
      })
      break
    case 'refunded':
      Object.assign(out, {
        direction: e.direction,
        counterparty: peerText(e.counterparty),
        amount: e.amount.toString(),
        txHash: toHex(e.txHash),
      })
      break
    case 'anchored':
      Object.assign(out, {
        treeSize: e.treeSize,
        root: toHex(e.root),
        chainId: e.chainId,
        txHash: '0x' + toHex(e.txHash),
      })
      break
  }
  return out
}
