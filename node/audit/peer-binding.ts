// A peer's anchoring account as the chain records it: reading the binding history and the
// anchors it attributes to the peer (auditors), and keeping this node's own binding current
// (the anchorer, before it anchors anything).
import { logger } from '../log/logger.ts'
import {
  attributeAnchors,
  checkBindingHistory,
  signPeerBinding,
  verifyPeerBinding,
} from '../../protocol/audit/peer-binding.ts'
import type { AnchorReader, AnchorRecord, AnchorWriter } from './anchor-chain.ts'
import type { AttributedAnchor, BindingFinding, PeerBindingRecord } from '../../protocol/audit/peer-binding.ts'
import type { PrivateKey } from '@libp2p/interface'

const log = logger('hive:audit:binding')

export interface PeerAnchors {
  /** the records the peer signed, oldest first */
  valid: PeerBindingRecord[]
  /** the newest of them: the account the peer anchors as now */
  current?: PeerBindingRecord
  /** the peer's anchors across its bindings, ascending by tree size */
  anchors: AttributedAnchor[]
  findings: BindingFinding[]
}

/** The peer's (binary id) binding history on AuditAnchor, checked, and the anchors it attributes to the peer. */
export async function readPeerAnchors(peer: Uint8Array, chain: AnchorReader): Promise<PeerAnchors> {
  const history = await chain.peerBindings(peer)
  const checked = await checkBindingHistory(peer, chain, history)
  const accounts = [...new Set(checked.valid.map((b) => b.account.toLowerCase()))]
  const anchorsOf = new Map<string, AnchorRecord[]>()
  for (const a of accounts) anchorsOf.set(a, await chain.anchors(a))
  const attributed = attributeAnchors(checked.valid, anchorsOf)
  const current = checked.valid[checked.valid.length - 1]
  return {
    valid: checked.valid,
    ...(current !== undefined ? { current } : {}),
    anchors: attributed.anchors,
    findings: [...checked.findings, ...attributed.findings],
  }
}

/**
 * Records on-chain that `writer`'s account anchors this peer's log, unless the newest record
 * already says so with the peer's signature. A record someone else added after ours (a squatter:
 * ignored by auditors, but it ends our range) makes us bind again. Returns whether it sent one.
 */
export async function ensurePeerBound(
  writer: AnchorWriter,
  key: PrivateKey,
  peer: Uint8Array,
  now: () => number,
  signal?: AbortSignal,
): Promise<boolean> {
  const ours = (account: string): boolean => account.toLowerCase() === writer.address.toLowerCase()
  const fields = (nonce: bigint): { chainId: number; contract: string; address: string; nonce: bigint } => ({
    chainId: writer.chainId,
    contract: writer.contract,
    address: writer.address,
    nonce,
  })
  // the common case in two reads: the newest record is ours (only our account can send one naming
  // it, so a valid signature there is not a replay)
  const newest = await writer.lastPeerBinding(peer)
  if (newest !== undefined && ours(newest.account)) {
    if (await verifyPeerBinding(peer, fields(newest.nonce), newest.signature)) return false
  }
  const history = await writer.peerBindings(peer)
  const { valid } = await checkBindingHistory(peer, writer, history)
  const last = history[history.length - 1]
  const lastValid = valid[valid.length - 1]
  if (last !== undefined && last === lastValid && ours(last.account)) return false
  // nonces must grow past every valid record's, or auditors take ours for a replay
  const floor = (lastValid?.nonce ?? -1n) + 1n
  const nonce = BigInt(now()) > floor ? BigInt(now()) : floor
  const signature = await signPeerBinding(fields(nonce), key)
  const sent = await writer.bindPeer(peer, nonce, signature, signal)
  log('bound this peer to %s on-chain %o', writer.address, { nonce, tx: sent.txHash, records: history.length + 1 })
  return true
}
