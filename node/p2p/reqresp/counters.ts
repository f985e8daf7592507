// Outcome counters per protocol and code: a small in-memory object now, a metrics registry later
// (the labels are already bounded: protocol names times OK plus ReqRespErrorCode).
import type { ReqRespErrorCode } from './errors.ts'

export type Outcome = 'OK' | ReqRespErrorCode

export class OutcomeCounters {
  private readonly counts = new Map<string, Map<Outcome, number>>()

  add(protocol: string, outcome: Outcome): void {
    let byCode = this.counts.get(protocol)
    if (byCode === undefined) {
      byCode = new Map()
      this.counts.set(protocol, byCode)
    }
    byCode.set(outcome, (byCode.get(outcome) ?? 0) + 1)
  }

  get(protocol: string, outcome: Outcome): number {
    return this.counts.get(protocol)?.get(outcome) ?? 0
  }

  /** `{ protocol: { code: count } }`, for the API and tests. */
  snapshot(): Record<string, Partial<Record<Outcome, number>>> {
    const out: Record<string, Partial<Record<Outcome, number>>> = {}
    for (const [protocol, byCode] of this.counts) out[protocol] = Object.fromEntries(byCode)
    return out
  }
}
