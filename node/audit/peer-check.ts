// One peer's log, checked against the chain: whom it anchors as (AuditAnchor's binding history,
// which its served binding must agree with; ProviderRegistry is not asked: whoever stakes names
// the peer id there, without the peer's signature), its anchors, whether consecutive anchors are
// consistent, and whether the entries it serves are in its latest anchor.
import { peerIdFromString } from '@libp2p/peer-id'
import { getAddress } from 'ethers'
import { verifyAnchorBinding } from '../../protocol/audit/binding.ts'
import { checkKeptMessages } from '../../protocol/audit/envelopes.ts'
import { anchorsToCheck, checkAnchorChain, checkServedEntries } from '../../protocol/audit/log-check.ts'
import { logRows } from '../../protocol/audit/verdict.ts'
import { peerIdToBytes } from '../../protocol/signing.ts'
import { AuditUnavailableError } from './client.ts'
import { readPeerAnchors } from './peer-binding.ts'
import type { PeerAnchors } from './peer-binding.ts'
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

const reason = (err: unknown): string => (err instanceof Error ? err.message : String(err))

/**
 * The peer's anchoring account and its anchors, as AuditAnchor's binding history attributes them
 * (the peer's own served binding must agree with it); rows for what went wrong.
 */
export async function resolveAnchors(
  peerId: string,
  role: Role,
  source: LogSource,
  chain: AnchorReader | undefined,
): Promise<{ rows: VerdictRow[]; head?: PeerHead; address?: string; anchors?: AnchorRecord[] }> {
  const rows: VerdictRow[] = []
  const row = (status: VerdictRow['status'], check: string, message: string, code?: string): void => {
    rows.push({ subject: peerId, role, check, status, message, ...(code !== undefined ? { code } : {}) })
  }
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
  // the peer's own word: it must name the account the chain records, or it switched off the record
  let claimed: string | undefined
  if (head.binding !== undefined) {
    const b = await verifyAnchorBinding(head.binding, peer)
    if (!b.ok) {
      row('FAIL', 'anchoring binding', `the peer's binding is invalid: ${b.reason}`, 'BINDING_INVALID')
    } else if (
      b.binding.chainId !== chain.chainId ||
      b.binding.contract.toLowerCase() !== chain.contract.toLowerCase()
    ) {
      row(
        'UNAVAILABLE',
        'anchoring binding',
        `the peer anchors on chain ${b.binding.chainId} at ${b.binding.contract}, not` +
          ` on the chain read here (${chain.chainId}, ${chain.contract})`,
        'WRONG_CHAIN',
      )
    } else {
      claimed = getAddress(b.binding.address)
    }
  }
  let recorded: PeerAnchors
  try {
    recorded = await readPeerAnchors(peer, chain)
  } catch (err) {
    const why = `could not read the peer's binding and anchors on-chain: ${reason(err)}`
    row('UNAVAILABLE', 'anchoring binding', why, 'CHAIN_UNAVAILABLE')
    return { rows, head }
  }
  for (const f of recorded.findings) row(f.status, f.check, f.message, f.code)
  const current = recorded.current
  if (current === undefined) {
    if (claimed !== undefined) {
      const why =
        `the peer says it anchors as ${claimed}, but AuditAnchor holds no binding the peer signed: ` +
        'no anchor can be attributed to it'
      row('FAIL', 'anchoring binding', why, 'BINDING_UNRECORDED')
    } else if (rows.length === 0) {
      const why = 'the peer has bound no anchoring account on AuditAnchor: none of its log can be proven'
      row('UNAVAILABLE', 'anchoring binding', why, 'NO_BINDING')
    }
    return { rows, head }
  }
  const address = current.account
  if (claimed !== undefined && claimed.toLowerCase() !== address.toLowerCase()) {
    const why =
      `the peer says it anchors as ${claimed}, but its binding on-chain is ${address} ` +
      `(record #${current.index}): a switch of account without an on-chain record`
    row('FAIL', 'anchoring binding', why, 'BINDING_UNRECORDED')
  }
  const anchors = recorded.anchors
  const accounts = new Set(anchors.map((a) => a.submitter.toLowerCase())).size
  if (!rows.some((r) => r.status === 'FAIL')) {
    const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`
    const by = accounts > 1 ? ` by ${accounts} accounts` : ''
    const counts = `${plural(recorded.valid.length, 'binding')}; ${plural(anchors.length, 'anchor')}${by}`
    row('PASS', 'anchoring binding', `anchors as ${address}, bound on-chain (${counts})`)
  }
  return { rows, head, address, anchors }
}

/** A job's entries in one peer's log, proven against its latest anchor, and its anchors' consistency. */
export async function checkPeerForJob(
  peerId: string,
  role: Role,
  jobId: Uint8Array,
  source: LogSource,
  chain: AnchorReader | undefined,
): Promise<PeerCheck> {
  const peer = peerIdToBytes(peerIdFromString(peerId))
  const resolved = await resolveAnchors(peerId, role, source, chain)
  const rows = [...resolved.rows]
  const anchors = resolved.anchors ?? []
  const latest = anchors[anchors.length - 1]
  const summary: PeerSummary = {
    peerId,
    role,
    ...(resolved.address !== undefined ? { address: resolved.address } : {}),
    ...(latest !== undefined ? { latestAnchor: { index: latest.index, treeSize: latest.treeSize } } : {}),
    entries: 0,
  }
  if (resolved.address !== undefined && resolved.anchors !== undefined && latest === undefined) {
    rows.push({
      subject: peerId,
      role,
      check: 'anchors',
      status: 'UNAVAILABLE',
      code: 'NO_ANCHOR',
      message: `${resolved.address} has anchored nothing: none of this log can be proven`,
    })
  }
  if (resolved.head === undefined) return { summary, rows, entries: [], anchors }
  let served: ServedEntry[]
  try {
    served = await source.jobEntries(jobId, latest?.treeSize ?? 0)
  } catch (err) {
    rows.push({
      subject: peerId,
      role,
      check: 'job entries',
      status: 'UNAVAILABLE',
      code: 'UNAVAILABLE',
      message: reason(err),
    })
    return { summary, rows, entries: [], anchors, head: resolved.head }
  }
  const checked = checkServedEntries(served, { peer, jobId, ...(latest !== undefined ? { anchor: latest } : {}) })
  rows.push(...logRows(peerId, role, checked.findings))
  rows.push(...logRows(peerId, role, await checkKeptMessages(checked.entries)))
  summary.entries = checked.entries.length
  if (latest !== undefined && checked.entries.length > 0) {
    const span = anchorsToCheck(anchors, Math.max(...checked.entries.map((s) => s.entry.index)))
    rows.push(
      ...logRows(
        peerId,
        role,
        checkAnchorChain(span, await source.roots(span.map((a) => a.treeSize)).catch(() => undefined)),
      ),
    )
  }
  return { summary, rows, entries: checked.entries, anchors, head: resolved.head }
}

export { AuditUnavailableError }
