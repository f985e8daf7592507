// One eth_getLogs loop for every contract a node watches. Polling beats filters here: filters
// expire on restarts of the RPC, and one getLogs over all addresses per interval is cheap.
// Logs are handed over in chain order, each at most once, after their block is read.
import { logger } from '../log/logger.ts'
import type { JsonRpcProvider, Log } from 'ethers'
import { shortReason } from './errors.ts'

const log = logger('hive:chain:logs')

export type LogHandler = (entry: Log) => void

export interface LogPollerInit {
  provider: JsonRpcProvider
  /** first block to read (the block after the state the subscribers loaded) */
  fromBlock: number
  /** default 500 ms on the devnet; the ParamsFollower promises changes applied within 2 s */
  pollMs: number
  /** most blocks per eth_getLogs call (default 2,000; public RPCs cap ranges) */
  maxRange?: number
}

export class LogPoller {
  private readonly init: LogPollerInit
  private readonly handlers = new Map<string, Set<LogHandler>>()
  private readonly afterPoll = new Set<(block: number) => void>()
  private next: number
  private timer: ReturnType<typeof setTimeout> | undefined
  private running = false
  private polling: Promise<void> | undefined
  private failures = 0

  constructor(init: LogPollerInit) {
    this.init = init
    this.next = init.fromBlock
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

  private async _poll(): Promise<void> {
    const { provider } = this.init
    try {
      const latest = Number(BigInt((await provider.send('eth_blockNumber', [])) as string))
      const addresses = [...this.handlers.keys()]
      while (this.next <= latest) {
        const to = Math.min(latest, this.next + (this.init.maxRange ?? 2_000) - 1)
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
      }
      this.failures = 0
      for (const l of this.afterPoll) l(this.syncedBlock)
    } catch (err) {
      this.failures++
      if (this.failures === 1 || this.failures % 10 === 0)
        log.error('reading chain logs failed (%d in a row): %s', this.failures, shortReason(err))
    }
  }
}
