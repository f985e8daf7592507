// The provider's side of the market: hear job requests (gossip and direct pushes), bid on the
// ones it can run at a price its sheet and the market allow, accept awards while it has room,
// fetch the job's data, run it in the sandbox and return a signed Result.
import { deadline } from '../util/deadline.ts'
import { ModelCache } from './model-cache.ts'
import { createHash } from 'node:crypto'
import { logger } from '../log/logger.ts'
import { multiaddr } from '@multiformats/multiaddr'
import { ExecStatus, PaymentMode } from '../../protocol/gen/market.ts'
import { signAcceptance, signBid, signResult } from '../../protocol/market/build.ts'
import { ClearingBook } from '../../protocol/market/clearing-book.ts'
import { okReply } from '../../protocol/market/direct.ts'
import { fail } from '../../protocol/market/errors.ts'
import { decodeAwardWithData, inlineBlob } from '../../protocol/market/inline-blobs.ts'
import { notBiddingReply } from '../../protocol/market/candidates.ts'
import { WEIGHT_SCALE, effectiveEstimate, winsLottery } from '../../protocol/market/lottery.ts'
import { peerIdToBytes } from '../../protocol/signing.ts'
import { priceJob } from '../../protocol/market/pricing.ts'
import { SeenCache } from '../../protocol/market/seen-cache.ts'
import { validateAward } from '../../protocol/market/validate-award.ts'
import { validateClearing } from '../../protocol/market/validate-clearing.ts'
import { validateJobRequest } from '../../protocol/market/validate-job.ts'
import { encodeOutputBundle } from '../../protocol/output-bundle.ts'
import { dialableRequesterAddrs } from '../../protocol/market/requester-addrs.ts'
import { isHiveError } from '../../protocol/errors.ts'
import { handleDirect, sendRequest } from './direct.ts'
import { ResultSender } from './result-sender.ts'
import { UndeliveredResults } from './undelivered-results.ts'
import { takeAwardVoucher } from './pay-on-award.ts'
import type { OutcomeCounters } from '../p2p/reqresp/index.ts'
import { joinedClearingTopics, joinedJobTopics, TopicSubscription } from './gossip.ts'
import type { JobShards } from './gossip.ts'
import { ProviderLiveness } from './liveness-provider.ts'
import { ReopenGate } from './reopen-gate.ts'
import { slotsTaken } from './slots-taken.ts'
import { failpoint, failpointSoon } from '../util/failpoints.ts'
import type { LivenessPolicy } from './liveness.ts'
import type { BlobExchange } from '../blobs/exchange.ts'
import type { BlobStore } from '../blobs/store.ts'
import type { StoreHealthInfo } from '../store-health.ts'
import type { OutputGate } from '../blobs/output-gate.ts'
import type { Executor } from '../exec/types.ts'
import { JOB_FAULT_CODES, type ExecErrorCode } from '../exec/errors.ts'
import type { JobEventSink } from './events.ts'
import type { MarketJournal } from './ports.ts'
import type { MarketLibp2p } from './requester.ts'
import type { GossipOutcome } from './gossip.ts'
import type { PriceSheet } from '../../protocol/market/pricing.ts'
import type { MarketPayments } from './ports.ts'
import type { ValidJobRequest } from '../../protocol/market/validate-job.ts'
import type { ValidAward } from '../../protocol/market/validate-award.ts'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

const log = logger('hive:market:provider')

/** What this provider can offer, from its hardware profile. */
export interface ProviderCapabilities {
  memoryBytes: number
  arch: string
  gpuVendors: string[]
  cpuScore: number
}

/** Deliberate misbehaviour, for tests of the requester's defences only. */
export interface ProviderFaults {
  /** return a different (wrong) output than the job produced */
  corruptOutput?: boolean
  /** never send a liveness heartbeat (the requester should take us for dead and re-award) */
  silentHeartbeats?: boolean
  /** send other bytes inline with the result than the output its signed CID names */
  forgeInlineOutput?: boolean
}

/** validated job requests kept for a second copy (push and gossip of one job come within a bid window) */
const VALIDATED_KEPT = 1024
/**
 * How long a finished job's result is offered to a requester that cannot be reached, at most
 * (the award's deadline may end it sooner). Heartbeats go on meanwhile; a requester that has not
 * heard from us for its silence limit (16 s at most) revokes the award and refuses the result
 * when it arrives.
 */
const RESULT_DELIVERY_MS = 20_000

