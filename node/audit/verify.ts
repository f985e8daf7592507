// The auditor: verifies a job (or a peer) from any node, with nothing but the network and an
// RPC endpoint.
//
// Finding a job's participants: the job id alone names nobody (it is a hash), so the auditor
// asks around: the peers given as hints (--requester/--provider), then the peers this node is
// connected to, each for its entries about the job. Entries name their counterparties (the
// requester's name the providers it dealt with, a provider's name the requester), and every
// peer so named is asked in turn, until nobody new is named. A named peer that cannot be
// reached is UNAVAILABLE in the verdict; a candidate that merely knows nothing is left out.
//
// Each participant's log is then checked against the chain (peer-check.ts), and the
// requester's entries are cross-checked with each provider's (checkJobHistory).
import { peerIdFromMultihash, peerIdFromString } from '@libp2p/peer-id'
import * as Digest from 'multiformats/hashes/digest'
import { checkJobHistory, readEntry } from '../../protocol/audit/index.ts'
import { verifyAnchorBinding } from '../../protocol/audit/binding.ts'
import { checkKeptMessages, checkPostingProof } from '../../protocol/audit/envelopes.ts'
import { peerText } from '../../protocol/audit/json.ts'
import { checkAnchorChain } from '../../protocol/audit/log-check.ts'
import { historyRows, logRows, makeVerdict } from '../../protocol/audit/verdict.ts'
import { checkConsistency, equalBytes } from '../../protocol/merkle/index.ts'
import { jobIdToBytes } from '../../protocol/market/job-id.ts'
import { UsageError } from '../../protocol/errors.ts'
import { AuditUnavailableError } from './client.ts'
import { readPeerAnchors } from './peer-binding.ts'
import { checkPeerForJob, resolveAnchors } from './peer-check.ts'
import { localSource, remoteSource } from './sources.ts'
import type { AnchorReader } from './anchor-chain.ts'
import type { AuditClient } from './client.ts'
import type { LogSource, PeerCheck } from './peer-check.ts'
import type { AuditServer } from './server.ts'
import type { AuditVerdict, PeerSummary, Role, VerdictRow } from '../../protocol/audit/verdict.ts'
import type { StoredEntry } from '../../protocol/audit/index.ts'
import type { ServedRoots } from '../../protocol/audit/log-check.ts'

export interface AuditorInit {
  client: AuditClient
  /** the chain to read anchors from; without it every anchor check is UNAVAILABLE */
  chain?: AnchorReader
  /** this node: its own log is read directly (a node does not dial itself) */
  self?: { peerId: string; server: AuditServer }
  /** peers to ask when looking for a job's participants (this node's connections) */
  candidates?: () => string[]
  /** candidates asked at most (default 64) */
  maxCandidates?: number
  /** questions in flight at once (default 8) */
  concurrency?: number
}

export interface VerifyJobOptions {
  requester?: string
  providers?: string[]
}

interface Probe {
  peerId: string
  named: boolean
  entries?: StoredEntry[]
  error?: string
  roleHint?: Role
}

const isAddress = (s: string): boolean => /^0x[0-9a-fA-F]{40}$/.test(s)

export class Auditor {
  private readonly init: AuditorInit

  constructor(init: AuditorInit) {
    this.init = init
  }

  /** Reads `peerId`'s log: over the network, or directly when it is this node's. */
  source(peerId: string): LogSource {
    const self = this.init.self
    return self !== undefined && self.peerId === peerId
      ? localSource(self.server)
      : remoteSource(this.init.client, peerIdFromString(peerId))
  }

