// The node's own Prometheus series (issue 17), made on the node's own prom-client Registry: never
// prom-client's global one, since tests and benchmarks run many nodes in one process. Label values
// are bounded sets only (outcomes, error codes, roles, protocol names): never a job or peer id,
// whose number grows without bound and would blow up every Prometheus that scrapes us.
import { Counter, Gauge, Histogram } from 'prom-client'
import type { Registry } from 'prom-client'

/** Seconds, from a fast placement on loopback to a long job across relays. */
const PLACEMENT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60]
const E2E_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600]
const EXEC_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900]
const BID_BUCKETS = [0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32]
const MEMORY_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096].map((mib) => mib * 1024 * 1024)

// A label value from the network or an error text becomes one of a bounded set: an upper-case
// code as the protocol writes them, anything else 'OTHER' (a free-text reason must not mint series).
const CODE = /^[A-Z][A-Z0-9_]{0,47}$/
export function boundedCode(value: string | undefined): string {
  return value !== undefined && CODE.test(value) ? value : 'OTHER'
}

type Collect = () => void | Promise<void>

/**
 * Read at scrape time: prom-client calls a series' `collect` before it reads the series. A
 * synchronous collector sits on its group's first series (they are read in registration order);
 * an asynchronous one (payments) on every series of its group, since prom-client reads them all
 * at once: it must share one refresh per scrape (see the service's `shared`).
 */
export interface SeriesCollectors {
  reqresp?: Collect
  gossip?: Collect
  payments?: Collect
  audit?: Collect
  chain?: Collect
  peers?: Collect
  market?: Collect
}

/** Every series the node's metrics service writes. */
export class HiveSeries {
  readonly jobsPosted: Counter<never>
  readonly jobsCompleted: Counter<never>
  readonly jobsFailed: Counter<'reason'>
  readonly placementSeconds: Histogram<never>
  readonly endToEndSeconds: Histogram<'outcome'>
  readonly bidsPerJob: Histogram<never>
  readonly providerBids: Counter<never>
  readonly providerAccepted: Counter<never>
  readonly providerDeclined: Counter<'reason'>
  readonly executorRuns: Counter<'status'>
  readonly executorSeconds: Histogram<'status'>
  readonly executorMemory: Histogram<never>
  readonly gossipVerdicts: Counter<'service' | 'verdict'>
  readonly reqrespOutcomes: Counter<'protocol' | 'outcome'>
  readonly reqrespRateLimited: Counter<'protocol'>
  readonly vouchers: Gauge<'role'>
  readonly channelBalance: Gauge<'role' | 'kind'>
  readonly channels: Gauge<'role' | 'status'>
  readonly earnings: Gauge<'source'>
  readonly auditEntries: Gauge<never>
  readonly auditAnchors: Gauge<never>
  readonly auditPending: Gauge<never>
  readonly auditAnchorFailures: Gauge<never>
  readonly chainTxs: Gauge<'outcome'>
  readonly chainGas: Gauge<never>
  readonly rpcSeconds: Histogram<'method'>
  readonly peers: Gauge<never>
  readonly postWindow: Gauge<'what'>

