// A bound on one piece of work that lets go of its timer when the work ends. AbortSignal.timeout
// keeps its timer until it fires (seconds after a fast exchange ended) and AbortSignal.any keeps
// each combined signal registered with its sources until the garbage collector finalises it: on
// the per-exchange hot path (every request/response, every blob fetch, every job) the issue 16
// soak's heap snapshots found ~2 timers per job held that way. `clear()` drops both at once.

export interface Deadline {
  /** aborts with a TimeoutError after `ms`, or with the reason of the first source that aborts */
  readonly signal: AbortSignal
  /** stops the timer and stops listening to the sources (idempotent) */
  clear: () => void
}

/**
 * A signal that aborts after `ms` (undefined: never by itself) or when any of `sources` aborts;
 * call `clear()` once the work is over.
 */
export function deadline(ms: number | undefined, ...sources: Array<AbortSignal | undefined>): Deadline {
  const controller = new AbortController()
  const live = sources.filter((s): s is AbortSignal => s !== undefined)
  const onAbort = (event: Event): void => {
    controller.abort((event.target as AbortSignal).reason)
    clear()
  }
  let timer: ReturnType<typeof setTimeout> | undefined
  const clear = (): void => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    for (const s of live) s.removeEventListener('abort', onAbort)
  }
  const aborted = live.find((s) => s.aborted)
  if (aborted !== undefined) {
    controller.abort(aborted.reason)
    return { signal: controller.signal, clear: () => {} }
  }
  for (const s of live) s.addEventListener('abort', onAbort, { once: true })
  if (ms !== undefined) {
    timer = setTimeout(() => {
      controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))
      clear()
    }, ms)
    // like AbortSignal.timeout: a pending bound keeps no process alive
    timer.unref?.()
  }
  return { signal: controller.signal, clear }
}
