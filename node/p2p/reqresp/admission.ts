// Who may open one more inbound exchange: caps on open streams (per peer and in total), strikes
// for peers that broke the protocol, then the rate-limit quotas. Refusals are RATE_LIMITED.
import { RateLimiter } from '@libp2p/utils'
import { tryConsume } from '../../util/rate-limit.ts'
import type { InboundLimits, Quota } from './types.ts'

const limiter = (q: Quota): RateLimiter => new RateLimiter({ points: q.points, duration: q.seconds })

export class Admission {
  private readonly limits: InboundLimits
  private readonly perPeer?: RateLimiter
  private readonly total?: RateLimiter
  private readonly strikes?: RateLimiter
  private readonly open = new Map<string, number>()
  private openTotal = 0

  constructor(limits: InboundLimits, rate: { perPeer?: Quota; total?: Quota } = {}, strikes?: Quota) {
    this.limits = limits
    if (rate.perPeer !== undefined) this.perPeer = limiter(rate.perPeer)
    if (rate.total !== undefined) this.total = limiter(rate.total)
    if (strikes !== undefined) this.strikes = limiter(strikes)
  }

  /** A reason to refuse, or undefined and the stream is counted open until `release`. */
  admit(peer: string): string | undefined {
    const open = this.open.get(peer) ?? 0
    if (open >= this.limits.maxStreamsPerPeer) return 'too many open streams from this peer'
    if (this.openTotal >= this.limits.maxStreams) return 'too many open streams; busy'
    if (this.strikes !== undefined && (this.strikes.get(peer)?.remainingPoints ?? 1) <= 0) {
      return 'too many invalid requests; refused for now'
    }
    if (this.perPeer !== undefined && !tryConsume(this.perPeer, peer)) return 'too many requests; slow down'
    if (this.total !== undefined && !tryConsume(this.total, 'all')) return 'too many requests in total; slow down'
    this.open.set(peer, open + 1)
    this.openTotal++
    return undefined
  }

  release(peer: string): void {
    const open = (this.open.get(peer) ?? 1) - 1
    if (open <= 0) this.open.delete(peer)
    else this.open.set(peer, open)
    this.openTotal--
  }

  strike(peer: string): void {
    if (this.strikes !== undefined) tryConsume(this.strikes, peer)
  }
}
