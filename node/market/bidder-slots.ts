// Whether a bidder still has a slot for another of this requester's awards (issue 14).
//
// A provider bids on every job it hears of while it has a free slot, and says in the bid how many
// it had (Bid.free_slots). A requester with several open jobs awards them at about the same time,
// so it may award one provider more of them than it has slots: each award over is a NO_CAPACITY
// decline — an exchange, two signatures and journal entries on both sides — before the job's next
// bidder is asked (the processes bench: 1.3–1.5 awards per job). The bid also says how many of
// its provider's taken slots ran this requester's jobs (Bid.slots_held_for_requester), and the
// requester knows which of its own awards each provider holds now: the bid's free slots, less our
// awards beyond those it counted, is what is left for this job. (Counting from the bid's arrival
// instead miscounts an award that crossed the bid on the wire: sent before the bid came, it had
// not reached the provider when it signed; that left 1.24 awards per job in the bench.) A hint
// for the order bidders are asked in, never a rule: other requesters fill slots too (the
// provider's decline stays the answer of record), and a provider that misstates its slots only
// gets declines, or fewer awards, as before.

/** What a bid said of its provider's slots: free, and taken by our jobs, as it signed. */
export interface SlotMark {
  free: number
  held: number
}

export class BidderSlots {
  /** provider → the jobs whose awards of ours it holds (asked, or accepted and not yet over) */
  private readonly held = new Map<string, Set<string>>()

  /** one of our awards went to `provider` (counted from when it is sent: the answer may be on its way) */
  taken(provider: string, jobId: string): void {
    let jobs = this.held.get(provider)
    if (jobs === undefined) this.held.set(provider, (jobs = new Set()))
    jobs.add(jobId)
  }

  /**
   * that award is over: declined, failed, its result in, revoked, or its job ended. False when it
   * was over already (a failed result, then its re-award): the one slot it held is freed once
   */
  released(provider: string, jobId: string): boolean {
    const jobs = this.held.get(provider)
    if (jobs?.delete(jobId) !== true) return false
    if (jobs.size === 0) this.held.delete(provider)
    return true
  }

  /** how many of our awards `provider` holds */
  count(provider: string): number {
    return this.held.get(provider)?.size ?? 0
  }

  /** the mark of a bid that states `free` slots and `held` of ours; undefined when it states none */
  mark(free: number, held: number): SlotMark | undefined {
    return free > 0 ? { free, held } : undefined
  }

  /** whether every slot the bid stated free has gone to awards of ours it did not count */
  likelyFull(provider: string, mark: SlotMark | undefined): boolean {
    if (mark === undefined) return false
    return mark.free - (this.count(provider) - mark.held) <= 0
  }

  /** providers holding any of our awards (metrics, tests) */
  get size(): number {
    return this.held.size
  }
}
