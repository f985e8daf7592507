// `hive audit verify --file`: export files checked offline, except for the chain. Each file
// proves its entries against its own roots (verifyExport); here those roots are compared with
// the anchors its peer made on-chain, so an entry counts as proven when a root at or above it
// is an anchored one. With a job id, the files' entries about it are cross-checked too.
import { basename } from 'node:path'
import { peerIdFromMultihash, peerIdFromString } from '@libp2p/peer-id'
import { getAddress } from 'ethers'
import * as Digest from 'multiformats/hashes/digest'
import { checkJobHistory } from '../../protocol/audit/index.ts'
import { bindingFromJson, verifyAnchorBinding } from '../../protocol/audit/binding.ts'
import { checkKeptMessages } from '../../protocol/audit/envelopes.ts'
import { historyRows, logRows, makeVerdict } from '../../protocol/audit/verdict.ts'
import { equalBytes } from '../../protocol/merkle/index.ts'
import { jobIdToBytes } from '../../protocol/market/job-id.ts'
import { readFile } from 'node:fs/promises'
import { readExportFile } from './export.ts'
import { readPeerAnchors } from './peer-binding.ts'
import type { AnchorReader, AnchorRecord } from './anchor-chain.ts'
import type { AuditVerdict, PeerSummary, VerdictRow } from '../../protocol/audit/verdict.ts'
import type { StoredEntry } from '../../protocol/audit/index.ts'

export interface VerifyFilesOptions {
  chain: AnchorReader
  /** the anchoring address of a peer with no binding on-chain (applies to every file); must match one that has */
  address?: string
  /** cross-check the files' entries about this job */
  jobId?: string
}

interface FileResult {
  peerId: string
  entries: StoredEntry[]
  proven: boolean
}