export interface ProviderInit {
  libp2p: MarketLibp2p
  privateKey: PrivateKey
  blobs: BlobStore
  exchange: BlobExchange
  executors: Record<string, Executor>
  capabilities: ProviderCapabilities
  sheet: PriceSheet
  /** jobs run at once (default: 2) */
  capacity?: number
  now?: () => number
  emit?: JobEventSink
  /** false: hear and price jobs but never bid (e.g. under the minimum stake) */
  canBid?: () => boolean
  /** true: this process's event loop lags too much to take more work (node/util/loop-lag.ts) */
  overloaded?: () => boolean
  faults?: ProviderFaults
  /** counts gossip verdicts by code and topic (metrics, tests) */
  onGossipOutcome?: (outcome: GossipOutcome, code: string | undefined, topic: string) => void
  /** the job topics' shards (default: one topic per class) */
  shards?: JobShards
  /** settlement (node/payments): bids name our address, work starts once paid for, results carry a signed commitment */
  payments?: MarketPayments
  /** whether the node can write its data dir (node/store-health.ts); failing: no bid */
  storeHealth?: () => StoreHealthInfo
  /** writes this provider's side of every job to the journal (audit; none: the market runs unaudited) */
  journal?: MarketJournal
  /** with payments: holds each job's output until it is paid for (the blob server asks it) */
  outputs?: OutputGate
  /** dial private and loopback addresses a job names for its requester (default false; the devnet: true) */
  allowPrivateAddrs?: boolean
  /** the node's request/response outcome counters (its handlers count into them) */
  counters?: OutcomeCounters
  /** this provider's lottery weight: its owner's stake in minimum stakes × WEIGHT_SCALE (default: one) */
  lotteryWeight?: () => bigint
  /**
   * this provider's own estimate of N for `executor`, against which it clamps a job's stated one
   * (the market service derives it from the discovery view). Undefined: no view that can vouch
   * for a count (none, or not yet warm), the job's stated N holds. Not the job topic's
   * subscribers: with shards and a sparse mesh those are a handful of peers, and clamping N to
   * them made every provider draw with N / 4 (21 bids per job at 200 providers instead of ~2m).
   */
  providerView?: (executor: string) => number | undefined
  /** how often heartbeats go out while an award is worked on (docs/reaward.md) */
  liveness?: Partial<LivenessPolicy>
  /** the in-memory cache of job modules (models) by CID (default: 256 MiB) */
  modelCache?: ModelCache
  /** how long a result is sent again when its requester cannot be reached (default 20 s; tests) */
  resultDeliveryMs?: number
}

/** Why this provider bids on a job (the bid's lottery claim), or why not. */
type BidDecision = { price: bigint; addrs: Multiaddr[] } | { reason: string }

interface OpenBid {
  request: ValidJobRequest
  price: bigint
  expiresAt: number
}

export class Provider {
  private readonly init: ProviderInit
  private readonly now: () => number
  private readonly capacity: number
  private readonly clearings = new ClearingBook()
  // gossip and direct pushes keep separate replay caches: a job first pushed to us directly must
  // still be accepted (and so forwarded) when its gossip copy arrives
  private readonly jobSeen = new SeenCache({ capacity: 50_000, ttlMs: 10 * 60_000 })
  private readonly pushedSeen = new SeenCache({ capacity: 50_000, ttlMs: 10 * 60_000 })
  /** job modules by CID: a model used by many jobs is fetched once (stats: modelFetches) */
  readonly modelCache: ModelCache
  /** job requests fully validated, and second copies taken from `validated` (tests, metrics) */
  readonly requestChecks = { full: 0, reused: 0 }
  /** recently validated requests by the sha-256 of their bytes (validateOnce) */
  private readonly validated = new Map<string, ValidJobRequest>()
  /** jobs already considered, whichever way they came */
  private readonly considered = new SeenCache({ capacity: 50_000, ttlMs: 10 * 60_000 })
  private readonly awardSeen = new SeenCache({ capacity: 50_000, ttlMs: 60 * 60_000 })
  private readonly clearingSeen = new SeenCache({ capacity: 50_000, ttlMs: 60 * 60_000 })
  private readonly openBids = new Map<string, OpenBid>()
  private readonly subscriptions: Array<TopicSubscription<unknown>> = []
  private readonly unhandle: Array<() => Promise<void>> = []
  private readonly running = new Map<string, AbortController>()
  /**
   * jobs of `running` whose run is over and whose result is being sent: their slot is free for
   * the next job (a result retried for 20 s does not hold one), and a requester that receives the
   * result and awards us again at once finds it free (slotsTaken: at most `capacity` of them)
   */
  private readonly delivering = new Set<string>()
  /** gossip-heard jobs this provider's lottery ticket won and lost (metrics, tests) */
  readonly lottery = { won: 0, lost: 0 }
  private readonly liveness: ProviderLiveness
  /** re-opened bidding: which reopens of which jobs were taken (docs/reaward.md) */
  private readonly reopens = new ReopenGate()
  /** results go out with a small output inline when it may leave (result-sender.ts) */
  readonly results: ResultSender
  /** results given up, sent again when their requester connects (undelivered-results.ts) */
  readonly undelivered: UndeliveredResults
  private readonly resultDeliveryMs: number
  private started = false

