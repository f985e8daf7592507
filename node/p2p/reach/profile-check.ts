// The relay policy's question "is this a provider?", answered from the DHT: a valid signed
// profile record for the peer (read and verified like any profile lookup, never from the peer).
import { ProfileCache } from '../../discovery/cache.ts'
import { fetchProfile } from '../../discovery/lookup.ts'
import type { ProfileCheck } from './relay-policy.ts'
import type { KadDHT } from '@libp2p/kad-dht'

export function dhtProfileCheck(dht: KadDHT, selfId: string, now: () => number): ProfileCheck {
  const cache = new ProfileCache(256)
  return async (peer, signal) => {
    const profile = await fetchProfile({ dht, cache, now, selfId, ownProfile: () => undefined }, peer, signal, {
      // one valid record is proof enough here; the policy itself asks again while it waits
      quorum: 1,
      missingTtlMs: 0,
      fetchTimeoutMs: 2000,
    })
    return profile !== undefined
  }
}
