// The requester's side of the market: post a job (gossip for reach, direct pushes for speed),
// take bids on /hive/bid, award over /hive/award, take results on /hive/result, fetch and check
// outputs, and keep a durable record of every job so that none is silently lost.
import { CONGESTION_FAILURES, PostWindow } from './post-window.ts'
import type { NegotiationEnd, PostWindowOptions } from './post-window.ts'
import { randomBytes, randomInt } from 'node:crypto'
import { logger } from '../log/logger.ts'
import { peerIdFromString } from '@libp2p/peer-id'
import { CID } from 'multiformats/cid'
import { ExecStatus } from '../../protocol/gen/market.ts'
import { createJobRequest, signAward, signClearing } from '../../protocol/market/build.ts'
import { okReply } from '../../protocol/market/direct.ts'
import { chooseInline, encodeAwardWithData } from '../../protocol/market/inline-blobs.ts'
import { MAX_PROVIDER_ESTIMATE, defaultMaxBidders, stakeWeight } from '../../protocol/market/lottery.ts'
import { fail, isMarketValidationError } from '../../protocol/market/errors.ts'
import { NOT_BIDDING } from '../../protocol/market/candidates.ts'
import { BidGate } from './bid-gate.ts'
import { CandidateBook } from './candidates.ts'
import type { LotteryStats } from './bid-gate.ts'
import type { CandidateChoice } from '../../protocol/market/candidates.ts'
import { SeenCache } from '../../protocol/market/seen-cache.ts'
import { validateAcceptance } from '../../protocol/market/validate-award.ts'
import { validateBid } from '../../protocol/market/validate-bid.ts'
import { validateResult } from '../../protocol/market/validate-result.ts'
import { decodeOutputBundle, maxBundleOverhead } from '../../protocol/output-bundle.ts'
import { decodeCommitment, outputHashOf } from '../../protocol/payments/commitment.ts'
import { clearingPublishTopic, jobPublishTopic } from './gossip.ts'
import { jobShardTopics } from '../../protocol/topics.ts'
import type { JobShards } from './gossip.ts'
import { UsageError } from '../../protocol/errors.ts'
import { refuseWhenStoreFails, type StoreHealthInfo } from '../store-health.ts'
import { OlderVersionPeers, handleDirect, sendRequest, unsupportedProtocol } from './direct.ts'
import { NonProviders } from './non-providers.ts'
import type { OutcomeCounters } from '../p2p/reqresp/index.ts'
import { isFinal } from './job-record.ts'
import { RequesterJob } from './requester-job.ts'
import { toleranceGrouper } from './tolerance-outputs.ts'
import { RequesterLiveness } from './liveness-requester.ts'
import { pushReopen } from './reopen-push.ts'
import { JobLogs } from './job-logs.ts'
import type { JobLogView } from '../api/contract/jobs.ts'
import type { LivenessLibp2p } from './liveness-requester.ts'
import type { LivenessPolicy } from './liveness.ts'
import type { BlobExchange } from '../blobs/exchange.ts'
import type { BlobStore } from '../blobs/store.ts'
import type { JobEvent, JobEventSink } from './events.ts'
import type { JobRecord, JobRecordStore } from './job-record.ts'
import type { JobPolicy } from './requester-job.ts'
import type { ReputationStore } from './reputation-store.ts'
import { reputationScore } from '../../protocol/market/reputation.ts'
import type { MarketJournal, MarketProviderView } from './ports.ts'
import type { DirectLibp2p } from './direct.ts'
import type { JobSpecInput } from '../../protocol/market/build.ts'
import type { PaymentMode } from '../../protocol/payment-mode.ts'
import type { OutputBundle } from '../../protocol/output-bundle.ts'
import { observeDuplicateResult } from './duplicate-result.ts'
import { InlineOutputIntake } from './inline-output-intake.ts'
import { awardVoucherFor } from './pay-on-award.ts'
import { decodeResultWithData } from '../../protocol/market/inline-output.ts'
import { MarketEvents } from './events.ts'
import type { MarketPayments } from './ports.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Libp2p, PeerId, PrivateKey } from '@libp2p/interface'
import { failpoint, failpointSoon } from '../util/failpoints.ts'
import { deadline } from '../util/deadline.ts'
import { LruCache } from '../util/lru-cache.ts'
import { BidderSlots } from './bidder-slots.ts'
import type { Reply } from '../../protocol/gen/market.ts'

/** how long a provider a push could not reach stays out of the live set (unless heard again, or connected) */
const UNREACHABLE_MS = 5 * 60_000

const log = logger('hive:market:requester')

/**
 * A job accepted this long after its bid window closed counts as congestion (post-window.ts): the
 * bids or the acceptance came late because providers or this node are past what they carry.
 */
const LATE_PLACEMENT_MS = 1_000
/** how long a NO_CAPACITY decline keeps a provider behind other bidders (Requester.full) */
const FULL_HOLD_MS = 2_000
/** job events that end an award of ours, freeing the provider's slot it held (BidderSlots) */
const AWARD_OVER = new Set<JobEvent['type']>(['job:declined', 'job:result', 'job:revoked', 'job:reawarded'])

export type MarketLibp2p = DirectLibp2p &
  LivenessLibp2p &
  Pick<Libp2p, 'peerId' | 'getMultiaddrs'> & { services: { pubsub: GossipSub } }

export interface PostJobInput {
  module: Uint8Array
  inputs?: Array<{ name: string; data: Uint8Array }>
  args?: string[]
  executor?: string
  /** threads: an onnx job's intra-op threads (0/absent = 1) */
  limits?: Partial<{ memoryBytes: number; wallTimeMs: number; outputBytes: number; threads: number }>
  /** an onnx job's per-output tolerances (decimal strings; output '' = the default); none = the CID rule */
  tolerances?: JobSpecInput['tolerances']
  requirements?: JobSpecInput['requirements']
  maxPrice: bigint
  redundancy?: number
  bidWindowMs?: number
  /** the job must be verified within this time from posting (default 60 s) */
  timeoutMs?: number
  payment?: PaymentMode
  /** overrides of the node's award policy for this job (e.g. `reserve` to wait for more bids) */
  policy?: Partial<JobPolicy>
  /** m, how many providers should bid (default 2k + 2; 0: no lottery, every provider may bid) */
  maxBidders?: number
  /** N, the eligible providers' total stake weight in minimum stakes (default: this node's view) */
  providerEstimate?: number
  /**
   * k = 1 only: the chance (0..1) that this job is re-run on a second provider before anyone is
   * paid (default: the node policy's `spotCheckRate`, else 0). Neither provider can tell.
   */
  spotCheckRate?: number
  /**
   * pay-on-award (channel payment, k = 1; docs/market-path.md): the voucher rides with the award
   * and a small output with the result, four exchanges in all; stated in the signed spec
   */
  payOnAward?: boolean
}