  constructor(init: ProviderInit) {
    this.init = init
    this.now = init.now ?? Date.now
    this.capacity = init.capacity ?? 2
    this.modelCache = init.modelCache ?? new ModelCache()
    this.results = new ResultSender(init.libp2p)
    this.resultDeliveryMs = init.resultDeliveryMs ?? RESULT_DELIVERY_MS
    this.undelivered = new UndeliveredResults({
      libp2p: init.libp2p,
      sender: this.results,
      now: this.now,
    })
    this.liveness = new ProviderLiveness({
      libp2p: init.libp2p,
      privateKey: init.privateKey,
      now: this.now,
      policy: init.liveness,
      counters: init.counters,
      emit: init.emit,
      silent: init.faults?.silentHeartbeats === true,
    })
  }

  /**
   * Validates a job request once per content, whichever way it comes: a pushed job often also
   * arrives by gossip (same signed bytes), and the second copy is looked up by the bytes' hash
   * before anything decodes it (no second decode and Ed25519 verify). Each path keeps its own
   * replay check (`seen`); an expired job takes the full check again, which refuses it.
   */
  private async validateOnce(bytes: Uint8Array, seen: SeenCache): Promise<ValidJobRequest> {
    const key = createHash('sha256').update(bytes).digest('base64')
    const known = this.validated.get(key)
    const now = this.now()
    if (known !== undefined && now < known.bidsCloseAt) {
      this.requestChecks.reused++
      if (!seen.add(known.jobId, now)) fail('DUPLICATE', `job ${known.jobId} already seen`, { jobId: known.jobId })
      return known
    }
    const job = await validateJobRequest(bytes, { now, seen })
    this.requestChecks.full++
    this.validated.set(key, job)
    if (this.validated.size > VALIDATED_KEPT) {
      const oldest = this.validated.keys().next()
      if (oldest.done !== true) this.validated.delete(oldest.value)
    }
    return job
  }

  /** jobs accepted and not yet finished */
  get load(): number {
    return this.running.size
  }

  /** slots taken: jobs accepted and not yet run to the end, and deliveries past the bound */
  private get busy(): number {
    return slotsTaken(this.running.size, this.delivering.size, this.capacity)
  }

  async start(): Promise<void> {
    if (this.started) return
    const { libp2p } = this.init
    const pubsub = libp2p.services.pubsub
    for (const executor of Object.keys(this.init.executors)) {
      const sub = new TopicSubscription<ValidJobRequest>({
        pubsub,
        topics: joinedJobTopics(executor, libp2p.peerId.toString(), this.init.shards),
        validate: async (bytes) => await this.validateOnce(bytes, this.jobSeen),
        handle: async (job) => {
          await this.considerJob(job, 'gossip')
        },
        onOutcome: this.init.onGossipOutcome,
      })
      sub.start()
      this.subscriptions.push(sub as TopicSubscription<unknown>)
    }
    const clearing = new TopicSubscription({
      pubsub,
      topics: joinedClearingTopics(libp2p.peerId.toString(), this.init.shards),
      validate: async (bytes) => await validateClearing(bytes, { now: this.now(), seen: this.clearingSeen }),
      handle: async (valid) => {
        this.clearings.addValidClearing(valid, this.now())
      },
      onOutcome: this.init.onGossipOutcome,
    })
    clearing.start()
    this.subscriptions.push(clearing as TopicSubscription<unknown>)
    const counters = this.init.counters
    const base = { libp2p, ...(counters !== undefined ? { counters } : {}) }
    this.unhandle.push(
      await handleDirect({
        ...base,
        protocol: 'request',
        handle: async (bytes) => await this.onPushed(await this.validateOnce(bytes, this.pushedSeen), false),
      }),
    )
    this.unhandle.push(
      await handleDirect({
        ...base,
        protocol: 'requestBid',
        handle: async (bytes) => await this.onPushed(await this.validateOnce(bytes, this.pushedSeen), true),
      }),
    )
    this.unhandle.push(
      await handleDirect({
        ...base,
        protocol: 'award',
        handle: async (bytes, from) => await this.onAward(bytes, from),
      }),
    )
    this.unhandle.push(
      await handleDirect({
        ...base,
        protocol: 'awardData',
        handle: async (bytes, from) => {
          const { envelope, blobs, voucher } = decodeAwardWithData(bytes)
          return await this.onAward(envelope, from, blobs, voucher)
        },
      }),
    )
    this.unhandle.push(
      await handleDirect({ ...base, protocol: 'reopen', handle: async (bytes) => await this.onReopen(bytes) }),
    )
    await this.liveness.start()
    this.unhandle.push(async () => {
      await this.liveness.stop()
    })
    this.undelivered.start()
    this.started = true
  }

  /** gossip messages of this provider's topics (jobs, clearing prices) by verdict, summed (metrics) */
  gossipStats(): Record<GossipOutcome, number> {
    const sum: Record<GossipOutcome, number> = { accept: 0, ignore: 0, reject: 0, dropped: 0, overloaded: 0 }
    for (const sub of this.subscriptions) for (const [k, v] of Object.entries(sub.stats())) sum[k as GossipOutcome] += v
    return sum
  }

