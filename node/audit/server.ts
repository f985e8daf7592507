// /hive/audit/1.0.0: anyone may ask this node about its own log: its head and anchoring
// binding, the entries of a job or of an index range with inclusion proofs against a size the
// asker names (an anchored one), and roots with consistency proofs between sizes. One request,
// one response; responses are bounded (entries are paged) and requests are rate limited per
// peer and in total, and only a few are answered at once, since each costs disk reads.
import { logger } from '@libp2p/logger'
import { RateLimiter, lpStream } from '@libp2p/utils'
import {
  AUDIT_WIRE_LIMITS, AuditStatus, decodeAuditRequest, errorResponse, okResponse,
  type AnchorBinding, type AuditAnswer, type AuditQuery,
} from '../../protocol/audit/wire.ts'
import { isHiveError } from '../../protocol/errors.ts'
import { PROTOCOLS } from '../../protocol/topics.ts'
import { tryConsume } from '../util/rate-limit.ts'
import type { AuditLog } from './log.ts'
import type { StoredEntry } from '../../protocol/audit/index.ts'
import type { Libp2p, PeerId, Stream } from '@libp2p/interface'

const log = logger('hive:audit:server')

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
  onOutcome?: (outcome: 'ok' | 'invalid' | 'out-of-range' | 'rate-limited' | 'error', from: PeerId) => void
}

class OutOfRange extends Error {}

export class AuditServer {
  readonly #init: AuditServerInit
  readonly #perPeer: RateLimiter
  readonly #total: RateLimiter
  #inFlight = 0
  #started = false

  constructor (init: AuditServerInit) {
    this.#init = init
    const duration = init.windowSeconds ?? 10
    this.#perPeer = new RateLimiter({ points: init.perPeer ?? 30, duration })
    this.#total = new RateLimiter({ points: init.total ?? 300, duration })
  }

  get serving (): boolean { return this.#started }

  async start (): Promise<void> {
    if (this.#started) return
    await this.#init.libp2p.handle(PROTOCOLS.audit, (stream, connection) => { void this.#serve(stream, connection.remotePeer) }, { maxInboundStreams: 16 })
    this.#started = true
  }

  async stop (): Promise<void> {
    if (!this.#started) return
    await this.#init.libp2p.unhandle(PROTOCOLS.audit)
    this.#started = false
  }

  async #serve (stream: Stream, from: PeerId): Promise<void> {
    const signal = AbortSignal.timeout(this.#init.timeoutMs ?? 20_000)
    const lp = lpStream(stream, { maxDataLength: AUDIT_WIRE_LIMITS.maxRequestBytes })
    let outcome: Parameters<NonNullable<AuditServerInit['onOutcome']>>[0] = 'ok'
    const admitted = this.#inFlight < (this.#init.concurrency ?? 8) && tryConsume(this.#perPeer, from.toString()) && tryConsume(this.#total, 'all')
    if (admitted) this.#inFlight++
    try {
      let reply: Uint8Array
      const bytes = (await lp.read({ signal })).subarray()
      if (!admitted) {
        outcome = 'rate-limited'
        reply = errorResponse(AuditStatus.AUDIT_RATE_LIMITED, 'RATE_LIMITED', 'too many audit requests; slow down')
      } else {
        let query: AuditQuery | undefined
        try {
          query = decodeAuditRequest(bytes)
        } catch (err) {
          outcome = 'invalid'
          reply = errorResponse(AuditStatus.AUDIT_INVALID, 'INVALID_REQUEST', isHiveError(err) ? err.message : 'malformed request')
        }
        if (query !== undefined) {
          try {
            reply = okResponse(await this.answer(query))
          } catch (err) {
            if (err instanceof OutOfRange) {
              outcome = 'out-of-range'
              reply = errorResponse(AuditStatus.AUDIT_OUT_OF_RANGE, 'OUT_OF_RANGE', err.message)
            } else {
              outcome = 'error'
              log.error('audit %s query from %s failed - %e', query.kind, from.toString(), err)
              reply = errorResponse(AuditStatus.AUDIT_INTERNAL_ERROR, 'INTERNAL_ERROR')
            }
          }
        }
      }
      await lp.write(reply!, { signal })
      await stream.close({ signal })
    } catch (err) {
      outcome = 'error'
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    } finally {
      if (admitted) this.#inFlight--
    }
    this.#init.onOutcome?.(outcome, from)
  }

  /** The answer to one query, against the log as it is now. */
  async answer (q: AuditQuery): Promise<AuditAnswer> {
    const auditLog = this.#init.log
    const size = auditLog.size()
    const head = { treeSize: size, root: await auditLog.root(size) }
    const within = (n: number, what: string): void => { if (n > size) throw new OutOfRange(`${what} ${n} is beyond the log's ${size} entries`) }
    switch (q.kind) {
      case 'head': {
        const binding = this.#init.binding?.()
        return { ...head, ...(binding !== undefined ? { binding } : {}) }
      }
      case 'job': {
        within(q.proofSize, 'proof size')
        const all = (await auditLog.entriesForJob(q.jobId)).filter((s) => s.entry.index >= q.fromIndex && s.entry.index < size)
        return { ...head, ...await this.#withProofs(all, q.proofSize) }
      }
      case 'range': {
        within(q.proofSize, 'proof size')
        if (q.start > size) throw new OutOfRange(`range start ${q.start} is beyond the log's ${size} entries`)
        const end = Math.min(q.end, size, q.start + AUDIT_WIRE_LIMITS.maxEntriesPerResponse)
        const page = await this.#withProofs(await auditLog.getRange(q.start, end), q.proofSize)
        const next = q.start + (page.entries?.length ?? 0)
        const more = page.more === true || next < Math.min(q.end, size)
        return { ...head, ...page, more, nextIndex: more ? next : 0 }
      }
      case 'roots': {
        within(q.sizes[q.sizes.length - 1], 'size')
        const roots = await Promise.all(q.sizes.map(async (s) => ({ size: s, root: await auditLog.root(s) })))
        const consistency = []
        for (let i = 0; i + 1 < q.sizes.length; i++) {
          consistency.push({ from: q.sizes[i], to: q.sizes[i + 1], proof: await auditLog.consistencyProof(q.sizes[i], q.sizes[i + 1]) })
        }
        return { ...head, roots, consistency }
      }
    }
  }

  /** A page of entries (bounded in count and bytes) with inclusion proofs against `proofSize`. */
  async #withProofs (entries: StoredEntry[], proofSize: number): Promise<Pick<AuditAnswer, 'entries' | 'more' | 'nextIndex'>> {
    const cache = new Map<string, Uint8Array>()
    const out: Array<{ bytes: Uint8Array, proof: Uint8Array[] }> = []
    let bytes = 0
    for (const s of entries) {
      if (out.length >= AUDIT_WIRE_LIMITS.maxEntriesPerResponse || bytes >= AUDIT_WIRE_LIMITS.softResponseBytes) {
        return { entries: out, more: true, nextIndex: s.entry.index }
      }
      const proof = s.entry.index < proofSize ? await this.#init.log.tree.inclusionProof(s.entry.index, proofSize, cache) : []
      out.push({ bytes: s.bytes, proof })
      bytes += s.bytes.length + proof.length * 34 + 8
    }
    return { entries: out, more: false, nextIndex: 0 }
  }
}