  async verifyJob(jobIdHex: string, options: VerifyJobOptions = {}): Promise<AuditVerdict> {
    if (!/^[0-9a-f]{64}$/.test(jobIdHex))
      throw new UsageError('INVALID_JOB_ID', `"${jobIdHex.slice(0, 80)}" is not a job id (64 hex characters)`)
    const jobId = jobIdToBytes(jobIdHex)
    const probes = await this.findParticipants(jobId, [
      ...(options.requester !== undefined ? [options.requester] : []),
      ...(options.providers ?? []),
    ])
    const rows: VerdictRow[] = []
    const peers: PeerSummary[] = []

    const hints = [...(options.requester !== undefined ? [options.requester] : []), ...(options.providers ?? [])]
    const { requesters, ignored } = await this.claimsThatHold(probes, hints, rows)
    const roleOf = (p: Probe): Role => {
      if (requesters.includes(p) || p.peerId === options.requester) return 'requester'
      if (options.providers?.includes(p.peerId) === true || requesters.length > 0) return 'provider'
      return p.roleHint ?? 'provider'
    }
    if (requesters.length > 1) {
      rows.push({
        subject: 'job',
        role: 'job',
        check: 'requester',
        status: 'FAIL',
        code: 'MULTIPLE_REQUESTERS',
        message:
          `${requesters.length} peers claim to have posted this job: ` +
          `${requesters.map((p) => p.peerId).join(', ')}`,
      })
    }
    const checks = new Map<string, PeerCheck>()
    const participants = [...probes.values()].filter(
      (p) => !ignored.has(p) && (p.named || (p.entries?.length ?? 0) > 0),
    )
    await this.parallel(participants, async (p) => {
      const role = roleOf(p)
      if (p.entries === undefined) {
        rows.push({
          subject: p.peerId,
          role,
          check: 'job entries',
          status: 'UNAVAILABLE',
          code: 'UNAVAILABLE',
          message: p.error ?? 'no answer',
        })
        peers.push({ peerId: p.peerId, role, entries: 0 })
        return
      }
      const c = await checkPeerForJob(p.peerId, role, jobId, this.source(p.peerId), this.init.chain)
      checks.set(p.peerId, c)
    })
    for (const p of participants) {
      const c = checks.get(p.peerId)
      if (c === undefined) continue
      peers.push(c.summary)
      rows.push(...c.rows)
    }

    const requester = requesters[0] ?? participants.find((p) => roleOf(p) === 'requester')
    const providers = participants.filter((p) => p !== requester && roleOf(p) === 'provider')
    if (requester === undefined) {
      rows.push({
        subject: 'job',
        role: 'job',
        check: 'requester',
        status: 'UNAVAILABLE',
        code: 'NO_REQUESTER',
        message:
          participants.length === 0
            ? 'no peer asked has any entry about this job: pass --requester <peerId> (or connect to a participant)'
            : 'no peer asked logged posting this job: pass --requester <peerId>',
      })
    }
    for (const prov of providers) {
      const check = `history with requester`
      const reqCheck = requester !== undefined ? checks.get(requester.peerId) : undefined
      const provCheck = checks.get(prov.peerId)
      if (reqCheck === undefined || provCheck === undefined) {
        const missing = provCheck === undefined ? "the provider's" : "the requester's"
        rows.push({
          subject: prov.peerId,
          role: 'job',
          check,
          status: 'UNAVAILABLE',
          code: 'UNAVAILABLE',
          message: `cannot cross-check: ${missing} entries were not obtained`,
        })
        continue
      }
      const verdict = checkJobHistory(
        reqCheck.entries.map((s) => s.entry),
        provCheck.entries.map((s) => s.entry),
        {
          jobId,
          requester: peerBytes(requester!.peerId),
          provider: peerBytes(prov.peerId),
        },
      )
      rows.push(...historyRows(prov.peerId, check, verdict.findings))
    }
    return makeVerdict({
      kind: 'job',
      subject: jobIdHex,
      peers,
      rows,
      ...(this.init.chain !== undefined ? { chainId: this.init.chain.chainId } : {}),
    })
  }

