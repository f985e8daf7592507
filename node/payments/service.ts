// PaymentsService: a node's payments as one service. It owns the voucher protocol handler,
// the channel payer (requester), the voucher receiver (provider), the watchtower, the escrow
// flows, the evidence store and the book of payout addresses. It answers the market's questions
// (the `MarketPayments` port, hooks()) and hears the rest as the market's events (subscribe()). `paymentsService(…)` is
// its factory for createHiveNode.
import { logger } from '../log/logger.ts'
import { getAddress } from 'ethers'
import { peerIdFromString } from '@libp2p/peer-id'
import { CID } from 'multiformats/cid'
import { VoucherVerifier } from '../../protocol/payments/channel-rules.ts'
import { commitmentFor, encodeCommitment, outputHashOf } from '../../protocol/payments/commitment.ts'
import { hashResultCommitment, registryDomain } from '../../protocol/eip712.ts'
import { ChannelStore } from './channel-store.ts'
import { CreditSweeper } from './credits.ts'
import { EscrowManager } from './escrow.ts'
import { EvidenceStore } from './evidence.ts'
import { FeeWatch } from './fee.ts'
import { ChannelPayer, PaymentError } from './payer.ts'
import { registerPaymentsRoutes } from './api-routes.ts'
import { VoucherReceiver } from './receiver.ts'
import { handleVouchers } from './voucher-stream.ts'
import { devnetParams } from '../chain/deploy-params.ts'
import { Watchtower } from './watchtower.ts'
import type { ChainHead } from '../chain/head-gate.ts'
import type { PaymentsChain } from './chain.ts'
import type { EscrowRecord } from './escrow.ts'
import type { ChannelRecord } from './channel-store.ts'
import type { RouteRegistry } from '../api/router.ts'
import type { ChannelSummary, PaymentsApi } from './api-port.ts'
import { PayoutAddresses } from './payout-addresses.ts'
import { settleJob } from './settle.ts'
import { earningItems, summariseEarnings } from './earnings.ts'
import type { EarningsGrouping, EarningsView } from '../api/contract/views/payments.ts'
import type { PaymentJournal } from './journal.ts'
import type { MarketPayments } from '../market/ports.ts'
import type { MarketEvents } from '../market/events.ts'
import type { PaymentMode } from '../../protocol/payment-mode.ts'
import type { PaidJob } from './hooks.ts'
import type { HiveStore } from '../store.ts'
import type { NodeEvents } from '../events.ts'
import type { StreamLibp2p } from './voucher-stream.ts'
import type { HiveService, ServiceFactory } from '../service.ts'
import type { OutcomeCounters } from '../p2p/reqresp/index.ts'
import type { PeerId, PrivateKey } from '@libp2p/interface'

const log = logger('hive:payments')

export interface PaymentsOptions {
  /** HIVE base units a requester deposits when it opens a channel (default 100 HIVE) */
  channelDeposit?: bigint
  /** channel lifetime in seconds, 0 = none (default 0) */
  channelExpirySeconds?: number
  /** the provider closes a channel whose unspent deposit falls to this (default 0) */
  lowFundsThreshold?: bigint
  /** chain polling of the watchtower and escrow flows (default 2 s) */
  pollMs?: number
  /** fixed-base verifier window (default 8: a requester's key table builds in ~80 ms instead of
   * ~0.7-1.3 s at 12, on the main thread, for about the same ~0.5 ms per voucher; measured on
   * the 2-core test machine) */
  windowBits?: number
  /** how often pending (failed) payments are retried (default 15 s) */
  retryMs?: number
  /** HIVE one ETH buys (decimal): the watchtower answers a close only when the voucher gains more than the gas */
  hivePerEth?: string
  /** seconds of margin a requester's escrow deadline adds to the job's deadline (default 60) */
  escrowDeadlineMarginSeconds?: number
  /**
   * provider: how long an accepted job may wait for its payment to be secured (escrow on chain,
   * or a funded HIVE channel) before the provider abandons it and frees the slot (default 30 s).
   * Not the award's deadline: an award may last a week, and an unfunded one would hold the slot.
   */
  fundingWaitMs?: number
  /**
   * provider: seconds an escrow's deadline must leave after the award's deadline for
   * commitResult to be mined (default 30; the requester's own margin is 60)
   */
  commitMarginSeconds?: number
  /** provider: the shortest channel challenge period it takes vouchers in, seconds
   * (default 12 h; on the devnet chain 31337 the devnet's deployed period) */
  minChallengePeriodSeconds?: number
  /** provider: an expiring channel must stay open this long from now, seconds (default 24 h; devnet 2 periods) */
  minChannelLifetimeSeconds?: number
  /** provider: chain reads a peer may cause per minute with channel ids this node does not know (default 4) */
  unknownChannelReadsPerMinute?: number
}

