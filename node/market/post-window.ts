// How many of a requester's jobs may be negotiating at once (issue 14's congestion finding): past
// what the machine and the providers carry, every job posted at once started its bid window at
// once, the providers answered each one later than the last, and the windows closed before the
// bids came. A soak at 10 jobs/s on a machine that carries ~4 completed 268 of 1,219 jobs (NO_BIDS
// 427, NO_PROVIDER_LEFT 449), where at 4 jobs/s all 721 completed. Past the window a post waits
// here, its bid window not started yet; the window follows the market (AIMD, as TCP's congestion
// window): one more job per window's worth of jobs placed, half as many when a job found no
// bidder or no provider that would take it. Pure: no I/O, a clock passed in.
import { HiveError } from '../../protocol/errors.ts'

export interface PostWindowOptions {
  /** jobs negotiating at once to begin with (default 32) */
  initial?: number
  /** never fewer than this (default 4) */
  min?: number
  /** never more than this (default 1024) */
  max?: number
  /** posts waiting for the window, at most (default 4096); one more is refused REQUESTER_BUSY */
  maxWaiting?: number
  /** a halving counts once per this long: one congested moment fails several jobs (default 1 s) */
  holdMs?: number
  now?: () => number
}

/** How a job's negotiation ended, as the window reads it. */
export type NegotiationEnd = 'placed' | 'congested' | 'other'

/** The job failures that say the market could not answer in time. */
export const CONGESTION_FAILURES = new Set(['NO_BIDS', 'NO_PROVIDER_ACCEPTED', 'NO_PROVIDER_LEFT'])

export class PostWindow {
  private readonly opts: Required<Omit<PostWindowOptions, 'now'>>
  private readonly now: () => number
  private size: number
  private held = 0
  private lastHalvedAt = -Infinity
  private readonly waiting: Array<{ resolve: () => void; reject: (err: Error) => void }> = []
  private readonly counts = { placed: 0, congested: 0, waited: 0, refused: 0 }

  constructor(options: PostWindowOptions = {}) {
    this.opts = {
      initial: options.initial ?? 32,
      min: options.min ?? 4,
      max: options.max ?? 1024,
      maxWaiting: options.maxWaiting ?? 4096,
      holdMs: options.holdMs ?? 1_000,
    }
    this.now = options.now ?? Date.now
    this.size = Math.min(this.opts.max, Math.max(this.opts.min, this.opts.initial))
  }

  /** The window, jobs negotiating, posts waiting, and how negotiations ended (metrics, tests). */
  stats(): { window: number; negotiating: number; waiting: number } & PostWindow['counts'] {
    return { window: Math.floor(this.size), negotiating: this.held, waiting: this.waiting.length, ...this.counts }
  }

  /**
   * Resolves once a job may start negotiating (call `end` when it stops); waits while the window
   * is full, and throws REQUESTER_BUSY when too many posts wait already or `signal` aborts.
   */
  async acquire(signal?: AbortSignal): Promise<void> {
    if (this.held < Math.floor(this.size) && this.waiting.length === 0) {
      this.held++
      return
    }
    if (signal?.aborted === true) throw busy('the post gave up waiting for the window')
    if (this.waiting.length >= this.opts.maxWaiting) {
      this.counts.refused++
      throw busy(`${this.waiting.length} posts are waiting already`)
    }
    this.counts.waited++
    await new Promise<void>((resolve, reject) => {
      const entry = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        },
        reject,
      }
      const onAbort = (): void => {
        const at = this.waiting.indexOf(entry)
        if (at >= 0) this.waiting.splice(at, 1)
        reject(busy('the post gave up waiting for the window'))
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.waiting.push(entry)
    })
  }

  /** A job that held a place stopped negotiating: placed (a provider took it), congested, or other. */
  end(how: NegotiationEnd): void {
    if (this.held > 0) this.held--
    if (how === 'placed') {
      this.counts.placed++
      this.size = Math.min(this.opts.max, this.size + 1 / this.size)
    } else if (how === 'congested') {
      this.counts.congested++
      const now = this.now()
      if (now - this.lastHalvedAt >= this.opts.holdMs) {
        this.size = Math.max(this.opts.min, this.size / 2)
        this.lastHalvedAt = now
      }
    }
    while (this.held < Math.floor(this.size) && this.waiting.length > 0) {
      this.held++
      this.waiting.shift()!.resolve()
    }
  }

  /** Refuses every waiting post (the requester stops). */
  close(): void {
    for (const w of this.waiting.splice(0)) w.reject(busy('the requester stopped'))
  }
}

/** The local API answers it 503 (node/api/errors.ts): the node is fine, the market is full. */
function busy(why: string): HiveError {
  return new HiveError('REQUESTER_BUSY', `this requester has as many jobs negotiating as the market carries: ${why}`, {
    hint: 'post again later, or lower the rate',
  })
}
