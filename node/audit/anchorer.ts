// Anchors the log's root on-chain: every `everyEntries` new entries, or every `intervalMs` if
// the log grew at all, or when asked (`anchorNow`). The chain is the truth about what was
// anchored: the last anchor is read from it at start, so entries written before a crash are
// anchored after the restart, and no size at or below the last anchor is ever sent. Failures
// are retried with exponential backoff. Once an anchor is mined the log records an `anchored`
// entry, which the next anchor then covers (that entry alone never triggers one).
//
// A mined anchor is not final: a reorg can drop it from the chain. Every `recheckMs` the anchorer
// reads its last anchor back; when the chain no longer holds it (fewer anchors, or another root at
// that index), it says so, counts the nonce again (the dropped transaction's nonce is free) and
// anchors the whole log again at once.
import { logger } from '../log/logger.ts'
import { HiveError } from '../../protocol/errors.ts'
import { equalBytes } from '../../protocol/merkle/index.ts'
import type { AuditLog } from './log.ts'
import type { AnchorRecord, AnchorWriter } from './anchor-chain.ts'
// the status shapes live with the API's route table, which returns them (node/api imports no service)
import type { AnchorerStatus, AnchorResult } from '../api/contract/views/audit.ts'

export type { AnchorerStatus, AnchorResult } from '../api/contract/views/audit.ts'

const log = logger('hive:audit:anchorer')

export interface AnchorerOptions {
  /** anchor once this many entries are unanchored (default 1000) */
  everyEntries?: number
  /** anchor a grown log at least this often (default 60 s) */
  intervalMs?: number
  /** first retry delay (default 1 s), doubled per failure up to maxBackoffMs (default 60 s) */
  minBackoffMs?: number
  maxBackoffMs?: number
  /** records on-chain that this account anchors the node's log (ensurePeerBound); runs before
   * every anchor, since anchors made before the binding (or after a squatter's record ended its
   * range) are not the peer's */
  bind?: () => Promise<unknown>
  /** told about failures worth a human's attention (a node 'log' event) */
  onProblem?: (message: string) => void
  /** how often the last anchor sent is read back from the chain, to notice a reorg dropped it (default 30 s) */
  recheckMs?: number
  now?: () => number
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

export class Anchorer {
  private readonly _log: AuditLog
  private readonly chain: AnchorWriter
  private readonly every: number
  private readonly intervalMs: number
  private readonly minBackoff: number
  private readonly maxBackoff: number
  private readonly o: AnchorerOptions
  private readonly _now: () => number
  private readonly recheckMs: number
  /** the anchor this node last saw mined, until a later check finds it gone */
  private sentByUs: AnchorRecord | undefined
  private lastRecheckAt = 0
  private vanished = 0
  private latest: AnchorRecord | undefined
  private latestTx: string | undefined
  /** the log size at which nothing new waits: the last anchor's size, plus its own `anchored` entry */
  private quietSize = 0
  /** the log's size at start: entries from an earlier run (a crash before their anchor) are anchored at once */
  private startSize = 0
  /** entries from an earlier run wait for an anchor: send it without waiting for N or T */
  private catchUp = false
  private synced = false
  /** a reorg dropped our last anchor: anchor again as soon as in sync, without waiting for N or T */
  private resubmit = false
  private failures = 0
  private lastError: string | undefined
  private nextAttemptAt: number | undefined
  private lastAnchorAt = 0
  private controller: AbortController | undefined
  private loop: Promise<void> | undefined
  private wake: (() => void) | undefined
  private unsubscribe: (() => void) | undefined
  private busy: Promise<unknown> = Promise.resolve()

  constructor(auditLog: AuditLog, chain: AnchorWriter, options: AnchorerOptions = {}) {
    this._log = auditLog
    this.chain = chain
    this.o = options
    this.every = options.everyEntries ?? 1000
    this.intervalMs = options.intervalMs ?? 60_000
    this.minBackoff = options.minBackoffMs ?? 1000
    this.maxBackoff = options.maxBackoffMs ?? 60_000
    this._now = options.now ?? Date.now
    this.recheckMs = options.recheckMs ?? 30_000
  }

  start(): void {
    if (this.controller !== undefined) return
    this.controller = new AbortController()
    this.lastAnchorAt = this._now()
    this.startSize = this._log.size()
    this.unsubscribe = this._log.onCommit((size) => {
      // the loop sleeps without a deadline while nothing is pending: the first new entry wakes it
      // to compute when that entry is due, as does reaching N entries
      const pending = size - this.quietSize
      if (pending >= this.every || pending === 1) this.wake?.()
    })
    const signal = this.controller.signal
    this.loop = this.run(signal).catch((err: unknown) => {
      if (!signal.aborted) log.error('anchorer stopped - %e', err)
    })
  }