/** The devnet chain id: its node defaults are sized for tests and demos, never for real value. */
export const DEVNET_CHAIN_ID = 31337
/** Production minimum challenge period (Filecoin's 12 h): time to answer a close through an RPC outage. */
export const MIN_CHALLENGE_PERIOD_SECONDS = 12 * 3600
/**
 * The devnet's minimum: the challenge period the devnet is deployed with (node/chain/deploy-params.ts
 * devnetParams, where its value is stated; raised above 60 s with issue 11 item 10, so a 60 s
 * RPC outage inside a challenge window is survivable). Never a value for real money.
 */
export const DEVNET_MIN_CHALLENGE_PERIOD_SECONDS = Number(devnetParams.channelChallengePeriod)
/** An expiring channel must stay open a day from now (devnet: two challenge periods). */
export const MIN_CHANNEL_LIFETIME_SECONDS = 24 * 3600
export const DEVNET_MIN_CHANNEL_LIFETIME_SECONDS = 2 * DEVNET_MIN_CHALLENGE_PERIOD_SECONDS

export interface PaymentsInit {
  libp2p: StreamLibp2p & { peerId: PeerId }
  store: HiveStore
  chain: PaymentsChain
  /** the node's peer key (signs voucher acks) */
  privateKey: PrivateKey
  now?: () => number
  options?: PaymentsOptions
  /** the node's journal (audit): payments are logged (paid, disputed, refunded) with their state change */
  audit?: PaymentJournal
  /** the node's event feed: the watchtower's alerts (a channel it could not close) go there */
  events?: Pick<NodeEvents, 'emit'>
  /** ProtocolParams.protocolFeeBps as the node follows it (ChainService.params); polled without it */
  protocolFeeBps?: () => bigint
  /** the node's request/response outcome counters: the voucher handler counts into them */
  counters?: OutcomeCounters
  /** the chain's head as the node's log poller reads it: the watchtower's and the credit sweeper's
   * polls skip their chain reads while it has not moved (every poll reads without it) */
  chainHead?: ChainHead
}

export class PaymentsService implements PaymentsApi, HiveService {
  readonly name = 'payments'
  readonly channels: ChannelStore
  readonly payer: ChannelPayer
  readonly receiver: VoucherReceiver
  readonly tower: Watchtower
  readonly escrow: EscrowManager
  readonly evidence: EvidenceStore
  /** withdraws this node's credits (settlements credit, never push: see CreditLedger.sol) */
  readonly credits: CreditSweeper
  /** the protocol fee providers' bids are grossed up by */
  readonly fee: FeeWatch
  readonly address: string
  /** requester: where each provider of a live job asked to be paid (from the market's 'bid:kept') */
  readonly payoutAddresses = new PayoutAddresses()
  private readonly init: PaymentsInit
  private readonly now: () => number
  private readonly paid: ReturnType<HiveStore['sublevel']>
  private unhandle?: () => Promise<void>
  private retryTimer?: ReturnType<typeof setTimeout>
  /**
   * Requester: the keys of payments recorded pending (owed, not yet gone through). The retry timer
   * reads these rather than every payment ever made, which grew with every job (a read of all
   * records every 15 s). Built by one read at start; kept with each write since.
   */
  private readonly pendingKeys = new Set<string>()
  /** payments being made now, by `${jobId}/${provider}` */
  private readonly paying = new Map<string, Promise<void>>()
  private retrying?: Promise<number>
  /**
   * Requester, pay-on-award: providers (peer ids) that get no voucher with an award again: one
   * was a dissenter (a wrong or missing output, a lost spot check) on a job of ours. Bounded: the
   * oldest goes first (a peer id is free, but each one costs its owner a job's work and stake).
   */
  readonly awardBarred = new Set<string>()

