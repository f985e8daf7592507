// The market as one node service: the blob store and exchange, the executors, and the
// requester and/or provider roles, wired to the node's libp2p, store, profile and events.
import { parseUnits } from 'ethers'
import { peerIdFromString } from '@libp2p/peer-id'
import type { PostWindowOptions } from './post-window.ts'
import { BlobExchange } from '../blobs/exchange.ts'
import { LoopLagMonitor } from '../util/loop-lag.ts'
import { BlobStore } from '../blobs/store.ts'
import { OutputGate } from '../blobs/output-gate.ts'
import type { HeldOutput } from '../blobs/output-gate.ts'
import { builtinExecutor } from '../exec/builtin.ts'
import { Provider } from './provider.ts'
import { Requester } from './requester.ts'
import { ReputationStore } from './reputation-store.ts'
import { jobTopicWatch } from './job-topic-watch.ts'
import { joinedJobTopics } from './gossip.ts'
import type { Executor } from '../exec/types.ts'
import { registerJobRoutes } from './api-routes.ts'
import { ProviderTally } from './stats.ts'
import { distinctOwners, stakeWeight } from '../../protocol/market/lottery.ts'
import type { HiveComponents, HiveService, ServiceFactory } from '../service.ts'
import type { RouteRegistry } from '../api/router.ts'
import type { JobEvent } from './events.ts'
import type { JobRecord, JobRecordStore } from './job-record.ts'
import type { ProviderFaults, ProviderInit } from './provider.ts'
import type { JobPolicy } from './requester-job.ts'
import type { LivenessPolicy } from './liveness.ts'
import type { PriceSheet } from '../../protocol/market/pricing.ts'
import { MarketEvents } from './events.ts'
import type { PeerId } from '@libp2p/interface'
import type {
  MarketJournal,
  MarketJournalSource,
  MarketPayments,
  MarketPaymentsSource,
  MarketProviderView,
  MarketStakeSource,
} from './ports.ts'

/** HIVE per price unit (1 s of wall-time limit × one 256 MiB memory tier) when the config names none */
export const DEFAULT_UNIT_PRICE = '0.001'

/**
 * Providers discovery finds for a requester that knows none yet (a cold start): its first
 * pushes. Later jobs are pushed to the best m the requester knows (Requester, CandidateBook).
 */
const DISCOVERY_LIMIT = 16
const TOKEN_DECIMALS = 18

/** The node's parts the market uses (the peer key signs market messages). */
export type MarketComponents = Pick<
  HiveComponents,
  'libp2p' | 'store' | 'config' | 'events' | 'privateKey' | 'node' | 'counters' | 'now'
>

export interface MarketOptions {
  executors?: Record<string, Executor>
  /** jobs a provider runs at once (default 2) */
  capacity?: number
  /** how long a provider sends a result again while its requester cannot be reached (default 20 s; tests) */
  resultDeliveryMs?: number
  policy?: JobPolicy
  /** the requester's window of negotiating jobs (node/market/post-window.ts; tests) */
  postWindow?: PostWindowOptions
  faults?: ProviderFaults
  onEvent?: (event: JobEvent) => void
  /** every gossip verdict of the provider's topic validators, with its error code and topic */
  onGossipOutcome?: ProviderInit['onGossipOutcome']
  stakeOf?: (provider: PeerId, ethAddress: string) => Promise<{ stake: bigint; slashed: boolean; owner?: string }>
  /** the live minimum provider stake: the bid lottery's weight unit */
  minStake?: () => bigint | undefined
  /** this node's own bonded stake while eligible (0 otherwise): its lottery weight */
  ownStake?: () => bigint
  canBid?: () => boolean
  /** the payments service's answers (hooks()); without them jobs are not paid on chain */
  payments?: MarketPayments
  /** the audit service's journal (AuditService.journal): both roles log their side of every job */
  journal?: MarketJournal
  /** subscribes the node's payments to this market's events (PaymentsService.subscribe) */
  subscribe?: (events: MarketEvents) => () => void
  /** the node's discovery view (the discovery service): live providers per class, for the lottery's N */
  providerView?: MarketProviderView
  /** heartbeat interval, silence and reconnect grace (node/market/liveness.ts; defaults there) */
  liveness?: Partial<LivenessPolicy>
}

/** The provider's price sheet from the config's `prices` (executor -> HIVE per unit). */
export function priceSheetFromConfig(prices: Record<string, string>, executors: string[]): PriceSheet {
  const sheet: PriceSheet = { executors: {} }
  for (const executor of executors) {
    const text = prices[executor]
    const perUnit = parseUnits(text === undefined || Number(text) === 0 ? DEFAULT_UNIT_PRICE : text, TOKEN_DECIMALS)
    sheet.executors[executor] = { perUnit, perJob: perUnit / 10n, floorPerUnit: perUnit / 2n }
  }
  return sheet
}