  async stop(): Promise<void> {
    if (this.controller === undefined) return
    this.controller.abort(new HiveError('ANCHORER_STOPPED', 'the anchorer was stopped'))
    this.wake?.()
    this.unsubscribe?.()
    await this.loop
    await this.busy.catch(() => {})
    this.controller = undefined
  }

  /** Entries written since the last anchor (excluding that anchor's own `anchored` entry). */
  pending(): number {
    return Math.max(0, this._log.size() - this.quietSize)
  }

  status(): AnchorerStatus {
    return {
      address: this.chain.address,
      chainId: this.chain.chainId,
      ...(this.latest !== undefined
        ? {
            latest: {
              index: this.latest.index,
              treeSize: this.latest.treeSize,
              root: hex(this.latest.root),
              ...(this.latestTx !== undefined ? { txHash: this.latestTx } : {}),
            },
          }
        : {}),
      pending: this.pending(),
      failures: this.failures,
      ...(this.vanished > 0 ? { vanished: this.vanished } : {}),
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
      ...(this.nextAttemptAt !== undefined ? { nextAttemptAt: this.nextAttemptAt } : {}),
    }
  }

  /** Anchors the whole log now (unless the chain already has it); resolves once mined. */
  async anchorNow(signal?: AbortSignal): Promise<AnchorResult> {
    return await this.serial(async () => {
      if (!this.synced) await this.sync()
      return await this.anchorOnce(signal, true)
    })
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.busy.then(fn, fn)
    this.busy = run.catch(() => {})
    return run
  }

  /** Whether the log should be anchored now (once in sync with the chain). */
  private due(): boolean {
    const pending = this.pending()
    return pending > 0 && (pending >= this.every || this.catchUp || this._now() - this.lastAnchorAt >= this.intervalMs)
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (this.synced && this.sentByUs !== undefined && this._now() - this.lastRecheckAt >= this.recheckMs) {
        this.lastRecheckAt = this._now()
        await this.serial(async () => await this.recheck()).catch((err: unknown) => {
          log('reading the last anchor back failed (next check in %d ms): %s', this.recheckMs, String(err))
        })
      }
      if (this.synced && !this.due()) {
        // nothing pending: nothing is due until an entry arrives (its commit wakes the loop), so
        // sleep until the next recheck, or an interval; sleeping only until the interval's end
        // would wake every 10 ms once it has passed
        const dueIn = this.pending() > 0 ? this.lastAnchorAt + this.intervalMs - this._now() : this.intervalMs
        const recheckIn = this.sentByUs !== undefined ? this.lastRecheckAt + this.recheckMs - this._now() : dueIn
        await this.sleep(Math.max(10, Math.min(dueIn, recheckIn)), signal)
        continue
      }
      try {
        await this.serial(async () => {
          if (!this.synced) await this.sync()
          if (this.due()) await this.anchorOnce(signal, false)
        })
        this.failures = 0
        this.nextAttemptAt = undefined
      } catch (err) {
        if (signal.aborted) return
        this.failures++
        this.lastError = err instanceof Error ? err.message : String(err)
        const wait =
          Math.min(this.maxBackoff, this.minBackoff * 2 ** Math.min(this.failures - 1, 20)) *
          (0.75 + Math.random() * 0.5)
        this.nextAttemptAt = this._now() + wait
        log.error(
          'anchoring failed (attempt %d), retrying in %d ms: %s',
          this.failures,
          Math.round(wait),
          this.lastError,
        )
        if (this.failures === 3 || this.failures % 20 === 0)
          this.o.onProblem?.(`audit anchoring keeps failing (${this.failures} attempts): ${this.lastError}`)
        await this.sleep(wait, signal, false)
      }
    }
  }

  /**
   * Whether the anchor this node last saw mined is still on the chain; if a reorg dropped it,
   * anchors again from what the chain holds now.
   */
  private async recheck(): Promise<void> {
    const mine = this.sentByUs
    if (mine === undefined) return
    const onChain = await this.chain.latest(this.chain.address)
    if (onChain !== undefined && onChain.index >= mine.index) {
      const same = onChain.index === mine.index ? onChain : (await this.chain.anchors(this.chain.address))[mine.index]
      if (same !== undefined && same.treeSize === mine.treeSize && equalBytes(same.root, mine.root)) return
    }
    this.vanished++
    this.sentByUs = undefined
    const msg =
      `the anchor of ${mine.treeSize} entries (index ${mine.index}, tx` +
      ` ${this.latestTx ?? '?'}) is no longer on the chain (a reorg dropped it): anchoring` +
      ` again`
    log.error('%s', msg)
    this.o.onProblem?.(msg)
    await this.chain.resyncNonce?.()
    this.synced = false
    this.resubmit = true
  }

