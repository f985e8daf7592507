// Gossip topics with validation (Lodestar's pattern): the topic validator decodes and checks
// every message and maps the error's verdict to gossipsub's result, so that peers sending
// invalid messages lose score (REJECT) while stale or duplicate ones cost nothing (IGNORE).
//
// What reaches the validator is already deduplicated: message ids are the hash of the bytes
// (node/p2p/create.ts: StrictNoSign, protocol/topics.ts gossipMessageId), so gossipsub's seen
// cache drops every further copy of a message, whoever relays it, before any decoding.
//
// Two bounds keep a flood from costing more than it must:
// - validations in flight (decode + signature check) per subscription: beyond `maxValidating`
//   a message is IGNOREd unread and counted as 'overloaded' (no penalty: an honest burst looks
//   the same; it is neither forwarded nor decoded);
// - accepted messages waiting for the handler: beyond `maxQueue` a valid message is IGNOREd and
//   counted as 'dropped' (we don't forward what we cannot process either).
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { logger } from '../log/logger.ts'
import { gossipVerdict, isMarketValidationError } from '../../protocol/market/errors.ts'
import { clearingShardTopic, jobShard, jobShardTopic, providerShards } from '../../protocol/topics.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'

const log = logger('hive:market:gossip')

export type GossipOutcome = 'accept' | 'ignore' | 'reject' | 'dropped' | 'overloaded'

/** What a validator's error means for the sender: its code and whether to penalise (reject). */
export type GossipVerdictOf = (err: unknown) => { verdict: 'ignore' | 'reject'; code: string }

/** The market's verdicts (protocol/market/errors.ts); anything else is our own bug, IGNOREd. */
export const marketVerdict: GossipVerdictOf = (err) => {
  const verdict = gossipVerdict(err)
  return { verdict, code: isMarketValidationError(err) ? err.code : 'INTERNAL_ERROR' }
}

export interface TopicSubscriptionInit<T> {
  pubsub: GossipSub
  /** the topic; `topics` instead for several topics with one validator and handler (shards) */
  topic?: string
  topics?: string[]
  /** decode + validate; throws an error `verdictOf` maps (default: a MarketValidationError) */
  validate: (bytes: Uint8Array, from: PeerId) => Promise<T>
  handle: (message: T, from: PeerId) => Promise<void>
  verdictOf?: GossipVerdictOf
  /** accepted messages waiting for the handler; beyond this new ones are dropped (default 256) */
  maxQueue?: number
  /** handlers running at once (default 8) */
  concurrency?: number
  /** validations in flight; beyond this new messages are ignored unread (default 64) */
  maxValidating?: number
  /** every verdict, with the error code of an ignore/reject and the topic (metrics, tests) */
  onOutcome?: (outcome: GossipOutcome, code: string | undefined, topic: string) => void
}

export class TopicSubscription<T> {
  private readonly init: TopicSubscriptionInit<T>
  private readonly topics: string[]
  private readonly queue: Array<{ message: T; from: PeerId }> = []
  private readonly counts: Record<GossipOutcome, number> = {
    accept: 0,
    ignore: 0,
    reject: 0,
    dropped: 0,
    overloaded: 0,
  }
  private running = 0
  private validating = 0
  private started = false

  constructor(init: TopicSubscriptionInit<T>) {
    this.init = init
    this.topics = [...new Set([...(init.topic !== undefined ? [init.topic] : []), ...(init.topics ?? [])])]
    if (this.topics.length === 0) throw new TypeError('a topic subscription needs at least one topic')
  }

  /** How many messages ended each way since start (counters for metrics and tests). */
  stats(): Readonly<Record<GossipOutcome, number>> {
    return { ...this.counts }
  }

  start(): void {
    if (this.started) return
    const { pubsub } = this.init
    for (const topic of this.topics) {
      pubsub.topicValidators.set(topic, async (from, msg) => await this.validate(topic, from, msg.data))
      pubsub.subscribe(topic)
    }
    this.started = true
  }

  stop(): void {
    if (!this.started) return
    for (const topic of this.topics) {
      this.init.pubsub.topicValidators.delete(topic)
      this.init.pubsub.unsubscribe(topic)
    }
    this.queue.length = 0
    this.started = false
  }

  private outcome(outcome: GossipOutcome, code: string | undefined, topic: string): void {
    this.counts[outcome]++
    this.init.onOutcome?.(outcome, code, topic)
  }

  private async validate(topic: string, from: PeerId, data: Uint8Array): Promise<TopicValidatorResult> {
    if (this.validating >= (this.init.maxValidating ?? 64)) {
      this.outcome('overloaded', undefined, topic)
      return TopicValidatorResult.Ignore
    }
    let message: T
    this.validating++
    try {
      message = await this.init.validate(data, from)
    } catch (err) {
      // the verdict is fixed per error code by the protocol; anything else is our own bug
      const { verdict, code } = (this.init.verdictOf ?? marketVerdict)(err)
      this.outcome(verdict, code, topic)
      if (verdict === 'reject') log('rejecting %s message from %s: %s', topic, from.toString(), code)
      if (code === 'INTERNAL_ERROR') log.error('validator for %s failed: %s', topic, (err as Error).message)
      return verdict === 'reject' ? TopicValidatorResult.Reject : TopicValidatorResult.Ignore
    } finally {
      this.validating--
    }
    if (this.queue.length >= (this.init.maxQueue ?? 256)) {
      // valid but we cannot keep up: don't forward what we cannot process either
      this.outcome('dropped', undefined, topic)
      return TopicValidatorResult.Ignore
    }
    this.outcome('accept', undefined, topic)
    this.queue.push({ message, from })
    this.drain()
    return TopicValidatorResult.Accept
  }

  private drain(): void {
    while (this.started && this.running < (this.init.concurrency ?? 8) && this.queue.length > 0) {
      const next = this.queue.shift()
      if (next === undefined) return
      this.running++
      void this.init
        .handle(next.message, next.from)
        .catch((err: Error) => {
          log.error('handler for %s failed: %s', this.topics.join(','), err.message)
        })
        .finally(() => {
          this.running--
          this.drain()
        })
    }
  }
}

/** How a node splits job topics: the network's shard count and how many shards a provider joins. */
export interface JobShards {
  /** shards per job class (config jobShards; 1 = the unsharded topic) */
  shards: number
  /** shards of each class a provider subscribes to (config jobShardsJoined; 0 = all) */
  joined: number
}

const UNSHARDED: JobShards = { shards: 1, joined: 0 }

/** The topics a provider subscribes to for one executor class. */
export function joinedJobTopics(executor: string, peerId: string, shards: JobShards = UNSHARDED): string[] {
  return providerShards(peerId, shards.shards, shards.joined).map((s) => jobShardTopic(executor, s, shards.shards))
}

/** The one topic a requester publishes a job to. */
export function jobPublishTopic(executor: string, jobId: string, shards: JobShards = UNSHARDED): string {
  return jobShardTopic(executor, jobShard(jobId, shards.shards), shards.shards)
}

/** The clearing topics a provider subscribes to: those of the shards it joined. */
export function joinedClearingTopics(peerId: string, shards: JobShards = UNSHARDED): string[] {
  return providerShards(peerId, shards.shards, shards.joined).map((s) => clearingShardTopic(s, shards.shards))
}

/** The clearing topic of a job: its job's shard. */
export function clearingPublishTopic(jobId: string, shards: JobShards = UNSHARDED): string {
  return clearingShardTopic(jobShard(jobId, shards.shards), shards.shards)
}
