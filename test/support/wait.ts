// Waiting in tests: on a condition or an event, with a deadline that names what was awaited.
// A test that sleeps for "long enough" is a bet on the machine's load; these helpers return as
// soon as the awaited thing is true and fail with its name when it never is.
import type { PeerId } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'

export interface WaitOptions {
  /** give up after this long (default 10 s) */
  timeoutMs?: number
  /** how often a condition is re-checked (default 20 ms) */
  intervalMs?: number
  /** what is awaited, for the timeout error ("the provider in the mesh") */
  what?: string
  signal?: AbortSignal
}

export class WaitTimeoutError extends Error {
  static readonly code = 'WAIT_TIMEOUT'
  readonly code = WaitTimeoutError.code
  constructor(what: string, timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}`)
    this.name = 'WaitTimeoutError'
  }
}

const pause = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Re-checks `check` until it returns a truthy value, and resolves with that value. Throws a
 * WaitTimeoutError naming `what` after `timeoutMs`. The check may be async (it is awaited before
 * the next one starts, so a slow check is never run twice at once).
 */
export async function waitFor<T>(check: () => T | Promise<T>, opts: WaitOptions = {}): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 10_000
  const end = Date.now() + timeoutMs
  for (;;) {
    opts.signal?.throwIfAborted()
    const value = await check()
    if (value !== undefined && value !== null && value !== false && value !== 0 && value !== '') return value
    if (Date.now() >= end) throw new WaitTimeoutError(opts.what ?? 'a condition', timeoutMs)
    await pause(opts.intervalMs ?? 20)
  }
}

/**
 * Resolves with the first `type` event on `target` that `accept` takes (default: any). Listens
 * before returning, so call it before doing what triggers the event.
 */
export async function waitForEvent<E extends Event = Event>(
  target: EventTarget,
  type: string,
  accept: (event: E) => boolean = () => true,
  opts: WaitOptions = {},
): Promise<E> {
  const timeoutMs = opts.timeoutMs ?? 10_000
  return await new Promise<E>((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer)
      target.removeEventListener(type, onEvent)
      opts.signal?.removeEventListener('abort', onAbort)
    }
    const onEvent = (event: Event): void => {
      let ok: boolean
      try {
        ok = accept(event as E)
      } catch (err) {
        done()
        reject(err)
        return
      }
      if (ok) {
        done()
        resolve(event as E)
      }
    }
    const onAbort = (): void => {
      done()
      reject(opts.signal?.reason)
    }
    const onTimeout = (): void => {
      done()
      reject(new WaitTimeoutError(opts.what ?? `a '${type}' event`, timeoutMs))
    }
    const timer = setTimeout(onTimeout, timeoutMs)
    target.addEventListener(type, onEvent)
    opts.signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** The part of kad-dht's routing table a test looks at (the package's public type shows only `size`). */
interface RoutingTableView {
  find: (peer: PeerId) => Promise<PeerId | undefined>
}

function routingTableOf(dht: KadDHT): RoutingTableView {
  const table = (dht as KadDHT & { routingTable?: RoutingTableView }).routingTable
  if (table === undefined || typeof table.find !== 'function') throw new TypeError('this KadDHT has no routing table')
  return table
}

/**
 * Waits until every peer in `peers` is in `dht`'s routing table. A DHT put or provide sent before
 * that reaches no one: connecting is not enough, kad-dht adds a peer only once identify has shown
 * that it speaks the DHT protocol in server mode.
 */
export async function waitForRoutingTable(dht: KadDHT, peers: PeerId[], opts: WaitOptions = {}): Promise<void> {
  const table = routingTableOf(dht)
  const all = async (): Promise<boolean> =>
    (await Promise.all(peers.map(async (p) => await table.find(p)))).every((p) => p !== undefined)
  await waitFor(all, { what: `${peers.length} peer(s) in the DHT routing table`, ...opts })
}
