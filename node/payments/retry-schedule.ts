// Per-key retry bookkeeping with exponential backoff and a bounded number of attempts, so one
// failing channel is retried on its own clock and never re-tried on every poll forever.

export interface RetryScheduleInit {
  now: () => number
  maxAttempts: number
  baseMs: number
  maxMs: number
}

interface Entry {
  attempts: number
  nextAt: number
  gaveUp: boolean
}

export class RetrySchedule {
  private readonly init: RetryScheduleInit
  /** one entry per key that failed and has not succeeded since: bounded by the caller's live keys */
  private readonly entries = new Map<string, Entry>()

  constructor(init: RetryScheduleInit) {
    this.init = init
  }

  /** Whether `key` may be tried now (never failed, or its backoff is over and it has not given up). */
  due(key: string): boolean {
    const e = this.entries.get(key)
    return e === undefined || (!e.gaveUp && this.init.now() >= e.nextAt)
  }

  failed(key: string): { attempts: number; gaveUp: boolean } {
    const attempts = (this.entries.get(key)?.attempts ?? 0) + 1
    const delay = Math.min(this.init.baseMs * 2 ** (attempts - 1), this.init.maxMs)
    const gaveUp = attempts >= this.init.maxAttempts
    this.entries.set(key, { attempts, nextAt: this.init.now() + delay, gaveUp })
    return { attempts, gaveUp }
  }

  giveUp(key: string): void {
    this.entries.set(key, { attempts: this.entries.get(key)?.attempts ?? 0, nextAt: Infinity, gaveUp: true })
  }

  succeeded(key: string): void {
    this.entries.delete(key)
  }

  get size(): number {
    return this.entries.size
  }
}
