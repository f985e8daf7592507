// Profile announcements: every node listens on the low-rate profiles topic and puts each verified
// profile it hears into its local view (cache.ts); a provider announces its signed profile when
// it starts (as soon as one peer on the topic can hear it) and each time it re-signs it. Peers
// already running then see a new provider within a gossip hop or two, where a DHT lookup walks
// the network and reads the profile from its K closest peers. The DHT stays the source for a
// node that just joined (it has heard nobody yet) and for lookups its view cannot answer.
// Gossip has no memory, so a peer that joins the topic after our announcement would not hear of
// us until we re-sign (every TTL/2): when a peer we are connected to subscribes, we send it our
// current record directly (/hive/profile/1.0.0, profile-push.ts), to it alone. (Re-announcing on
// the topic for each joiner made every join cost every node a validation per provider.)
//
// The record on the topic is the same signed record as in the DHT, so a relay can neither forge
// nor alter one; the message id is the hash of its bytes (node/p2p/create.ts), so a copy dies in
// gossipsub's seen cache. A replayed older profile of a peer is IGNOREd (no penalty: relays
// deliver late copies honestly); an invalid one is REJECTed, costing its sender score.
import { logger } from '../log/logger.ts'
import { ReqRespError } from '../p2p/reqresp/errors.ts'
import { verifyProfile } from '../../protocol/profile-signing.ts'
import { PROFILES_TOPIC } from '../../protocol/topics.ts'
import { TopicSubscription } from '../market/gossip.ts'
import type { GossipOutcome, GossipVerdictOf } from '../market/gossip.ts'
import type { ProfileCache } from './cache.ts'
import type { HardwareProfile } from '../../protocol/profile.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'

/** gossipsub's 'subscription-change' detail (the parts read here) */
interface SubscriptionChange {
  peerId?: PeerId
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
  /** sends our current record to one peer that joined the topic after we announced it (profile-push.ts) */
  push?: (peer: PeerId, record: Uint8Array) => Promise<void>
}

export class ProfileAnnouncer {
  private readonly init: AnnouncerInit
  private readonly subscription: TopicSubscription<HardwareProfile>
  /** the record to announce and whether it has reached a peer yet */
  private pending: Uint8Array | undefined
  private started = false
  /** this node's own record last announced (a provider): a peer that joins the topic gets it pushed */
  private current: Uint8Array | undefined
  private readonly pushCounts = { sent: 0, accepted: 0, ignored: 0 }
  private readonly onSubscriptionChange = (e: CustomEvent<SubscriptionChange>): void => {
    void this.flush()
    const joined = e.detail?.subscriptions?.some((s) => s.topic === PROFILES_TOPIC && s.subscribe)
    if (joined === true && e.detail.peerId !== undefined) this.pushTo(e.detail.peerId)
  }

  constructor(init: AnnouncerInit) {
    this.init = init
    this.subscription = new TopicSubscription<HardwareProfile>({
      pubsub: init.pubsub,
      topic: PROFILES_TOPIC,
      validate: async (bytes) => await this.check(bytes),
      handle: async (profile) => {
        this.take(profile)
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

  /** A signed profile, verified, and newer than the one the view holds (else StaleProfile). */
  private async check(bytes: Uint8Array): Promise<HardwareProfile> {
    const now = this.init.now()
    const profile = await verifyProfile(bytes, { now })
    this.init.cache.noteRecord(profile, bytes)
    if (this.init.cache.hasNewer(profile.peerId, profile.issuedAt, now))
      throw new StaleProfile('an equal or newer profile of this peer is known')
    return profile
  }

  private take(profile: HardwareProfile): boolean {
    if (profile.peerId === this.init.selfId) return false
    if (!this.init.cache.set(profile, this.init.now())) return false
    this.init.onProfile?.(profile)
    return true
  }

  /**
   * A record a peer listed for us (profile-exchange.ts): any provider's, checked as one heard on
   * the topic; the profile when it was taken (valid, and newer than the one held).
   */
  async takeListed(record: Uint8Array): Promise<HardwareProfile | undefined> {
    try {
      const profile = await this.check(record)
      return this.take(profile) ? profile : undefined
    } catch {
      return undefined
    }
  }

  /**
   * A record pushed to us (profile-push.ts): taken only when it is the sender's own profile and
   * passes the topic's checks; a stale one is dropped quietly, a foreign or invalid one refused.
   */
  async takePushed(record: Uint8Array, from: PeerId): Promise<void> {
    let profile: HardwareProfile
    try {
      profile = await this.check(record)
    } catch (err) {
      if (err instanceof StaleProfile || IGNORED.has(String((err as { code?: unknown }).code))) {
        this.pushCounts.ignored++
        return
      }
      throw new ReqRespError('INVALID_REQUEST', `pushed profile refused: ${(err as Error).message}`)
    }
    if (profile.peerId !== from.toString())
      throw new ReqRespError('INVALID_REQUEST', "a pushed profile must be the sender's own")
    this.pushCounts.accepted++
    this.take(profile)
  }

  /** Pushes sent, and pushed records accepted and ignored (stale), since start. */
  pushStats(): Readonly<{ sent: number; accepted: number; ignored: number }> {
    return { ...this.pushCounts }
  }

  private pushTo(peer: PeerId): void {
    const { push } = this.init
    const record = this.current
    if (!this.started || push === undefined || record === undefined) return
    this.pushCounts.sent++
    push(peer, record).catch((err: unknown) => {
      log('pushing our profile to %s failed: %s', peer.toString(), (err as Error).message)
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
    this.current = undefined
  }

  /**
   * Announces a signed profile record: now if a peer on the topic can hear it, otherwise as soon
   * as one subscribes (a fresh node knows nobody's subscriptions for its first few ms).
   */
  announce(record: Uint8Array): void {
    this.current = record
    this.pending = record
    void this.flush()
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
