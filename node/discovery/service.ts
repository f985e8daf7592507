// Discovery as a node service: this node's signed profile in the DHT and on the profiles topic
// (if it is a provider), and lookups of other providers, answered from the local view that
// announcements keep current, with the DHT for a node that has not heard every provider yet.
// Built by `discoveryService()` (node/create.ts adds one when the caller names none).
import { logger } from '../log/logger.ts'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { pushProfile, serveProfilePush } from './profile-push.ts'
import { MAX_EXCHANGED_PROFILES, MAX_PEER_RECORD_BYTES, ProfileExchange } from './profile-exchange.ts'
import type { ListedProfile, ProfileExchangeInit } from './profile-exchange.ts'
import type { OutcomeCounters } from '../p2p/reqresp/index.ts'
import type { Multiaddr } from '@multiformats/multiaddr'
import { ProfileAnnouncer } from './announce.ts'
import { ProfileCache } from './cache.ts'
import { byScoreThenId, findProviderProfiles } from './lookup.ts'
import type { LookupOptions } from './lookup.ts'
import { ProfilePublisher } from './publisher.ts'
import type { ProfileOffer, PublishResult } from './publisher.ts'
import type { GossipOutcome } from '../market/gossip.ts'
import type { HiveComponents, ServiceFactory } from '../service.ts'
import { profileMatchesFilter } from '../../protocol/capabilities.ts'
import type { CapabilityFilter } from '../../protocol/capabilities.ts'
import type { HardwareProfile } from '../../protocol/profile.ts'
import type { LiveProvider } from '../../protocol/market/lottery.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'

const log = logger('hive:discovery')

/** key in the store's `profile` sublevel holding this node's last published signed profile */
export const PUBLISHED_PROFILE_KEY = 'published'
/** how long liveProviders() may answer from its memo while the view is unchanged */
const LIVE_MEMO_MS = 1_000

/**
 * Where a lookup looks: 'view' only the local view (instant; complete once the node has heard a
 * full round of announcements), 'dht' a DHT walk (also fills the view), 'auto' the view once it is
 * warm or already holds `limit` matches, otherwise both.
 */
export type LookupSource = 'auto' | 'view' | 'dht'

export interface FindOptions extends LookupOptions {
  source?: LookupSource
}

export interface DiscoveryComponents {
  peerId: PeerId
  privateKey: PrivateKey
  dht: KadDHT
  pubsub: GossipSub
  /** serves and sends profile pushes (profile-push.ts) and lists of known providers (profile-exchange.ts) */
  libp2p: ProfileExchangeInit['libp2p']
  counters?: OutcomeCounters
}

export interface DiscoveryInit {
  /** what this node offers; its profile is signed either way, published only when `publish` */
  offer: ProfileOffer
  publish: boolean
  now?: () => number
  republishFraction?: number
  lookupDefaults?: Omit<LookupOptions, 'signal'>
  /**
   * after this long running, the view holds every provider that announces (each re-announces at
   * least this often) and 'auto' lookups stop walking the DHT. Default: the offer's re-publish
   * interval (profile lifetime × republishFraction), which is every default peer's interval.
   */
  warmAfterMs?: number
  /** most profiles the view keeps (default 4096) */
  viewSize?: number
  onPublished?: (result: PublishResult) => void
  /** every verdict on the profiles topic */
  onAnnouncement?: (outcome: GossipOutcome, code: string | undefined) => void
  /** a profile was taken into the view (from an announcement) */
  onProfile?: (profile: HardwareProfile) => void
  /** the addresses this node's profile carries (publisher.ts `addrs`) */
  addrs?: () => string[]
  /** calls `changed` whenever this node's addresses may have changed; returns the unsubscribe */
  watchAddrs?: (changed: () => void) => () => void
  /** found providers' profile addresses, for the dialer (issue 13: a private provider's circuit addresses) */
  onAddrs?: (peer: string, addrs: string[]) => void
}

export class DiscoveryService {
  readonly name = 'discovery'
  private readonly publisher: ProfilePublisher
  private readonly cache: ProfileCache
  private readonly announcer: ProfileAnnouncer
  private readonly exchange: ProfileExchange
  private readonly components: DiscoveryComponents
  private readonly init: DiscoveryInit
  private readonly _now: () => number
  private running = false
  private startedAt = 0
  private unwatch: (() => void) | undefined
  private unserve: (() => Promise<void>) | undefined
  /** liveProviders() per executor, kept while the view is unchanged (asked once per job per node) */
  private readonly live = new Map<string, { at: number; version: number; providers: LiveProvider[] }>()