  constructor(init: PaymentsInit) {
    this.init = init
    this.now = init.now ?? Date.now
    const { chain, store } = init
    if (chain.wallet === undefined || chain.sender === undefined)
      throw new Error('payments need a chain client with an unlocked wallet')
    this.address = getAddress(chain.sender.address)
    const o = init.options ?? {}
    this.channels = new ChannelStore(store)
    this.payer = new ChannelPayer({
      chain,
      channels: this.channels,
      libp2p: init.libp2p,
      now: this.now,
      deposit: o.channelDeposit ?? 100n * 10n ** 18n,
      expirySeconds: o.channelExpirySeconds ?? 0,
      audit: init.audit,
    })
    const channelContract = chain.deployment.contracts.PaymentChannel.address
    const devnet = chain.chainId === DEVNET_CHAIN_ID
    this.receiver = new VoucherReceiver({
      chain,
      self: this.address,
      channels: this.channels,
      verifier: new VoucherVerifier({
        chainId: BigInt(chain.chainId),
        contract: channelContract,
        windowBits: o.windowBits ?? 8,
      }),
      privateKey: init.privateKey,
      now: this.now,
      audit: init.audit,
      policy: {
        token: chain.deployment.contracts.HiveToken.address,
        minChallengePeriod: BigInt(
          o.minChallengePeriodSeconds ?? (devnet ? DEVNET_MIN_CHALLENGE_PERIOD_SECONDS : MIN_CHALLENGE_PERIOD_SECONDS),
        ),
        minLifetime: BigInt(
          o.minChannelLifetimeSeconds ?? (devnet ? DEVNET_MIN_CHANNEL_LIFETIME_SECONDS : MIN_CHANNEL_LIFETIME_SECONDS),
        ),
      },
      ...(o.fundingWaitMs !== undefined ? { fundingWaitMs: o.fundingWaitMs } : {}),
      ...(o.unknownChannelReadsPerMinute !== undefined
        ? { unknownReadsPerMinute: o.unknownChannelReadsPerMinute }
        : {}),
      onAccepted: (record, voucher) => {
        // a fully spent channel is worth closing at once; the watchtower's next poll would too
        if (BigInt(record.deposit) - BigInt(voucher.cumulativeAmount) <= (o.lowFundsThreshold ?? 0n)) {
          // through the tower's gas check: a requester must not make us close dust channels at a loss
          setImmediate(() => {
            void this.tower
              .closeIfWorth(record.channelId, 'low funds')
              .catch((err: Error) => log.error('close failed: %s', err.message))
          })
        }
      },
    })
    this.tower = new Watchtower({
      chain,
      channels: this.channels,
      meta: store.meta,
      now: this.now,
      pollMs: o.pollMs,
      lowFundsThreshold: o.lowFundsThreshold,
      ...(o.hivePerEth !== undefined ? { hivePerEth: o.hivePerEth } : {}),
      ...(init.chainHead !== undefined ? { head: init.chainHead } : {}),
      onAlert: (a) => {
        const message = `watchtower: channel ${a.channelId} ${a.code}`
        init.events?.emit({ type: 'log', at: this.now(), level: 'error', message, data: { ...a } })
      },
    })
    const escrows = store.sublevel<EscrowRecord>('escrows', 'json')
    this.escrow = new EscrowManager({
      chain,
      db: escrows,
      putDurable: async (k, v) => {
        await store.putDurable(escrows, k, v)
      },
      now: this.now,
      pollMs: o.pollMs,
      audit: init.audit,
    })
    const evidence = store.sublevel<unknown>('evidence', 'json')
    this.evidence = new EvidenceStore({
      chain,
      db: evidence,
      putDurable: async (k, v) => {
        await store.putDurable(evidence, k, v)
      },
      now: this.now,
    })
    this.paid = store.sublevel<unknown>('payments', 'json')
    this.credits = new CreditSweeper({
      chain,
      pollMs: o.pollMs,
      ...(init.chainHead !== undefined ? { head: init.chainHead } : {}),
    })
    this.fee = new FeeWatch({
      escrow: chain.contracts.escrow,
      pollMs: o.pollMs,
      ...(init.protocolFeeBps !== undefined ? { source: init.protocolFeeBps } : {}),
    })
  }

