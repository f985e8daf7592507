// /hive/audit/1.0.0: anyone may ask this node about its own log: its head and anchoring
// binding, the entries of a job or of an index range with inclusion proofs against a size the
// asker names (an anchored one), and roots with consistency proofs between sizes. One request,
// one response; responses are bounded (entries are paged) and requests are rate limited per
// peer and in total, and only a few are answered at once, since each costs disk reads.
import {
  AUDIT_WIRE_LIMITS,
  AuditStatus,
  errorResponse,
  okResponse,
  type AnchorBinding,
  type AuditAnswer,
  type AuditQuery,
} from '../../protocol/audit/wire.ts'
import { ReqRespError, handleProtocol } from '../p2p/reqresp/index.ts'
import { auditProtocol } from './protocol.ts'
import type { Outcome, OutcomeCounters, ProtocolDescriptor } from '../p2p/reqresp/index.ts'
import type { AuditLog } from './log.ts'
import type { StoredEntry } from '../../protocol/audit/index.ts'
import type { Libp2p, PeerId } from '@libp2p/interface'

export type AuditOutcome = 'ok' | 'invalid' | 'out-of-range' | 'rate-limited' | 'error'

export interface AuditServerInit {
  libp2p: Pick<Libp2p, 'handle' | 'unhandle'>
  log: AuditLog
  /** this node's signed anchoring binding, when it anchors */
  binding?: () => AnchorBinding | undefined
  /** requests per peer per window (default 30 per 10 s) */
  perPeer?: number
  /** requests from everyone per window (default 300 per 10 s) */
  total?: number
  windowSeconds?: number
  /** requests answered at once; more are refused as rate limited (default 8) */
  concurrency?: number
  timeoutMs?: number
  /** counts outcomes (metrics, tests) */
  onOutcome?: (outcome: AuditOutcome, from: PeerId) => void
  counters?: OutcomeCounters
}

class OutOfRange extends Error {}

const OUTCOMES: Partial<Record<Outcome, AuditOutcome>> = {
  OK: 'ok',
  MALFORMED: 'invalid',
  OVERSIZED: 'invalid',
  INVALID_REQUEST: 'invalid',
  OUT_OF_RANGE: 'out-of-range',
  RATE_LIMITED: 'rate-limited',
}

/** A typed error as the audit protocol's own AuditResponse (statuses and codes as before the layer). */
function auditError(e: ReqRespError): Uint8Array {
  switch (e.code) {
    case 'RATE_LIMITED':
      return errorResponse(AuditStatus.AUDIT_RATE_LIMITED, 'RATE_LIMITED', 'too many audit requests; slow down')
    case 'MALFORMED':
    case 'OVERSIZED':
    case 'INVALID_REQUEST':
      return errorResponse(AuditStatus.AUDIT_INVALID, 'INVALID_REQUEST', e.message)
    case 'OUT_OF_RANGE':
      return errorResponse(AuditStatus.AUDIT_OUT_OF_RANGE, 'OUT_OF_RANGE', e.message)
    // the reason stays in our log: it may name paths or internals
    default:
      return errorResponse(AuditStatus.AUDIT_INTERNAL_ERROR, 'INTERNAL_ERROR')
  }
}

export class AuditServer {
  private readonly init: AuditServerInit
  private unhandle: (() => Promise<void>) | undefined

  constructor(init: AuditServerInit) {
    this.init = init
  }

  get serving(): boolean {
    return this.unhandle !== undefined
  }

  /** /hive/audit/1.0.0 as a descriptor: one request, one bounded response (framing unchanged). */
  protocol(): ProtocolDescriptor<AuditQuery, Uint8Array> {
    const init = this.init
    const seconds = init.windowSeconds ?? 10
    const exchangeMs = init.timeoutMs ?? 20_000
    // each admitted request costs disk reads: only `concurrency` at once, from anyone
    const concurrency = init.concurrency ?? 8
    return auditProtocol({
      timeouts: { firstByteMs: Math.min(5_000, exchangeMs), exchangeMs },
      inbound: { maxStreams: concurrency, maxStreamsPerPeer: concurrency },
      rateLimit: { perPeer: { points: init.perPeer ?? 30, seconds }, total: { points: init.total ?? 300, seconds } },
      handler: async (query) => okResponse(await this.answer(query)),
      classifyError: (err) =>
        err instanceof OutOfRange
          ? new ReqRespError('OUT_OF_RANGE', err.message, { protocol: 'audit', cause: err })
          : undefined,
      errorResponse: auditError,
    })
  }

