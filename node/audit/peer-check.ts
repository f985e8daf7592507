// One peer's log, checked against the chain: whom it anchors as (its signed binding, and
// ProviderRegistry's record when it is staked), its anchors, whether consecutive anchors are
// consistent, and whether the entries it serves are in its latest anchor.
import { peerIdFromString } from '@libp2p/peer-id'
import { getAddress } from 'ethers'
import { verifyAnchorBinding } from '../../protocol/audit/binding.ts'
import { checkKeptMessages } from '../../protocol/audit/envelopes.ts'
import { anchorsToCheck, checkAnchorChain, checkServedEntries } from '../../protocol/audit/log-check.ts'
import { logRows } from '../../protocol/audit/verdict.ts'
import { peerIdToBytes } from '../../protocol/signing.ts'
import { AuditUnavailableError } from './client.ts'
import type { AnchorReader } from './anchor-chain.ts'
import type { PeerHead } from './client.ts'
import type { AnchorRecord, ServedEntry, ServedRoots } from '../../protocol/audit/log-check.ts'
import type { PeerSummary, Role, VerdictRow } from '../../protocol/audit/verdict.ts'
import type { StoredEntry } from '../../protocol/audit/index.ts'

/** Where a peer's log is read from: over /hive/audit, or this node's own log. */
export interface LogSource {
  head: () => Promise<PeerHead>
  jobEntries: (jobId: Uint8Array, proofSize: number) => Promise<ServedEntry[]>
  roots: (sizes: number[]) => Promise<ServedRoots>
}

export interface PeerCheck {
  summary: PeerSummary
  rows: VerdictRow[]
  /** the peer's entries (decoded, its own, about the job), proven or not */
  entries: StoredEntry[]
  anchors: AnchorRecord[]
  head?: PeerHead
}

const reason = (err: unknown): string => err instanceof Error ? err.message : String(err)

/** The peer's anchoring address (binding checked against the registry) and its anchors; rows for what went wrong. */
export async function resolveAnchors (peerId: string, role: Role, source: LogSource, chain: AnchorReader | undefined): Promise<{ rows: VerdictRow[], head?: PeerHead, address?: string, anchors?: AnchorRecord[] }> {
  const rows: VerdictRow[] = []
  const row = (status: VerdictRow['status'], check: string, message: string, code?: string): void => { rows.push({ subject: peerId, role, check, status, message, ...(code !== undefined ? { code } : {}) }) }
  const peer = peerIdToBytes(peerIdFromString(peerId))
  let head: PeerHead
  try {
    head = await source.head()
  } catch (err) {
    row('UNAVAILABLE', 'log head', reason(err), 'UNAVAILABLE')
    return { rows }
  }
  if (chain === undefined) {
    row('UNAVAILABLE', 'anchors', 'no chain to read anchors from (configure rpcUrl)', 'NO_CHAIN')
    return { rows, head }
  }
  let address: string | undefined
  if (head.binding !== undefined) {
    const b = await verifyAnchorBinding(head.binding, peer)
    if (!b.ok) {
      row('FAIL', 'anchoring binding', `the peer's binding is invalid: ${b.reason}`, 'BINDING_INVALID')
    } else if (b.binding.chainId !== chain.chainId || b.binding.contract.toLowerCase() !== chain.contract.toLowerCase()) {
      row('UNAVAILABLE', 'anchoring binding', `the peer anchors on chain ${b.binding.chainId} at ${b.binding.contract}, not on the chain read here (${chain.chainId}, ${chain.contract})`, 'WRONG_CHAIN')
    } else {
      address = getAddress(b.binding.address)
    }
  }
  // ProviderRegistry takes a peer id from whoever stakes, without the peer's signature: it is a
  // fallback for a peer that names no address, and a conflict only a warning
  const registered = await chain.registeredAddress(peer).catch(() => undefined)
  if (registered !== undefined) {
    if (address !== undefined && registered.toLowerCase() !== address.toLowerCase()) {
      row('WARN', 'anchoring binding', `the peer signs that it anchors as ${address}, but ProviderRegistry binds its peer id to ${registered}; the peer's own signed binding is used`, 'BINDING_CONFLICT')
    }
    address ??= registered
  }
  if (address === undefined) {
    if (rows.length === 0) row('UNAVAILABLE', 'anchoring binding', 'the peer names no anchoring address (no chain configured?) and is not in ProviderRegistry', 'NO_BINDING')
    return { rows, head }
  }
  let anchors: AnchorRecord[]
  try {
    anchors = await chain.anchors(address)
  } catch (err) {
    row('UNAVAILABLE', 'anchors', `could not read the anchors of ${address}: ${reason(err)}`, 'CHAIN_UNAVAILABLE')
    return { rows, head, address }
  }
  row('PASS', 'anchoring binding', `anchors as ${address} (${anchors.length} anchor${anchors.length === 1 ? '' : 's'} on-chain)`)
  return { rows, head, address, anchors }
}

/** A job's entries in one peer's log, proven against its latest anchor, and its anchors' consistency. */
export async function checkPeerForJob (peerId: string, role: Role, jobId: Uint8Array, source: LogSource, chain: AnchorReader | undefined): Promise<PeerCheck> {
  const peer = peerIdToBytes(peerIdFromString(peerId))
  const resolved = await resolveAnchors(peerId, role, source, chain)
  const rows = [...resolved.rows]
  const anchors = resolved.anchors ?? []
  const latest = anchors[anchors.length - 1]
  const summary: PeerSummary = { peerId, role, ...(resolved.address !== undefined ? { address: resolved.address } : {}), ...(latest !== undefined ? { latestAnchor: { index: latest.index, treeSize: latest.treeSize } } : {}), entries: 0 }
  if (resolved.address !== undefined && resolved.anchors !== undefined && latest === undefined) {
    rows.push({ subject: peerId, role, check: 'anchors', status: 'UNAVAILABLE', code: 'NO_ANCHOR', message: `${resolved.address} has anchored nothing: none of this log can be proven` })
  }
  if (resolved.head === undefined) return { summary, rows, entries: [], anchors }
  let served: ServedEntry[]
  try {
    served = await source.jobEntries(jobId, latest?.treeSize ?? 0)
  } catch (err) {
    rows.push({ subject: peerId, role, check: 'job entries', status: 'UNAVAILABLE', code: 'UNAVAILABLE', message: reason(err) })
    return { summary, rows, entries: [], anchors, head: resolved.head }
  }
  const checked = checkServedEntries(served, { peer, jobId, ...(latest !== undefined ? { anchor: latest } : {}) })
  rows.push(...logRows(peerId, role, checked.findings))
  rows.push(...logRows(peerId, role, await checkKeptMessages(checked.entries)))
  summary.entries = checked.entries.length
  if (latest !== undefined && checked.entries.length > 0) {
    const span = anchorsToCheck(anchors, Math.max(...checked.entries.map((s) => s.entry.index)))
    rows.push(...logRows(peerId, role, checkAnchorChain(span, await source.roots(span.map((a) => a.treeSize)).catch(() => undefined))))
  }
  return { summary, rows, entries: checked.entries, anchors, head: resolved.head }
}

export { AuditUnavailableError }
