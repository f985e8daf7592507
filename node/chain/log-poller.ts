// One eth_getLogs loop for every contract a node watches. Polling beats filters here: filters
// expire on restarts of the RPC, and one getLogs over all addresses per interval is cheap.
// Logs are handed over in chain order, each at most once per chain history, after their block
// is read. A reorg (the hash of a block already read changed) rewinds to the newest block whose
// hash still matches and reads again from there: logs re-included in the new branch are handed
// over again (subscribers apply them idempotently), and `onReorg` listeners re-read the state a
// dropped log may have changed (a log the new branch lacks is never "un-delivered").
import { logger } from '../log/logger.ts'
import type { JsonRpcProvider, Log } from 'ethers'
import { shortReason } from './errors.ts'

const log = logger('hive:chain:logs')

export type LogHandler = (entry: Log) => void

/** The chain's newest block as a poll read it (its timestamp in seconds). */
export interface ChainHeadBlock {
  number: number
  hash: string
  timestamp: number
}

export interface LogPollerInit {
  provider: JsonRpcProvider
  /** first block to read (the block after the state the subscribers loaded) */
  fromBlock: number
  /** default 500 ms on the devnet; the ParamsFollower promises changes applied within 2 s */
  pollMs: number
  /** most blocks per eth_getLogs call (default 2,000; public RPCs cap ranges) */
  maxRange?: number
  /** how many of the last blocks read keep their hash for finding a reorg's fork point (default 64) */
  reorgMemory?: number
}

/** Hashes of recently read blocks (number -> hash), oldest first, at most `size`. */
class RecentBlocks {
  private readonly size: number
  private readonly hashes = new Map<number, string>()
  constructor(size: number) {
    this.size = size
  }
  set(block: number, hash: string): void {
    this.hashes.delete(block)
    this.hashes.set(block, hash)
    while (this.hashes.size > this.size) this.hashes.delete(this.hashes.keys().next().value!)
  }
  /** newest first */
  entries(): Array<[number, string]> {
    return [...this.hashes.entries()].sort((a, b) => b[0] - a[0])
  }
  dropFrom(block: number): void {
    for (const n of [...this.hashes.keys()]) if (n >= block) this.hashes.delete(n)
  }
}

export class LogPoller {
  private readonly init: LogPollerInit
  private readonly handlers = new Map<string, Set<LogHandler>>()
  private readonly afterPoll = new Set<(block: number) => void>()
  private readonly reorgListeners = new Set<(forkBlock: number) => void>()
  private readonly recent: RecentBlocks
  private _reorgs = 0
  private next: number
  private timer: ReturnType<typeof setTimeout> | undefined
  private running = false
  private polling: Promise<void> | undefined
  private failures = 0
  private _head: ChainHeadBlock | undefined

  constructor(init: LogPollerInit) {
    this.init = init
    this.next = init.fromBlock
    this.recent = new RecentBlocks(init.reorgMemory ?? 64)
  }

  /** Reorgs seen since start. */
  get reorgs(): number {
    return this._reorgs
  }

  /**
   * Called when a reorg replaced blocks already read, with the last block both branches share
   * (logs after it are read again); returns an unsubscribe function.
   */
  onReorg(listener: (forkBlock: number) => void): () => void {
    this.reorgListeners.add(listener)
    return () => {
      this.reorgListeners.delete(listener)
    }
  }

  /** The last block whose logs were all delivered. */
  get syncedBlock(): number {
    return this.next - 1
  }

  /** Calls `handler` for every log of `address` (any event); returns an unsubscribe function. */
  subscribe(address: string, handler: LogHandler): () => void {
    const key = address.toLowerCase()
    let set = this.handlers.get(key)
    if (set === undefined) {
      set = new Set()
      this.handlers.set(key, set)
    }
    set.add(handler)
    return () => {
      set.delete(handler)
    }
  }

  /** Called after each successful poll with the block read up to (tests, sync waits). */
  onPolled(listener: (block: number) => void): () => void {
    this.afterPoll.add(listener)
    return () => {
      this.afterPoll.delete(listener)
    }
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.schedule(0)
  }