  /**
   * Who may speak about the job. Any peer can log that it posted a job, or that it dealt with
   * its requester: a claim counts only with proof. The requester is the peer whose `posted`
   * entry keeps the job's signed request naming it (the job id commits to it); then a provider
   * is a peer the requester's entries name, the user named, or that keeps an award the requester
   * signed. Everyone else is left out with a WARN row. Logs that keep no request (written before
   * entries kept it, or a request too large to keep) fall back to every claimer, as before.
   */
  private async claimsThatHold(
    probes: Map<string, Probe>,
    hints: readonly string[],
    rows: VerdictRow[],
  ): Promise<{ requesters: Probe[]; ignored: Set<Probe> }> {
    const claimers = [...probes.values()].filter((p) => p.entries?.some((s) => s.entry.type === 'posted') === true)
    const proven: Probe[] = []
    for (const p of claimers) {
      for (const s of p.entries ?? []) {
        if (s.entry.type === 'posted' && (await checkPostingProof(s.entry)).ok) {
          proven.push(p)
          break
        }
      }
    }
    const ignored = new Set<Probe>()
    if (proven.length === 0) return { requesters: claimers, ignored }
    const requester = proven[0]
    const requesterBytes = peerBytes(requester.peerId)
    const named = new Set(
      (requester.entries ?? []).flatMap(({ entry: e }) =>
        e.type === 'posted' || e.type === 'anchored' || e.type === 'reopened' ? [] : [peerText(e.counterparty)],
      ),
    )
    for (const p of probes.values()) {
      if (p === requester || hints.includes(p.peerId) || named.has(p.peerId)) continue
      if (await holdsAwardFrom(p.entries ?? [], requesterBytes)) continue
      // a peer only a stranger's entries name (maybe unreachable) says nothing about the job either
      ignored.add(p)
      if ((p.entries?.length ?? 0) === 0) continue
      const claim = claimers.includes(p)
        ? 'logs having posted this job without its signed request'
        : "logs dealing with the job's requester, who never named it, and keeps no award it signed"
      const message = `${claim}: its entries are left out`
      const subject = p.peerId
      rows.push({ subject, role: 'peer', check: 'participant', status: 'WARN', code: 'NOT_A_PARTICIPANT', message })
    }
    return { requesters: [requester], ignored }
  }

  /** Asks hints, then candidates, then everyone named by entries, for their entries about the job. */
  private async findParticipants(jobId: Uint8Array, hints: string[]): Promise<Map<string, Probe>> {
    const probes = new Map<string, Probe>()
    const probe = async (peerId: string, named: boolean): Promise<void> => {
      const p: Probe = { peerId, named }
      probes.set(peerId, p)
      try {
        p.entries = (await this.source(peerId).jobEntries(jobId, 0)).flatMap((e) => {
          try {
            return [readEntry(e.bytes)]
          } catch {
            return []
          }
        })
      } catch (err) {
        p.error = err instanceof AuditUnavailableError || err instanceof Error ? err.message : String(err)
      }
    }
    for (const h of hints) peerIdFromString(h) // a bad hint is the user's mistake: say so at once
    const first = [...new Set(hints)]
    const candidates = (this.init.candidates?.() ?? [])
      .filter((c) => !first.includes(c))
      .slice(0, this.init.maxCandidates ?? 64)
    if (this.init.self !== undefined && !first.includes(this.init.self.peerId))
      candidates.unshift(this.init.self.peerId)
    await this.parallel(first, async (h) => {
      await probe(h, true)
    })
    await this.parallel(candidates, async (c) => {
      await probe(c, false)
    })
    for (let round = 0; round < 8; round++) {
      const named = new Map<string, Role>()
      for (const p of probes.values()) {
        // the requester's entries name providers, a provider's name the requester
        const hint: Role = p.entries?.some((s) => s.entry.type === 'posted') === true ? 'provider' : 'requester'
        for (const s of p.entries ?? []) {
          const e = s.entry
          if (e.type === 'posted' || e.type === 'anchored' || e.type === 'reopened') continue
          const other = peerText(e.counterparty)
          const known = probes.get(other)
          if (known === undefined) named.set(other, hint)
          else {
            known.named = true
            known.roleHint ??= hint
          }
        }
      }
      if (named.size === 0) break
      await this.parallel([...named], async ([n, hint]) => {
        await probe(n, true)
        probes.get(n)!.roleHint = hint
      })
    }
    return probes
  }

