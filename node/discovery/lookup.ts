// Finding providers: walk findProviders for the filter's most selective capability key, read
// each candidate's profile record from the DHT (never from the candidate itself: we need not be
// able to reach it, and it could lie), verify it, filter exactly, stop at the limit.
import { logger } from '../log/logger.ts'
import { capabilityKey, lookupTag, profileMatchesFilter } from '../../protocol/capabilities.ts'
import type { CapabilityFilter } from '../../protocol/capabilities.ts'
import { profileKey, validateProfileRecord } from '../../protocol/profile-record.ts'
import type { HardwareProfile } from '../../protocol/profile.ts'
import type { ProfileCache } from './cache.ts'
import type { KadDHT } from '@libp2p/kad-dht'

const log = logger('hive:discovery:lookup')

export interface LookupComponents {
  dht: KadDHT
  cache: ProfileCache
  now: () => number
  selfId: string
  /** this node's own current profile, if it is a provider */
  ownProfile: () => HardwareProfile | undefined
}

export interface LookupOptions {
  signal?: AbortSignal
  /** stop after this many matches (default 20) */
  limit?: number
  /** give up and return what was found after this long (default 10 s) */
  timeoutMs?: number
  /** profile reads in parallel (default 8) */
  concurrency?: number
  /** valid copies of a profile record to collect before picking the newest (default 2) */
  quorum?: number
  /** after a peer had no valid profile, don't look again for this long (default 60 s) */
  missingTtlMs?: number
  /** give up reading one profile after this long (default 5 s) */
  fetchTimeoutMs?: number
}

export interface FetchOptions {
  quorum?: number
  missingTtlMs?: number
  fetchTimeoutMs?: number
}

/** Reads, verifies and caches one peer's profile; undefined if no valid record was found. */
export async function fetchProfile(
  c: LookupComponents,
  peerId: string,
  signal: AbortSignal,
  options: FetchOptions = {},
): Promise<HardwareProfile | undefined> {
  const quorum = options.quorum ?? 2
  const now = c.now()
  const cached = c.cache.get(peerId, now)
  if (cached !== undefined) return cached
  if (peerId === c.selfId) return c.ownProfile()
  if (c.cache.isMissing(peerId, now)) return undefined
  const key = profileKey(peerId)
  const found: HardwareProfile[] = []
  const consider = async (value: Uint8Array): Promise<void> => {
    try {
      const profile = await validateProfileRecord(key, value, c.now())
      c.cache.noteRecord(profile, value)
      found.push(profile)
    } catch (err) {
      log('discarding record for %s - %s', peerId, (err as Error).message)
    }
  }
  const stop = new AbortController()
  let walked = false
  try {
    for await (const ev of c.dht.get(key, {
      signal: AbortSignal.any([signal, stop.signal, AbortSignal.timeout(options.fetchTimeoutMs ?? 5000)]),
    })) {
      if (ev.name === 'PEER_RESPONSE' && ev.record != null) await consider(ev.record.value)
      else if (ev.name === 'VALUE') await consider(ev.value)
      if (found.length >= quorum) break
    }
    walked = true
  } catch (err) {
    // kad-dht throws when a correction to a stale peer fails or the walk is cut short; what we
    // verified so far still counts
    if (signal.aborted) throw err
    log('profile read for %s ended early - %s', peerId, (err as Error).message)
  } finally {
    stop.abort()
  }
  if (found.length === 0) {
    // a departed provider's records outlive its profile; don't walk for it on every lookup. Only
    // when the walk finished: a read cut short by our timeout proves nothing.
    if (walked) c.cache.markMissing(peerId, c.now() + (options.missingTtlMs ?? 60_000))
    return undefined
  }
  const best = found.reduce((a, b) => (b.issuedAt > a.issuedAt ? b : a))
  c.cache.set(best, c.now())
  return best
}

export function byScoreThenId(a: HardwareProfile, b: HardwareProfile): number {
  return b.benchmark.cpuScore - a.benchmark.cpuScore || (a.peerId < b.peerId ? -1 : a.peerId > b.peerId ? 1 : 0)
}

/** Verified profiles matching the filter, best CPU score first. Throws only if `signal` aborts. */
export async function findProviderProfiles(
  c: LookupComponents,
  filter: CapabilityFilter,
  options: LookupOptions = {},
): Promise<HardwareProfile[]> {
  const limit = options.limit ?? 20
  const concurrency = options.concurrency ?? 8
  const caller = options.signal ?? new AbortController().signal
  const done = new AbortController()
  const signal = AbortSignal.any([caller, done.signal, AbortSignal.timeout(options.timeoutMs ?? 10_000)])
  const tag = lookupTag(filter)
  const started = Date.now()
  let walkMs = 0
  let slowestFetchMs = 0
  const matches = new Map<string, HardwareProfile>()
  const seen = new Set<string>()
  const queue: string[] = []
  const workers = new Set<Promise<void>>()

  const work = async (): Promise<void> => {
    for (let id = queue.shift(); id !== undefined && !signal.aborted; id = queue.shift()) {
      const t0 = Date.now()
      try {
        const p = await fetchProfile(c, id, signal, options)
        if (p !== undefined && profileMatchesFilter(p, filter) && matches.size < limit) matches.set(id, p)
        if (matches.size >= limit) done.abort()
      } catch (err) {
        if (!signal.aborted) log.error('reading profile of %s failed - %e', id, err)
      }
      slowestFetchMs = Math.max(slowestFetchMs, Date.now() - t0)
    }
  }
  const enqueue = (id: string): void => {
    if (seen.has(id)) return
    seen.add(id)
    queue.push(id)
    if (workers.size < concurrency) {
      const w: Promise<void> = work().finally(() => workers.delete(w))
      workers.add(w)
    }
  }

  try {
    for await (const ev of c.dht.findProviders(await capabilityKey(tag), { signal })) {
      if (ev.name === 'PROVIDER') for (const p of ev.providers) enqueue(p.id.toString())
      if (matches.size >= limit) break
    }
  } catch (err) {
    if (caller.aborted) throw err
    if (!signal.aborted) log.error('findProviders(%s) failed - %e', tag, err)
  }
  walkMs = Date.now() - started
  while (workers.size > 0) await Promise.all(workers)
  caller.throwIfAborted()
  log('lookup %o', {
    tag,
    candidates: seen.size,
    matches: matches.size,
    walkMs,
    slowestFetchMs,
    totalMs: Date.now() - started,
  })
  return [...matches.values()].sort(byScoreThenId).slice(0, limit)
}