export async function verifyExportFiles(paths: string[], options: VerifyFilesOptions): Promise<AuditVerdict> {
  const rows: VerdictRow[] = []
  const peers: PeerSummary[] = []
  const results: FileResult[] = []
  for (const path of paths) {
    const name = basename(path)
    const row = (status: VerdictRow['status'], check: string, message: string, code?: string): void => {
      rows.push({ subject: name, role: 'file', check, status, message, ...(code !== undefined ? { code } : {}) })
    }
    const v = await readExportFile(path)
    if (!v.ok) {
      row(
        'FAIL',
        'export proofs',
        v.message,
        v.code === 'INCLUSION_FAILED'
          ? 'INCLUSION_FAILED'
          : v.code === 'INCONSISTENT_ROOTS'
            ? 'HISTORY_REWRITTEN'
            : v.code,
      )
      continue
    }
    const peerId = peerIdFromMultihash(Digest.decode(v.peer)).toString()
    row(
      'PASS',
      'export proofs',
      `${v.entries.length} entries proven against the file's` +
        ` ${v.roots.length} root(s), roots consistent with each other`,
    )
    rows.push(...logRows(name, 'file', await checkKeptMessages(v.entries)))
    // the file's binding is the peer's word; AuditAnchor's binding history says which accounts'
    // anchors are the peer's (see peer-check.ts): the two must agree
    let claimed: string | undefined
    const raw = (JSON.parse(await readFile(path, 'utf8')) as { binding?: unknown }).binding
    const binding = raw === undefined ? undefined : bindingFromJson(raw)
    if (raw !== undefined) {
      const b =
        binding === undefined ? { ok: false as const, reason: 'malformed' } : await verifyAnchorBinding(binding, v.peer)
      if (!b.ok) row('FAIL', 'anchoring binding', `the file's binding is invalid: ${b.reason}`, 'BINDING_INVALID')
      else if (
        b.binding.chainId !== options.chain.chainId ||
        b.binding.contract.toLowerCase() !== options.chain.contract.toLowerCase()
      )
        row(
          'UNAVAILABLE',
          'anchoring binding',
          `anchored on chain ${b.binding.chainId} at ${b.binding.contract}, not on the chain read here`,
          'WRONG_CHAIN',
        )
      else claimed = getAddress(b.binding.address)
    }
    const recorded = await readPeerAnchors(v.peer, options.chain).catch((err: unknown) => {
      const why = err instanceof Error ? err.message : String(err)
      row('UNAVAILABLE', 'anchoring binding', `could not read the peer's binding on-chain: ${why}`, 'CHAIN_UNAVAILABLE')
      return undefined
    })
    for (const f of recorded?.findings ?? []) row(f.status, f.check, f.message, f.code)
    let address: string | undefined
    let anchors: AnchorRecord[] | undefined
    const current = recorded?.current
    if (current !== undefined) {
      address = current.account
      anchors = recorded!.anchors
      if (claimed !== undefined && claimed.toLowerCase() !== address.toLowerCase()) {
        const why =
          `the file says the peer anchors as ${claimed}, but its binding on-chain is ${address}: ` +
          'a switch of account without an on-chain record'
        row('FAIL', 'anchoring binding', why, 'BINDING_UNRECORDED')
      }
      if (options.address !== undefined && options.address.toLowerCase() !== address.toLowerCase()) {
        const why = `--address ${options.address} but the peer's binding on-chain is ${address}`
        row('FAIL', 'anchoring binding', why, 'BINDING_CONFLICT')
      }
    } else if (recorded !== undefined && claimed !== undefined) {
      const why = `the file says the peer anchors as ${claimed}, but AuditAnchor holds no binding the peer signed`
      row('FAIL', 'anchoring binding', why, 'BINDING_UNRECORDED')
    } else if (recorded !== undefined && options.address !== undefined) {
      // the user vouches for the address of a peer that never bound one on-chain
      address = getAddress(options.address)
      anchors = await options.chain.anchors(address)
    }
    const summary: PeerSummary = {
      peerId,
      role: 'file',
      entries: v.entries.length,
      ...(address !== undefined ? { address } : {}),
    }
    peers.push(summary)
    if (address === undefined || anchors === undefined) {
      if (recorded !== undefined && claimed === undefined) {
        const why = 'the peer has bound no anchoring account on AuditAnchor: pass --address <0x…>'
        row('UNAVAILABLE', 'anchors', why, 'NO_BINDING')
      }
      results.push({ peerId, entries: v.entries, proven: false })
      continue
    }
    const latest = anchors.at(-1)
    if (latest !== undefined) summary.latestAnchor = { index: latest.index, treeSize: latest.treeSize }
    let provenUpTo = 0
    for (const r of v.roots) {
      const a = anchors.find((x) => x.treeSize === r.size)
      if (a === undefined) {
        row('PENDING', `root at size ${r.size}`, `no anchor of ${address} has this size`, 'NOT_ANCHORED')
        continue
      }
      if (!equalBytes(a.root, r.root)) {
        row(
          'FAIL',
          `root at size ${r.size}`,
          `differs from anchor #${a.index}: the exported log was changed after anchoring`,
          'LOG_DIVERGES',
        )
        continue
      }
      row('PASS', `root at size ${r.size}`, `is anchor #${a.index}`)
      provenUpTo = Math.max(provenUpTo, r.size)
    }
    const unproven = v.entries.filter((s) => s.entry.index >= provenUpTo)
    if (unproven.length > 0)
      row(
        'PENDING',
        'entries',
        `${unproven.length} entr${unproven.length === 1 ? 'y is' : 'ies are'} not under an anchored root`,
        'NOT_ANCHORED',
      )
    results.push({ peerId, entries: v.entries, proven: unproven.length === 0 })
  }
  if (options.jobId !== undefined) {
    const jobId = jobIdToBytes(options.jobId)
    const about = results.map((r) => ({
      ...r,
      job: r.entries.map((s) => s.entry).filter((e) => e.type !== 'anchored' && equalBytes(e.jobId, jobId)),
    }))
    const requester = about.find((r) => r.job.some((e) => e.type === 'posted'))
    for (const p of about.filter((r) => r !== requester && r.job.length > 0)) {
      if (requester === undefined) {
        rows.push({
          subject: p.peerId,
          role: 'job',
          check: 'history with requester',
          status: 'UNAVAILABLE',
          code: 'NO_REQUESTER',
          message: "no file holds the requester's entries about this job",
        })
        continue
      }
      const v = checkJobHistory(requester.job, p.job, {
        jobId,
        requester: peerIdBytes(requester.peerId),
        provider: peerIdBytes(p.peerId),
      })
      rows.push(...historyRows(p.peerId, 'history with requester', v.findings))
    }
  }
  return makeVerdict({
    kind: 'file',
    subject: paths.map((p) => basename(p)).join(', '),
    peers,
    rows,
    chainId: options.chain.chainId,
  })
}

function peerIdBytes(peerId: string): Uint8Array {
  return peerIdFromString(peerId).toMultihash().bytes
}