  async start(): Promise<void> {
    if (this.unhandle !== undefined) return
    const init = this.init
    const components = { libp2p: init.libp2p, ...(init.counters !== undefined ? { counters: init.counters } : {}) }
    this.unhandle = await handleProtocol(components, this.protocol(), {
      onOutcome: (outcome, peer) => {
        init.onOutcome?.(OUTCOMES[outcome] ?? 'error', peer)
      },
    })
  }

  async stop(): Promise<void> {
    if (this.unhandle === undefined) return
    await this.unhandle()
    this.unhandle = undefined
  }

  /** The answer to one query, against the log as it is now. */
  async answer(q: AuditQuery): Promise<AuditAnswer> {
    const auditLog = this.init.log
    const size = auditLog.size()
    const head = { treeSize: size, root: await auditLog.root(size) }
    const within = (n: number, what: string): void => {
      if (n > size) throw new OutOfRange(`${what} ${n} is beyond the log's ${size} entries`)
    }
    switch (q.kind) {
      case 'head': {
        const binding = this.init.binding?.()
        return { ...head, ...(binding !== undefined ? { binding } : {}) }
      }
      case 'job': {
        within(q.proofSize, 'proof size')
        const all = (await auditLog.entriesForJob(q.jobId)).filter(
          (s) => s.entry.index >= q.fromIndex && s.entry.index < size,
        )
        return { ...head, ...(await this.withProofs(all, q.proofSize)) }
      }
      case 'range': {
        within(q.proofSize, 'proof size')
        if (q.start > size) throw new OutOfRange(`range start ${q.start} is beyond the log's ${size} entries`)
        const end = Math.min(q.end, size, q.start + AUDIT_WIRE_LIMITS.maxEntriesPerResponse)
        const page = await this.withProofs(await auditLog.getRange(q.start, end), q.proofSize)
        const next = q.start + (page.entries?.length ?? 0)
        const more = page.more === true || next < Math.min(q.end, size)
        return { ...head, ...page, more, nextIndex: more ? next : 0 }
      }
      case 'roots': {
        within(q.sizes[q.sizes.length - 1], 'size')
        const roots = await Promise.all(q.sizes.map(async (s) => ({ size: s, root: await auditLog.root(s) })))
        const consistency = []
        for (let i = 0; i + 1 < q.sizes.length; i++) {
          consistency.push({
            from: q.sizes[i],
            to: q.sizes[i + 1],
            proof: await auditLog.consistencyProof(q.sizes[i], q.sizes[i + 1]),
          })
        }
        return { ...head, roots, consistency }
      }
    }
  }

  /** A page of entries (bounded in count and bytes) with inclusion proofs against `proofSize`. */
  private async withProofs(
    entries: StoredEntry[],
    proofSize: number,
  ): Promise<Pick<AuditAnswer, 'entries' | 'more' | 'nextIndex'>> {
    const cache = new Map<string, Uint8Array>()
    const out: Array<{ bytes: Uint8Array; proof: Uint8Array[] }> = []
    let bytes = 0
    for (const s of entries) {
      if (out.length >= AUDIT_WIRE_LIMITS.maxEntriesPerResponse || bytes >= AUDIT_WIRE_LIMITS.softResponseBytes) {
        return { entries: out, more: true, nextIndex: s.entry.index }
      }
      const proof =
        s.entry.index < proofSize ? await this.init.log.tree.inclusionProof(s.entry.index, proofSize, cache) : []
      out.push({ bytes: s.bytes, proof })
      bytes += s.bytes.length + proof.length * 34 + 8
    }
    return { entries: out, more: false, nextIndex: 0 }
  }
}
