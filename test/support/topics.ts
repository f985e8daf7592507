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