  async stop(): Promise<void> {
    if (!this.started) return
    for (const s of this.subscriptions.splice(0)) s.stop()
    for (const u of this.unhandle.splice(0)) await u()
    for (const c of this.running.values()) c.abort(new Error('provider stopping'))
    this.running.clear()
    this.delivering.clear()
    this.undelivered.stop()
    this.openBids.clear()
    this.started = false
  }

  /** Why this provider would not run `job`, or undefined when it would. */
  mismatch(job: ValidJobRequest): string | undefined {
    const spec = job.spec
    const caps = this.init.capabilities
    const req = spec.requirements
    if (this.init.executors[spec.executor] === undefined) return 'NO_EXECUTOR'
    if (req !== undefined) {
      if (req.minMemoryBytes > caps.memoryBytes) return 'NOT_ENOUGH_MEMORY'
      if (req.gpuVendor !== '' && !caps.gpuVendors.includes(req.gpuVendor)) return 'NO_GPU'
      if (req.arch !== '' && req.arch !== caps.arch) return 'WRONG_ARCH'
      if (req.minCpuScore > caps.cpuScore) return 'CPU_TOO_SLOW'
    }
    // the worker holds the job's output next to its linear memory until the job ends
    if ((spec.limits?.memoryBytes ?? 0) + (spec.limits?.outputBytes ?? 0) > caps.memoryBytes) return 'NOT_ENOUGH_MEMORY'
    const executor = this.init.executors[spec.executor]
    if ((spec.limits?.outputBytes ?? 0) > executor.maxOutputBytes) return 'OUTPUT_TOO_LARGE'
    // threads 0 on the wire means one; a job wanting more threads than we run would fail at run time
    if (Math.max(1, spec.limits?.threads ?? 0) > (executor.maxThreads ?? 1)) return 'TOO_MANY_THREADS'
    if (this.busy >= this.capacity) return 'NO_CAPACITY'
    // a bid from a node that answers late misses its award and holds the job up: say no at once
    if (this.init.overloaded?.() === true) return 'OVERLOADED'
    // a job taken now could not be written down: what it acknowledged would be lost on a crash
    if (this.init.storeHealth?.().ok === false) return 'STORE_FAILING'
    if (this.init.canBid?.() === false) return 'NOT_ELIGIBLE'
    return undefined
  }

  /**
   * A job pushed to us: the requester chose us, so no lottery. The reply says at once whether we
   * will bid (NOT_BIDDING and why, when not), so the requester need not wait for our bid. On
   * /hive/request/2.0.0 (`bidInReply`) the reply carries the signed bid itself: one exchange, not
   * two (issue 14); on version 1 the bid follows on /hive/bid.
   */
  private async onPushed(job: ValidJobRequest, bidInReply: boolean): Promise<Uint8Array> {
    const now = this.now()
    if (this.considered.has(job.jobId, now))
      return this.openBids.has(job.jobId) ? okReply() : notBiddingReply('ALREADY_DECLINED')
    if (now >= job.bidsCloseAt || !this.considered.add(job.jobId, now)) return notBiddingReply('BIDS_CLOSED')
    const decision = this.decide(job, now)
    if ('reason' in decision) {
      log('not bidding on pushed %s: %s', job.jobId, decision.reason)
      return notBiddingReply(decision.reason)
    }
    if (!bidInReply) {
      void this.sendBid(job, decision, 0)
      return okReply()
    }
    const bytes = await this.makeBid(job, decision, 0)
    this.bidSent(job, decision.price)
    failpointSoon('provider:after-bid')
    return okReply(bytes)
  }

  /**
   * A job whose bidding its requester re-opened (every provider it awarded died): pushed to us,
   * so no lottery; we bid until the reopen's window closes, unless we held an award of it.
   */
  private async onReopen(body: Uint8Array): Promise<Uint8Array> {
    const now = this.now()
    const verdict = await this.reopens.check(body, this.init.libp2p.peerId, now)
    const { job, reopen } = verdict
    if (!verdict.bid || this.running.has(job.jobId)) return notBiddingReply('TRIED_BEFORE')
    const decision = this.decide(job, now)
    if ('reason' in decision) {
      log('not bidding on re-opened %s: %s', job.jobId, decision.reason)
      return notBiddingReply(decision.reason)
    }
    this.considered.add(job.jobId, now)
    log('bidding on %s re-opened (%d) until %d', job.jobId, reopen.sequence, reopen.bidsCloseAt)
    void this.sendBid(job, decision, 0, reopen.bidsCloseAt)
    return okReply()
  }

  /** A job heard by gossip: bid only when our lottery ticket wins (a push may still come). */
  private async considerJob(job: ValidJobRequest, via: 'gossip'): Promise<void> {
    const now = this.now()
    if (now >= job.bidsCloseAt || this.considered.has(job.jobId, now)) return
    const lotteryEstimate = this.drawLottery(job)
    if (lotteryEstimate === undefined) return
    if (!this.considered.add(job.jobId, now)) return
    const decision = this.decide(job, now)
    if ('reason' in decision) {
      log('not bidding on %s (%s): %s', job.jobId, via, decision.reason)
      return
    }
    await this.sendBid(job, decision, lotteryEstimate)
  }

