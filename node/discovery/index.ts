// Discovery: this node's profile in the DHT and on the profiles topic (if it is a provider), and
// lookups of others' from the local view and the DHT. The service is built by its factory.
export { profileToView } from './view.ts'
export { DiscoveryService, discoveryService, PUBLISHED_PROFILE_KEY } from './service.ts'
export type { DiscoveryComponents, DiscoveryInit, DiscoveryServiceInit, FindOptions, LookupSource } from './service.ts'
export type { LookupOptions } from './lookup.ts'
export type { ProfileOffer, PublishResult } from './publisher.ts'
