// Asking a peer about its audit log over /hive/audit/1.0.0. Every call either returns what the
// peer served (checked for shape, not yet for truth: that is protocol/audit/log-check.ts) or
// throws AuditUnavailableError saying why nothing could be obtained, which an auditor reports
// as UNAVAILABLE, distinct from a proof that was served and failed.
import { HiveError } from '../../protocol/errors.ts'
import { PROTOCOLS } from '../../protocol/topics.ts'
import {
  AUDIT_WIRE_LIMITS,
  AuditStatus,
  decodeAuditResponse,
  type AnchorBinding,
  type AuditQuery,
} from '../../protocol/audit/wire.ts'
import { isReqRespError, sendRequest } from '../p2p/reqresp/index.ts'
import { auditProtocol } from './protocol.ts'
import type { AuditResponse } from '../../protocol/gen/audit.ts'
import type { ServedEntry, ServedRoots } from '../../protocol/audit/log-check.ts'
import type { Libp2p, PeerId } from '@libp2p/interface'

/** Nothing usable came back: unreachable, protocol not served, refused, timed out, garbage. */
export class AuditUnavailableError extends HiveError {
  static override name = 'AuditUnavailableError'
}

export interface AuditClientInit {
  libp2p: Pick<Libp2p, 'dialProtocol'>
  /** per request (default 10 s) */
  timeoutMs?: number
  /** pages followed for one job or range (default 32) */
  maxPages?: number
}

export interface PeerHead {
  treeSize: number
  root: Uint8Array
  binding?: AnchorBinding
}

export class AuditClient {
  private readonly init: AuditClientInit
  /** the asking side of the protocol: it serves nothing */
  private readonly protocol = auditProtocol({
    handler: async () => {
      throw new Error('the audit client does not serve')
    },
    errorResponse: () => new Uint8Array(0),
    timeouts: { firstByteMs: 10_000, exchangeMs: 10_000 },
    inbound: { maxStreams: 0, maxStreamsPerPeer: 0 },
  })

  constructor(init: AuditClientInit) {
    this.init = init
  }

  async request(peer: PeerId, query: AuditQuery, options: { signal?: AbortSignal } = {}): Promise<AuditResponse> {
    const signal = options.signal ?? AbortSignal.timeout(this.init.timeoutMs ?? 10_000)
    const where = { peer: peer.toString(), query: query.kind }
    let res: AuditResponse
    try {
      const bytes = await sendRequest({ libp2p: this.init.libp2p }, this.protocol, peer, query, { signal })
      res = decodeAuditResponse(bytes)
    } catch (err) {
      if (isReqRespError(err) && err.code === 'UNREACHABLE') {
        const why = `could not open ${PROTOCOLS.audit} to ${peer.toString()}: ${err.message}`
        throw new AuditUnavailableError('AUDIT_UNREACHABLE', why, where, { cause: err })
      }
      throw new AuditUnavailableError(
        'AUDIT_NO_ANSWER',
        `${peer.toString()} gave no usable answer to a ${query.kind} query: ${(err as Error).message}`,
        where,
        { cause: err },
      )
    }
    if (res.status !== AuditStatus.AUDIT_OK) {
      throw new AuditUnavailableError(
        `AUDIT_${AuditStatus[res.status].replace(/^AUDIT_/, '')}`,
        `${peer.toString()} refused a ${query.kind} query: ${res.code} ${res.message}`.trim(),
        { ...where, code: res.code },
      )
    }
    return res
  }

  async head(peer: PeerId, options: { signal?: AbortSignal } = {}): Promise<PeerHead> {
    const r = await this.request(peer, { kind: 'head' }, options)
    return { treeSize: r.treeSize, root: r.root, ...(r.binding !== undefined ? { binding: r.binding } : {}) }
  }

  /** All entries about `jobId` (following pages), with proofs against `proofSize` (0: none). */
  async jobEntries(
    peer: PeerId,
    jobId: Uint8Array,
    proofSize: number,
    options: { signal?: AbortSignal } = {},
  ): Promise<ServedEntry[]> {
    return await this.paged(peer, (from) => ({ kind: 'job', jobId, proofSize, fromIndex: from }), 0, options)
  }

  /** Entries [start, end) with proofs against `proofSize` (0: none). */
  async range(
    peer: PeerId,
    start: number,
    end: number,
    proofSize: number,
    options: { signal?: AbortSignal } = {},
  ): Promise<ServedEntry[]> {
    return await this.paged(peer, (from) => ({ kind: 'range', start: from, end, proofSize }), start, options)
  }

  private async paged(
    peer: PeerId,
    query: (from: number) => AuditQuery,
    start: number,
    options: { signal?: AbortSignal },
  ): Promise<ServedEntry[]> {
    const out: ServedEntry[] = []
    let from = start
    for (let page = 0; page < (this.init.maxPages ?? 32); page++) {
      const r = await this.request(peer, query(from), options)
      out.push(...r.entries.map((e) => ({ bytes: e.entry, proof: e.proof })))
      if (!r.more) return out
      if (r.nextIndex <= from)
        throw new AuditUnavailableError('AUDIT_BAD_PAGING', `${peer.toString()} pages backwards`, {
          peer: peer.toString(),
        })
      from = r.nextIndex
    }
    throw new AuditUnavailableError(
      'AUDIT_TOO_MANY_PAGES',
      `${peer.toString()} has more than ${this.init.maxPages ?? 32} pages of entries for this query`,
      { peer: peer.toString() },
    )
  }

  /**
   * Roots at `sizes` (ascending) and consistency proofs between consecutive ones, asked in
   * chunks that overlap by one size so that every consecutive pair gets its proof.
   */
  async roots(peer: PeerId, sizes: readonly number[], options: { signal?: AbortSignal } = {}): Promise<ServedRoots> {
    const served: ServedRoots = { roots: new Map(), consistency: new Map() }
    const step = AUDIT_WIRE_LIMITS.maxRootsPerQuery - 1
    for (let i = 0; i < sizes.length; i += step) {
      const chunk = sizes.slice(i, i + AUDIT_WIRE_LIMITS.maxRootsPerQuery)
      if (chunk.length === 0 || (i > 0 && chunk.length === 1)) break
      const r = await this.request(peer, { kind: 'roots', sizes: chunk }, options)
      for (const x of r.roots) served.roots.set(x.size, x.root)
      for (const c of r.consistency) served.consistency.set(`${c.from}-${c.to}`, c.proof)
    }
    return served
  }
}