  /**
   * The N our ticket wins `job`'s lottery with (0: the job has no lottery, anyone may bid), or
   * undefined when it loses (protocol/market/lottery.ts).
   */
  private drawLottery(job: ValidJobRequest): number | undefined {
    const spec = job.spec
    if (spec.maxBidders === 0) return 0
    const view = this.init.providerView?.(spec.executor)
    const estimate = effectiveEstimate(spec.maxBidders, spec.providerEstimate, view)
    const weight = this.init.lotteryWeight?.() ?? WEIGHT_SCALE
    const draw = { nonce: spec.nonce, jobId: job.jobId, maxBidders: spec.maxBidders, estimate }
    if (!winsLottery(draw, peerIdToBytes(this.init.libp2p.peerId), weight)) {
      this.lottery.lost++
      return undefined
    }
    this.lottery.won++
    // claim at least 1: 0 on the wire means "pushed"
    return Math.max(1, estimate)
  }

  /** Whether we would run `job` and at what price; the reason when not. */
  private decide(job: ValidJobRequest, now: number): BidDecision {
    const why = this.mismatch(job)
    if (why === 'OVERLOADED') {
      // counted (hive_provider_declined_total{reason}): an operator sees the node turning work away
      this.init.emit?.({ type: 'provider:declined', at: now, jobId: job.jobId, reason: why })
    }
    if (why !== undefined) return { reason: why }
    const spec = job.spec
    const quote = priceJob({
      sheet: this.init.sheet,
      load: Math.min(1, this.busy / this.capacity),
      recentClearings: this.clearings,
      feeBps: this.init.payments?.protocolFeeBps?.() ?? 0n,
      job: {
        executor: spec.executor,
        token: spec.token,
        wallTimeMs: spec.limits?.wallTimeMs ?? 0,
        memoryBytes: spec.limits?.memoryBytes ?? 0,
        outputBytes: spec.limits?.outputBytes ?? 0,
        maxPrice: job.maxPrice,
      },
      now,
    })
    if (!quote.bid) return { reason: quote.reason ?? 'NO_QUOTE' }
    const price = BigInt(quote.price)
    if (price > job.maxPrice || price <= 0n) return { reason: 'PRICE_ABOVE_MAX' }
    const addrs = dialableRequesterAddrs(job.requesterAddrs, { allowPrivate: this.init.allowPrivateAddrs === true })
    const connected = this.init.libp2p.getConnections(job.requester).length > 0
    if (addrs.length === 0 && job.requesterAddrs.length > 0 && !connected) {
      // reachable only through addresses we refuse to dial: a job must not make us probe our own network
      log('not bidding on %s: its requester is reachable only at private addresses', job.jobId)
      this.init.emit?.({ type: 'provider:declined', at: now, jobId: job.jobId, reason: 'REQUESTER_ADDRS_REFUSED' })
      return { reason: 'REQUESTER_ADDRS_REFUSED' }
    }
    return { price, addrs }
  }

  /**
   * Signs our bid and writes it down (a bid not written down is not sent: a full disk, say, and
   * store-health.ts then stops the bidding); the bid stays open until it expires unless awarded.
   * `lotteryEstimate` 0 answers a push, otherwise it claims a lottery win.
   */
  private async makeBid(
    job: ValidJobRequest,
    decision: { price: bigint },
    lotteryEstimate: number,
    /** the window the bid answers: the job's own, or a re-opened one */
    bidsCloseAt = job.bidsCloseAt,
  ): Promise<Uint8Array> {
    const { price } = decision
    const expiresAt = bidsCloseAt + 30_000
    this.openBids.set(job.jobId, { request: job, price, expiresAt })
    const bytes = await signBid(
      {
        jobId: job.jobId,
        price,
        estimatedDurationMs: job.spec.limits?.wallTimeMs ?? 0,
        expiresAt,
        benchmarkScore: Math.round(this.init.capabilities.cpuScore),
        providerEthAddress: this.init.payments?.address(),
        lotteryEstimate,
        // what we can take now (mismatch said at least one), and how many of the taken run this
        // requester's jobs: one that has since awarded us more of its jobs than that asks this
        // job's other bidders first
        freeSlots: Math.max(1, this.capacity - this.busy),
        slotsHeldForRequester: this.slotsHeldFor(job.requester),
      },
      this.init.privateKey,
    )
    try {
      const bid = { type: 'bid-sent' as const, jobId: job.jobId, peer: job.requester, envelope: bytes, price }
      await this.init.journal?.record(bid)
    } catch (err) {
      this.openBids.delete(job.jobId)
      throw err
    }
    setTimeout(
      () => {
        if (!this.running.has(job.jobId)) this.openBids.delete(job.jobId)
      },
      Math.max(0, expiresAt - this.now()),
    ).unref()
    return bytes
  }

