// ProviderRegistry as the market needs it. Requester side: what a bidder has staked, looked up
// by peer id once and cached until a registry event about that provider (or peer id) arrives.
// Provider side: whether this node may bid — staked at least the live minimum, not slashed,
// bound to this peer id — recomputed on its own registry events and on parameter changes.
import { getAddress, hexlify, keccak256 } from 'ethers'
import type { Contract, Log } from 'ethers'
import { logger } from '../log/logger.ts'
import { peerIdBytes } from './binding.ts'
import { shortReason } from './errors.ts'
import { LruCache } from '../util/lru-cache.ts'
import type { LogPoller } from './log-poller.ts'
import type { ParamsFollower } from './params.ts'
import type { Bound } from './contracts.ts'
import type { ProviderRegistry } from './typechain.ts'
import type { PeerId } from '@libp2p/interface'
// the status shape lives with the API's route table, which returns it (node/api imports no service)
import type { IneligibleReason, OwnStakeStatus } from '../api/contract/views/chain.ts'

export type { IneligibleReason, OwnStakeStatus } from '../api/contract/views/chain.ts'

const log = logger('hive:chain:registry')

/** how long an ineligible standing (unknown, under the minimum) is trusted without an event */
const NEGATIVE_TTL_MS = 1_000
/**
 * Peer ids are free: a flood of bids from made-up identities must not grow the cache without
 * bound. 10,000 standings is far more bidders than a requester meets in a bid window.
 */
const DEFAULT_MAX_ENTRIES = 10_000
/** an eligible standing is re-read at least this often, in case its event was missed */
const DEFAULT_TTL_MS = 10 * 60_000
/** ProviderRegistry.ProviderStatus */
const STATUS_SLASHED = 3n

export interface Standing {
  /** the address bound to the peer id (null: none) */
  provider: string | null
  bonded: bigint
  slashed: boolean
}

/**
 * The registry event's `provider` (every registry event indexes it first) and, for binding events, the peer id hash.
 */
function eventSubjects(registry: Contract, entry: Log): { provider?: string; peerIdHash?: string } {
  const parsed = registry.interface.parseLog({ topics: [...entry.topics], data: entry.data })
  if (parsed == null) return {}
  const provider = parsed.args.getValue('provider') as string | undefined
  const peerIdHash =
    parsed.name === 'PeerIdBound' || parsed.name === 'PeerIdUnbound'
      ? (parsed.args.getValue('peerIdHash') as string)
      : undefined
  return {
    ...(provider !== undefined ? { provider: getAddress(provider) } : {}),
    ...(peerIdHash !== undefined ? { peerIdHash } : {}),
  }
}

export class StakeRegistry {
  private readonly registry: Bound<ProviderRegistry>
  private readonly _params: ParamsFollower
  /** keccak256(peer id bytes) -> pending or settled lookup (bounded LRU with a TTL) */
  private readonly cache: LruCache<{ standing: Promise<Standing>; at: number }>
  /** keccak256(peer id bytes) -> the address bound to it; only for ids in #cache */
  private readonly owners = new Map<string, string | null>()

  constructor(init: {
    registry: Bound<ProviderRegistry>
    params: ParamsFollower
    maxEntries?: number
    ttlMs?: number
  }) {
    this.registry = init.registry
    this._params = init.params
    this.cache = new LruCache({
      maxEntries: init.maxEntries ?? DEFAULT_MAX_ENTRIES,
      ttlMs: init.ttlMs ?? DEFAULT_TTL_MS,
      onEvict: (hash) => {
        this.owners.delete(hash)
      },
    })
  }

  /** standings held (for metrics and tests) */
  get size(): number {
    return this.cache.size
  }

  /** The registry's record for `peerId` (cached until an event touches it). */
  async standingOfPeer(peerId: PeerId): Promise<Standing> {
    const bytes = peerIdBytes(peerId)
    const hash = keccak256(bytes)
    const cached = this.cache.get(hash)
    if (cached !== undefined) {
      const s = await cached.standing
      // an ineligible answer is re-read after a moment: the event that changes it may be a poll
      // away, and a provider that just staked should not lose the next auction for it
      if (this.eligible(s) || Date.now() - cached.at < NEGATIVE_TTL_MS || this.cache.get(hash) !== cached) return s
      this.forget(hash)
    }
    const entry = { standing: this.fetch(bytes, hash), at: Date.now() }
    this.cache.set(hash, entry)
    // a failed lookup is not remembered
    entry.standing.catch(() => {
      if (this.cache.get(hash) === entry) this.forget(hash)
    })
    return await entry.standing
  }

  private eligible(s: Standing): boolean {
    return s.provider !== null && !s.slashed && s.bonded >= this._params.get('minProviderStake')
  }

  private async fetch(bytes: Uint8Array, hash: string): Promise<Standing> {
    const [provider, status, bonded] = await this.registry.statusOfPeerId.staticCall(hexlify(bytes))
    const owner = BigInt(provider) === 0n ? null : getAddress(provider)
    // only while the lookup is still cached: an evicted id must not leave its owner behind
    if (this.cache.get(hash) !== undefined) this.owners.set(hash, owner)
    return { provider: owner, bonded, slashed: status === STATUS_SLASHED }
  }

