// What the requester remembers about providers, for choosing whom to push its next job to
// (protocol/market/candidates.ts ranks them). Bounded: peer ids are free, so a flood of bidders
// evicts the oldest entries rather than growing the book.
import { chooseCandidates } from '../../protocol/market/candidates.ts'
import type { Candidate, CandidateChoice } from '../../protocol/market/candidates.ts'

const DEFAULT_MAX_ENTRIES = 1024

export class CandidateBook {
  private readonly known = new Map<string, Candidate>()
  private readonly maxEntries: number
  private round = 0

  constructor(init: { maxEntries?: number } = {}) {
    this.maxEntries = init.maxEntries ?? DEFAULT_MAX_ENTRIES
  }

  get size(): number {
    return this.known.size
  }

  /** A bid the requester took: its price against the job's max, its owner and the owner's weight. */
  noteBid(provider: string, price: bigint, maxPrice: bigint, weight: bigint, owner?: string): void {
    const priceRatio = maxPrice > 0n ? Number((price * 1_000_000n) / maxPrice) / 1_000_000 : 1
    this.upsert(provider, { priceRatio, weight, ...(owner !== undefined ? { owner } : {}) })
  }

  /**
   * Chooses the push targets among `live` (providers heard on the job's topic right now) and
   * those that bid before, and records the push round.
   */
  choose(live: string[], maxBidders: number): CandidateChoice {
    for (const p of live) if (!this.known.has(p)) this.upsert(p, {})
    const view = [...new Set([...live, ...this.known.keys()])].map((p) => this.known.get(p) ?? { provider: p })
    const choice = chooseCandidates(view, maxBidders)
    const round = ++this.round
    for (const p of choice.targets) {
      const c = this.known.get(p)
      if (c !== undefined) c.lastPushed = round
    }
    return choice
  }

  /**
   * Push targets for a job whose bidding was re-opened (docs/reaward.md): up to `count` of the
   * providers live right now, none of `except` (tried, bid already, or asked before), best known first.
   */
  chooseAmong(live: string[], count: number, except: Set<string>): string[] {
    const view = [...new Set(live)].filter((p) => !except.has(p)).map((p) => this.known.get(p) ?? { provider: p })
    return chooseCandidates(view, count).targets
  }

  /** A provider that could not be reached: not worth a push until it is heard again. */
  forget(provider: string): void {
    this.known.delete(provider)
  }

  private upsert(provider: string, fields: Partial<Candidate>): void {
    const before = this.known.get(provider)
    this.known.delete(provider)
    this.known.set(provider, { ...before, ...fields, provider })
    if (this.known.size > this.maxEntries) {
      const oldest = this.known.keys().next().value
      if (oldest !== undefined) this.known.delete(oldest)
    }
  }
}