  /** how many of our slots run `requester`'s jobs */
  private slotsHeldFor(requester: PeerId): number {
    let n = 0
    for (const jobId of this.running.keys()) {
      if (this.delivering.has(jobId)) continue
      if (this.openBids.get(jobId)?.request.requester.equals(requester) === true) n++
    }
    return n
  }

  private bidSent(job: ValidJobRequest, price: bigint): void {
    this.init.emit?.({
      type: 'provider:bid',
      at: this.now(),
      jobId: job.jobId,
      requester: job.requester.toString(),
      price: price.toString(),
    })
  }

  /** Signs our bid and sends it on /hive/bid (a lottery win, a version-1 push, a re-opened job). */
  private async sendBid(
    job: ValidJobRequest,
    decision: { price: bigint; addrs: Multiaddr[] },
    lotteryEstimate: number,
    bidsCloseAt = job.bidsCloseAt,
  ): Promise<void> {
    const bytes = await this.makeBid(job, decision, lotteryEstimate, bidsCloseAt)
    try {
      const signal = AbortSignal.timeout(5_000)
      const reply = await sendRequest(this.init.libp2p, job.requester, 'bid', bytes, { addrs: decision.addrs, signal })
      this.bidSent(job, decision.price)
      if (reply.code !== '') log('bid on %s answered %s', job.jobId, reply.code)
      failpoint('provider:after-bid')
    } catch (err) {
      log('bid on %s could not be delivered: %s', job.jobId, (err as Error).message)
      this.openBids.delete(job.jobId)
    }
  }

  /**
   * `inline`: the job's small inputs sent with the award (checked against their CIDs when used);
   * `voucher`: pay-on-award, the voucher for the price (taken only for a job that states the mode)
   */
  private async onAward(
    bytes: Uint8Array,
    from: PeerId,
    inline?: Map<string, Uint8Array>,
    voucher?: Uint8Array,
  ): Promise<Uint8Array> {
    const award = await validateAward(bytes, {
      now: this.now(),
      self: this.init.libp2p.peerId,
      expectedRequester: from,
      lookupBid: (jobId) => {
        const bid = this.openBids.get(jobId)
        return bid === undefined
          ? undefined
          : { requester: bid.request.requester, price: bid.price, redundancy: bid.request.spec.redundancy }
      },
      seen: this.awardSeen,
    })
    const bid = this.openBids.get(award.jobId)
    const full = this.busy >= this.capacity || this.init.canBid?.() === false
    const controller = new AbortController()
    // the slot is held from here: another award arriving while this one's voucher is judged and
    // its acceptance signed must see it taken (a voucher taken for an award then declined would
    // look, to the requester, like one kept after a decline)
    if (!full && bid !== undefined) this.running.set(award.jobId, controller)
    // a declined award's voucher is left untouched (the requester credits it back)
    const voucherAck =
      !full && bid !== undefined && voucher !== undefined
        ? await takeAwardVoucher(this.init.payments, bid.request, award.price, voucher, from)
        : undefined
    const acceptance = await signAcceptance(
      {
        jobId: award.jobId,
        price: award.price,
        awardIndex: award.award.awardIndex,
        accepted: !full && bid !== undefined,
        reason: full ? 'NO_CAPACITY' : bid === undefined ? 'BID_WITHDRAWN' : '',
        timestamp: this.now(),
        ...(voucherAck !== undefined ? { voucherAck } : {}),
      },
      this.init.privateKey,
    )
    if (full || bid === undefined) {
      // declined for capacity: the requester may award the job again once a slot frees (a replay
      // of this award could only come from the requester itself, on its authenticated connection)
      if (full) this.awardSeen.forget(award.jobId)
      this.init.emit?.({
        type: 'provider:declined',
        at: this.now(),
        jobId: award.jobId,
        reason: full ? 'NO_CAPACITY' : 'BID_WITHDRAWN',
      })
      await this.init.journal?.record({
        type: 'award-received',
        jobId: award.jobId,
        peer: from,
        envelope: bytes,
        price: award.price,
        slot: award.award.awardIndex,
      })
      return okReply(acceptance)
    }
    this.init.emit?.({
      type: 'provider:accepted',
      at: this.now(),
      jobId: award.jobId,
      requester: from.toString(),
      price: award.price.toString(),
    })
    // logged before the answer leaves (and before the result): award received, acceptance sent
    await this.init.journal?.record({
      type: 'award-received',
      jobId: award.jobId,
      peer: from,
      envelope: bytes,
      price: award.price,
      slot: award.award.awardIndex,
      acceptance,
    })
    this.liveness.started({ jobId: award.jobId, requester: from, awardIndex: award.award.awardIndex }, controller)
    // answer first: the requester's placement latency ends with this acceptance
    setImmediate(() => {
      failpoint('provider:after-accept')
      void this.execute(bid.request, award, controller.signal, inline).finally(() => {
        this.liveness.ended(award.jobId)
        this.running.delete(award.jobId)
        this.delivering.delete(award.jobId)
        this.openBids.delete(award.jobId)
      })
    })
    return okReply(acceptance)
  }