export class MarketService implements HiveService {
  readonly name = 'market'
  readonly blobs: BlobStore
  readonly exchange: BlobExchange
  readonly executors: Record<string, Executor>
  readonly requester?: Requester
  /** the requester's verified history of providers (protocol/market/reputation.ts scores it) */
  readonly reputation?: ReputationStore
  readonly provider?: Provider
  /** requester: its watch on the job topics it posts on (scores peers that flood them) */
  private readonly topicWatch?: { start: () => void; stop: () => void }
  /** a provider's view of its process's event-loop lag (maxLoopLagMs > 0) */
  readonly loopLag?: LoopLagMonitor
  /** provider: how its runs ended since start (`hive stats`) */
  readonly tally?: ProviderTally
  /** what the market tells the services around it as its jobs move on (payments subscribes) */
  readonly events = new MarketEvents()
  private readonly unsubscribe?: () => void

  constructor(node: MarketComponents, options: MarketOptions) {
    const { libp2p, store, config } = node
    this.unsubscribe = options.subscribe?.(this.events)
    this.blobs = new BlobStore({ db: store.blobs })
    // with payments, a provider's job outputs leave only once paid for (fair exchange)
    const payments = options.payments
    let outputs: OutputGate | undefined
    if (payments !== undefined && config.roles.includes('provider')) {
      const held = store.sublevel<HeldOutput>('held-outputs', 'json')
      outputs = new OutputGate({
        db: held,
        putDurable: async (k, v) => {
          await store.putDurable(held, k, v)
        },
        releasable: payments.outputReleasable,
        now: node.now,
      })
    }
    this.exchange = new BlobExchange({
      libp2p,
      store: this.blobs,
      counters: node.counters,
      ...(outputs !== undefined ? { mayServe: async (cid) => await outputs.mayServe(cid) } : {}),
    })
    this.executors =
      options.executors ??
      Object.fromEntries(
        config.executors.flatMap((e) => {
          const executor = builtinExecutor(e, {
            maxOutputBytes: config.maxOutputBytes,
            onnxChildren: config.onnxChildren,
          })
          return executor === undefined ? [] : [[e, executor] as const]
        }),
      )
    const tally = config.roles.includes('provider') ? new ProviderTally(Date.now()) : undefined
    this.tally = tally
    const emit = (event: JobEvent): void => {
      tally?.observe(event)
      node.events.emit(event)
      options.onEvent?.(event)
    }
    if (config.roles.includes('requester')) {
      this.reputation = new ReputationStore({ db: store.sublevel<unknown>('reputation', 'json') })
      this.requester = new Requester({
        libp2p,
        now: node.now,
        storeHealth: () => store.health.info(),
        privateKey: node.privateKey,
        blobs: this.blobs,
        exchange: this.exchange,
        jobs: store.jobs as unknown as JobRecordStore,
        emit,
        // the node's spot-check rate is a default: the caller's policy and each job may override it
        policy: { ...(config.spotCheckRate > 0 ? { spotCheckRate: config.spotCheckRate } : {}), ...options.policy },
        stakeOf: options.stakeOf,
        ...(options.minStake !== undefined ? { minStake: options.minStake } : {}),
        payments: options.payments,
        events: this.events,
        pickProviders: async (input) => await this.pickProviders(node, input.executor ?? 'wasm'),
        ...(options.providerView !== undefined ? { providerView: options.providerView } : {}),
        journal: options.journal,
        counters: node.counters,
        liveness: options.liveness,
        shards: { shards: config.jobShards, joined: config.jobShardsJoined },
        reputation: this.reputation,
        ...(options.postWindow !== undefined ? { postWindow: options.postWindow } : {}),
      })
    }
    if (this.requester !== undefined) {
      // the requester joins the job topics it posts on, so that gossipsub scores who floods them
      // (job-topic-watch.ts); a provider on this node keeps its own shards' validators
      const shards = { shards: config.jobShards, joined: config.jobShardsJoined }
      const me = libp2p.peerId.toString()
      this.topicWatch = jobTopicWatch({
        pubsub: libp2p.services.pubsub,
        executors: config.executors,
        shards: config.jobShards,
        except: config.roles.includes('provider')
          ? Object.keys(this.executors).flatMap((e) => joinedJobTopics(e, me, shards))
          : [],
      })
    }
    if (config.roles.includes('provider') && config.maxLoopLagMs > 0)
      this.loopLag = new LoopLagMonitor(config.maxLoopLagMs)
    if (config.roles.includes('provider')) {
      const hw = (): ReturnType<MarketComponents['node']['hardware']>['hardware'] => node.node.hardware().hardware
      this.provider = new Provider({
        libp2p,
        now: node.now,
        storeHealth: () => store.health.info(),
        privateKey: node.privateKey,
        blobs: this.blobs,
        exchange: this.exchange,
        executors: this.executors,
        capabilities: {
          get memoryBytes() {
            return hw().memoryBytes
          },
          get arch() {
            return hw().cpu.arch
          },
          get gpuVendors() {
            return hw().gpus.map((g) => g.vendor.toLowerCase())
          },
          get cpuScore() {
            return hw().benchmark.cpuScore
          },
        },
        sheet: priceSheetFromConfig(config.prices, Object.keys(this.executors)),
        capacity: options.capacity,
        ...(options.resultDeliveryMs !== undefined ? { resultDeliveryMs: options.resultDeliveryMs } : {}),
        emit,
        faults: options.faults,
        canBid: options.canBid,
        ...(this.loopLag !== undefined ? { overloaded: this.loopLag.overloaded.bind(this.loopLag) } : {}),
        ...(options.ownStake !== undefined && options.minStake !== undefined
          ? { lotteryWeight: () => stakeWeight(options.ownStake!(), options.minStake!()) }
          : {}),
        payments: options.payments,
        outputs,
        ...(options.providerView !== undefined ? { providerView: ownViewOf(options.providerView) } : {}),
        onGossipOutcome: options.onGossipOutcome,
        allowPrivateAddrs: config.allowPrivateAddrs,
        journal: options.journal,
        counters: node.counters,
        liveness: options.liveness,
        shards: { shards: config.jobShards, joined: config.jobShardsJoined },
      })
    }
  }

