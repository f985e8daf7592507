// The metrics service (issue 17): Prometheus series of the market, payments, audit and chain,
// served on /metrics when the config turns it on (off by default). Counts that happen as events
// (jobs, bids, runs) are taken from the node's event feed as they come; state the other services
// already keep (request/response outcomes, gossip verdicts, channels, the audit log, transactions)
// is read at scrape time, so no service has to know metrics exist. libp2p's own series are
// registered on the same per-node Registry by createHiveNode (@libp2p/prometheus-metrics).
import { Registry } from 'prom-client'
import { JobObserver } from './job-observer.ts'
import { RpcTimer } from './rpc-timer.ts'
import { HiveSeries } from './series.ts'
import type { SeriesCollectors } from './series.ts'
import { MetricsServer, metricsToken, removeMetricsEndpoint, writeMetricsEndpoint } from './server.ts'
import type { HiveComponents, HiveService, ServiceFactory } from '../service.ts'
import type { GossipOutcome } from '../market/gossip.ts'
import type {
  MetricsAuditSource,
  MetricsChainSource,
  MetricsDiscoverySource,
  MetricsMarketSource,
  MetricsPaymentsSource,
  MetricsSources,
} from './sources.ts'

const HIVE_DECIMALS = 18

export type MetricsComponents = Pick<HiveComponents, 'config' | 'events' | 'counters' | 'libp2p'> & {
  /** the node's registry, made before libp2p so that libp2p's series share it */
  metricsRegistry?: Registry
}

export class MetricsService implements HiveService {
  readonly name = 'metrics'
  readonly registry: Registry
  readonly series: HiveSeries
  readonly jobs: JobObserver
  private readonly components: MetricsComponents
  private readonly sources: MetricsSources
  private readonly server: MetricsServer
  private readonly rpc: RpcTimer | undefined
  private unsubscribe: (() => void) | undefined

  constructor(components: MetricsComponents, sources: MetricsSources) {
    this.components = components
    this.sources = sources
    this.registry = components.metricsRegistry ?? new Registry()
    this.series = new HiveSeries(this.registry, this.collectors())
    this.jobs = new JobObserver(this.series)
    const provider = sources.chain?.client.provider
    this.rpc = provider !== undefined ? new RpcTimer(provider, this.series.rpcSeconds) : undefined
    const { config } = components
    this.server = new MetricsServer({
      registry: this.registry,
      host: config.metricsHost,
      port: config.metricsPort,
      token: metricsToken(config.dataDir, config.metricsToken),
    })
  }

  /** where /metrics is served (after start) */
  address(): { host: string; port: number } {
    return this.server.address()
  }

  async start(): Promise<void> {
    this.unsubscribe = this.components.events.on((event) => {
      if (event.type.startsWith('job:') || event.type.startsWith('provider:'))
        this.jobs.observe(event as Parameters<JobObserver['observe']>[0])
    })
    this.rpc?.start()
    await this.server.start()
    writeMetricsEndpoint(this.components.config.dataDir, this.server.address())
  }

  async stop(): Promise<void> {
    this.unsubscribe?.()
    this.unsubscribe = undefined
    this.rpc?.stop()
    await this.server.stop()
    removeMetricsEndpoint(this.components.config.dataDir)
  }