  constructor(components: DiscoveryComponents, init: DiscoveryInit) {
    this.components = components
    this.init = init
    this._now = init.now ?? Date.now
    this.cache = new ProfileCache(init.viewSize ?? 4096)
    this.publisher = new ProfilePublisher({
      dht: components.dht,
      privateKey: components.privateKey,
      peerId: components.peerId.toString(),
      offer: init.offer,
      now: this._now,
      ...(init.republishFraction !== undefined ? { republishFraction: init.republishFraction } : {}),
      ...(init.addrs !== undefined ? { addrs: init.addrs } : {}),
      onPublished: (result) => {
        // every round signs a fresh profile: announce it too, so views never hold one about to expire
        if (this.running) this.announcer.announce(result.record)
        init.onPublished?.(result)
      },
    })
    this.announcer = new ProfileAnnouncer({
      pubsub: components.pubsub,
      cache: this.cache,
      now: this._now,
      selfId: components.peerId.toString(),
      push: async (peer, record) =>
        await pushProfile({ libp2p: components.libp2p }, peer, record, AbortSignal.timeout(4_000)),
      ...(init.onAnnouncement !== undefined ? { onOutcome: init.onAnnouncement } : {}),
      // a profile heard by announcement carries the provider's own signed circuit addresses too:
      // remember them as a lookup does, or a push to a NATed provider has no address to dial
      onProfile: (profile) => {
        if (profile.addrs !== undefined) init.onAddrs?.(profile.peerId, profile.addrs)
        init.onProfile?.(profile)
      },
    })
    this.exchange = new ProfileExchange({
      libp2p: components.libp2p,
      ...(components.counters !== undefined ? { counters: components.counters } : {}),
      serve: async (executor) => await this.listed(executor),
      take: async (record) => await this.announcer.takeListed(record),
      cold: () => !this.warm,
    })
  }

  /** What this node lists to a peer that asks (profile-exchange.ts): its own profile first, then the freshest. */
  private async listed(executor: string): Promise<ListedProfile[]> {
    const now = this._now()
    const filter = executor === '' ? {} : { executor }
    const own = this.init.publish ? this.publisher.current : undefined
    const found: Array<{ peerId: string; record: Uint8Array }> = []
    if (own !== undefined && own.profile.expiresAt > now && profileMatchesFilter(own.profile, filter))
      found.push({ peerId: own.profile.peerId, record: own.record })
    for (const p of this.cache.matching(filter, now).sort((a, b) => b.issuedAt - a.issuedAt)) {
      if (found.length >= MAX_EXCHANGED_PROFILES) break
      const record = this.cache.recordOf(p)
      if (record !== undefined) found.push({ peerId: p.peerId, record })
    }
    const { peerStore } = this.components.libp2p
    return await Promise.all(
      found.map(async ({ peerId, record }) => {
        const peer = await peerStore.get(peerIdFromString(peerId)).catch(() => undefined)
        const peerRecord = peer?.peerRecordEnvelope
        return peerRecord !== undefined && peerRecord.byteLength <= MAX_PEER_RECORD_BYTES
          ? { record, peerRecord }
          : { record }
      }),
    )
  }

  /** Signs the own profile so ownProfile() answers before start (idempotent). */
  async prepare(): Promise<void> {
    if (this.publisher.current === undefined) await this.publisher.sign()
  }