  constructor(registry: Registry, collectors: SeriesCollectors = {}) {
    const r = [registry]
    const c = collectors
    this.jobsPosted = new Counter({ name: 'hive_jobs_posted_total', help: 'jobs this node posted', registers: r })
    this.jobsCompleted = new Counter({
      name: 'hive_jobs_completed_total',
      help: 'jobs this node posted that ended with a verified output',
      registers: r,
    })
    this.jobsFailed = new Counter({
      name: 'hive_jobs_failed_total',
      help: 'jobs this node posted that failed, by reason code',
      labelNames: ['reason'],
      registers: r,
    })
    this.placementSeconds = new Histogram({
      name: 'hive_job_placement_seconds',
      help: 'requester: from posting a job to its first accepted award',
      buckets: PLACEMENT_BUCKETS,
      registers: r,
    })
    this.endToEndSeconds = new Histogram({
      name: 'hive_job_end_to_end_seconds',
      help: 'requester: from posting a job to its verified output (outcome=completed) or failure',
      labelNames: ['outcome'],
      buckets: E2E_BUCKETS,
      registers: r,
    })
    this.bidsPerJob = new Histogram({
      name: 'hive_job_bids',
      help: 'requester: bids a job received before it ended',
      buckets: BID_BUCKETS,
      registers: r,
    })
    this.providerBids = new Counter({ name: 'hive_provider_bids_total', help: 'provider: bids sent', registers: r })
    this.providerAccepted = new Counter({
      name: 'hive_provider_awards_accepted_total',
      help: 'provider: awards accepted',
      registers: r,
    })
    this.providerDeclined = new Counter({
      name: 'hive_provider_declined_total',
      help: 'provider: jobs or awards declined, by reason code',
      labelNames: ['reason'],
      registers: r,
    })
    this.executorRuns = new Counter({
      name: 'hive_executor_runs_total',
      help: 'provider: job runs by result status (EXEC_OK, EXEC_TRAPPED, ...)',
      labelNames: ['status'],
      registers: r,
    })
    this.executorSeconds = new Histogram({
      name: 'hive_executor_run_seconds',
      help: 'provider: wall time of a job from award to result, by status',
      labelNames: ['status'],
      buckets: EXEC_BUCKETS,
      registers: r,
    })
    this.executorMemory = new Histogram({
      name: 'hive_executor_peak_memory_bytes',
      help: "provider: a run's peak WebAssembly memory",
      buckets: MEMORY_BUCKETS,
      registers: r,
    })
    this.gossipVerdicts = new Counter({
      name: 'hive_gossip_messages_total',
      help: 'gossip messages by validation verdict (accept, ignore, reject, dropped, overloaded)',
      labelNames: ['service', 'verdict'],
      ...(c.gossip !== undefined ? { collect: c.gossip } : {}),
      registers: r,
    })
    this.reqrespOutcomes = new Counter({
      name: 'hive_reqresp_outcomes_total',
      help: 'request/response exchanges answered or asked, by protocol and outcome (OK or an error code)',
      labelNames: ['protocol', 'outcome'],
      ...(c.reqresp !== undefined ? { collect: c.reqresp } : {}),
      registers: r,
    })
    this.reqrespRateLimited = new Counter({
      name: 'hive_reqresp_rate_limited_total',
      help: 'requests refused by a rate limit or stream cap, by protocol',
      labelNames: ['protocol'],
      registers: r,
    })
    this.vouchers = new Gauge({
      name: 'hive_payment_vouchers',
      help: 'vouchers issued (role=requester) or received and verified (role=provider): the sum of channel nonces',
      labelNames: ['role'],
      ...(c.payments !== undefined ? { collect: c.payments } : {}),
      registers: r,
    })
    this.channelBalance = new Gauge({
      name: 'hive_channel_balance_hive',
      help: 'open and closing payment channels: deposit, paid (latest voucher) and remaining, in HIVE',
      labelNames: ['role', 'kind'],
      ...(c.payments !== undefined ? { collect: c.payments } : {}),
      registers: r,
    })
    this.channels = new Gauge({
      name: 'hive_channels',
      help: 'payment channels by role and status',
      labelNames: ['role', 'status'],
      ...(c.payments !== undefined ? { collect: c.payments } : {}),
      registers: r,
    })
    this.earnings = new Gauge({
      name: 'hive_earnings_hive',
      help: 'provider: HIVE earned, by source (channel vouchers held, escrows released)',
      labelNames: ['source'],
      ...(c.payments !== undefined ? { collect: c.payments } : {}),
      registers: r,
    })
    this.auditEntries = new Gauge({
      name: 'hive_audit_log_entries',
      help: 'audit log size',
      ...(c.audit !== undefined ? { collect: c.audit } : {}),
      registers: r,
    })
    this.auditAnchors = new Gauge({
      name: 'hive_audit_anchored_entries',
      help: 'audit log entries covered by the latest on-chain anchor',
      registers: r,
    })
    this.auditPending = new Gauge({
      name: 'hive_audit_unanchored_entries',
      help: 'audit log entries written since the last anchor',
      registers: r,
    })
    this.auditAnchorFailures = new Gauge({
      name: 'hive_audit_anchor_failures',
      help: 'anchor attempts failed in a row',
      registers: r,
    })
    this.chainTxs = new Gauge({
      name: 'hive_chain_transactions',
      help:
        'transactions this node sent since start, by outcome (mined, failed; dropped: a reorg dropped it and it' +
        ' was sent again; stale_receipt: a receipt a reorg took back)',
      labelNames: ['outcome'],
      ...(c.chain !== undefined ? { collect: c.chain } : {}),
      registers: r,
    })
    this.chainGas = new Gauge({
      name: 'hive_chain_gas_used',
      help: "gas used by this node's mined transactions since start",
      registers: r,
    })
    this.rpcSeconds = new Histogram({
      name: 'hive_chain_rpc_seconds',
      help: 'JSON-RPC round trips to the chain node, by method',
      labelNames: ['method'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: r,
    })
    this.peers = new Gauge({
      name: 'hive_peers',
      help: 'peers connected now',
      ...(c.peers !== undefined ? { collect: c.peers } : {}),
      registers: r,
    })
    this.postWindow = new Gauge({
      name: 'hive_requester_post_window',
      help:
        "the requester's window of negotiating jobs (what=window), the jobs negotiating now (negotiating)" +
        ' and the posts waiting for a place (waiting): waiting above 0 means the market is full',
      labelNames: ['what'],
      ...(c.market !== undefined ? { collect: c.market } : {}),
      registers: r,
    })
  }
}