  /** Reads the last anchor from the chain and checks that this log still extends it. */
  private async sync(): Promise<void> {
    await this.o.bind?.()
    const latest = await this.chain.latest(this.chain.address)
    this.latest = latest
    this.quietSize = latest?.treeSize ?? 0
    if (latest !== undefined) {
      const size = this._log.size()
      if (size < latest.treeSize) {
        const msg =
          `the chain holds an anchor of ${latest.treeSize} entries for ${this.chain.address}, but this log` +
          ` has only ${size}: the log was lost or replaced; auditors will flag it, and nothing is anchored` +
          ` until it grows past ${latest.treeSize}`
        log.error('%s', msg)
        this.o.onProblem?.(msg)
      } else {
        if (!equalBytes(await this._log.root(latest.treeSize), latest.root)) {
          const msg =
            `this log's root at ${latest.treeSize} entries differs from the one anchored` +
            ` on-chain: the log was changed after anchoring; auditors will flag it`
          log.error('%s', msg)
          this.o.onProblem?.(msg)
        }
        // an anchor mined just before a crash may lack its `anchored` entry: write it now
        const next = size > latest.treeSize ? await this._log.get(latest.treeSize) : undefined
        if (next?.entry.type === 'anchored' && next.entry.treeSize === latest.treeSize) {
          this.quietSize = latest.treeSize + 1
          this.latestTx = '0x' + hex(next.entry.txHash)
        } else if (size === latest.treeSize) {
          const tx = await this.chain.anchorTx(this.chain.address, latest.index).catch(() => undefined)
          if (tx !== undefined) await this.recordAnchor(latest, tx)
        }
      }
    }
    this.catchUp = this.startSize > this.quietSize || this.resubmit
    this.resubmit = false
    this.synced = true
    log('in sync with the chain %o', { latest: latest?.treeSize ?? 0, size: this._log.size() })
  }

  private async anchorOnce(signal: AbortSignal | undefined, forced: boolean): Promise<AnchorResult> {
    const size = this._log.size()
    const floor = this.latest?.treeSize ?? 0
    if (size <= floor || (!forced && size <= this.quietSize)) {
      return {
        anchored: false,
        root: hex(await this._log.root(Math.min(size, floor))),
        treeSize: Math.min(size, floor),
        ...(this.latestTx !== undefined ? { txHash: this.latestTx } : {}),
        reason: size <= floor ? 'ALREADY_ANCHORED' : 'NOTHING_NEW',
      }
    }
    const root = await this._log.root(size)
    await this.o.bind?.()
    let sent
    try {
      sent = await this.chain.anchor(root, size, signal)
    } catch (err) {
      // someone (another process with this account) anchored meanwhile: learn the chain's state again
      if ((err as { details?: { error?: string } }).details?.error === 'AuditAnchorTreeSizeNotGrowing')
        this.synced = false
      throw err
    }
    const index = (this.latest?.index ?? -1) + 1
    const anchored: AnchorRecord = { index, root, treeSize: size, timestamp: Math.floor(this._now() / 1000) }
    log('anchored %o', { treeSize: size, root: hex(root), tx: sent.txHash })
    await this.recordAnchor(anchored, sent.txHash)
    this.sentByUs = anchored
    this.lastRecheckAt = this._now()
    return {
      anchored: true,
      root: hex(root),
      treeSize: size,
      txHash: sent.txHash,
      blockNumber: sent.blockNumber,
      index,
    }
  }

  private async recordAnchor(a: AnchorRecord, txHash: string): Promise<void> {
    this.latest = a
    this.latestTx = txHash
    this.quietSize = a.treeSize
    this.lastAnchorAt = this._now()
    this.catchUp = false
    try {
      const stored = await this._log.append({
        type: 'anchored',
        treeSize: a.treeSize,
        root: a.root,
        chainId: this.chain.chainId,
        txHash: new Uint8Array(Buffer.from(txHash.slice(2), 'hex')),
      })
      if (stored.entry.index === a.treeSize) this.quietSize = a.treeSize + 1
    } catch (err) {
      log.error('could not record the anchor of %d entries in the log - %e', a.treeSize, err)
    }
  }

  private sleep(ms: number, signal: AbortSignal, wakeable = true): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t)
        signal.removeEventListener('abort', done)
        this.wake = undefined
        resolve()
      }
      const t = setTimeout(done, ms)
      signal.addEventListener('abort', done, { once: true })
      if (wakeable) this.wake = done
    })
  }
}