  /**
   * The market's stake hook: the bonded stake of the provider behind `peerId`, or 0 when it is
   * unknown, bound to another address than it claims, slashed, or below the current minimum
   * stake (so selection excludes it). RPC failures count as unstaked, and are not cached.
   */
  readonly stakeOf = async (peerId: PeerId, ethAddress: string): Promise<{ stake: bigint; slashed: boolean }> => {
    let s: Standing
    try {
      s = await this.standingOfPeer(peerId)
    } catch (err) {
      log.error('stake lookup for %s failed: %s', peerId.toString(), shortReason(err))
      return { stake: 0n, slashed: false }
    }
    if (s.provider === null) return { stake: 0n, slashed: false }
    if (ethAddress !== '' && ethAddress.toLowerCase() !== s.provider.toLowerCase()) return { stake: 0n, slashed: false }
    if (s.slashed) return { stake: 0n, slashed: true }
    if (s.bonded < this._params.get('minProviderStake')) return { stake: 0n, slashed: false }
    return { stake: s.bonded, slashed: false }
  }

  private forget(hash: string): void {
    this.cache.delete(hash)
    this.owners.delete(hash)
  }

  /** Forgets what an event made stale. */
  apply(entry: Log): void {
    const { provider, peerIdHash } = eventSubjects(this.registry, entry)
    if (peerIdHash !== undefined) this.forget(peerIdHash)
    if (provider === undefined) return
    for (const [hash, owner] of this.owners) {
      if (owner === provider) this.forget(hash)
    }
  }

  attach(poller: LogPoller): () => void {
    const offLogs = poller.subscribe(this.registry.target as string, (entry) => {
      this.apply(entry)
    })
    // a reorg may have dropped a stake change the cache learned from: read every standing afresh
    const offReorg = poller.onReorg(() => {
      for (const hash of [...this.owners.keys()]) this.forget(hash)
    })
    return () => {
      offLogs()
      offReorg()
    }
  }
}

/** This node's own registry record and whether it may bid. */
export class OwnStake {
  private readonly registry: Bound<ProviderRegistry>
  private readonly _params: ParamsFollower
  private readonly address: string
  private readonly peerId: string
  private _info:
    { bonded: bigint; unbonding: bigint; unbondingEndsAt: number; slashed: boolean; peerId: string } | undefined
  private _status: OwnStakeStatus
  private readonly listeners = new Set<(s: OwnStakeStatus) => void>()
  private refreshing: Promise<void> = Promise.resolve()

  constructor(init: { registry: Bound<ProviderRegistry>; params: ParamsFollower; address: string; peerId: PeerId }) {
    this.registry = init.registry
    this._params = init.params
    this.address = getAddress(init.address)
    this.peerId = hexlify(peerIdBytes(init.peerId))
    this._status = this.compute()
  }

  get status(): OwnStakeStatus {
    return this._status
  }
  readonly canBid = (): boolean => this._status.eligible

  onChange(listener: (s: OwnStakeStatus) => void): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  /** Re-reads the record (serialized, so the last read wins). */
  async refresh(): Promise<OwnStakeStatus> {
    this.refreshing = this.refreshing
      .then(async () => {
        const info = await this.registry.providerInfo.staticCall(this.address)
        this._info = {
          bonded: info.bonded,
          unbonding: info.unbonding,
          unbondingEndsAt: Number(info.unbondingEndsAt),
          slashed: info.slashed,
          peerId: info.peerId,
        }
        this.update()
      })
      .catch((err: unknown) => {
        log.error('reading own stake failed: %s', shortReason(err))
      })
    await this.refreshing
    return this._status
  }

  attach(poller: LogPoller, params: ParamsFollower): () => void {
    const offLogs = poller.subscribe(this.registry.target as string, (entry) => {
      if (eventSubjects(this.registry, entry).provider === this.address) void this.refresh()
    })
    const offReorg = poller.onReorg(() => void this.refresh())
    const offParams = params.onChange((c) => {
      if (c.key === 'minProviderStake') this.update()
    })
    return () => {
      offLogs()
      offParams()
      offReorg()
    }
  }

  private update(): void {
    const before = this._status
    this._status = this.compute()
    if (
      before.eligible !== this._status.eligible ||
      before.bonded !== this._status.bonded ||
      before.minStake !== this._status.minStake ||
      before.reason !== this._status.reason
    ) {
      log('own stake %o', {
        eligible: this._status.eligible,
        reason: this._status.reason,
        bonded: String(this._status.bonded),
        minStake: String(this._status.minStake),
      })
      for (const l of this.listeners) {
        try {
          l(this._status)
        } catch (err) {
          log.error('stake listener failed - %e', err)
        }
      }
    }
  }

  private compute(): OwnStakeStatus {
    const minStake = this._params.get('minProviderStake')
    const i = this._info
    const base = {
      address: this.address,
      minStake,
      bonded: i?.bonded ?? 0n,
      unbonding: i?.unbonding ?? 0n,
      unbondingEndsAt: i?.unbondingEndsAt ?? 0,
      slashed: i?.slashed ?? false,
      peerIdBound: i !== undefined && i.peerId.toLowerCase() === this.peerId.toLowerCase(),
    }
    let reason: IneligibleReason | undefined
    if (i === undefined) reason = 'UNKNOWN'
    else if (i.slashed) reason = 'SLASHED'
    else if (i.bonded === 0n) reason = 'NOT_STAKED'
    else if (!base.peerIdBound) reason = 'OTHER_PEER_ID'
    else if (i.bonded < minStake) reason = 'BELOW_MINIMUM'
    return reason === undefined ? { ...base, eligible: true } : { ...base, eligible: false, reason }
  }
}