  /** All of a peer's anchors consistent with each other, and its served log extends the latest. */
  async verifyPeer(target: string): Promise<AuditVerdict> {
    const chain = this.init.chain
    const rows: VerdictRow[] = []
    let peerId: string | undefined
    let address: string | undefined
    if (isAddress(target)) {
      address = target
      // the peer bound to the address on-chain (with its signature) is the answer; otherwise the
      // staked peer id (the registry's claim) and connected peers whose served binding names it
      const bound = chain !== undefined ? await this.peerBoundTo(chain, target) : undefined
      const registered = chain !== undefined ? await chain.registeredPeer(target).catch(() => undefined) : undefined
      const hint = registered !== undefined ? [peerIdFromMultihash(Digest.decode(registered)).toString()] : []
      const claimers = bound !== undefined ? [bound] : await this.peersAnchoringAs(target, hint)
      peerId = claimers[0]
      if (claimers.length > 1) {
        // anyone can sign a binding naming any address: the chain does not say whose log it is
        rows.push({
          subject: target,
          role: 'peer',
          check: 'anchoring binding',
          status: 'WARN',
          code: 'ADDRESS_CLAIMED_BY_SEVERAL',
          message:
            `${claimers.length} peers claim to anchor as ${target}: ` +
            `${claimers.join(', ')}; checked ` +
            `${claimers[0]}${hint[0] === claimers[0] ? ' (staked with this address)' : ''}; ` +
            `verify the others with --peer <peerId>`,
        })
      }
    } else {
      peerId = peerIdFromString(target).toString()
    }
    const summary: PeerSummary = { peerId: peerId ?? target, role: 'peer', entries: 0 }
    let anchors
    let head
    if (peerId !== undefined) {
      const resolved = await resolveAnchors(peerId, 'peer', this.source(peerId), chain)
      rows.push(...resolved.rows)
      head = resolved.head
      if (
        address !== undefined &&
        resolved.address !== undefined &&
        resolved.address.toLowerCase() !== address.toLowerCase()
      ) {
        rows.push({
          subject: peerId,
          role: 'peer',
          check: 'anchoring binding',
          status: 'FAIL',
          code: 'BINDING_CONFLICT',
          message: `asked about ${address}, but the peer anchors as ${resolved.address}`,
        })
      }
      address = resolved.address ?? address
      anchors = resolved.anchors
    } else {
      rows.push({
        subject: target,
        role: 'peer',
        check: 'peer',
        status: 'UNAVAILABLE',
        code: 'NO_PEER',
        message:
          `no reachable peer anchors as ${target} (not in ProviderRegistry, and no ` +
          `connected peer's binding names it)`,
      })
    }
    if (anchors === undefined && address !== undefined && chain !== undefined)
      anchors = await chain.anchors(address).catch(() => undefined)
    if (address !== undefined) summary.address = address
    if (anchors !== undefined && anchors.length > 0) {
      const latest = anchors[anchors.length - 1]
      summary.latestAnchor = { index: latest.index, treeSize: latest.treeSize }
      let served: ServedRoots | undefined
      if (peerId !== undefined && head !== undefined) {
        const sizes = anchors.map((a) => a.treeSize)
        if (head.treeSize > latest.treeSize) sizes.push(head.treeSize)
        served = await this.source(peerId)
          .roots(sizes)
          .catch(() => undefined)
      }
      const subject = peerId ?? target
      rows.push(...logRows(subject, 'peer', checkAnchorChain(anchors, served)))
      if (head !== undefined && served !== undefined) rows.push(headRow(subject, latest, head, served))
      if (anchors.length === 1 && served === undefined)
        rows.push({
          subject,
          role: 'peer',
          check: `anchor #0 (size ${latest.treeSize})`,
          status: 'UNAVAILABLE',
          code: 'UNAVAILABLE',
          message: 'the peer did not serve its roots',
        })
    } else if (anchors !== undefined) {
      rows.push({
        subject: peerId ?? target,
        role: 'peer',
        check: 'anchors',
        status: 'UNAVAILABLE',
        code: 'NO_ANCHOR',
        message: `${address ?? target} has anchored nothing`,
      })
    }
    summary.entries = head?.treeSize ?? 0
    return makeVerdict({
      kind: 'peer',
      subject: target,
      peers: [summary],
      rows,
      ...(chain !== undefined ? { chainId: chain.chainId } : {}),
    })
  }

