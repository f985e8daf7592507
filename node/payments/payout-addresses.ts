// Where each provider asked to be paid, per job: the address its bid named. Payments keeps the
// book (the market only reports kept and dropped bids as events); an entry lives from the bid the
// job keeps until the job is settled or the bid is dropped. In memory: a restarted requester has
// no live jobs to pay (its unfinished jobs fail at start), and pending payments carry their address.

export class PayoutAddresses {
  private readonly byJob = new Map<string, Map<string, string>>()

  set(jobId: string, provider: string, address: string): void {
    const job = this.byJob.get(jobId) ?? new Map<string, string>()
    job.set(provider, address)
    this.byJob.set(jobId, job)
  }

  get(jobId: string, provider: string): string | undefined {
    return this.byJob.get(jobId)?.get(provider)
  }

  delete(jobId: string, providers: string[]): void {
    const job = this.byJob.get(jobId)
    if (job === undefined) return
    for (const p of providers) job.delete(p)
    if (job.size === 0) this.byJob.delete(jobId)
  }

  forgetJob(jobId: string): void {
    this.byJob.delete(jobId)
  }

  /** jobs with at least one address (tests: the book does not grow without bound) */
  get jobs(): number {
    return this.byJob.size
  }
}
