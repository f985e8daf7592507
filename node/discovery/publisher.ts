// Keeps this provider's signed profile and capability keys in the DHT: publishes on start,
// re-publishes at half the profile's lifetime (so a record is always fresh at the K closest
// peers even when one round fails), and retries with backoff while the network is unreachable.
import { logger } from '../log/logger.ts'
import { bySelectivity, capabilityKey, capabilityTags } from '../../protocol/capabilities.ts'
import { profileKey } from '../../protocol/profile-record.ts'
import { signProfile } from '../../protocol/profile-signing.ts'
import { LIMITS, PROFILE_VERSION } from '../../protocol/profile.ts'
import type { HardwareProfile, ProfileHardware } from '../../protocol/profile.ts'
import type { PrivateKey } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'

const log = logger('hive:discovery:publish')

export interface ProfileOffer {
  hardware: ProfileHardware
  executors: string[]
  prices: Record<string, string>
  ttlMs: number
  ethAddress?: string
  ethBinding?: Uint8Array
}

export interface PublishResult {
  profile: HardwareProfile
  /** the signed record as stored in the DHT */
  record: Uint8Array
  /** peers that acknowledged the profile record */
  putPeers: number
  /** tag -> peers that received our provider record (empty when this round only refreshed the profile) */
  provided: Record<string, number>
  /** the profile reached a peer, and so did every key that was due */
  complete: boolean
}

export interface PublisherInit {
  dht: KadDHT
  privateKey: PrivateKey
  peerId: string
  offer: ProfileOffer
  now: () => number
  /** fraction of the TTL after which to re-publish (default 0.5) */
  republishFraction?: number
  /** one publish round may take this long (default 30 s) */
  roundTimeoutMs?: number
  /**
   * re-provide unchanged capability keys after this long (default 1 h). Re-announcing them every
   * profile round (every TTL/2) would cost a DHT walk per key for little; leaving it to kad-dht's
   * daily reprovider would lose them under churn (half of new IPFS peers leave within 2 h, and
   * a provider record lives only at the K peers that were closest when it was sent).
   */
  reprovideAfterMs?: number
  onPublished?: (result: PublishResult) => void
  /**
   * the addresses to put in each signed profile (a private provider's /p2p-circuit addresses,
   * issue 13); read at every signing. addressesChanged() re-publishes when they change.
   */
  addrs?: () => string[]
}

const sameList = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i])

export class ProfilePublisher {
  private readonly init: PublisherInit
  private _current: { profile: HardwareProfile; record: Uint8Array } | undefined
  /** the addresses in the profile this node last put in the DHT (undefined before the first put) */
  private publishedAddrs: string[] | undefined
  private timer: ReturnType<typeof setTimeout> | undefined
  private stopping = new AbortController()
  private running = false
  private round: Promise<void> | undefined
  private failures = 0
  /** addresses changed while a round was running: run another one right after it */
  private again = false
  private providedTags = new Set<string>()
  private lastProvideAt = 0
  private firstSuccess: { promise: Promise<PublishResult>; resolve: (r: PublishResult) => void }

  constructor(init: PublisherInit) {
    this.init = init
    let resolve!: (r: PublishResult) => void
    const promise = new Promise<PublishResult>((r) => {
      resolve = r
    })
    this.firstSuccess = { promise, resolve }
  }

  /** The profile most recently signed (published or being published). */
  get current(): { profile: HardwareProfile; record: Uint8Array } | undefined {
    return this._current
  }

  /**
   * Signs a fresh profile without publishing it (also what `current` shows before the first round);
   * `current` is always the latest signed profile (its expiry is the latest any peer may hold).
   */
  async sign(): Promise<{ profile: HardwareProfile; record: Uint8Array }> {
    const { offer, now, peerId, privateKey } = this.init
    // strictly after the last one: a view takes a profile only if it is newer than the one it
    // holds, and two signings in one millisecond (an address change right after a round) happen
    const issuedAt = Math.max(now(), (this._current?.profile.issuedAt ?? 0) + 1)
    const addrs = this.addrs()
    const profile: HardwareProfile = {
      version: PROFILE_VERSION,
      peerId,
      ...offer.hardware,
      executors: offer.executors,
      prices: offer.prices,
      ...(offer.ethAddress !== undefined ? { ethAddress: offer.ethAddress } : {}),
      ...(offer.ethBinding !== undefined ? { ethBinding: offer.ethBinding } : {}),
      issuedAt,
      expiresAt: issuedAt + offer.ttlMs,
      ...(addrs.length > 0 ? { addrs } : {}),
    }
    const record = await signProfile(profile, privateKey)
    this._current = { profile, record }
    return this._current
  }

  private addrs(): string[] {
    return [...new Set(this.init.addrs?.() ?? [])].slice(0, LIMITS.addrs)
  }