  private async execute(
    job: ValidJobRequest,
    award: ValidAward,
    signal: AbortSignal,
    inline?: Map<string, Uint8Array>,
  ): Promise<void> {
    const spec = job.spec
    const limits = spec.limits ?? { memoryBytes: 0, wallTimeMs: 0, outputBytes: 0, threads: 0 }
    const started = this.now()
    let status = ExecStatus.EXEC_OK
    let error = ''
    let exitCode = 0
    let outputCid
    let outputSize = 0
    let output: Uint8Array | undefined
    let metering = { wallMs: 0, cpuMs: 0, peakMemoryBytes: 0 }
    // the payment wait and the fetches end by the award's deadline (node/util/deadline.ts: the
    // timer goes when the job's run is over, not at the deadline)
    const fetchBound = deadline(Math.max(1_000, award.award.deadline - this.now()), signal)
    const fetchSignal = fetchBound.signal
    try {
      const payment = spec.payment === PaymentMode.PAYMENT_ESCROW ? 'escrow' : 'channel'
      // no work before the payment is secured (escrow: on chain, in HIVE, enough, long enough);
      // the wait is bounded by the payments config, and a throw abandons the job with its code
      await this.init.payments?.beforeExecute(
        {
          jobId: job.jobId,
          payment,
          requesterAddress: spec.requesterEthAddress,
          price: award.price,
          deadline: award.award.deadline,
        },
        fetchSignal,
      )
      // inline with the award when small (and only if the bytes are the job's), else fetched
      const fetchFrom = async (cid: typeof job.module, size: number): Promise<Uint8Array> =>
        (await inlineBlob(inline, cid, size)) ??
        (await this.init.exchange.fetch(job.requester, cid, { signal: fetchSignal, maxBytes: size }))
      const addrs = dialableRequesterAddrs(job.requesterAddrs, { allowPrivate: this.init.allowPrivateAddrs === true })
      // only a new connection needs them: over the open one (the award's) a merge is a LevelDB read and write
      if (addrs.length > 0 && this.init.libp2p.getConnections(job.requester).length === 0) {
        await this.init.libp2p.peerStore.merge(job.requester, { multiaddrs: addrs.map((a) => multiaddr(a.toString())) })
      }
      let module: Uint8Array
      let inputs: Array<{ name: string; data: Uint8Array }>
      try {
        module = await this.modelCache.get(job.module, async () => await fetchFrom(job.module, spec.moduleSize))
        failpoint('provider:mid-fetch')
        inputs = await Promise.all(
          job.inputs.map(async (i) => ({ name: i.name, data: await fetchFrom(i.cid, i.size) })),
        )
      } catch (err) {
        status = ExecStatus.EXEC_FETCH_FAILED
        throw err
      }
      this.liveness.stage(job.jobId, 'running')
      const running = this.init.executors[spec.executor].run(
        // threads 0 on the wire is the default, one intra-op thread
        { module, inputs, args: spec.args, limits: { ...limits, threads: Math.max(1, limits.threads) } },
        { signal, onLog: (chunk) => this.liveness.log(job.jobId, chunk) },
      )
      failpoint('provider:mid-run')
      const result = await running
      exitCode = result.exitCode
      metering = result.metering
      let bundle = { exitCode: result.exitCode, stdout: result.stdout, files: result.outputs }
      if (this.init.faults?.corruptOutput === true)
        bundle = { ...bundle, stdout: new TextEncoder().encode('forged output\n') }
      const encoded = encodeOutputBundle(bundle)
      outputCid = await this.init.blobs.put(encoded, { sync: true })
      outputSize = encoded.byteLength
      output = encoded
    } catch (err) {
      if (status === ExecStatus.EXEC_OK) status = execStatusOf(err)
      error = isHiveError(err) ? err.code : 'INTERNAL_ERROR'
      log('job %s failed: %s', job.jobId, (err as Error).message)
    } finally {
      fetchBound.clear()
    }
    if (signal.aborted) return
    let commitment: { commitment: Uint8Array; signature: Uint8Array } | undefined
    if (outputCid !== undefined && this.init.payments !== undefined) {
      const payment = spec.payment === PaymentMode.PAYMENT_ESCROW ? 'escrow' : 'channel'
      const paid = {
        jobId: job.jobId,
        payment,
        requesterAddress: spec.requesterEthAddress,
        price: award.price,
      } as const
      if (payment === 'escrow') {
        // a commitment on chain shuts out the requester's cancel: first make sure it still holds
        // the award (a provider cut off mid-run was revoked, and its replacement is paid)
        const contact = await this.liveness
          .confirmAward(job.jobId, award.award.deadline, signal)
          .catch(() => 'revoked' as const)
        if (contact === 'revoked' || signal.aborted) return
      }
      try {
        // held before the commitment leaves: the output goes out only once paid for
        await this.init.outputs?.hold(outputCid.toString(), paid)
        commitment = await this.init.payments.signResult({ ...paid, outputCid: outputCid.toString() })
      } catch (err) {
        // no commitment (escrow: commitResult reverted, e.g. past the escrow's deadline): the
        // requester could refund itself, so it gets no output, only the failure
        log.error('result commitment for %s failed: %s', job.jobId, (err as Error).message)
        status = ExecStatus.EXEC_INTERNAL_ERROR
        error = 'RESULT_COMMIT_FAILED'
        outputCid = undefined
        outputSize = 0
      }
    }
    this.liveness.stage(job.jobId, 'sending')
    this.delivering.add(job.jobId)
    await this.liveness.flushLog(job.jobId) // the requester sees the job's log before its result
    const bytes = await signResult(
      {
        jobId: job.jobId,
        status,
        exitCode,
        outputCid,
        outputSize,
        metering,
        completedAt: this.now(),
        error,
        commitment: commitment?.commitment,
        commitmentSignature: commitment?.signature,
      },
      this.init.privateKey,
    )
    this.init.emit?.({
      type: 'provider:completed',
      at: this.now(),
      jobId: job.jobId,
      status: ExecStatus[status],
      outputCid: outputCid?.toString(),
      wallMs: this.now() - started,
      ...(metering.peakMemoryBytes > 0 ? { peakMemoryBytes: metering.peakMemoryBytes } : {}),
    })
    try {
      if (outputCid !== undefined && status === ExecStatus.EXEC_OK)
        await this.init.journal?.record({
          type: 'result-sent',
          jobId: job.jobId,
          peer: job.requester,
          envelope: bytes,
          outputCid,
        })
      const inline = await this.inlineOutput(job, award, status, outputCid?.toString(), output)
      const reply = await this.results.deliver(job.requester, bytes, inline, {
        signal,
        // past the award's deadline the requester has failed the slot or given it to another
        giveUpAt: Math.min(award.award.deadline, this.now() + this.resultDeliveryMs),
        now: this.now,
        onFailure: ({ attempt, error, retryInMs }) => {
          log('result of %s not delivered (attempt %d): %s', job.jobId, attempt, error.message)
          this.init.emit?.({
            type: 'provider:result-undelivered',
            at: this.now(),
            jobId: job.jobId,
            attempt,
            error: error.message,
            retryInMs,
          })
        },
      })
      if (reply !== undefined) failpoint('provider:after-result')
      // its requester away longer than we tried (a restart): sent again once it is back, within the award
      else if (!signal.aborted) this.undelivered.keep(job.jobId, job.requester, bytes, award.award.deadline)
    } catch (err) {
      log('result of %s could not be delivered: %s', job.jobId, (err as Error).message)
    }
  }

