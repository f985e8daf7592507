// Discovery: this node's profile in the DHT (if it is a provider) and lookups of others'.
import { ProfileCache } from './cache.ts'
import { findProviderProfiles } from './lookup.ts'
import type { LookupOptions } from './lookup.ts'
import { ProfilePublisher } from './publisher.ts'
import type { ProfileOffer, PublishResult } from './publisher.ts'
import type { CapabilityFilter } from '../../protocol/capabilities.ts'
import type { HardwareProfile } from '../../protocol/profile.ts'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'

export { profileToView } from './view.ts'
export type { LookupOptions } from './lookup.ts'
export type { ProfileOffer, PublishResult } from './publisher.ts'

export interface DiscoveryComponents {
  peerId: PeerId
  privateKey: PrivateKey
  dht: KadDHT
}

export interface DiscoveryInit {
  /** what this node offers; its profile is signed either way, published only when `publish` */
  offer: ProfileOffer
  publish: boolean
  now?: () => number
  republishFraction?: number
  lookupDefaults?: Omit<LookupOptions, 'signal'>
  onPublished?: (result: PublishResult) => void
}

export class DiscoveryService {
  readonly name = 'discovery'
  readonly #publisher: ProfilePublisher
  readonly #cache = new ProfileCache()
  readonly #components: DiscoveryComponents
  readonly #init: DiscoveryInit
  readonly #now: () => number
  #running = false

  constructor (components: DiscoveryComponents, init: DiscoveryInit) {
    this.#components = components
    this.#init = init
    this.#now = init.now ?? Date.now
    this.#publisher = new ProfilePublisher({
      dht: components.dht,
      privateKey: components.privateKey,
      peerId: components.peerId.toString(),
      offer: init.offer,
      now: this.#now,
      ...(init.republishFraction !== undefined ? { republishFraction: init.republishFraction } : {}),
      ...(init.onPublished !== undefined ? { onPublished: init.onPublished } : {}),
    })
  }

  /** Signs the own profile so ownProfile() answers before start (idempotent). */
  async prepare (): Promise<void> {
    if (this.#publisher.current === undefined) await this.#publisher.sign()
  }

  async start (): Promise<void> {
    if (this.#running) return
    this.#running = true
    await this.prepare()
    if (this.#init.publish) this.#publisher.start()
  }

  async stop (): Promise<void> {
    if (!this.#running) return
    this.#running = false
    await this.#publisher.stop()
    this.#cache.clear()
  }

  /** This node's most recently signed profile (undefined before start). */
  ownProfile (): HardwareProfile | undefined {
    return this.#publisher.current?.profile
  }

  /** Resolves once the profile and capability keys reached at least one peer each. */
  async whenPublished (signal?: AbortSignal): Promise<PublishResult> {
    return await this.#publisher.whenPublished(signal)
  }

  /** Verified profiles of providers matching the filter (this node included if it matches). */
  async findProviders (filter: CapabilityFilter, options: LookupOptions = {}): Promise<HardwareProfile[]> {
    return await findProviderProfiles({
      dht: this.#components.dht,
      cache: this.#cache,
      now: this.#now,
      selfId: this.#components.peerId.toString(),
      ownProfile: () => (this.#init.publish ? this.ownProfile() : undefined),
    }, filter, { ...this.#init.lookupDefaults, ...options })
  }
}
