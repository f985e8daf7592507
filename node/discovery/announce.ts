// Profile announcements: every node listens on the low-rate profiles topic and puts each verified
// profile it hears into its local view (cache.ts); a provider announces its signed profile when
// it starts (as soon as one peer on the topic can hear it) and each time it re-signs it. Peers
// already running then see a new provider within a gossip hop or two, where a DHT lookup walks
// the network and reads the profile from its K closest peers. The DHT stays the source for a
// node that just joined (it has heard nobody yet) and for lookups its view cannot answer.
// Gossip has no memory, so a peer that joins the topic after our announcement would not hear of
// us until we re-sign (every TTL/2): when a peer we are connected to subscribes, we announce a
// freshly signed profile again (a new record: the old one's message id is in the seen caches),
// at most once per `reannounceMinMs` however many join.
//
// The record on the topic is the same signed record as in the DHT, so a relay can neither forge
// nor alter one; the message id is the hash of its bytes (node/p2p/create.ts), so a copy dies in
// gossipsub's seen cache. A replayed older profile of a peer is IGNOREd (no penalty: relays
// deliver late copies honestly); an invalid one is REJECTed, costing its sender score.
import { logger } from '../log/logger.ts'
import { verifyProfile } from '../../protocol/profile-signing.ts'
import { PROFILES_TOPIC } from '../../protocol/topics.ts'
import { TopicSubscription } from '../market/gossip.ts'
import type { GossipOutcome, GossipVerdictOf } from '../market/gossip.ts'
import type { ProfileCache } from './cache.ts'
import type { HardwareProfile } from '../../protocol/profile.ts'
import type { GossipSub } from '@libp2p/gossipsub'

/** gossipsub's 'subscription-change' detail (the parts read here) */
interface SubscriptionChange {
  subscriptions?: Array<{ topic: string; subscribe: boolean }>
}

const log = logger('hive:discovery:announce')

/** Errors that say nothing bad about the sender: time-window problems and stale copies. */
const IGNORED = new Set(['PROFILE_EXPIRED', 'PROFILE_NOT_YET_VALID', 'PROFILE_STALE'])

class StaleProfile extends Error {
  readonly code = 'PROFILE_STALE'
}

const profileVerdict: GossipVerdictOf = (err) => {
  const code = typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'INTERNAL_ERROR'
  return { verdict: IGNORED.has(code) || code === 'INTERNAL_ERROR' ? 'ignore' : 'reject', code }
}

export interface AnnouncerInit {
  pubsub: GossipSub
  cache: ProfileCache
  now: () => number
  /** this node's peer id: its own announcements are not put into its view */
  selfId: string
  /** every verdict on the topic (tests, metrics) */
  onOutcome?: (outcome: GossipOutcome, code: string | undefined) => void
  /** a profile was taken into the view */
  onProfile?: (profile: HardwareProfile) => void
  /** signs a fresh own profile record, for a re-announcement to peers that joined the topic later */
  resign?: () => Promise<Uint8Array>
  /** re-announcements for joining peers at most this often (default 1 s) */
  reannounceMinMs?: number
}

export class ProfileAnnouncer {
  private readonly init: AnnouncerInit
  private readonly subscription: TopicSubscription<HardwareProfile>
  /** the record to announce and whether it has reached a peer yet */
  private pending: Uint8Array | undefined
  private started = false
  /** this node announces a profile of its own (a provider): joining peers get it again */
  private announcing = false
  private lastReannounceAt = -Infinity
  private reannounceTimer: ReturnType<typeof setTimeout> | undefined
  private readonly onSubscriptionChange = (e: CustomEvent<SubscriptionChange>): void => {
    void this.flush()
    const joined = e.detail?.subscriptions?.some((s) => s.topic === PROFILES_TOPIC && s.subscribe)
    if (joined === true) this.reannounceSoon()
  }

  constructor(init: AnnouncerInit) {
    this.init = init
    this.subscription = new TopicSubscription<HardwareProfile>({
      pubsub: init.pubsub,
      topic: PROFILES_TOPIC,
      validate: async (bytes) => {
        const now = init.now()
        const profile = await verifyProfile(bytes, { now })
        if (init.cache.hasNewer(profile.peerId, profile.issuedAt, now))
          throw new StaleProfile('an equal or newer profile of this peer is known')
        return profile
      },
      handle: async (profile) => {
        if (profile.peerId === init.selfId) return
        if (init.cache.set(profile, init.now())) init.onProfile?.(profile)
      },
      verdictOf: profileVerdict,
      // profiles are rare; a burst beyond this is someone else's flood
      maxValidating: 32,
      maxQueue: 1024,
      ...(init.onOutcome !== undefined
        ? { onOutcome: (o: GossipOutcome, code: string | undefined) => init.onOutcome?.(o, code) }
        : {}),
    })
  }

  /** Counters of the profiles topic's verdicts. */
  stats(): ReturnType<TopicSubscription<HardwareProfile>['stats']> {
    return this.subscription.stats()
  }

  start(): void {
    if (this.started) return
    this.started = true
    this.subscription.start()
    this.init.pubsub.addEventListener('subscription-change', this.onSubscriptionChange)
  }

  stop(): void {
    if (!this.started) return
    this.started = false
    this.init.pubsub.removeEventListener('subscription-change', this.onSubscriptionChange)
    this.subscription.stop()
    this.pending = undefined
    clearTimeout(this.reannounceTimer)
    this.reannounceTimer = undefined
  }

  /**
   * Announces a signed profile record: now if a peer on the topic can hear it, otherwise as soon
   * as one subscribes (a fresh node knows nobody's subscriptions for its first few ms).
   */
  announce(record: Uint8Array): void {
    this.announcing = true
    this.pending = record
    void this.flush()
  }

  /** A peer joined the topic: announce a fresh own profile, now or when the rate allows. */
  private reannounceSoon(): void {
    const { resign } = this.init
    if (!this.started || !this.announcing || resign === undefined || this.reannounceTimer !== undefined) return
    const wait = Math.max(0, this.lastReannounceAt + (this.init.reannounceMinMs ?? 1_000) - performance.now())
    this.reannounceTimer = setTimeout(() => {
      this.reannounceTimer = undefined
      if (!this.started) return
      this.lastReannounceAt = performance.now()
      resign().then(
        (record) => {
          if (this.started) this.announce(record)
        },
        (err: unknown) => log.error('re-signing our profile failed - %e', err),
      )
    }, wait)
    this.reannounceTimer.unref?.()
  }

  private async flush(): Promise<void> {
    const record = this.pending
    if (!this.started || record === undefined) return
    const { pubsub } = this.init
    if (pubsub.getSubscribers(PROFILES_TOPIC).length === 0) return
    try {
      const { recipients } = await pubsub.publish(PROFILES_TOPIC, record)
      if (recipients.length > 0 && this.pending === record) this.pending = undefined
      log('announced our profile to %d peers', recipients.length)
    } catch (err) {
      log.error('announcing our profile failed - %e', err)
    }
  }
}