  async stop(): Promise<void> {
    this.running = false
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    await this.polling
  }

  /** Reads new logs now (also what the timer does). */
  async poll(): Promise<void> {
    this.polling ??= this._poll().finally(() => {
      this.polling = undefined
    })
    await this.polling
  }

  private schedule(ms: number): void {
    if (!this.running) return
    this.timer = setTimeout(() => {
      void this.poll().finally(() => {
        // back off on RPC failures (up to 30 s), without ever stopping
        const delay = this.failures === 0 ? this.init.pollMs : Math.min(30_000, this.init.pollMs * 2 ** this.failures)
        this.schedule(delay)
      })
    }, ms)
  }

  /**
   * The chain's newest block at the last successful poll: readers that poll the chain themselves
   * skip their reads while its hash has not changed (node/chain/head-gate.ts).
   */
  get head(): ChainHeadBlock | undefined {
    return this._head
  }

  private async _poll(): Promise<void> {
    const { provider } = this.init
    try {
      const block = (await provider.send('eth_getBlockByNumber', ['latest', false])) as {
        number: string
        hash: string
        timestamp: string
      } | null
      if (block === null) throw new Error('the RPC returned no latest block')
      const latest = Number(BigInt(block.number))
      const [newest] = this.recent.entries()
      // an idle chain costs this one read per poll: the newest block read is still the head
      const unchanged = newest !== undefined && newest[0] === latest && newest[1] === block.hash
      if (!unchanged) await this.checkReorg(latest)
      const addresses = [...this.handlers.keys()]
      while (this.next <= latest) {
        const to = Math.min(latest, this.next + (this.init.maxRange ?? 2_000) - 1)
        // the hash before the logs: a reorg between the two reads is then seen at the next poll
        const toHash = await this.blockHash(to)
        const logs =
          addresses.length === 0
            ? []
            : await provider.getLogs({ address: addresses, fromBlock: this.next, toBlock: to })
        logs.sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index)
        for (const entry of logs) {
          for (const handler of this.handlers.get(entry.address.toLowerCase()) ?? []) {
            try {
              handler(entry)
            } catch (err) {
              log.error('log handler failed - %e', err)
            }
          }
        }
        this.next = to + 1
        if (toHash !== undefined) this.recent.set(to, toHash)
      }
      this.failures = 0
      this._head = { number: latest, hash: block.hash, timestamp: Number(BigInt(block.timestamp)) }
      for (const l of this.afterPoll) l(this.syncedBlock)
    } catch (err) {
      this.failures++
      if (this.failures === 1 || this.failures % 10 === 0)
        log.error('reading chain logs failed (%d in a row): %s', this.failures, shortReason(err))
    }
  }

  private async blockHash(n: number): Promise<string | undefined> {
    const b = (await this.init.provider.send('eth_getBlockByNumber', ['0x' + n.toString(16), false])) as {
      hash?: string
    } | null
    return b?.hash ?? undefined
  }

  /**
   * A block already read that changed its hash (or is gone: the new branch is shorter) means a
   * reorg: rewind to the newest remembered block that is still the same, or to the first block
   * this poller was asked to read when none is (a reorg deeper than its memory).
   */
  private async checkReorg(latest: number): Promise<void> {
    const remembered = this.recent.entries()
    if (remembered.length === 0) return
    const [newest, newestHash] = remembered[0]
    if (newest <= latest && (await this.blockHash(newest)) === newestHash) return
    let fork = this.init.fromBlock - 1
    for (const [n, hash] of remembered.slice(1)) {
      if (n <= latest && (await this.blockHash(n)) === hash) {
        fork = n
        break
      }
    }
    this._reorgs++
    log.error('chain reorg: blocks after %d were replaced; reading logs again from %d', fork, fork + 1)
    this.recent.dropFrom(fork + 1)
    this.next = fork + 1
    for (const l of this.reorgListeners) {
      try {
        l(fork)
      } catch (err) {
        log.error('reorg listener failed - %e', err)
      }
    }
  }
}