export const DEFAULT_LIMITS = { memoryBytes: 64 * 1024 * 1024, wallTimeMs: 10_000, outputBytes: 4 * 1024 * 1024 }
/** how often a requester asks again for an output its provider still holds after payment (250 ms, doubling) */
const OUTPUT_RELEASE_RETRIES = 6
/** room for the output bundle's own framing on top of the job's output limit (every file's name and lengths) */
const BUNDLE_OVERHEAD_BYTES = maxBundleOverhead()
/**
 * How long a result that overtook its award's acceptance waits for that acceptance to be checked
 * (below the provider's 10 s for delivering it): a soak at capacity took 4 s and more.
 */
const AWARD_ANSWER_WAIT_MS = 8_000
/** after a restart, how long a resumed job waits for one of its winners to connect before going on */
const RESUME_CONTACT_MS = 30_000

export interface RequesterInit {
  libp2p: MarketLibp2p
  privateKey: PrivateKey
  blobs: BlobStore
  exchange: BlobExchange
  jobs: JobRecordStore
  emit?: JobEventSink
  now?: () => number
  /** whether the node can write its data dir (node/store-health.ts); failing: no job is posted */
  storeHealth?: () => StoreHealthInfo
  policy?: JobPolicy
  /**
   * providers found by discovery (e.g. the DHT), asked only while this node knows none for the
   * job's executor: the push targets then, besides gossip
   */
  pickProviders?: (input: Pick<PostJobInput, 'executor'>) => Promise<PeerId[]>
  /** how many jobs may negotiate at once, and how that follows the market (post-window.ts) */
  postWindow?: PostWindowOptions
  /** the node's discovery view: the live providers of a class (push choice and N) */
  providerView?: MarketProviderView
  /** the minimum provider stake, the lottery's weight unit (undefined: every staked bidder weighs one) */
  minStake?: () => bigint | undefined
  /**
   * the registry's view of a bidder (with the owner of its stake, so that one owner's peer ids
   * count as one provider); without it stake is not checked (no chain configured)
   */
  stakeOf?: (provider: PeerId, ethAddress: string) => Promise<{ stake: bigint; slashed: boolean; owner?: string }>
  /** settlement (node/payments): on, jobs are paid (bids must name an address, results carry commitments) */
  payments?: MarketPayments
  /** what payments hears of each job (payout addresses, acceptance, verified outputs, settlement) */
  events?: MarketEvents
  /** writes this requester's side of every job to the journal (audit; none: the market runs unaudited) */
  journal?: MarketJournal
  /** the node's request/response outcome counters (its handlers count into them) */
  counters?: OutcomeCounters
  /** heartbeat silence and reconnect grace before an awarded provider is taken for dead (docs/reaward.md) */
  liveness?: Partial<LivenessPolicy>
  /** the job topics' shards (default: one topic per class) */
  shards?: JobShards
  /** this requester's verified history of providers (scores bids; updated when a job ends) */
  reputation?: ReputationStore
}

/** a peer's gossipsub score (GossipSub's exported interface leaves out getScore, which the class has) */
function gossipScore(pubsub: GossipSub, peer: string): number {
  return (pubsub as unknown as { getScore?: (p: string) => number }).getScore?.(peer) ?? 0
}

/** Whether a k = 1 job is spot-checked, drawn with a CSPRNG so that no provider can predict it. */
export function drawSpotCheck(redundancy: number, rate: number | undefined): boolean {
  if (redundancy !== 1 || rate === undefined || !(rate > 0)) return false
  if (rate >= 1) return true
  return randomInt(1_000_000) < Math.round(rate * 1_000_000)
}

/** the stake owner of a standing, as a bid candidate field (none when unknown) */
function ownerOf(standing: { owner?: string }): { owner?: string } {
  return standing.owner !== undefined && standing.owner !== '' ? { owner: standing.owner } : {}
}

/** a post's module and inputs once in the blob store: what a post waiting for the window holds */
interface StoredJobData {
  module: { cid: CID; size: number }
  inputs: Array<{ name: string; cid: CID; size: number }>
}

export class Requester {
  private readonly init: RequesterInit
  private readonly events: MarketEvents
  private readonly now: () => number
  private readonly active = new Map<string, RequesterJob>()
  /** how many jobs may negotiate at once (post-window.ts), and the ones holding a place */
  private readonly window: PostWindow
  private readonly negotiating = new Set<string>()
  private readonly bidSeen = new SeenCache({ capacity: 100_000, ttlMs: 10 * 60_000 })
  private readonly resultSeen = new SeenCache({ capacity: 100_000, ttlMs: 60 * 60_000 })
  /** `${jobId}/${provider}` -> the stake owner the registry named for it (reputation is kept per owner) */
  private readonly ownerOf = new Map<string, string>()
  private readonly unhandle: Array<() => Promise<void>> = []
  /** which bids each open job takes: pushed providers and lottery winners (issue 14) */
  private readonly gate = new BidGate()
  /** the providers this node knows, for choosing push targets */
  private readonly candidates = new CandidateBook()
  /** providers a push failed to reach, until when they are left out of the live set */
  private readonly unreachable = new Map<string, number>()
  /** peers on the job topics that refused a push for the protocol: requesters, relays */
  private readonly nonProviders: NonProviders
  /** providers that do not speak /hive/award/2.0.0 */
  private readonly awardV1 = new OlderVersionPeers()
  /** providers that do not speak /hive/request/2.0.0 (the bid in the push's reply) */
  private readonly pushV1 = new OlderVersionPeers()
  /**
   * Providers that just declined one of our awards for capacity (NO_CAPACITY). A provider bids
   * while it has a free slot and may have filled it by the time an award comes (it bids on many
   * jobs and wins some at once); each such decline is an exchange, a signature and journal
   * entries on both sides before the job's next bidder is asked (a 5-minute soak at 10 jobs/s,
   * 20 providers of 2 slots: 2,488 declines for 2,999 jobs). Jobs with other bidders try them
   * first while a provider is held here: until one of our awards with it ends (a slot of it
   * frees) or FULL_HOLD_MS passes (another requester's job may have ended).
   */
  private readonly full: LruCache<true>
  /** our awards each provider holds, against the free slots its bids state (issue 14) */
  private readonly bidderSlots = new BidderSlots()
  /** outputs that came inline with results (result/2.0.0) */
  readonly inlineOutputs: InlineOutputIntake
  /** results that came while their award's acceptance was still being checked, and waited for it */
  resultsBeforeAcceptance = 0
  private readonly liveness: RequesterLiveness
  /** live output of running jobs (docs/job-logs.md) */
  readonly jobLogs: JobLogs
  private started = false
  /** resolves once the jobs a previous run left are tracked again (recoverInterrupted) */
  private recovered: Promise<void> = Promise.resolve()

