// Which accounts anchor a peer's log, according to AuditAnchor's binding history. The contract
// records a binding from whoever sends it, with the peer's Ed25519 signature over (chainId,
// contract, peer, account, nonce), which it cannot check (too costly on-chain): the auditor does.
// A record without the peer's valid signature is someone else's claim and is ignored; so is a
// valid one whose nonce does not exceed the previous valid record's (an old signature replayed
// by an account the peer left). The peer's anchored history is then the anchors of each bound
// account in the range it was bound for, in order: a new wallet does not start a new history,
// it continues the old one, and must prove it extends it.
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { ed25519PeerIdFromBytes, peerIdToBytes, signWithDomain, verifyWithDomain } from '../signing.ts'
import type { AnchorRecord } from './log-check.ts'
import type { PrivateKey } from '@libp2p/interface'

export const PEER_BINDING_DOMAIN = 'hive/audit/peer-binding/1'

const HEX_ADDRESS = /^0x[0-9a-fA-F]{40}$/
const MAX_NONCE = 2n ** 64n - 1n

export interface PeerBindingFields {
  chainId: number
  /** the AuditAnchor contract, 0x-hex */
  contract: string
  /** the account that will anchor the peer's log, 0x-hex */
  address: string
  /** uint64, above every earlier binding's nonce (unix ms does) */
  nonce: bigint
}

/** One record of AuditAnchor's binding history of a peer, as read from the chain. */
export interface PeerBindingRecord {
  /** position in the history, from 0 */
  index: number
  account: string
  nonce: bigint
  /** block time, unix seconds */
  since: number
  fromAnchor: number
  /** undefined while the record is current */
  untilAnchor?: number
  signature: Uint8Array
}

function addressBytes(address: string): Uint8Array {
  if (!HEX_ADDRESS.test(address)) throw new TypeError('addresses must be 0x-prefixed 20-byte hex')
  return Buffer.from(address.slice(2), 'hex')
}

/** The signed bytes: chainId and nonce as 8-byte big-endian, the two addresses, then the peer id. */
function payload(peer: Uint8Array, f: PeerBindingFields): Uint8Array {
  if (!Number.isSafeInteger(f.chainId) || f.chainId < 1) throw new TypeError('chainId must be a positive integer')
  if (f.nonce < 0n || f.nonce > MAX_NONCE) throw new TypeError('nonce must be a uint64')
  const out = Buffer.alloc(8 + 20 + 20 + 8 + peer.length)
  out.writeBigUInt64BE(BigInt(f.chainId), 0)
  out.set(addressBytes(f.contract), 8)
  out.set(addressBytes(f.address), 28)
  out.writeBigUInt64BE(f.nonce, 48)
  out.set(peer, 56)
  return out
}

/** The peer's signature for AuditAnchor.bindPeer(peer, nonce, signature), sent by `address`. */
export async function signPeerBinding(fields: PeerBindingFields, key: PrivateKey): Promise<Uint8Array> {
  const peer = peerIdToBytes(peerIdFromPrivateKey(key))
  return await signWithDomain(key, PEER_BINDING_DOMAIN, payload(peer, fields))
}

/** Whether `signature` is `peer`'s (binary Ed25519 peer id) over these fields. Never throws. */
export async function verifyPeerBinding(
  peer: Uint8Array,
  fields: PeerBindingFields,
  signature: Uint8Array,
): Promise<boolean> {
  try {
    const key = ed25519PeerIdFromBytes(peer).publicKey
    return await verifyWithDomain(key, PEER_BINDING_DOMAIN, payload(peer, fields), signature)
  } catch {
    return false
  }
}

export type BindingFindingCode =
  | 'BINDING_FORGED' // an on-chain record the peer did not sign: ignored
  | 'BINDING_REPLAYED' // a record reusing an old signature (its nonce does not grow): ignored
  | 'HISTORY_REWRITTEN' // a new account's anchor does not grow the tree: the log started over

export interface BindingFinding {
  code: BindingFindingCode
  /** FAIL: the peer's anchored history is broken; WARN: a record nobody can hold against the peer */
  status: 'FAIL' | 'WARN'
  check: string
  message: string
}

export interface BindingHistory {
  /** the records signed by the peer, in order, each with a nonce above the one before */
  valid: PeerBindingRecord[]
  /** WARN findings for the records ignored */
  findings: BindingFinding[]
}

/** The records of `history` the peer really signed (and not replayed), and why the others are ignored. */
export async function checkBindingHistory(
  peer: Uint8Array,
  chain: { chainId: number; contract: string },
  history: readonly PeerBindingRecord[],
): Promise<BindingHistory> {
  const valid: PeerBindingRecord[] = []
  const findings: BindingFinding[] = []
  for (const r of history) {
    const check = `on-chain binding #${r.index} (${r.account})`
    const fields = { chainId: chain.chainId, contract: chain.contract, address: r.account, nonce: r.nonce }
    if (!(await verifyPeerBinding(peer, fields, r.signature))) {
      const message = "not signed by the peer: someone else's claim, ignored"
      findings.push({ code: 'BINDING_FORGED', status: 'WARN', check, message })
      continue
    }
    const last = valid[valid.length - 1]
    if (last !== undefined && r.nonce <= last.nonce) {
      const message =
        `nonce ${r.nonce} does not exceed the previous binding's ${last.nonce}: ` + 'an old signature replayed, ignored'
      findings.push({ code: 'BINDING_REPLAYED', status: 'WARN', check, message })
      continue
    }
    valid.push(r)
  }
  return { valid, findings }
}

export interface AttributedAnchor extends AnchorRecord {
  /** the account that made it */
  submitter: string
}

/**
 * The peer's anchors across its valid bindings: each account's anchors in [fromAnchor,
 * untilAnchor), in binding order. An anchor that does not grow the tree beyond the one before it
 * (a new account starting over with a smaller log) is left out and named: HISTORY_REWRITTEN.
 */
export function attributeAnchors(
  valid: readonly PeerBindingRecord[],
  anchorsOf: ReadonlyMap<string, readonly AnchorRecord[]>,
): { anchors: AttributedAnchor[]; findings: BindingFinding[] } {
  const anchors: AttributedAnchor[] = []
  const findings: BindingFinding[] = []
  for (const b of valid) {
    const own = anchorsOf.get(b.account.toLowerCase()) ?? []
    for (const a of own) {
      if (a.index < b.fromAnchor || (b.untilAnchor !== undefined && a.index >= b.untilAnchor)) continue
      const prev = anchors[anchors.length - 1]
      if (prev !== undefined && a.treeSize <= prev.treeSize) {
        findings.push({
          code: 'HISTORY_REWRITTEN',
          status: 'FAIL',
          check: `anchor #${a.index} of ${b.account} (size ${a.treeSize})`,
          message:
            `anchors ${a.treeSize} entries after ${prev.submitter} had anchored ${prev.treeSize} ` +
            'for this peer: the log started over under a new account',
        })
        continue
      }
      anchors.push({ ...a, submitter: b.account })
    }
  }
  return { anchors, findings }
}