  /**
   * The node's addresses may have changed (a reservation came or went): when the profile's
   * addresses would differ, publish now instead of at the next interval, so requesters that
   * find us in the DHT get addresses that work.
   */
  addressesChanged(): void {
    // compared with what the DHT holds, not with `current`: a gossip-only re-announcement
    // (announce.ts) signs the new addresses too, and must not make this skip the DHT put
    if (!this.running || this.publishedAddrs === undefined) return
    if (sameList(this.publishedAddrs, this.addrs())) return
    if (this.round !== undefined) {
      this.again = true
      return
    }
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.schedule(0)
  }

  /**
   * A fresh signature when the addresses differ from those of the last signed profile (undefined
   * when they do not), for announcing on gossip at once: the DHT round addressesChanged() asks for
   * waits for the one under way, and a first round (every capability key) takes seconds.
   */
  async signIfAddressesChanged(): Promise<{ profile: HardwareProfile; record: Uint8Array } | undefined> {
    const current = this._current
    if (current === undefined || sameList(current.profile.addrs ?? [], this.addrs())) return undefined
    return await this.sign()
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.stopping = new AbortController()
    this.schedule(0)
  }

  async stop(): Promise<void> {
    if (!this.running) return
    this.running = false
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.stopping.abort()
    await this.round?.catch(() => {})
  }

  /** Resolves after the first complete round: the profile and every capability key reached a peer. */
  async whenPublished(signal?: AbortSignal): Promise<PublishResult> {
    if (signal === undefined) return await this.firstSuccess.promise
    signal.throwIfAborted()
    return await new Promise<PublishResult>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason)
      signal.addEventListener('abort', onAbort, { once: true })
      this.firstSuccess.promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
    })
  }

  private schedule(delayMs: number): void {
    if (!this.running) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.round = this.runRound().finally(() => {
        this.round = undefined
      })
    }, delayMs)
  }

  private async runRound(): Promise<void> {
    const { offer } = this.init
    const interval = Math.max(500, offer.ttlMs * (this.init.republishFraction ?? 0.5))
    let ok = false
    try {
      const result = await this.publishOnce(
        AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.init.roundTimeoutMs ?? 30_000)]),
      )
      ok = result.complete
      if (ok) {
        this.failures = 0
        this.firstSuccess.resolve(result)
        this.init.onPublished?.(result)
      }
      log('published %o', {
        ok,
        putPeers: result.putPeers,
        provided: result.provided,
        expiresAt: result.profile.expiresAt,
      })
    } catch (err) {
      log.error('publish round failed - %e', err)
    }
    if (this.again) {
      this.again = false
      this.schedule(0)
    } else if (ok) this.schedule(interval)
    else this.schedule(Math.min(interval, 250 * 2 ** Math.min(this.failures++, 7)))
  }

  /**
   * One round: sign a fresh profile and put it; then provide the capability keys if this is the
   * first round, the tags changed, or the last provide is older than reprovideAfterMs. Keys go
   * out one at a time, rarest first (a lookup for a rare capability is where a new provider
   * matters most): every provide is a DHT walk plus ~K RPCs, and on a busy host running them all
   * at once only made every one of them slower.
   */
  async publishOnce(signal: AbortSignal): Promise<PublishResult> {
    const { dht, peerId } = this.init
    const { profile, record } = await this.sign()
    this.publishedAddrs = profile.addrs ?? []
    const tags = bySelectivity(capabilityTags(profile))
    const now = this.init.now()
    const changed = tags.length !== this.providedTags.size || tags.some((t) => !this.providedTags.has(t))
    const due = changed || now - this.lastProvideAt >= (this.init.reprovideAfterMs ?? 3_600_000)
    const toProvide = due ? tags : []
    const count = async (
      events: AsyncIterable<{ name: string; messageName?: string }>,
      messageName: string,
    ): Promise<number> => {
      let peers = 0
      try {
        for await (const ev of events) if (ev.name === 'PEER_RESPONSE' && ev.messageName === messageName) peers++
      } catch (err) {
        if (!signal.aborted) throw err
      }
      return peers
    }
    const provide = async (tag: string): Promise<[string, number]> => [
      tag,
      await count(dht.provide(await capabilityKey(tag), { signal }), 'ADD_PROVIDER'),
    ]
    // the profile first: a provider record must never point to a profile that isn't stored yet,
    // or a lookup in between would find the provider, read nothing, and (rightly) skip it
    const putPeers = await count(dht.put(profileKey(peerId), record, { signal }), 'PUT_VALUE')
    const provided: Array<[string, number]> = []
    for (const tag of putPeers > 0 ? toProvide : []) {
      if (signal.aborted) break
      provided.push(await provide(tag))
    }
    const keysDone = provided.length === tags.length && provided.every(([, n]) => n > 0)
    if (due && keysDone) {
      // tags we no longer have must stop being re-provided by kad-dht
      for (const old of this.providedTags) {
        if (!tags.includes(old)) await dht.cancelReprovide(await capabilityKey(old)).catch(() => {})
      }
      this.providedTags = new Set(tags)
      this.lastProvideAt = now
    }
    return {
      profile,
      record,
      putPeers,
      provided: Object.fromEntries(provided),
      complete: putPeers > 0 && (!due || keysDone),
    }
  }
}
