// Whether this process's event loop is too slow to take more work (issue 14: several requesters,
// each within its own post window, can together push a provider past what it carries; it then
// answered late, missed award deadlines and lost jobs instead of saying no). Node's event-loop
// delay histogram (perf_hooks, sampled natively every 100 ms) is read once a second; a provider refuses to
// bid (OVERLOADED) while the loop's p99 delay stays above the limit, and bids again once it falls
// below half of it. One histogram per process, shared by every node in it: in-process networks
// (tests, benchmarks) share one loop, so there the lag is everyone's — they turn the check off.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { IntervalHistogram } from 'node:perf_hooks'

/** The pure part: a verdict with hysteresis over one p99 delay per interval. */
export class LagGate {
  private readonly maxLagMs: number
  private readonly enterAfter: number
  private above = 0
  private _overloaded = false
  private _lastP99Ms = 0

  /** `enterAfter` intervals in a row above `maxLagMs` make it overloaded (one GC pause does not) */
  constructor(maxLagMs: number, enterAfter = 2) {
    if (!(maxLagMs > 0)) throw new RangeError('maxLagMs must be > 0')
    this.maxLagMs = maxLagMs
    this.enterAfter = Math.max(1, enterAfter)
  }

  observe(p99Ms: number): void {
    this._lastP99Ms = p99Ms
    if (p99Ms > this.maxLagMs) {
      this.above++
      if (this.above >= this.enterAfter) this._overloaded = true
    } else {
      this.above = 0
      if (p99Ms < this.maxLagMs / 2) this._overloaded = false
    }
  }

  get overloaded(): boolean {
    return this._overloaded
  }

  get lastP99Ms(): number {
    return this._lastP99Ms
  }
}

const INTERVAL_MS = 1000
/**
 * The histogram's sampling resolution: a native timer, not a JavaScript one, and still a wake-up of
 * the process per tick (at 20 ms, 50 a second cost an idle provider 2-3 ms of CPU per second, a
 * quarter of its idle total). The gate looks for lag of a second; a tenth of that resolves it.
 */
const RESOLUTION_MS = 100

interface Shared {
  histogram: IntervalHistogram
  timer?: ReturnType<typeof setInterval>
  listeners: Set<(p99Ms: number) => void>
}
let shared: Shared | undefined

function subscribe(listener: (p99Ms: number) => void): () => void {
  if (shared === undefined) {
    const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
    histogram.enable()
    const s: Shared = { histogram, listeners: new Set() }
    s.timer = setInterval(() => {
      // the delay past the sampling period itself, in ms (the histogram counts nanoseconds)
      const p99Ms = s.histogram.count === 0 ? 0 : Math.max(0, s.histogram.percentile(99) / 1e6 - RESOLUTION_MS)
      s.histogram.reset()
      for (const l of s.listeners) l(p99Ms)
    }, INTERVAL_MS)
    s.timer.unref()
    shared = s
  }
  const s = shared
  s.listeners.add(listener)
  return () => {
    s.listeners.delete(listener)
    if (s.listeners.size === 0 && shared === s) {
      clearInterval(s.timer)
      s.histogram.disable()
      shared = undefined
    }
  }
}

/** One node's view of the process's loop lag: `overloaded()` after start(), false before. */
export class LoopLagMonitor {
  private readonly gate: LagGate
  private unsubscribe: (() => void) | undefined

  constructor(maxLagMs: number) {
    this.gate = new LagGate(maxLagMs)
  }

  start(): void {
    this.unsubscribe ??= subscribe((p99) => {
      this.gate.observe(p99)
    })
  }

  stop(): void {
    this.unsubscribe?.()
    this.unsubscribe = undefined
  }

  overloaded(): boolean {
    return this.unsubscribe !== undefined && this.gate.overloaded
  }

  /** the last second's p99 event-loop delay, ms */
  lastP99Ms(): number {
    return this.gate.lastP99Ms
  }
}
