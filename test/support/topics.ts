// Who is on a job class's gossip topics, whatever the network's shard count: a provider joins
// only some shards (config jobShards / jobShardsJoined), so "is it subscribed" asks every shard.
import { DEFAULT_SETTINGS } from '../../node/config.ts'
import { classJobTopics } from '../../protocol/topics.ts'
import type { PeerId } from '@libp2p/interface'

interface Subscriptions {
  getSubscribers(topic: string): PeerId[]
}

/** Peers `pubsub` knows on any shard of the class (default shard count) or its unsharded topic. */
export function jobSubscribers(
  pubsub: Subscriptions,
  executor = 'wasm',
  shards: number = DEFAULT_SETTINGS.jobShards,
): PeerId[] {
  const seen = new Map<string, PeerId>()
  for (const topic of classJobTopics(executor, shards))
    for (const p of pubsub.getSubscribers(topic)) seen.set(p.toString(), p)
  return [...seen.values()]
}

interface TopicView extends Subscriptions {
  getTopics(): string[]
}

/** A peer as the gossip layer sees it: its id and its pubsub service. */
export interface GossipPeer {
  peerId: PeerId
  services: { pubsub: TopicView }
}

/**
 * Whether `viewer` has heard every subscription `of` holds: after a connection, each side sends
 * its topics once; a message published before they arrive does not reach that peer (publishing
 * goes to the subscribers one knows). Check it both ways where both sides publish.
 */
export function knowsSubscriptions(viewer: GossipPeer, of: GossipPeer): boolean {
  return of.services.pubsub
    .getTopics()
    .every((t) => viewer.services.pubsub.getSubscribers(t).some((p) => p.equals(of.peerId)))
}

/** Both ways between `hub` and each of `peers`: their subscription exchanges are complete. */
export function subscriptionsExchanged(hub: GossipPeer, peers: GossipPeer[]): boolean {
  return peers.every((p) => knowsSubscriptions(hub, p) && knowsSubscriptions(p, hub))
}