  async start(): Promise<void> {
    if (this.running) return
    this.running = true
    this.startedAt = this._now()
    await this.prepare()
    const { libp2p, counters } = this.components
    this.unserve = await serveProfilePush(
      { libp2p, ...(counters !== undefined ? { counters } : {}) },
      async (record, from) => await this.announcer.takePushed(record, from),
    )
    this.announcer.start()
    await this.exchange.start()
    if (this.init.publish) {
      // a fresh signature: the one made at prepare may be minutes old (a slow chain start)
      const { record } = await this.publisher.sign()
      this.announcer.announce(record)
      this.publisher.start()
      this.unwatch = this.init.watchAddrs?.(() => {
        this.addressesChanged()
      })
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return
    this.running = false
    this.unwatch?.()
    this.unwatch = undefined
    this.announcer.stop()
    await this.exchange.stop()
    await this.unserve?.()
    this.unserve = undefined
    await this.publisher.stop()
    this.cache.clear()
  }

  /**
   * The node's addresses may have changed: re-publish now if the profile's would (publisher.ts),
   * and announce the re-signed profile on the topic at once. A NATed provider's circuit address
   * comes a second or two after start, while its first DHT round (profile and every capability
   * key) may run for ten more: requesters that heard the first announcement (no address) dialled
   * its LAN address and lost their pushes (issue 13's both-nat run lost 3 of 5 jobs this way).
   */
  addressesChanged(): void {
    if (!this.running || !this.init.publish) return
    this.publisher.addressesChanged()
    this.publisher
      .signIfAddressesChanged()
      .then((signed) => {
        if (signed !== undefined && this.running) this.announcer.announce(signed.record)
      })
      .catch((err: unknown) => {
        log.error('re-signing the profile for new addresses failed - %e', err)
      })
  }

  /** This node's most recently signed profile (undefined before start). */
  ownProfile(): HardwareProfile | undefined {
    return this.publisher.current?.profile
  }

  /** Resolves once the profile and capability keys reached at least one peer each. */
  async whenPublished(signal?: AbortSignal): Promise<PublishResult> {
    return await this.publisher.whenPublished(signal)
  }

  /** How many announcements ended each way (accepted, ignored, rejected, dropped, overloaded). */
  announcementStats(): ReturnType<ProfileAnnouncer['stats']> {
    return this.announcer.stats()
  }

  /** Peers asked for the providers they know, records received and taken (profile-exchange.ts). */
  exchangeStats(): ReturnType<ProfileExchange['stats']> {
    return this.exchange.stats()
  }

  /** Profile pushes sent to peers that joined the topic, and pushed records accepted and ignored. */
  pushStats(): ReturnType<ProfileAnnouncer['pushStats']> {
    return this.announcer.pushStats()
  }

  /** The view is warm: it has been listening for a full announcement round. */
  get warm(): boolean {
    const warmAfter = this.init.warmAfterMs ?? this.init.offer.ttlMs * (this.init.republishFraction ?? 0.5)
    return this.running && this._now() - this.startedAt >= warmAfter
  }

  /**
   * The market's view of who is live (node/market/ports.ts MarketProviderView): other peers whose
   * unexpired verified profile offers `executor`, with the owner each names. Recomputed when the
   * view changes, and at least every LIVE_MEMO_MS so that expired profiles drop out.
   */
  liveProviders(executor: string): LiveProvider[] {
    const now = this._now()
    const memo = this.live.get(executor)
    if (memo !== undefined && memo.version === this.cache.version && now - memo.at < LIVE_MEMO_MS) return memo.providers
    const providers = this.cache
      .matching({ executor }, now)
      .map((p) => ({ provider: p.peerId, ...(p.ethAddress !== undefined ? { owner: p.ethAddress } : {}) }))
    // matching() may have dropped expired entries (a version bump): read the version after it
    this.live.set(executor, { at: now, version: this.cache.version, providers })
    return providers
  }

  /** Verified profiles of providers matching the filter (this node included if it matches), best first. */
  async findProviders(filter: CapabilityFilter, options: FindOptions = {}): Promise<HardwareProfile[]> {
    const found = await this.lookup(filter, options)
    const onAddrs = this.init.onAddrs
    if (onAddrs !== undefined) for (const p of found) if (p.addrs !== undefined) onAddrs(p.peerId, p.addrs)
    return found
  }

  private async lookup(filter: CapabilityFilter, options: FindOptions): Promise<HardwareProfile[]> {
    const { source = 'auto', ...lookup } = { ...this.init.lookupDefaults, ...options }
    const limit = lookup.limit ?? 20
    const fromView = (): HardwareProfile[] => {
      const own = this.init.publish ? this.ownProfile() : undefined
      const found = this.cache.matching(filter, this._now())
      if (own !== undefined && own.expiresAt > this._now() && profileMatchesFilter(own, filter)) found.push(own)
      return found.sort(byScoreThenId).slice(0, limit)
    }
    let inView = fromView()
    if (source === 'view' || (source === 'auto' && (this.warm || inView.length >= limit))) return inView
    if (source === 'auto') {
      // a cold view: the peers we are connected to may know providers that no announcement has
      // brought us (a newcomer; profile-exchange.ts), within a bound of its own if the caller set none
      await this.exchange.askConnected(filter.executor ?? '', lookup.signal ?? AbortSignal.timeout(2_000))
      inView = fromView()
    }
    let walked: HardwareProfile[]
    try {
      walked = await findProviderProfiles(
        {
          dht: this.components.dht,
          cache: this.cache,
          now: this._now,
          selfId: this.components.peerId.toString(),
          ownProfile: () => (this.init.publish ? this.ownProfile() : undefined),
        },
        filter,
        lookup,
      )
    } catch (err) {
      // a caller with a tight bound (the market picks push targets within 500 ms of a job's bid
      // window) still gets what the view holds: a walk slowed down by departed providers' records
      // used to leave it with nothing, and a job with no push and no gossip path got no bids
      const view = fromView()
      if (source === 'auto' && lookup.signal?.aborted === true && view.length > 0) {
        log('lookup cut short by its caller: answering from the view %o', { inView: view.length })
        return view
      }
      throw err
    }
    if (source === 'dht') return walked
    // what the walk found is in the view now, and so is whatever was announced meanwhile
    const merged = new Map(fromView().map((p) => [p.peerId, p]))
    for (const p of walked) if (!merged.has(p.peerId)) merged.set(p.peerId, p)
    log('lookup %o', { source, inView: inView.length, walked: walked.length, merged: merged.size })
    return [...merged.values()].sort(byScoreThenId).slice(0, limit)
  }
}

export interface DiscoveryServiceInit {
  republishFraction?: number
  lookupDefaults?: DiscoveryInit['lookupDefaults']
  warmAfterMs?: number
  viewSize?: number
  onAnnouncement?: DiscoveryInit['onAnnouncement']
  onProfile?: DiscoveryInit['onProfile']
}

/** Adds a found provider's profile addresses to the peer store (what the dialer reads). */
function rememberAddrs(libp2p: HiveComponents['libp2p'], peer: string, addrs: string[]): void {
  let id: PeerId
  let multiaddrs: Multiaddr[]
  try {
    id = peerIdFromString(peer)
    multiaddrs = addrs.map((a) => multiaddr(a))
  } catch {
    return
  }
  if (id.equals(libp2p.peerId)) return
  libp2p.peerStore.merge(id, { multiaddrs }).catch((err: unknown) => {
    log.error('remembering %s addresses failed - %e', peer, err)
  })
}

/** The discovery service factory: every node has one (node/create.ts adds it when not named). */
export function discoveryService(init: DiscoveryServiceInit = {}): ServiceFactory<DiscoveryService> {
  return {
    create: async (components: HiveComponents) => {
      const { config, store, events, libp2p } = components
      const now = components.now
      const service = new DiscoveryService(
        {
          peerId: components.peerId,
          privateKey: components.privateKey,
          dht: libp2p.services.dht,
          pubsub: libp2p.services.pubsub,
          libp2p,
          ...(components.counters !== undefined ? { counters: components.counters } : {}),
        },
        {
          offer: {
            hardware: components.hardware,
            executors: config.executors,
            prices: config.prices,
            ttlMs: config.profileTtlMs,
            ...components.eth,
          },
          publish: config.roles.includes('provider'),
          now,
          // issue 13: a private provider's circuit addresses travel in its signed profile, so a
          // requester that finds it in the DHT can dial it without having met it or its relay
          addrs: () =>
            libp2p
              .getMultiaddrs()
              .filter((a) => a.toString().includes('/p2p-circuit'))
              .map((a) => a.toString()),
          watchAddrs: (changed) => {
            libp2p.addEventListener('self:peer:update', changed)
            return () => {
              libp2p.removeEventListener('self:peer:update', changed)
            }
          },
          onAddrs: (peer, addrs) => {
            rememberAddrs(libp2p, peer, addrs)
          },
          ...init,
          onPublished: (r) => {
            // the last published record, for tools that read the data dir without a running node.
            // The event follows the write, so whoever hears it can read the record from the store;
            // a failed write is logged and the event still goes out (the record is in the DHT).
            store.profile
              .put(PUBLISHED_PROFILE_KEY, r.record)
              .catch((err: unknown) => {
                log.error('saving the published profile failed - %e', err)
              })
              .finally(() => {
                events.emit({ type: 'profile:published', at: now(), expiresAt: r.profile.expiresAt })
              })
          },
        },
      )
      await service.prepare()
      return service
    },
  }
}