  async start(): Promise<void> {
    if (this.unhandle !== undefined) return
    await this.fee.start()
    const counters = this.init.counters
    this.unhandle = await handleVouchers(
      this.init.libp2p,
      async (bytes, from) => await this.receiver.answer(bytes, from),
      counters !== undefined ? { counters } : {},
    )
    await this.tower.start()
    this.escrow.start()
    this.credits.start()
    // the one full read of the payment records: the retry timer then reads only the pending ones
    for await (const [key, value] of this.paid.iterator())
      if ((value as { status?: string }).status === 'pending') this.pendingKeys.add(key)
    this.scheduleRetry()
  }

  async stop(): Promise<void> {
    await this.unhandle?.()
    this.unhandle = undefined
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer)
    await this.retrying?.catch(() => {})
    await this.tower.stop()
    await this.escrow.stop()
    await this.credits.stop()
    this.fee.stop()
  }

  /** Requester: pays one verified job once (idempotent per job and provider). */
  async payJob(job: PaidJob): Promise<void> {
    const key = `${job.jobId}/${getAddress(job.providerAddress)}`
    // the retry timer may find this payment pending while the first attempt is still in flight:
    // two attempts at once would each sign a voucher, paying the job twice
    const inFlight = this.paying.get(key)
    if (inFlight !== undefined) return await inFlight
    const attempt = this.payJobOnce(key, job).finally(() => {
      this.paying.delete(key)
    })
    this.paying.set(key, attempt)
    await attempt
  }

  private async payJobOnce(key: string, job: PaidJob): Promise<void> {
    const prior = (await this.paid.get(key)) as { status?: string } | undefined
    if (prior?.status === 'paid') return
    // owed from here on: a failed attempt stays pending and is retried until it goes through
    if (prior === undefined) {
      await this.init.store.putDurable(this.paid, key, {
        status: 'pending',
        job: { ...job, providerPeer: job.providerPeer.toString(), price: job.price.toString() },
        at: this.now(),
      })
      this.pendingKeys.add(key)
    }
    let detail: Record<string, string>
    if (job.payment === 'channel') {
      const p = await this.payer.pay({
        provider: job.providerAddress,
        peer: job.providerPeer,
        amount: job.price,
        jobId: `0x${job.jobId.replace(/^0x/, '')}`,
      })
      detail = { channelId: p.channelId, nonce: p.nonce.toString(), cumulativeAmount: p.cumulativeAmount.toString() }
    } else {
      const r = await this.escrow.release(`0x${job.jobId.replace(/^0x/, '')}`, job.providerAddress, job.resultHash)
      detail = { escrowId: r.escrowId, tx: r.txs.release ?? '' }
    }
    await this.init.store.putDurable(this.paid, key, {
      status: 'paid',
      // who was paid, for a requester that restarts before the job ends (startedPaymentAddress)
      providerPeer: job.providerPeer.toString(),
      ...detail,
      mode: job.payment,
      amount: job.price.toString(),
      at: this.now(),
    })
    this.pendingKeys.delete(key)
  }

  /** Requester: whether a payment for `jobId` was started (pending or paid), to any provider. */
  async paymentStarted(jobId: string): Promise<boolean> {
    const prefix = `${jobId.replace(/^0x/, '')}/`
    for await (const key of this.paid.keys({ gte: prefix, lt: `${prefix}\uffff` }))
      if (key.startsWith(prefix)) return true
    return false
  }

  /** The address a started payment for `jobId` to `provider` (a peer id) was owed at: a restart forgets the bids. */
  private async startedPaymentAddress(jobId: string, provider: string): Promise<string | undefined> {
    const prefix = `${jobId.replace(/^0x/, '')}/`
    for await (const [key, value] of this.paid.iterator({ gte: prefix, lt: `${prefix}\uffff` })) {
      // pending: the job as it is to be paid; paid: who was paid (the key ends with its address)
      const v = value as { providerPeer?: string; job?: { providerPeer?: string } }
      if (key.startsWith(prefix) && (v.job?.providerPeer ?? v.providerPeer) === provider)
        return key.slice(prefix.length)
    }
    return undefined
  }

  /** Retries every payment still pending (provider unreachable, RPC down …). Returns how many went through. */
  async retryPending(): Promise<number> {
    let done = 0
    for (const key of [...this.pendingKeys]) {
      const v = (await this.paid.get(key)) as
        | { status?: string; job?: Omit<PaidJob, 'providerPeer' | 'price'> & { providerPeer: string; price: string } }
        | undefined
      if (v?.status !== 'pending' || v.job === undefined) {
        this.pendingKeys.delete(key)
        continue
      }
      try {
        await this.payJob({ ...v.job, providerPeer: peerIdFromString(v.job.providerPeer), price: BigInt(v.job.price) })
        done++
      } catch (err) {
        log('payment of job %s still pending: %s', v.job.jobId, (err as Error).message)
      }
    }
    return done
  }

  private scheduleRetry(): void {
    if (this.unhandle === undefined) return
    this.retryTimer = setTimeout(() => {
      this.retrying = this.retryPending()
        .catch(() => 0)
        .finally(() => {
          this.scheduleRetry()
        })
    }, this.init.options?.retryMs ?? 15_000)
  }

  /** Every channel of this node with its best (provider) or last sent (requester) voucher. */
  async channelSummaries(): Promise<ChannelSummary[]> {
    const out: ChannelSummary[] = []
    for (const r of await this.channels.list()) {
      const v = r.role === 'provider' ? await this.channels.best(r.channelId) : await this.channels.sent(r.channelId)
      const spent = BigInt(v?.cumulativeAmount ?? '0')
      out.push({
        ...r,
        nonce: v?.nonce ?? '0',
        cumulativeAmount: spent.toString(),
        remaining: (BigInt(r.deposit) - spent).toString(),
      })
    }
    return out
  }

  /** The provider's earnings (`hive earnings`): channel jobs and escrows, fees, this node's gas. */
  async earnings(query: { since?: number; by?: EarningsGrouping } = {}): Promise<EarningsView> {
    const channels = await this.channelSummaries()
    const items = earningItems(await this.channels.expectations(), await this.escrow.list(), channels, this.fee.feeBps)
    const stats = this.init.chain.sender?.stats
    return summariseEarnings({
      address: this.address,
      items,
      channels,
      gas: {
        transactions: stats?.mined ?? 0,
        failed: stats?.failed ?? 0,
        gasUsed: (stats?.gasUsed ?? 0n).toString(),
        feesWei: (stats?.feesWei ?? 0n).toString(),
      },
      ...query,
    })
  }

  /** Open channels (for `hive wallet`). */
  async openChannels(): Promise<number> {
    return (await this.channels.list({ status: ['open'] })).length
  }

  /**
   * Closes a channel on command: a provider settles with its best voucher at once; a requester
   * starts the challenge period (its watchtower finalizes if the provider never answers).
   */
  async closeChannel(channelId: string): Promise<ChannelRecord> {
    const r = await this.channels.get(channelId)
    if (r === undefined)
      throw new PaymentError(
        'UNKNOWN_CHANNEL',
        `no channel ${channelId} on this node; \`hive channel list\` shows them`,
        { channelId },
      )
    if (r.status === 'closed') return r
    if (r.role === 'provider') {
      await this.tower.closeWithBest(r.channelId, 'command')
      // the close only credited the payout: take it now rather than at the next poll
      await this.credits.sweep().catch((err: Error) => {
        log('withdrawing after the close failed (the poll retries): %s', err.message)
      })
      return (await this.channels.get(r.channelId))!
    }
    if (r.status === 'closing') return r
    return await this.tower.startClose(r.channelId)
  }

  /**
   * The chain's clock: the latest block's time, or ours when that block is older (an idle chain
   * mines no blocks, and the next one is stamped with the time it is mined). Both sides use it
   * for escrow deadlines, so a stale block cannot make the requester's deadline too early.
   */
  private async chainNow(): Promise<bigint> {
    const block = await this.init.chain.provider.getBlock('latest')
    const ours = BigInt(Math.floor(this.now() / 1000))
    const chain = BigInt(block?.timestamp ?? 0)
    return chain > ours ? chain : ours
  }

  routes(routes: RouteRegistry): void {
    registerPaymentsRoutes(routes, this)
  }

  /**
   * Requester, channel mode, right after a provider accepted: an open HIVE channel to it with
   * room for the price (the provider checks for one before it runs the job).
   */
  async channelAfterAccept(award: {
    jobId: string
    provider?: string
    providerAddress: string
    price: bigint
  }): Promise<void> {
    if (award.provider === undefined) {
      throw new PaymentError('NO_PEER', "a channel payment needs the provider's peer id", {})
    }
    const jobId = `0x${award.jobId.replace(/^0x/, '')}`
    await this.payer.ensureChannel(award.providerAddress, peerIdFromString(award.provider), award.price, jobId)
  }

  /** Provider, channel mode: may this job's output leave? Only once a voucher paid its price. */
  async channelOutputReleasable(jobId: string): Promise<boolean> {
    return await this.receiver.paidFor(jobId)
  }

  /**
   * Requester, right after a provider's signed acceptance ('award:accepted'): secure the payment.
   * Escrow: create it now, not before the award (a bidder that declines costs no gas); channel: an
   * open channel with room for the price. A throw fails the award.
   */
  async securePayment(a: {
    jobId: string
    payment: PaymentMode
    provider: string
    providerAddress: string
    price: bigint
    deadline: number
  }): Promise<void> {
    if (a.payment === 'channel') {
      await this.channelAfterAccept(a)
      return
    }
    if (a.payment !== 'escrow') return
    const margin = BigInt(this.init.options?.escrowDeadlineMarginSeconds ?? 60)
    const chainNow = await this.chainNow()
    const deadline = chainNow + BigInt(Math.ceil(Math.max(0, a.deadline - this.now()) / 1000)) + margin
    await this.escrow.create(bytes32(a.jobId), a.providerAddress, a.price, deadline, a.provider)
  }

  /** The address `provider` asked to be paid at for `jobId`; throws when its bid named none. */
  payoutAddress(jobId: string, provider: string): string {
    const address = this.payoutAddresses.get(jobId, provider)
    if (address === undefined || address === '') {
      throw new PaymentError('NO_PAY_ADDRESS', `provider ${provider} named no address to be paid at`, { provider })
    }
    return address
  }

  /**
   * What payments does as the market's jobs move on (requester side): keep the payout addresses
   * of kept bids, secure a payment on acceptance, pay a verified output before it is fetched
   * (fair exchange), keep commitments as evidence, and settle a finished job.
   */
  subscribe(events: MarketEvents): () => void {
    const off = [
      events.on('bid:kept', (e) => {
        this.payoutAddresses.set(e.jobId, e.provider, e.payoutAddress)
      }),
      events.on('bid:released', (e) => {
        this.payoutAddresses.delete(e.jobId, e.providers)
      }),
      events.on('award:accepted', async (e) => {
        await this.securePayment({ ...e, providerAddress: this.payoutAddresses.get(e.jobId, e.provider) ?? '' })
      }),
      events.on('award:revoked', async (e) => {
        // a revoked award's deposit is not left locked until its deadline (docs/reaward.md); a
        // channel reserved nothing on chain for it (its room is released when the job settles)
        if (e.payment === 'escrow') await this.escrow.cancelRevoked(bytes32(e.jobId), e.provider)
      }),
      events.on('result:commitment', async (e) => {
        const providerAddress = e.provider !== undefined ? this.payoutAddresses.get(e.jobId, e.provider) : undefined
        const options = e.onlyContradiction === true ? { onlyContradiction: true } : undefined
        await this.evidence.observe(e.jobId, e.commitment, e.signature, providerAddress, options)
      }),
      events.on('output:verified', async (e) => {
        const providerAddress =
          this.payoutAddresses.get(e.jobId, e.provider) ??
          (await this.startedPaymentAddress(e.jobId, e.provider)) ??
          this.payoutAddress(e.jobId, e.provider)
        const { jobId, payment, price } = e
        const resultHash = outputHashOf(CID.parse(e.outputCid))
        await this.payJob({
          jobId,
          payment,
          providerPeer: peerIdFromString(e.provider),
          providerAddress,
          price,
          resultHash,
        })
      }),
      events.on('job:settled', async ({ record }) => {
        for (const p of record.dissenters) this.barFromAwardVouchers(p)
        await settleJob(record, {
          addressOf: (p) => this.payoutAddresses.get(record.jobId, p),
          pay: async (a) => {
            const resultHash = outputHashOf(CID.parse(a.outputCid))
            const providerPeer = peerIdFromString(a.provider)
            await this.payJob({
              jobId: record.jobId,
              payment: record.payment,
              providerPeer,
              providerAddress: a.providerAddress,
              price: a.price,
              resultHash,
            })
          },
          reject: async (a) => {
            if (record.payment === 'channel') this.payer.release(record.jobId)
            if (record.payment === 'escrow') await this.escrow.reject(bytes32(record.jobId), a.providerAddress)
          },
        })
        this.payoutAddresses.forgetJob(record.jobId)
      }),
    ]
    return () => {
      for (const o of off) o()
    }
  }

  private barFromAwardVouchers(provider: string): void {
    if (this.awardBarred.size >= 10_000) this.awardBarred.delete(this.awardBarred.values().next().value as string)
    this.awardBarred.add(provider)
  }

  /** Requester, pay-on-award: the voucher for an award (MarketPayments.awardVoucher). */
  private async awardVoucher(a: {
    jobId: string
    provider: string
    price: bigint
  }): Promise<
    { voucher: Uint8Array; settle: (ack: Uint8Array | undefined | 'unknown') => Promise<boolean> } | undefined
  > {
    if (this.awardBarred.has(a.provider)) return undefined
    const address = this.payoutAddresses.get(a.jobId, a.provider)
    if (address === undefined || address === '' || this.payer.keptUntaken.has(getAddress(address))) return undefined
    const jobId = bytes32(a.jobId)
    const signed = await this.payer.signForAward({
      provider: address,
      peer: peerIdFromString(a.provider),
      amount: a.price,
      jobId,
    })
    if (signed === undefined) return undefined
    return {
      voucher: signed.wire,
      settle: async (ack) => {
        const paid = await this.payer.settleAward(signed, ack)
        // the job is paid: later payJob calls for it find the voucher and send nothing
        if (paid) {
          const key = `${a.jobId}/${getAddress(address)}`
          await this.init.store.putDurable(this.paid, key, {
            status: 'paid',
            providerPeer: a.provider,
            channelId: signed.stored.channelId,
            nonce: signed.stored.nonce,
            cumulativeAmount: signed.stored.cumulativeAmount,
            mode: 'channel',
            amount: a.price.toString(),
            at: this.now(),
            onAward: true,
          })
          this.pendingKeys.delete(key)
        }
        return paid
      },
    }
  }

  /** The answers the market asks for (node/market/ports.ts MarketPayments). */
  hooks(): MarketPayments {
    return {
      awardVoucher: async (a) => await this.awardVoucher(a),
      takeAwardVoucher: async (job, voucher, from) => {
        // only a voucher paying this job's price from its requester: the receiver's own rules
        await this.receiver.expect(job)
        return await this.receiver.answer(voucher, from)
      },
      address: () => this.address,
      protocolFeeBps: () => this.fee.feeBps,
      paymentStarted: async (jobId) => await this.paymentStarted(jobId),
      beforeExecute: async (j, signal) => {
        // channel mode: an open HIVE channel from the requester with room for the price, reserved
        // (pay-on-award: the voucher that came with the award paid it already)
        if (j.payment === 'channel' && (await this.receiver.paidFor(j.jobId))) return
        if (j.payment === 'channel') {
          await this.receiver.assureFunded(j, signal)
          return
        }
        // the result is due by the award's deadline, and its commitment must be mined before the escrow's
        const margin = BigInt(this.init.options?.commitMarginSeconds ?? 30)
        const minDeadline =
          (await this.chainNow()) + BigInt(Math.ceil(Math.max(0, j.deadline - this.now()) / 1000)) + margin
        await this.escrow.waitFunded(bytes32(j.jobId), j.requesterAddress, j.price, {
          signal,
          minDeadline,
          maxWaitMs: this.init.options?.fundingWaitMs ?? 30_000,
        })
      },
      signResult: async (j) => {
        const commitment = commitmentFor(j.jobId, this.address, CID.parse(j.outputCid))
        const domain = registryDomain(this.init.chain.chainId, await this.init.chain.contracts.registry.getAddress())
        const signature = this.init.chain.wallet!.signingKey.sign(hashResultCommitment(domain, commitment)).serialized
        // a commit that reverts (deadline passed) throws: the provider then delivers nothing,
        // since the requester could refund itself and keep the output
        if (j.payment === 'escrow')
          await this.escrow.commit(bytes32(j.jobId), j.requesterAddress, commitment.outputHash)
        // channel: only a voucher paying this job's price, from its requester, will be taken
        if (j.payment === 'channel') {
          await this.receiver.expect({ jobId: j.jobId, requesterAddress: j.requesterAddress, price: j.price })
        }
        return {
          commitment: encodeCommitment(commitment),
          signature: Uint8Array.from(Buffer.from(signature.slice(2), 'hex')),
        }
      },
      outputReleasable: async (j) => {
        if (j.payment === 'escrow')
          return await this.escrow.paidFor(bytes32(j.jobId), j.requesterAddress, outputHashOf(CID.parse(j.outputCid)))
        return await this.receiver.paidFor(j.jobId)
      },
    }
  }
}