  /** The peer whose current on-chain binding (signed by it) is `address`, if any. */
  private async peerBoundTo(chain: AnchorReader, address: string): Promise<string | undefined> {
    for (const peer of await chain.boundPeers(address).catch(() => [])) {
      const recorded = await readPeerAnchors(peer, chain).catch(() => undefined)
      if (recorded?.current?.account.toLowerCase() !== address.toLowerCase()) continue
      return peerIdFromMultihash(Digest.decode(peer)).toString()
    }
    return undefined
  }

  /** The peers (hints first, then this node and its connections) whose signed binding names `address`. */
  private async peersAnchoringAs(address: string, hints: string[] = []): Promise<string[]> {
    const candidates = [
      ...new Set([
        ...hints,
        ...(this.init.self !== undefined ? [this.init.self.peerId] : []),
        ...(this.init.candidates?.() ?? []).slice(0, this.init.maxCandidates ?? 64),
      ]),
    ]
    const claims = new Set<string>()
    await this.parallel(candidates, async (c) => {
      const head = await this.source(c)
        .head()
        .catch(() => undefined)
      if (head?.binding === undefined) return
      const b = await verifyAnchorBinding(head.binding, peerBytes(c))
      if (b.ok && b.binding.address.toLowerCase() === address.toLowerCase()) claims.add(c)
    })
    return candidates.filter((c) => claims.has(c))
  }

  private async parallel<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
    let next = 0
    const width = Math.max(1, Math.min(this.init.concurrency ?? 8, items.length))
    await Promise.all(
      Array.from({ length: width }, async () => {
        while (next < items.length) await fn(items[next++])
      }),
    )
  }
}

/** Whether the entries keep an award signed by `requester` (binary peer id), with a valid signature. */
async function holdsAwardFrom(entries: readonly StoredEntry[], requester: Uint8Array): Promise<boolean> {
  for (const s of entries) {
    const e = s.entry
    if (e.type !== 'awarded' || e.direction !== 'received' || e.envelope === undefined) continue
    if (!equalBytes(e.counterparty, requester)) continue
    const findings = await checkKeptMessages([s])
    if (findings.length > 0 && findings.every((f) => f.status === 'PASS')) return true
  }
  return false
}

function peerBytes(peerId: string): Uint8Array {
  return peerIdFromString(peerId).toMultihash().bytes
}

/** The served log's head must extend the latest anchor. */
function headRow(
  subject: string,
  latest: { index: number; treeSize: number; root: Uint8Array },
  head: { treeSize: number; root: Uint8Array },
  served: ServedRoots,
): VerdictRow {
  const check = `served log (size ${head.treeSize}) extends anchor #${latest.index}`
  const base = { subject, role: 'peer' as const, check }
  if (head.treeSize < latest.treeSize)
    return {
      ...base,
      status: 'FAIL',
      code: 'LOG_DIVERGES',
      message:
        `the peer serves ${head.treeSize} entries but anchored ` +
        `${latest.treeSize}: entries were deleted after anchoring`,
    }
  const proof = head.treeSize === latest.treeSize ? [] : served.consistency.get(`${latest.treeSize}-${head.treeSize}`)
  if (proof === undefined)
    return {
      ...base,
      status: 'UNAVAILABLE',
      code: 'UNAVAILABLE',
      message: 'no consistency proof from the latest anchor to the served head',
    }
  const r = checkConsistency(latest.treeSize, head.treeSize, latest.root, head.root, proof)
  return r.ok
    ? { ...base, status: 'PASS', message: `${head.treeSize - latest.treeSize} entries since the latest anchor` }
    : {
        ...base,
        status: 'FAIL',
        code: 'LOG_DIVERGES',
        message: `the served log does not extend the latest anchor (${r.reason}): changed after anchoring`,
      }
}