  // state kept elsewhere is copied into the series when Prometheus scrapes (prom-client calls
  // `collect` on every registry.metrics()): a counter is reset and set to the source's total.
  // The closures read `this.series` at scrape time, after the constructor made it.
  private collectors(): SeriesCollectors {
    const { counters, libp2p } = this.components
    const { market, discovery, payments, audit, chain } = this.sources
    const out: SeriesCollectors = {}
    out.reqresp = () => {
      const s = this.series
      s.reqrespOutcomes.reset()
      s.reqrespRateLimited.reset()
      for (const [protocol, byOutcome] of Object.entries(counters.snapshot())) {
        for (const [outcome, n] of Object.entries(byOutcome)) {
          s.reqrespOutcomes.inc({ protocol, outcome }, n)
          if (outcome === 'RATE_LIMITED') s.reqrespRateLimited.inc({ protocol }, n)
        }
      }
    }
    out.gossip = () => {
      const s = this.series
      s.gossipVerdicts.reset()
      const add = (service: string, stats: Readonly<Record<GossipOutcome, number>> | undefined): void => {
        for (const [verdict, n] of Object.entries(stats ?? {})) s.gossipVerdicts.inc({ service, verdict }, n)
      }
      add('market', market?.provider?.gossipStats())
      add('discovery', discovery?.announcementStats())
    }
    out.peers = () => {
      this.series.peers.set(libp2p.getPeers().length)
    }
    out.market = () => {
      const w = market?.requester?.windowStats()
      if (w === undefined) return
      for (const what of ['window', 'negotiating', 'waiting'] as const) this.series.postWindow.set({ what }, w[what])
    }
    if (payments !== undefined) {
      // on the first-registered series of the group: prom-client collects in registration order
      out.payments = shared(async () => {
        const s = this.series
        const channels = await payments.channelSummaries()
        s.channels.reset()
        s.channelBalance.reset()
        s.vouchers.reset()
        for (const c of channels) {
          s.channels.inc({ role: c.role, status: c.status })
          s.vouchers.inc({ role: c.role }, Number(c.nonce))
          if (c.status === 'closed') continue
          s.channelBalance.inc({ role: c.role, kind: 'deposit' }, hive(c.deposit))
          s.channelBalance.inc({ role: c.role, kind: 'paid' }, hive(c.cumulativeAmount))
          s.channelBalance.inc({ role: c.role, kind: 'remaining' }, hive(c.remaining))
        }
        const escrows = await payments.escrow.list()
        const earned = { channel_vouchers: 0, escrow_released: 0, escrow_pending: 0 }
        for (const c of channels) if (c.role === 'provider') earned.channel_vouchers += hive(c.cumulativeAmount)
        for (const e of escrows) {
          if (e.role !== 'provider') continue
          if (e.state === 'released' || e.state === 'claimed' || e.state === 'resolved')
            earned.escrow_released += hive(e.amount)
          else if (e.state === 'active' || e.state === 'committed') earned.escrow_pending += hive(e.amount)
        }
        for (const [source, v] of Object.entries(earned)) s.earnings.set({ source }, v)
      })
    }
    if (audit !== undefined) {
      out.audit = () => {
        const s = this.series
        try {
          s.auditEntries.set(audit.log.size())
        } catch {
          return // not started yet: no sample rather than a wrong zero
        }
        const status = audit.anchorer?.status()
        if (status !== undefined) {
          s.auditAnchors.set(status.latest?.treeSize ?? 0)
          s.auditPending.set(status.pending)
          s.auditAnchorFailures.set(status.failures)
        }
      }
    }
    const sender = chain?.client.sender
    if (sender !== undefined) {
      out.chain = () => {
        const s = this.series
        s.chainTxs.set({ outcome: 'mined' }, sender.stats.mined)
        s.chainTxs.set({ outcome: 'failed' }, sender.stats.failed)
        s.chainTxs.set({ outcome: 'dropped' }, sender.stats.dropped)
        s.chainTxs.set({ outcome: 'stale_receipt' }, sender.stats.staleReceipts)
        s.chainGas.set(Number(sender.stats.gasUsed))
      }
    }
    return out
  }
}

/** One run of `refresh` shared by every caller while it runs: the series of a group wait on the same read. */
function shared(refresh: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined
  return async () => {
    running ??= refresh().finally(() => {
      running = undefined
    })
    await running
  }
}

function hive(units: string): number {
  return Number(BigInt(units)) / 10 ** HIVE_DECIMALS
}

export interface MetricsInit {
  /** the chain client whose transactions and RPC calls to count, when the node has no chain service */
  chain?: MetricsChainSource['client']
}

/**
 * `metrics: metricsService()` among a node's services: made only when the config's `metrics` is
 * on. It reads the market, discovery, payments, audit and chain services when they are there.
 */
export function metricsService(init: MetricsInit = {}): ServiceFactory<MetricsService> {
  return {
    optionalDependencies: ['discovery', 'chain', 'audit', 'payments', 'market'],
    create: (components, services) => {
      if (!components.config.metrics) return undefined
      return new MetricsService(components, {
        market: services.get<MetricsMarketSource>('market'),
        discovery: services.get<MetricsDiscoverySource>('discovery'),
        payments: services.get<MetricsPaymentsSource>('payments'),
        audit: services.get<MetricsAuditSource>('audit'),
        chain:
          init.chain !== undefined ? { client: init.chain } : services.get<MetricsChainSource & HiveService>('chain'),
      })
    },
  }
}
