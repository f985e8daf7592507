import type { RateLimiter } from '@libp2p/utils'

/** RateLimiter.consume throws when the budget is spent; callers want a yes or no. */
export function tryConsume(limiter: RateLimiter, key: string, points = 1): boolean {
  try {
    limiter.consume(key, points)
    return true
  } catch {
    return false
  }
}