  async start(): Promise<void> {
    await this.exchange.start()
    for (const e of Object.values(this.executors)) await e.start()
    await this.requester?.start()
    this.loopLag?.start()
    await this.provider?.start()
    this.topicWatch?.start()
  }

  async stop(): Promise<void> {
    this.topicWatch?.stop()
    await this.provider?.stop()
    this.loopLag?.stop()
    await this.requester?.stop()
    for (const e of Object.values(this.executors)) await e.stop()
    await this.exchange.stop()
    this.unsubscribe?.()
  }

  routes(registry: RouteRegistry): void {
    registerJobRoutes(registry, this.requester, this.tally)
  }

  async listJobs(): Promise<JobRecord[]> {
    return (await this.requester?.list()) ?? []
  }

  /** Push targets for a requester that knows no provider yet: found in the DHT (cached there). */
  private async pickProviders(node: MarketComponents, executor: string): Promise<PeerId[]> {
    const found = await node.node
      .findProviders({ executor, limit: DISCOVERY_LIMIT }, { signal: AbortSignal.timeout(500) })
      .catch(() => [])
    const self = node.libp2p.peerId.toString()
    return found.filter((p) => p.peerId !== self).map((p) => peerIdFromString(p.peerId))
  }
}

/** What a node's market is built with; the audit, payments and chain seams come from those services. */
export type MarketInit = Omit<
  MarketOptions,
  'stakeOf' | 'minStake' | 'ownStake' | 'canBid' | 'payments' | 'journal' | 'subscribe' | 'providerView'
>

/**
 * The market service factory. It uses the node's `audit`, `payments` and `chain` services when
 * they are there (and starts after them, so it stops paying and logging before they close).
 */
export function marketService(init: MarketInit = {}): ServiceFactory<MarketService> {
  return {
    optionalDependencies: ['audit', 'payments', 'chain', 'discovery'],
    create: (components, services) => {
      const discovery = services.get<HiveService & MarketProviderView>('discovery')
      const audit = services.get<HiveService & MarketJournalSource>('audit')
      const payments = services.get<HiveService & MarketPaymentsSource>('payments')
      const chain = services.get<HiveService & MarketStakeSource>('chain')
      return new MarketService(components, {
        ...init,
        ...(audit !== undefined ? { journal: audit.journal } : {}),
        ...(payments !== undefined
          ? { payments: payments.hooks(), subscribe: (events: MarketEvents) => payments.subscribe(events) }
          : {}),
        ...(discovery !== undefined ? { providerView: discovery } : {}),
        ...(chain !== undefined ? { stakeOf: chain.stakeOf, canBid: chain.canBid, ...lotteryStakeHooks(chain) } : {}),
      })
    },
  }
}

/**
 * A provider's own N for a class: the distinct owners its discovery view knows, itself included,
 * once the view is warm (it has heard every provider's periodic announcement); before that it
 * vouches for nothing and the job's stated N holds (protocol/market/lottery.ts effectiveEstimate).
 */
function ownViewOf(view: MarketProviderView): (executor: string) => number | undefined {
  return (executor) => (view.warm ? distinctOwners(view.liveProviders(executor)) + 1 : undefined)
}

/** The chain's stake hooks the bid lottery uses, when the chain service offers them. */
function lotteryStakeHooks(chain: MarketStakeSource): Pick<MarketOptions, 'minStake' | 'ownStake'> {
  return {
    ...(chain.minProviderStake !== undefined ? { minStake: chain.minProviderStake } : {}),
    ...(chain.ownBondedStake !== undefined ? { ownStake: chain.ownBondedStake } : {}),
  }
}
