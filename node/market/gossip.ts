// Gossip topics with validation (Lodestar's pattern): the topic validator decodes and checks
// every message and maps the error's verdict to gossipsub's result, so that peers sending
// invalid messages lose score (REJECT) while stale or duplicate ones cost nothing (IGNORE).
// Accepted messages go to the handler through a bounded queue: a flood costs the sender, not
// our memory.
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { logger } from '@libp2p/logger'
import { gossipVerdict, isMarketValidationError } from '../../protocol/market/errors.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'

const log = logger('hive:market:gossip')

export type GossipOutcome = 'accept' | 'ignore' | 'reject' | 'dropped'

export interface TopicSubscriptionInit<T> {
  pubsub: GossipSub
  topic: string
  /** decode + validate; throws a MarketValidationError carrying the verdict */
  validate: (bytes: Uint8Array, from: PeerId) => Promise<T>
  handle: (message: T, from: PeerId) => Promise<void>
  /** accepted messages waiting for the handler; beyond this new ones are dropped (default 256) */
  maxQueue?: number
  /** handlers running at once (default 8) */
  concurrency?: number
  /** every verdict, with the error code of an ignore/reject and the topic (metrics, tests) */
  onOutcome?: (outcome: GossipOutcome, code: string | undefined, topic: string) => void
}

export class TopicSubscription<T> {
  private readonly init: TopicSubscriptionInit<T>
  private readonly queue: Array<{ message: T, from: PeerId }> = []
  private running = 0
  private started = false

  constructor (init: TopicSubscriptionInit<T>) {
    this.init = init
  }

  start (): void {
    if (this.started) return
    const { pubsub, topic } = this.init
    pubsub.topicValidators.set(topic, async (from, msg) => await this.validate(from, msg.data))
    pubsub.subscribe(topic)
    this.started = true
  }

  stop (): void {
    if (!this.started) return
    this.init.pubsub.topicValidators.delete(this.init.topic)
    this.init.pubsub.unsubscribe(this.init.topic)
    this.queue.length = 0
    this.started = false
  }

  private async validate (from: PeerId, data: Uint8Array): Promise<TopicValidatorResult> {
    let message: T
    try {
      message = await this.init.validate(data, from)
    } catch (err) {
      // the verdict is fixed per error code by the protocol; anything else is our own bug
      const verdict = gossipVerdict(err)
      const code = isMarketValidationError(err) ? err.code : 'INTERNAL_ERROR'
      this.init.onOutcome?.(verdict, code, this.init.topic)
      if (verdict === 'reject') log('rejecting %s message from %s: %s', this.init.topic, from.toString(), code)
      if (code === 'INTERNAL_ERROR') log.error('validator for %s failed: %s', this.init.topic, (err as Error).message)
      return verdict === 'reject' ? TopicValidatorResult.Reject : TopicValidatorResult.Ignore
    }
    if (this.queue.length >= (this.init.maxQueue ?? 256)) {
      // valid but we cannot keep up: don't forward what we cannot process either
      this.init.onOutcome?.('dropped', undefined, this.init.topic)
      return TopicValidatorResult.Ignore
    }
    this.init.onOutcome?.('accept', undefined, this.init.topic)
    this.queue.push({ message, from })
    this.drain()
    return TopicValidatorResult.Accept
  }

  private drain (): void {
    while (this.started && this.running < (this.init.concurrency ?? 8) && this.queue.length > 0) {
      const next = this.queue.shift()
      if (next === undefined) return
      this.running++
      void this.init.handle(next.message, next.from)
        .catch((err: Error) => { log.error('handler for %s failed: %s', this.init.topic, err.message) })
        .finally(() => { this.running--; this.drain() })
    }
  }
}