  constructor(init: RequesterInit) {
    this.init = init
    this.now = init.now ?? Date.now
    this.full = new LruCache<true>({ maxEntries: 1_024, ttlMs: FULL_HOLD_MS, now: this.now })
    this.jobLogs = new JobLogs({
      now: this.now,
      emit: (e) => this.init.emit?.(e),
      // only a provider working on a live award of the job: not one whose result came, not a revoked one
      isLive: (jobId, provider) =>
        this.active.get(jobId)?.record.awards.some((a) => a.provider === provider && a.status === 'running') === true,
    })
    this.inlineOutputs = new InlineOutputIntake(init.blobs)
    this.nonProviders = new NonProviders({ libp2p: init.libp2p, now: this.now })
    this.window = new PostWindow({ now: this.now, ...init.postWindow })
    this.liveness = new RequesterLiveness({
      libp2p: init.libp2p,
      privateKey: init.privateKey,
      now: this.now,
      policy: init.liveness,
      counters: init.counters,
      lookupAward: (jobId, provider) => {
        const award = this.active
          .get(jobId)
          ?.record.awards.find((a) => a.provider === provider && (a.status !== 'failed' || a.revokedAt !== undefined))
        return award === undefined ? undefined : { awardIndex: award.slot, revoked: award.revokedAt !== undefined }
      },
      onLog: (jobId, provider, chunk) => this.jobLogs.take(jobId, provider, chunk),
      revoke: async (v) => await this.active.get(v.jobId)?.revoke(v.provider, v.reason, v.silentForMs, v),
      revoked: async (v, slot, envelope) => {
        const job = this.active.get(v.jobId)
        // the auditor's copy: the signed revocation, whether or not the provider ever hears it
        await this.init.journal?.record({
          type: 'award-revoked',
          jobId: v.jobId,
          peer: peerIdFromString(v.provider),
          envelope,
          slot,
          reason: v.reason,
        })
        // settled jobs are gone from `active`; their payment mode is in the stored record
        const payment = job?.record.payment ?? (await this.init.jobs.get(v.jobId))?.payment
        if (payment === undefined) return
        await this.events.emit('award:revoked', {
          jobId: v.jobId,
          payment,
          provider: v.provider,
          slot,
          reason: v.reason,
        })
      },
    })
    this.events = init.events ?? new MarketEvents()
  }

  async start(): Promise<void> {
    if (this.started) return
    // results are served at once (a provider that finds our protocol missing while we start gives
    // up on the award), but each waits for the jobs of a previous run to be tracked again
    const recovering = this.recoverInterrupted()
    this.recovered = recovering.catch(() => {})
    const { libp2p, counters } = this.init
    const base = { libp2p, ...(counters !== undefined ? { counters } : {}) }
    this.unhandle.push(
      await handleDirect({ ...base, protocol: 'bid', handle: async (bytes, from) => await this.onBid(bytes, from) }),
    )
    this.unhandle.push(
      await handleDirect({
        ...base,
        protocol: 'result',
        handle: async (bytes, from) => await this.onResult(bytes, from),
      }),
    )
    this.unhandle.push(
      await handleDirect({
        ...base,
        protocol: 'resultData',
        handle: async (bytes, from) => {
          const { envelope, output } = decodeResultWithData(bytes)
          return await this.onResult(envelope, from, output)
        },
      }),
    )
    await this.liveness.start()
    this.nonProviders.start()
    this.unhandle.push(async () => {
      this.nonProviders.stop()
      await this.liveness.stop()
    })
    await recovering
    this.started = true
  }

  async stop(): Promise<void> {
    if (!this.started) return
    for (const u of this.unhandle.splice(0)) await u()
    for (const job of this.active.values()) job.dispose()
    this.active.clear()
    this.window.close()
    this.negotiating.clear()
    this.started = false
  }

  /**
   * Stores the job's data, signs and publishes the request; returns its id at once. While as many
   * of our jobs negotiate as the market carries, waits first (post-window.ts): the job's bid
   * window starts when it goes out; `signal` ends the wait (REQUESTER_BUSY). The data goes into
   * the blob store before the wait: a waiting post holds content ids, not its module and inputs
   * (up to 4,096 posts may wait, each an API request's decoded body).
   */
  post(input: PostJobInput, options: { signal?: AbortSignal } = {}): Promise<{ jobId: string }> {
    try {
      if (!this.started) throw new UsageError('NODE_NOT_STARTED', 'the requester is not running; start the node first')
      refuseWhenStoreFails(this.init.storeHealth?.())
    } catch (err) {
      return Promise.reject(err as Error)
    }
    // not an async function on purpose: V8 keeps a suspended async function's parameters alive,
    // so `input` (and its bytes) would live as long as the wait; only `spec` crosses into it
    const { module: _module, inputs: _inputs, ...spec } = input
    return this.storeData(input).then(async (stored) => await this.postStored(spec, stored, options.signal))
  }

  private async postStored(
    input: Omit<PostJobInput, 'module' | 'inputs'>,
    stored: StoredJobData,
    signal: AbortSignal | undefined,
  ): Promise<{ jobId: string }> {
    await this.window.acquire(signal)
    let tracked = false
    try {
      return await this.postNow(input, stored, () => {
        tracked = true
      })
    } catch (err) {
      // failed before the job was tracked: nothing else will give its place back
      if (!tracked) this.window.end('other')
      throw err
    }
  }

  /** The window's state: jobs negotiating, posts waiting, how negotiations ended (metrics, tests). */
  windowStats(): ReturnType<PostWindow['stats']> {
    return this.window.stats()
  }

  private negotiationEnded(jobId: string, how: NegotiationEnd): void {
    if (this.negotiating.delete(jobId)) this.window.end(how)
  }

  /**
   * The job's module and inputs into the blob store. Not fsynced one by one: the job record's
   * synced write in postNow flushes LevelDB's log, and with it these earlier writes, before anyone
   * hears of the job (one fsync per post, not three).
   */
  private async storeData(input: PostJobInput): Promise<StoredJobData> {
    const { blobs } = this.init
    const module = { cid: await blobs.put(input.module), size: input.module.byteLength }
    const inputs = []
    for (const i of input.inputs ?? [])
      inputs.push({ name: i.name, cid: await blobs.put(i.data), size: i.data.byteLength })
    return { module, inputs }
  }

