// A requester joins the job topics it publishes on (issue 16, sybil flood). Publishing without
// joining, it never validated what peers sent there, so gossipsub never scored them: peers
// flooding the topics with garbage kept a score of 0 at the requester, stayed connected and kept
// receiving every job it posted. Joined, the requester validates each message like a provider
// (job requests only, cheapest checks first: size and shape before the signature) and handles
// none: an invalid message costs its sender score (REJECT), a peer below the graylist threshold
// is hung up on (node/p2p/graylist.ts), and valid jobs of others are relayed as any mesh member
// would.
import { SeenCache } from '../../protocol/market/seen-cache.ts'
import { validateJobRequest } from '../../protocol/market/validate-job.ts'
import { classJobTopics } from '../../protocol/topics.ts'
import { TopicSubscription } from './gossip.ts'
import type { GossipOutcome } from './gossip.ts'
import type { ValidJobRequest } from '../../protocol/market/validate-job.ts'
import type { GossipSub } from '@libp2p/gossipsub'

export interface JobTopicWatchInit {
  pubsub: GossipSub
  /** job classes (executors) whose topics to join */
  executors: string[]
  /** the network's shards per job class */
  shards: number
  /** topics left out: those a provider on this node already joins with its own validator */
  except?: string[]
  now?: () => number
  onOutcome?: (outcome: GossipOutcome, code: string | undefined, topic: string) => void
}

/** The topics to watch: every job topic of the classes, minus those already joined. */
export function watchedJobTopics(init: Pick<JobTopicWatchInit, 'executors' | 'shards' | 'except'>): string[] {
  const except = new Set(init.except ?? [])
  return init.executors.flatMap((e) => classJobTopics(e, init.shards)).filter((t) => !except.has(t))
}

/** A subscription to the job topics that validates and handles nothing else (start()/stop()). */
export function jobTopicWatch(init: JobTopicWatchInit): TopicSubscription<ValidJobRequest> | undefined {
  const topics = watchedJobTopics(init)
  if (topics.length === 0) return undefined
  const now = init.now ?? Date.now
  // replays within the bid window are IGNOREd, as at a provider; bounded like the providers' caches
  const seen = new SeenCache({ capacity: 20_000, ttlMs: 10 * 60_000 })
  return new TopicSubscription<ValidJobRequest>({
    pubsub: init.pubsub,
    topics,
    validate: async (bytes) => await validateJobRequest(bytes, { now: now(), seen }),
    handle: async () => {},
    ...(init.onOutcome !== undefined ? { onOutcome: init.onOutcome } : {}),
  })
}
