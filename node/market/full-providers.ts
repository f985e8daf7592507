// Providers that just told this requester they are full. A provider bids while it has a free slot
// and may have filled it by the time an award comes (it bids on many jobs, and wins some at
// once): it declines NO_CAPACITY, an exchange wasted on both sides (a signature, a journal entry,
// a voucher judged) before the job's next bidder is asked. Near capacity that was most awards: a
// 5-minute soak at 10 jobs/s (20 providers of 2 slots) saw 2,488 such declines for 2,999 jobs.
// A job that has other bidders tries them first while a provider is held full here: until one of
// our own awards with it ends (a slot of it frees), or `holdMs` passes (another requester's job
// may have ended). Pure: the caller passes the clock.

/** how long a NO_CAPACITY decline keeps a provider behind the job's other bidders (default) */
export const FULL_HOLD_MS = 2_000
/** providers remembered at once (peer ids cost nothing to make: the oldest go first) */
const MAX_REMEMBERED = 1_024

export class FullProviders {
  /** provider -> until when it is taken for full */
  private readonly until = new Map<string, number>()

  constructor(private readonly holdMs = FULL_HOLD_MS) {}

  /** `provider` declined one of our awards for capacity at `now` */
  declined(provider: string, now: number): void {
    this.until.delete(provider)
    if (this.until.size >= MAX_REMEMBERED) {
      const oldest = this.until.keys().next().value
      if (oldest !== undefined) this.until.delete(oldest)
    }
    this.until.set(provider, now + this.holdMs)
  }

  /** one of our awards with `provider` ended (its result came, it was revoked): a slot is free */
  freed(provider: string): void {
    this.until.delete(provider)
  }

  /** whether `provider` is still taken for full at `now` */
  isFull(provider: string, now: number): boolean {
    const until = this.until.get(provider)
    if (until === undefined) return false
    if (now < until) return true
    this.until.delete(provider)
    return false
  }
}