  private async postNow(
    input: Omit<PostJobInput, 'module' | 'inputs'>,
    stored: StoredJobData,
    tracked: () => void,
  ): Promise<{ jobId: string }> {
    const { libp2p } = this.init
    const now = this.now()
    const { module, inputs } = stored
    const limits = { ...DEFAULT_LIMITS, ...input.limits }
    const bidWindowMs = input.bidWindowMs ?? 500
    const executor = input.executor ?? 'wasm'
    const maxBidders = input.maxBidders ?? defaultMaxBidders(input.redundancy ?? 1)
    const choice = this.candidates.choose(this.liveProviders(executor), maxBidders)
    const spec: JobSpecInput = {
      executor,
      module: module.cid,
      moduleSize: module.size,
      inputs,
      args: input.args ?? [],
      limits,
      ...(input.tolerances !== undefined ? { tolerances: input.tolerances } : {}),
      requirements: input.requirements,
      maxPrice: input.maxPrice,
      payment: input.payment ?? 'channel',
      redundancy: input.redundancy ?? 1,
      bidWindowMs,
      deadline: now + (input.timeoutMs ?? 60_000),
      createdAt: now,
      nonce: randomBytes(16),
      requesterEthAddress: this.init.payments?.address(),
      maxBidders,
      providerEstimate: Math.min(MAX_PROVIDER_ESTIMATE, input.providerEstimate ?? choice.estimate),
      ...(input.payOnAward === true ? { payOnAward: true } : {}),
    }
    const created = await createJobRequest(
      spec,
      this.init.privateKey,
      libp2p.getMultiaddrs().map((a) => a.toString()),
    )
    const record: JobRecord = {
      jobId: created.jobId,
      phase: 'bidding',
      executor,
      redundancy: spec.redundancy,
      maxPrice: input.maxPrice.toString(),
      payment: spec.payment,
      moduleCid: module.cid.toString(),
      inputs: inputs.map((i) => ({ name: i.name, cid: i.cid.toString(), size: i.size })),
      args: spec.args ?? [],
      limits,
      postedAt: now,
      bidsCloseAt: now + bidWindowMs,
      deadline: spec.deadline,
      bids: [],
      awards: [],
      dissenters: [],
      requestHex: Buffer.from(created.bytes).toString('hex'),
      ...(drawSpotCheck(
        spec.redundancy ?? 1,
        input.spotCheckRate ?? input.policy?.spotCheckRate ?? this.init.policy?.spotCheckRate,
      )
        ? { spotCheck: true }
        : {}),
      ...(input.payOnAward === true ? { payOnAward: true } : {}),
    }
    // audited: the record lands in the same atomic batch as the `posted` entry
    if (this.init.journal !== undefined)
      await this.init.journal.record({ type: 'posted', record, envelope: created.bytes })
    else await this.init.jobs.put(record.jobId, record, { sync: true })
    this.negotiating.add(record.jobId)
    tracked()
    const job = this.track(record, input.policy)
    this.gate.open(
      record.jobId,
      { nonce: spec.nonce, maxBidders, statedEstimate: created.request.spec!.providerEstimate },
      () => {
        job.candidatesAnswered()
      },
    )
    // marked before anyone hears of the job: a chosen provider may bid on its gossip copy first
    for (const p of choice.targets) this.gate.markPushed(record.jobId, p)
    job.start()

    await libp2p.services.pubsub
      .publish(jobPublishTopic(executor, record.jobId, this.init.shards), created.bytes)
      .catch((err: Error) => {
        log('gossip publish of %s failed: %s', record.jobId, err.message)
      })
    // direct pushes in the background: post() returns once the job is durable and gossiped,
    // and bids from pushed providers may arrive while other pushes are still under way. A job
    // whose caller stated its own N may have bidders we do not know: it never awards early.
    void this.pushJob(record, input, created.bytes, choice, input.providerEstimate === undefined)
    failpoint('requester:after-post')
    return { jobId: record.jobId }
  }

  /**
   * Pushes a new job to its chosen candidates (already marked in the gate), or to discovery's
   * when we know none; a decline or an unreachable candidate counts as answered. When none of the
   * candidates we knew could be asked, discovery is asked too: a requester that has just joined may know
   * only its bootstrap (issue 16, requester churn: it pushed the bootstrap, a requester that
   * refused, and the job failed NO_BIDS at once, its gossip on a shard no provider had joined).
   */
  private async pushJob(
    { jobId, bidsCloseAt }: JobRecord,
    input: Pick<PostJobInput, 'executor' | 'bidWindowMs'>,
    bytes: Uint8Array,
    choice: CandidateChoice,
    mayCloseEarly: boolean,
  ): Promise<void> {
    const executor = input.executor ?? 'wasm'
    const asked = new Set(choice.targets)
    /** the providers discovery finds that were not asked yet, marked as pushed in the gate */
    const discovered = async (): Promise<PeerId[]> => {
      const found = ((await this.init.pickProviders?.(input).catch(() => [])) ?? []).filter(
        (p) => !asked.has(p.toString()),
      )
      for (const peer of found) {
        asked.add(peer.toString())
        this.gate.markPushed(jobId, peer.toString())
      }
      return found
    }
    let targets = choice.targets.map((p) => peerIdFromString(p))
    let closedView = choice.closedView && mayCloseEarly
    let fromDiscovery = false
    if (targets.length === 0) {
      targets = await discovered()
      // found by discovery: others may be out there too
      closedView = false
      fromDiscovery = true
    }
    let pushed = 0
    let willBid = 0
    let declined = 0
    // a push is worth waiting for while bids are taken: a provider behind a NAT is reached over a
    // relay circuit (dial the relay, CONNECT, upgrade), which took longer than 2 s on a loaded host
    const pushMs = Math.max(2_000, input.bidWindowMs ?? 0)
    /** true: the provider will bid; false: it declined or could not be reached */
    const pushTo = async (peer: PeerId): Promise<boolean> => {
      try {
        const reply = await this.sendPush(peer, bytes, AbortSignal.timeout(pushMs))
        pushed++
        if (reply.code !== NOT_BIDDING && reply.envelope.byteLength > 0) {
          // its bid came with the reply (/hive/request/2.0.0): taken as if it came on /hive/bid
          willBid++
          return await this.onBid(reply.envelope, peer).then(
            () => true,
            (err: unknown) => {
              log('bid on %s from %s in its push reply refused: %s', jobId, peer.toString(), (err as Error).message)
              this.gate.answered(jobId, peer.toString())
              return false
            },
          )
        }
        if (reply.code !== NOT_BIDDING) {
          willBid++
          return true
        }
        declined++
        this.gate.answered(jobId, peer.toString())
      } catch (err) {
        log('direct push of %s to %s failed: %s', jobId, peer.toString(), (err as Error).message)
        this.gate.answered(jobId, peer.toString())
        this.pushFailed(peer.toString(), err)
      }
      return false
    }
    // a target that declined or is gone gives its push to the next best live provider not asked
    // yet, while the window is open: at most one spare per target, so a job costs at most 2m pushes
    // (a CI flake: both of a k = 2 job's targets were providers stopped earlier, and nobody bid)
    let spares = closedView ? 0 : targets.length
    const pushAll = async (peers: PeerId[]): Promise<void> => {
      await Promise.all(
        peers.map(async (first) => {
          let peer: PeerId | undefined = first
          while (peer !== undefined && !(await pushTo(peer))) {
            if (spares === 0 || this.now() >= bidsCloseAt) return
            const next = this.candidates.chooseAmong(this.liveProviders(executor), 1, asked)[0]
            if (next === undefined) return
            spares--
            asked.add(next)
            this.gate.markPushed(jobId, next)
            peer = peerIdFromString(next)
          }
        }),
      )
    }
    await pushAll(targets)
    if (willBid === 0 && declined === 0 && !fromDiscovery && this.now() < bidsCloseAt) {
      // nobody we knew could even be asked (gone, or no provider at all): our view is cold or
      // wrong, and so was calling it closed. (Providers that declined are real: no walk for them.)
      const more = await discovered()
      if (more.length > 0) closedView = false
      spares = 0
      await pushAll(more)
    }
    this.gate.pushesDone(jobId, closedView)
    this.init.emit?.({ type: 'job:posted', at: this.now(), jobId, pushedTo: pushed })
  }