const bytes32 = (id: string): string => `0x${id.replace(/^0x/, '')}`

/** What the payments factory takes from the node's `chain` service (when no chain is given). */
export interface PaymentsChainSource {
  readonly client: PaymentsChain
  /** `hive wallet` shows how many channels are open */
  setOpenChannelCount: (count: () => Promise<number>) => void
  /** ProtocolParams as the chain service follows them (there once it started, before payments) */
  readonly params: { get: (key: 'protocolFeeBps') => bigint }
  /** the head its log poller last read: it gates the payments' polls */
  readonly head: ReturnType<ChainHead>
}

/** What the factory is given; the node's components and services supply the rest of PaymentsInit. */
export interface PaymentsServiceInit extends Omit<
  PaymentsInit,
  'libp2p' | 'store' | 'privateKey' | 'events' | 'chain' | 'audit' | 'counters'
> {
  /** a chain client of its own (tests); otherwise the node's `chain` service's */
  chain?: PaymentsChain
}

/**
 * The payments service factory: it needs the node's `chain` service (unless given a chain
 * client) and logs through the `audit` service when the node has one. The market starts after
 * it, so the market's payment hooks are live from the market's first job.
 */
export function paymentsService(init: PaymentsServiceInit = {}): ServiceFactory<PaymentsService> {
  return {
    dependencies: init.chain === undefined ? ['chain'] : [],
    optionalDependencies: ['audit'],
    create: (components, services) => {
      const source = init.chain === undefined ? services.require<HiveService & PaymentsChainSource>('chain') : undefined
      const audit = services.get<HiveService & { readonly journal: PaymentJournal }>('audit')
      // the chain service already follows ProtocolParams: the fee is read there rather than polled
      // again; lazily, since its params exist once it started (it starts before payments)
      const service = new PaymentsService({
        ...(source !== undefined
          ? { protocolFeeBps: () => source.params.get('protocolFeeBps'), chainHead: () => source.head }
          : {}),
        ...init,
        chain: init.chain ?? source!.client,
        libp2p: components.libp2p,
        store: components.store,
        privateKey: components.privateKey,
        events: components.events,
        counters: components.counters,
        now: init.now ?? components.now,
        ...(audit !== undefined ? { audit: audit.journal } : {}),
      })
      source?.setOpenChannelCount(async () => await service.openChannels())
      return service
    },
  }
}

export type { ChannelSummary }