  /**
   * The output to send inline with the result, when it may leave now: always without payments
   * (it would be fetched at once anyway), with payments only once its payment is assured (the
   * same rule the blob server applies to a fetch).
   */
  private async inlineOutput(
    job: ValidJobRequest,
    award: ValidAward,
    status: ExecStatus,
    outputCid: string | undefined,
    output: Uint8Array | undefined,
  ): Promise<Uint8Array | undefined> {
    if (status !== ExecStatus.EXEC_OK || outputCid === undefined || output === undefined) return undefined
    const payments = this.init.payments
    if (payments !== undefined) {
      const spec = job.spec
      const paid = await payments
        .outputReleasable({
          jobId: job.jobId,
          payment: spec.payment === PaymentMode.PAYMENT_ESCROW ? 'escrow' : 'channel',
          requesterAddress: spec.requesterEthAddress,
          outputCid,
          price: award.price,
        })
        .catch(() => false)
      if (!paid) return undefined
    }
    // a test fault: the signed result names the real output; the inline bytes differ in one bit
    if (this.init.faults?.forgeInlineOutput === true) {
      const forged = Uint8Array.from(output)
      forged[forged.length - 1] ^= 1
      return forged
    }
    return output
  }
}

function execStatusOf(err: unknown): ExecStatus {
  if (!isHiveError(err)) return ExecStatus.EXEC_INTERNAL_ERROR
  switch (err.code) {
    case 'EXEC_TIMEOUT':
      return ExecStatus.EXEC_TIMEOUT
    case 'EXEC_MEMORY_LIMIT':
      return ExecStatus.EXEC_MEMORY_LIMIT
    case 'EXEC_OUTPUT_LIMIT':
      return ExecStatus.EXEC_OUTPUT_LIMIT
    default:
      // the job's own fault (a trap, a refused module or model, bad inputs): every provider fails alike
      return JOB_FAULT_CODES.has(err.code as ExecErrorCode) ? ExecStatus.EXEC_TRAPPED : ExecStatus.EXEC_INTERNAL_ERROR
  }
}