  /**
   * The live providers of the executor's class: the discovery view's (verified, unexpired
   * profiles), and peers heard on the class's job topics whose profile has not reached us yet
   * (announcements go out when a provider starts and then every half lifetime: a requester that
   * joined later hears them on the topic first). Peer ids are free: the estimate caps the ones
   * that never bid (protocol/market/candidates.ts providerEstimate).
   */
  private liveProviders(executor: string): string[] {
    const live = new Set<string>()
    const now = this.now()
    // a profile outlives its provider (an hour by default): one we could not reach is left out
    // until it is heard on a job topic again or the mark lapses
    for (const p of this.init.providerView?.liveProviders(executor) ?? []) {
      const until = this.unreachable.get(p.provider)
      if (until !== undefined && until > now && !this.connected(p.provider)) continue
      live.add(p.provider)
    }
    // every shard of the class: a provider joins only some of them
    const pubsub = this.init.libp2p.services.pubsub
    for (const topic of jobShardTopics(executor, this.init.shards?.shards ?? 1)) {
      for (const p of pubsub.getSubscribers(topic)) {
        const id = p.toString()
        // a peer that sent invalid gossip on our topics is no provider of ours (issue 16: Sybils
        // subscribing everywhere took push slots and kept every view open, so no job awarded early)
        if (gossipScore(pubsub, id) < 0) continue
        // other requesters and relays join every job topic too (job-topic-watch.ts)
        if (this.nonProviders.has(id)) continue
        live.add(id)
        this.unreachable.delete(id)
      }
    }
    live.delete(this.init.libp2p.peerId.toString())
    return [...live]
  }

  /**
   * Sends a signed award: with the job's inputs inline when they are small (/hive/award/2.0.0,
   * the provider then fetches nothing but a module it has not cached), else, or to a provider
   * that does not speak version 2, the bare envelope on /hive/award/1.0.0.
   */
  private async sendAward(peer: PeerId, envelope: Uint8Array, record: JobRecord, voucher?: Uint8Array): Promise<Reply> {
    const { libp2p } = this.init
    const signal = AbortSignal.timeout(5_000)
    const chosen = chooseInline(record.inputs)
    const blobs: Array<{ cid: string; data: Uint8Array }> = []
    for (const i of chosen) {
      const data = await this.init.blobs.get(CID.parse(i.cid))
      if (data === undefined) break
      blobs.push({ cid: i.cid, data })
    }
    const withBlobs = chosen.length > 0 && blobs.length === chosen.length
    const bare = async (): Promise<Reply> => await sendRequest(libp2p, peer, 'award', envelope, { signal })
    if (!withBlobs && voucher === undefined) return await bare()
    const body = encodeAwardWithData(envelope, withBlobs ? blobs : [], voucher)
    return await this.awardV1.send(
      peer,
      async () => await sendRequest(libp2p, peer, 'awardData', body, { signal }),
      bare,
    )
  }

  /**
   * Pushes a signed job request: on /hive/request/2.0.0, whose reply carries the provider's bid,
   * or to a provider that does not speak version 2, on /hive/request/1.0.0 (its bid follows on
   * /hive/bid).
   */
  private async sendPush(peer: PeerId, bytes: Uint8Array, signal: AbortSignal): Promise<Reply> {
    const { libp2p } = this.init
    return await this.pushV1.send(
      peer,
      async () => await sendRequest(libp2p, peer, 'requestBid', bytes, { signal }),
      async () => await sendRequest(libp2p, peer, 'request', bytes, { signal }),
    )
  }

  /** we hold a connection to `peer` now: whatever a push found earlier, it is reachable */
  private connected(peer: string): boolean {
    try {
      return this.init.libp2p.getConnections(peerIdFromString(peer)).length > 0
    } catch {
      return false
    }
  }

  /** a push to `peer` failed: it does not serve jobs (non-providers.ts), or we cannot reach it */
  private pushFailed(peer: string, err: unknown): void {
    this.candidates.forget(peer)
    if (unsupportedProtocol(err)) this.nonProviders.mark(peer)
    else this.markUnreachable(peer)
  }

  private markUnreachable(provider: string): void {
    this.unreachable.delete(provider)
    this.unreachable.set(provider, this.now() + UNREACHABLE_MS)
    if (this.unreachable.size > 4096) {
      const oldest = this.unreachable.keys().next()
      if (oldest.done !== true) this.unreachable.delete(oldest.value)
    }
  }

  /** What the bid lottery has let through and dropped, since start (metrics, tests). */
  lotteryStats(): LotteryStats {
    return this.gate.stats()
  }

  /** Resolves with the job's final record (completed or failed). */
  async wait(jobId: string, options: { signal?: AbortSignal } = {}): Promise<JobRecord> {
    const job = this.active.get(jobId)
    if (job !== undefined) return await job.settled(options.signal)
    const record = await this.init.jobs.get(jobId)
    if (record === undefined)
      throw new UsageError('UNKNOWN_JOB', `no job ${jobId} on this node; \`hive job list\` shows the known ones`, {
        jobId,
      })
    return record
  }

  /** the live output kept of `jobId` (docs/job-logs.md) */
  logs(jobId: string, provider?: string): JobLogView[] {
    return this.jobLogs.get(jobId, provider)
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    return this.active.get(jobId)?.record ?? (await this.init.jobs.get(jobId))
  }

  async list(): Promise<JobRecord[]> {
    const out: JobRecord[] = []
    for await (const r of this.init.jobs.values()) out.push(this.active.get(r.jobId)?.record ?? r)
    return out.sort((a, b) => b.postedAt - a.postedAt)
  }

  /** A blob from the local store (e.g. a module posted before), or undefined. */
  async blob(cid: string): Promise<Uint8Array | undefined> {
    return await this.init.blobs.get(cid)
  }

  /** The verified output of a completed job, from the local blob store. */
  async output(jobId: string): Promise<OutputBundle | undefined> {
    const record = await this.get(jobId)
    if (record?.outputCid === undefined) return undefined
    const bytes = await this.init.blobs.get(record.outputCid)
    return bytes === undefined ? undefined : decodeOutputBundle(bytes)
  }

