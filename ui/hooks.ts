// Small hooks: load data from the API, again whenever a matching live event arrives (or every
// `everyMs` for what has no event, like balances), keeping the last good answer on error.
import { useEffect, useState } from 'preact/hooks'
import { onNodeEvent } from './events.ts'
import type { NodeEvent } from './events.ts'

export interface Loaded<T> {
  data: T | undefined
  error: string | undefined
  /** the node does not serve this route (no chain, no audit service …) */
  absent: boolean
  reload: () => void
}

export function useLoad<T>(
  load: () => Promise<T>,
  options: { when?: (e: NodeEvent) => boolean; everyMs?: number } = {},
): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined)
  const [error, setError] = useState<string | undefined>(undefined)
  const [absent, setAbsent] = useState(false)
  const [tick, setTick] = useState(0)
  useEffect(() => {
    let live = true
    load().then(
      (d) => {
        if (!live) return
        setData(d)
        setError(undefined)
      },
      (err: unknown) => {
        if (!live) return
        const e = err as { code?: string; message?: string }
        if (e.code === 'ROUTE_NOT_FOUND') setAbsent(true)
        else setError(e.message ?? String(err))
      },
    )
    return () => {
      live = false
    }
  }, [tick])
  useEffect(() => {
    const when = options.when
    const off = when !== undefined ? onNodeEvent((e) => when(e) && setTick((t) => t + 1)) : undefined
    const timer = options.everyMs !== undefined ? setInterval(() => setTick((t) => t + 1), options.everyMs) : undefined
    return () => {
      off?.()
      if (timer !== undefined) clearInterval(timer)
    }
  }, [])
  return { data, error, absent, reload: () => setTick((t) => t + 1) }
}

/** Re-renders on every live event that `when` accepts. */
export function useEvents(when: (e: NodeEvent) => boolean): number {
  const [n, setN] = useState(0)
  useEffect(() => onNodeEvent((e) => when(e) && setN((x) => x + 1)), [])
  return n
}