  private track(record: JobRecord, policy: Partial<JobPolicy> = {}): RequesterJob {
    const { libp2p } = this.init
    const { wallTimeMs, outputBytes } = record.limits
    const job = new RequesterJob(record, {
      now: this.now,
      wallTimeMs,
      likelyFull: (provider, slots) => this.full.get(provider) === true || this.bidderSlots.likelyFull(provider, slots),
      // with a registry, bids carry looked-up stake: the job's stake floor applies
      policy: { ...(this.init.stakeOf !== undefined ? { stakeChecked: true } : {}), ...this.init.policy, ...policy },
      emit: (e) => {
        this.liveness.onJobEvent(e)
        if (e.type === 'job:result' || e.type === 'job:revoked') this.full.delete(e.provider)
        if (e.type === 'job:awarded') this.bidderSlots.taken(e.provider, e.jobId)
        else if (AWARD_OVER.has(e.type) && 'provider' in e) {
          // a slot of it came free (a decline took none; an award that was over already, once):
          // one job waiting for it asks now
          if (this.bidderSlots.released(e.provider, e.jobId) && e.type !== 'job:declined')
            this.wakeOneWaitingFor(e.provider)
        }
        // taken, but only after its bid window had long closed: the market is not keeping up
        if (e.type === 'job:accepted')
          this.negotiationEnded(e.jobId, e.at - record.bidsCloseAt > LATE_PLACEMENT_MS ? 'congested' : 'placed')
        else if (e.type === 'job:failed')
          this.negotiationEnded(e.jobId, CONGESTION_FAILURES.has(e.reason) ? 'congested' : 'other')
        this.init.emit?.(e)
      },
      actions: {
        award: async (provider, price, slot, deadline, accepted) => {
          const peer = peerIdFromString(provider)
          const bytes = await signAward(
            { jobId: record.jobId, provider: peer, price, awardIndex: slot, deadline, issuedAt: this.now() },
            this.init.privateKey,
          )
          await this.init.journal?.record({
            type: 'award-sent',
            jobId: record.jobId,
            peer,
            envelope: bytes,
            price,
            slot,
          })
          failpointSoon('requester:after-award', 100)
          const paid = await awardVoucherFor(record, this.init.payments, provider, price)
          let acceptance
          let reply: Reply
          try {
            reply = await this.sendAward(peer, bytes, record, paid?.voucher)
            acceptance =
              reply.envelope.length === 0
                ? undefined
                : await validateAcceptance(reply.envelope, {
                    now: this.now(),
                    award: { jobId: record.jobId, provider: peer, price, awardIndex: slot },
                  })
          } catch (err) {
            await paid?.settle('unknown')
            throw err
          }
          // pay-on-award: its ack inside the signed acceptance says whether the voucher was taken
          await paid?.settle(acceptance?.accepted === true ? acceptance.acceptance.voucherAck : undefined)
          if (acceptance?.accepted !== true) {
            // full since it bid: a slot frees when one of its jobs ends (RequesterJob asks again),
            // and meanwhile our other jobs try their other bidders first
            if (acceptance?.acceptance.reason !== 'NO_CAPACITY') return false
            this.full.set(provider, true)
            return 'busy'
          }
          await this.init.journal?.record({
            type: 'acceptance-received',
            jobId: record.jobId,
            peer,
            envelope: reply.envelope,
            price,
            slot,
          })
          await accepted?.()
          // only now, with the provider's signed acceptance: secure the payment (escrow: create
          // it), so that a bidder that declines costs no gas. A throw fails this award.
          await this.events.emit('award:accepted', {
            jobId: record.jobId,
            payment: record.payment,
            provider,
            price,
            deadline,
          })
          failpoint('requester:after-accept')
          return true
        },
        fetchOutput: async (provider, outputCid) => {
          // fair exchange: the provider releases the output once it sees our payment, which its
          // RPC may show a block after ours does: BLOB_PAYMENT_REQUIRED is retried a while
          // (about 16 s in all), then counts as a withheld output
          failpointSoon('requester:mid-fetch', 0)
          for (let attempt = 0; ; attempt++) {
            try {
              const bytes = await this.init.exchange.fetch(peerIdFromString(provider), CID.parse(outputCid), {
                maxBytes: outputBytes + BUNDLE_OVERHEAD_BYTES,
              })
              decodeOutputBundle(bytes, { maxBytes: outputBytes + BUNDLE_OVERHEAD_BYTES })
              return true
            } catch (err) {
              if (
                (err as { code?: string }).code === 'BLOB_PAYMENT_REQUIRED' &&
                attempt < OUTPUT_RELEASE_RETRIES &&
                !isFinal(record.phase)
              ) {
                await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt))
                continue
              }
              log('output %s from %s rejected: %s', outputCid, provider, (err as Error).message)
              return false
            }
          }
        },
        ...(this.init.payments !== undefined
          ? {
              pay: async (provider: string, price: bigint, outputCid: string) => {
                failpoint('requester:after-verify')
                await this.events.emit('output:verified', {
                  jobId: record.jobId,
                  payment: record.payment,
                  provider,
                  price,
                  outputCid,
                })
              },
            }
          : {}),
        groupOutputs: toleranceGrouper(record, async (cid) => await this.init.blobs.get(cid)),
        // every awarded provider died and no bid is left: ask live providers not tried yet (docs/reaward.md)
        reopen: async (req) =>
          await pushReopen(
            {
              libp2p,
              privateKey: this.init.privateKey,
              jobId: record.jobId,
              request: Buffer.from(record.requestHex, 'hex'),
              now: this.now,
              choose: (except) =>
                this.candidates.chooseAmong(
                  this.liveProviders(record.executor),
                  defaultMaxBidders(record.redundancy),
                  except,
                ),
              marked: (p) => {
                this.gate.markPushed(record.jobId, p)
              },
              unreachable: (p, err) => {
                this.pushFailed(p, err)
              },
              // the auditor's copy: why this job may hold more awards than k
              signed: async (envelope, targets) => {
                await this.init.journal?.record({
                  type: 'bid-reopened',
                  jobId: record.jobId,
                  envelope,
                  sequence: req.sequence,
                  bidsCloseAt: req.bidsCloseAt,
                  asked: targets.length,
                })
              },
            },
            req,
          ),
        publishClearing: async (winners) => {
          const spec = { executor: record.executor, wallTimeMs, memoryBytes: record.limits.memoryBytes }
          const bytes = await signClearing(
            {
              jobId: record.jobId,
              winners: winners.map((w) => ({ provider: peerIdFromString(w.provider), price: w.price })),
              timestamp: this.now(),
              ...spec,
            },
            this.init.privateKey,
          )
          await libp2p.services.pubsub.publish(clearingPublishTopic(record.jobId, this.init.shards), bytes)
        },
        save: async (r, final) => {
          // audited: the final record lands with the `verified` entries
          if (final && this.init.journal !== undefined) await this.init.journal.record({ type: 'finished', record: r })
          else await this.init.jobs.put(r.jobId, r, { sync: final })
        },
      },
    })
    this.active.set(record.jobId, job)
    void job.settled().then(
      async (final) => {
        this.negotiationEnded(record.jobId, 'other')
        this.active.delete(record.jobId)
        this.gate.close(record.jobId)
        await this.events.emit('job:settled', { record: final }).catch((err: Error) => {
          log.error('settling %s failed: %s', final.jobId, err.message)
        })
        await this.init.reputation?.recordJob(final, (p) => this.ownerOf.get(`${final.jobId}/${p}`))
        for (const b of final.bids) this.ownerOf.delete(`${final.jobId}/${b.provider}`)
        for (const a of final.awards) this.ownerOf.delete(`${final.jobId}/${a.provider}`)
        for (const a of final.awards) this.bidderSlots.released(a.provider, final.jobId)
      },
      () => {},
    )
    return job
  }

  /** the oldest of our jobs that waits for `provider` after a capacity decline asks it again now */
  private wakeOneWaitingFor(provider: string): void {
    for (const job of this.active.values()) if (job.slotFreed(provider)) return
  }

  private async onBid(bytes: Uint8Array, from: PeerId): Promise<Uint8Array> {
    const valid = await validateBid(bytes, {
      now: this.now(),
      expectedProvider: from,
      lookupJob: (jobId) => {
        const job = this.active.get(jobId)
        return job?.acceptsBids() === true ? { maxPrice: BigInt(job.record.maxPrice) } : undefined
      },
      seen: this.bidSeen,
    })
    const job = this.active.get(valid.jobId)
    if (job === undefined) return okReply()
    const ethAddress = valid.bid.providerEthAddress
    // a bidder that names no address cannot be paid on chain
    if (this.init.payments !== undefined && ethAddress === '') return okReply()
    // without a registry (no chain configured) stake cannot be checked: count every bidder as
    // minimally staked, which is what the selection's stake floor expects
    const standing =
      this.init.stakeOf !== undefined ? await this.init.stakeOf(from, ethAddress) : { stake: 1n, slashed: false }
    // the stake owner comes with the standing (node/chain/stake-owner.ts); unstaked: the peer id itself
    const owner = standing.owner ?? from.toString()
    this.admitBid(valid.jobId, from, valid.bid.lotteryEstimate, standing.stake, owner)
    this.candidates.noteBid(
      from.toString(),
      valid.price,
      BigInt(job.record.maxPrice),
      stakeWeight(standing.stake, this.init.minStake?.()),
      owner,
    )
    if (this.init.payments !== undefined)
      await this.events.emit('bid:kept', { jobId: valid.jobId, provider: from.toString(), payoutAddress: ethAddress })
    const measured = await this.measure(from, standing, job.record.postedAt, valid.bid.benchmarkScore)
    // queued before addBid, which may award at once: the bid precedes its award in the log
    const logged = this.init.journal?.record({
      type: 'bid-received',
      jobId: valid.jobId,
      peer: from,
      envelope: bytes,
      price: valid.price,
    })
    if (standing.owner !== undefined) this.ownerOf.set(`${valid.jobId}/${from.toString()}`, standing.owner)
    const released = job.addBid({
      ...(this.init.payments !== undefined ? { payoutAddress: ethAddress } : {}),
      benchmarkScore: valid.bid.benchmarkScore,
      slots: this.bidderSlots.mark(valid.bid.freeSlots, valid.bid.slotsHeldForRequester),
      candidate: {
        // benchmarkScore: the claim, discounted when work showed it false (measure)
        provider: from.toString(),
        price: valid.price,
        expiresAt: valid.bid.expiresAt,
        stake: standing.stake,
        slashed: standing.slashed,
        ...ownerOf(standing),
        ...measured,
      },
    })
    // a bid the job does not keep is never paid: its address need not be remembered
    if (released.length > 0) await this.events.emit('bid:released', { jobId: valid.jobId, providers: released })
    for (const p of released) this.ownerOf.delete(`${valid.jobId}/${p}`)
    // only now that the job holds the bid: the last answer may let it award at once
    this.gate.answered(valid.jobId, from.toString())
    await logged
    return okReply()
  }

  /**
   * Drops (NOT_SELECTED) a bid from a provider the job was not pushed to and whose ticket did not win.
   */
  private admitBid(jobId: string, from: PeerId, lotteryEstimate: number, stake: bigint, owner: string): void {
    const weight = stakeWeight(stake, this.init.minStake?.())
    const verdict = this.gate.admit(jobId, from, lotteryEstimate, weight, owner)
    if (!verdict.ok) {
      log('bid on %s from %s dropped: %s', jobId, from.toString(), verdict.reason)
      fail(
        'NOT_SELECTED',
        `${from.toString()} was neither pushed job ${jobId} nor drawn by its lottery (${verdict.reason})`,
        { jobId, reason: verdict.reason },
      )
    }
  }

  /**
   * What this requester measured and remembers of a bidder: its reputation (per stake owner), the
   * connection's round-trip time and how long after posting the bid came. A slashed owner's
   * history is marked so, for good.
   */
  private async measure(
    from: PeerId,
    standing: { slashed: boolean; owner?: string },
    postedAt: number,
    claimedBenchmark: number,
  ): Promise<{ reputation?: number; rttMs?: number; bidDelayMs: number; benchmarkScore: number }> {
    const provider = from.toString()
    const store = this.init.reputation
    if (standing.slashed) await store?.add(provider, standing.owner, { slashed: true })
    const history = await store?.history(provider, standing.owner)
    const reputation = history === undefined ? undefined : reputationScore(history)
    // a claimed benchmark that work showed false counts for what the work implied
    const benchmarkScore = claimedBenchmark * Math.min(1, Math.max(0, history?.benchmarkFactor ?? 1))
    const rtt = this.init.libp2p
      .getConnections(from)
      .map((c) => c.rtt)
      .filter((r): r is number => typeof r === 'number')
    return {
      ...(reputation !== undefined ? { reputation } : {}),
      ...(rtt.length > 0 ? { rttMs: Math.min(...rtt) } : {}),
      bidDelayMs: Math.max(0, this.now() - postedAt),
      benchmarkScore,
    }
  }

  /** `output`: the output bundle sent inline with the result (kept only when it is the signed output) */
  private async onResult(bytes: Uint8Array, from: PeerId, output?: Uint8Array): Promise<Uint8Array> {
    await this.recovered
    const payments = this.init.payments
    const valid = await this.validateResultOrObserve(bytes, from, payments)
    // before the job hears of the result: its output fetch then finds the bytes here
    if (output !== undefined && valid.outputCid !== undefined)
      await this.inlineOutputs.take(output, valid.outputCid, valid.result.outputSize, from.toString())
    // with payments on, an output is paid before it is seen: only a valid signed commitment to
    // exactly this output CID makes it payable (and is the evidence if the output turns out wrong)
    let committed = true
    if (payments !== undefined && valid.outputCid !== undefined) {
      committed = await this.checkCommitment(valid, from)
    } else if (payments !== undefined && valid.result.commitment.length > 0) {
      void this.events
        .emit('result:commitment', {
          jobId: valid.jobId,
          provider: from.toString(),
          commitment: valid.result.commitment,
          signature: valid.result.commitmentSignature,
        })
        .catch((err: Error) => {
          log('commitment of %s refused: %s', valid.jobId, err.message)
        })
    }
    const job = this.active.get(valid.jobId)
    if (job !== undefined && !isFinal(job.record.phase)) {
      const status = ExecStatus[valid.result.status] ?? 'EXEC_STATUS_UNSPECIFIED'
      const metering = valid.result.metering ?? { wallMs: 0, cpuMs: 0, peakMemoryBytes: 0 }
      if (valid.outputCid !== undefined)
        await this.init.journal?.record({
          type: 'result-received',
          jobId: valid.jobId,
          peer: from,
          envelope: bytes,
          outputCid: valid.outputCid,
        })
      void job.onResult(from.toString(), status, valid.outputCid?.toString(), metering, committed)
    }
    return okReply()
  }

  /**
   * Whether an OK result carries a valid commitment, by its bid's address, to its own output CID (kept as evidence).
   */
  private async checkCommitment(valid: Awaited<ReturnType<typeof validateResult>>, from: PeerId): Promise<boolean> {
    const { commitment, commitmentSignature } = valid.result
    if (commitment.length === 0 || valid.outputCid === undefined) return false
    try {
      await this.events.emit('result:commitment', {
        jobId: valid.jobId,
        provider: from.toString(),
        commitment,
        signature: commitmentSignature,
      })
      return decodeCommitment(commitment).outputHash.toLowerCase() === outputHashOf(valid.outputCid).toLowerCase()
    } catch (err) {
      log('commitment of %s from %s refused: %s', valid.jobId, from.toString(), (err as Error).message)
      return false
    }
  }

  private async validateResultOrObserve(
    bytes: Uint8Array,
    from: PeerId,
    payments: MarketPayments | undefined,
  ): ReturnType<typeof validateResult> {
    try {
      return await this.validateResultBytes(bytes, from).catch(async (err: unknown) => {
        // the result may have overtaken its own award's acceptance, still being checked here: it
        // waits for the award's outcome (bounded) and is validated once more
        const job = isMarketValidationError(err, 'UNKNOWN_JOB') ? this.active.get(String(err.details.jobId)) : undefined
        if (job?.answering(from.toString()) !== true) throw err
        this.resultsBeforeAcceptance++
        const bound = deadline(AWARD_ANSWER_WAIT_MS)
        try {
          await job.awardAnswered(from.toString(), bound.signal)
        } finally {
          bound.clear()
        }
        return await this.validateResultBytes(bytes, from)
      })
    } catch (err) {
      const code = (err as { code?: string }).code
      if (payments !== undefined && (code === 'DUPLICATE' || code === 'UNKNOWN_JOB'))
        await observeDuplicateResult(this.events, bytes)
      throw err
    }
  }

  private async validateResultBytes(bytes: Uint8Array, from: PeerId): ReturnType<typeof validateResult> {
    return await validateResult(bytes, {
      now: this.now(),
      expectedProvider: from,
      lookupAward: (jobId, provider) => {
        const job = this.active.get(jobId)
        const award = job?.liveAward(provider.toString())
        return award === undefined || job === undefined ? undefined : { outputBytes: job.record.limits.outputBytes }
      },
      seen: this.resultSeen,
    })
  }

  /** resolves once any of `peers` is connected, or after `ms` */
  private async connectedToAny(peers: string[], ms: number): Promise<void> {
    const { libp2p } = this.init
    const connected = (): boolean => peers.some((p) => libp2p.getConnections(peerIdFromString(p)).length > 0)
    if (connected()) return
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        libp2p.removeEventListener('peer:connect', onConnect)
        resolve()
      }
      const onConnect = (): void => {
        if (connected()) done()
      }
      const timer = setTimeout(done, ms)
      libp2p.addEventListener('peer:connect', onConnect)
    })
  }

  /**
   * Jobs a previous run left unfinished (issue 16): those with work under way — an award running,
   * or results in that were not yet paid or fetched — go on (RequesterJob.resume); the rest (still
   * bidding, or with every award over) end with a clear reason instead of hanging forever. A
   * result that comes meanwhile waits for it (`recovered`): a refusal would end the provider's
   * delivery.
   */
  private async recoverInterrupted(): Promise<void> {
    const resume: JobRecord[] = []
    const now = this.now()
    for await (const record of this.init.jobs.values()) {
      if (isFinal(record.phase)) continue
      const underWay = record.awards.some(
        (a) =>
          (a.status === 'running' && (a.deadline ?? record.deadline) > now) ||
          (a.status === 'committed' && a.outputCid !== undefined) ||
          a.status === 'delivered',
      )
      if (underWay && record.deadline > now) {
        resume.push(record)
        continue
      }
      record.phase = 'failed'
      record.failure = {
        reason: 'REQUESTER_RESTARTED',
        message: 'the requester node stopped before the job finished; post it again',
      }
      record.completedAt = now
      await this.init.jobs.put(record.jobId, record, { sync: true })
    }
    for (const record of resume) {
      log('resuming %s: work was under way when the requester stopped', record.jobId)
      // whom a winner asked to be paid at, and whose commitments count: the bids are gone, the awards kept it
      if (this.init.payments !== undefined)
        for (const a of record.awards)
          if (a.payoutAddress !== undefined && a.status !== 'failed')
            await this.events.emit('bid:kept', {
              jobId: record.jobId,
              provider: a.provider,
              payoutAddress: a.payoutAddress,
            })
      const job = this.track(record, undefined)
      const running = job.resume()
      const winners = record.awards
        .filter((a) => a.status === 'committed' || a.status === 'running')
        .map((a) => a.provider)
      // after a restart the peer store may know no address of the winners: they find us (they
      // keep dialling their requester); a voucher goes, and a running award is watched, once one is connected
      void this.connectedToAny(winners, RESUME_CONTACT_MS)
        .then(async () => {
          for (const provider of running) {
            if (job.liveAward(provider) === undefined) continue
            this.bidderSlots.taken(provider, record.jobId)
            this.liveness.monitor.watch(record.jobId, provider)
          }
          await job.resumeAnswers()
        })
        .catch((err: Error) => {
          log.error('resuming %s failed: %s', record.jobId, err.message)
        })
    }
  }
}
