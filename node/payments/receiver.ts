// The provider's voucher intake: decode, require that the voucher pays for a job this provider
// accepted and expects (its price, from that job's requester), find the channel (local record,
// else the contract's, within a per-peer read budget), check the channel's terms (HIVE, a long
// enough challenge period and life), every rule, then the signature against the requester's
// known key; write the voucher durably, and only then sign the acknowledgement. Anything
// rejected is never stored, fsynced or audited. Before a channel-paid job runs, `assureFunded`
// finds a funded channel from its requester and reserves the price in it.
import { logger } from '../log/logger.ts'
import { getAddress } from 'ethers'
import { isHiveError } from '../../protocol/errors.ts'
import { checkChannelTerms, checkVoucherRules } from '../../protocol/payments/channel-rules.ts'
import { PaymentError } from './errors.ts'
import { jobKeyOf } from './channel-store.ts'
import { VoucherStatus, signVoucherAck } from '../../protocol/payments/ack.ts'
import { voucherFromWire } from '../../protocol/payments/voucher.ts'
import { readChannel } from './chain.ts'
import type {
  ChannelPolicy,
  ChannelView,
  VoucherState,
  VoucherVerifier,
} from '../../protocol/payments/channel-rules.ts'
import type { SignedVoucher } from '../../protocol/payments/voucher.ts'
import type { PaymentsChain } from './chain.ts'
import type { ChannelRecord, ChannelStore, Expectation, StoredVoucher } from './channel-store.ts'
import type { PaymentJournal } from './journal.ts'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { failpoint, failpointSoon } from '../util/failpoints.ts'

const log = logger('hive:payments:receiver')

export interface VoucherReceiverInit {
  chain: PaymentsChain
  /** this provider's address */
  self: string
  channels: ChannelStore
  verifier: VoucherVerifier
  privateKey: PrivateKey
  now: () => number
  /** after a voucher is stored (before the ack leaves): the increment it added */
  onAccepted?: (record: ChannelRecord, voucher: StoredVoucher, increment: bigint) => void
  onRejected?: (code: string, from: PeerId) => void
  /** audit: a voucher that names its job is logged as `paid (voucher)` in the same batch as the voucher */
  audit?: PaymentJournal
  /** what a channel must offer (token, challenge period, life) */
  policy: ChannelPolicy
  /** per peer: chain reads for channel ids this node does not know, per minute (default 4) */
  unknownReadsPerMinute?: number
  /** per peer: refused vouchers per minute before its vouchers are dropped unread (default 120) */
  rejectionsPerMinute?: number
  /** how long assureFunded waits for a funded channel (default 30 s) and polls (default 1 s) */
  fundingWaitMs?: number
  fundingPollMs?: number
  /** how far back (blocks) assureFunded looks for the requester's ChannelOpened events (default 200,000) */
  fundingLookbackBlocks?: number
}

/** The price a job reserved in a channel, until paid or its deadline has long passed. */
interface Reservation {
  channelId: string
  requester: string
  price: bigint
  until: number
}

/** A per-peer count in a one-minute window. */
interface PeerWindow {
  since: number
  count: number
}

export function channelView(r: ChannelRecord): ChannelView {
  return {
    chainId: BigInt(r.chainId),
    contract: r.contract,
    channelId: r.channelId,
    requester: r.requester,
    provider: r.provider,
    token: r.token,
    deposit: BigInt(r.deposit),
    expiry: BigInt(r.expiry),
    challengePeriod: BigInt(r.challengePeriod),
    feeBps: BigInt(r.feeBps),
    status: r.status,
  }
}

/** The audit form of a voucher payment. */
export function voucherMethod(v: { channelId: string; cumulativeAmount: bigint; nonce: bigint; signature: string }): {
  kind: 'voucher'
  channelId: Uint8Array
  cumulativeAmount: bigint
  nonce: bigint
  signature: Uint8Array
} {
  return {
    kind: 'voucher',
    channelId: Uint8Array.from(Buffer.from(v.channelId.slice(2), 'hex')),
    cumulativeAmount: v.cumulativeAmount,
    nonce: v.nonce,
    signature: Uint8Array.from(Buffer.from(v.signature.slice(2), 'hex')),
  }
}

export class VoucherReceiver {
  private readonly init: VoucherReceiverInit
  /**
   * channel ids the contract did not know (or not as ours) lately: a bogus id costs one RPC read per 5 s (short: a
   * lagging RPC may not show a fresh channel yet)
   */
  private readonly unknown = new Map<string, number>()
  /** per peer: chain reads for unknown channel ids in the current minute */
  private readonly reads = new Map<string, PeerWindow>()
  /** per peer: refused vouchers in the current minute */
  private readonly refusals = new Map<string, PeerWindow>()
  /** expected jobs by jobKeyOf(jobId) (mirrors the store; bounded) */
  private readonly expected = new Map<string, Expectation>()
  private readonly reserved = new Map<string, Reservation>()

  constructor(init: VoucherReceiverInit) {
    this.init = init
  }

  /** Handles one wire voucher from `from`; returns the signed ack bytes. */
  async answer(bytes: Uint8Array, from: PeerId): Promise<Uint8Array> {
    // a peer whose vouchers keep failing costs us nothing more this minute: no reads, no ack
    if (this.window(this.refusals, from.toString()).count >= (this.init.rejectionsPerMinute ?? 120)) {
      const message = 'too many refused vouchers from this peer'
      throw new PaymentError('VOUCHER_RATE_LIMITED', message, { peer: from.toString() })
    }
    let v: SignedVoucher
    try {
      v = voucherFromWire(bytes)
    } catch (err) {
      return await this.ack(undefined, undefined, 'VOUCHER_MALFORMED', (err as Error).message, from)
    }
    // first and cheapest: does it pay for a job we did? (no chain read, no signature check)
    const expected = v.jobId === undefined ? undefined : await this.expectation(v.jobId)
    if (expected === undefined) {
      const message = 'the voucher pays for no job this provider expects'
      return await this.ack(v, undefined, 'VOUCHER_UNEXPECTED_JOB', message, from)
    }
    return await this.init.channels.serialize(v.channelId, async () => {
      const record = await this.channel(v, from)
      const best = await this.init.channels.best(v.channelId)
      const bestState = best === undefined ? undefined : countersOf(best)
      try {
        if (record !== undefined && record.requester.toLowerCase() !== expected.requester) {
          return await this.ack(v, best, 'VOUCHER_UNEXPECTED_JOB', "the job was not this channel's requester's", from)
        }
        this.checkTerms(v, record, bestState, expected)
        this.init.verifier.verify(record === undefined ? undefined : channelView(record), bestState, v)
      } catch (err) {
        if (!isHiveError(err)) throw err
        // a top-up may have raised the deposit since we last read it
        if (err.code === 'VOUCHER_ABOVE_DEPOSIT' && record !== undefined) {
          const fresh = await this.refresh(record)
          if (BigInt(fresh.deposit) >= v.cumulativeAmount) {
            return await this.answerAgain(v, fresh, bestState, best, expected, from)
          }
        }
        return await this.ack(v, best, err.code, err.message, from)
      }
      return await this.accept(v, record!, best, from)
    })
  }

  /**
   * The cheap checks before the signature: the voucher's rules, the channel's terms, and that it
   * adds at least the job's price (a same-amount voucher with a higher nonce adds nothing).
   */
  private checkTerms(
    v: SignedVoucher,
    record: ChannelRecord | undefined,
    best: VoucherState | undefined,
    expected: Expectation,
  ): void {
    const view = record === undefined ? undefined : channelView(record)
    const { chainId, contract } = this.init.verifier.hasher
    checkVoucherRules(view, best, v, { chainId, contract })
    checkChannelTerms(view!, this.init.policy, BigInt(Math.floor(this.init.now() / 1000)))
    if (expected.paid) throw new PaymentError('VOUCHER_JOB_PAID', 'this job is paid already', { jobId: v.jobId ?? '' })
    const increment = v.cumulativeAmount - (best?.cumulativeAmount ?? 0n)
    if (increment <= 0n || increment < BigInt(expected.price)) {
      const message = `the voucher adds ${increment}, the job's price is ${expected.price}`
      throw new PaymentError('VOUCHER_UNDERPAID', message, { jobId: v.jobId ?? '' })
    }
  }

  /** Provider: the job `jobId` of `requesterAddress` is worth `price`; only vouchers paying it are taken. */
  async expect(job: { jobId: string; requesterAddress: string; price: bigint }): Promise<void> {
    const key = jobKeyOf(job.jobId)
    const known = this.expected.get(key) ?? (await this.init.channels.expectation(key))
    if (known !== undefined) {
      this.remember(key, known)
      return
    }
    const e: Expectation = {
      requester: job.requesterAddress.toLowerCase(),
      price: job.price.toString(),
      paid: job.price === 0n,
      at: this.init.now(),
    }
    this.remember(key, e)
    await this.init.channels.putExpectation(key, e)
  }

  /** Provider: a voucher paying this job's price was accepted and written durably. */
  async paidFor(jobId: string): Promise<boolean> {
    return (await this.expectation(jobId))?.paid === true
  }

  private async expectation(jobId: string): Promise<Expectation | undefined> {
    const key = jobKeyOf(jobId)
    const cached = this.expected.get(key)
    if (cached !== undefined) return cached
    const stored = await this.init.channels.expectation(key)
    if (stored !== undefined) this.remember(key, stored)
    return stored
  }

  private remember(key: string, e: Expectation): void {
    if (!this.expected.has(key) && this.expected.size >= 100_000) {
      this.expected.delete(this.expected.keys().next().value as string)
    }
    this.expected.set(key, e)
  }

  /**
   * Provider, before running a channel-paid job: waits (bounded) for an open HIVE channel from
   * the requester to us with acceptable terms and room for the price beyond what its other
   * unpaid jobs reserved; reserves the price there and expects the job's payment. Throws
   * PaymentError('CHANNEL_NOT_FUNDED') when none shows up in time.
   */
  async assureFunded(
    job: { jobId: string; requesterAddress: string; price: bigint; deadline?: number },
    signal?: AbortSignal,
  ): Promise<void> {
    const key = jobKeyOf(job.jobId)
    const requester = getAddress(job.requesterAddress)
    const waitUntil = this.init.now() + (this.init.fundingWaitMs ?? 30_000)
    for (;;) {
      signal?.throwIfAborted()
      const found = await this.fundedChannel(requester, job.price, key)
      if (found !== undefined) {
        // held until paid, or a day past the job's deadline (a job never paid frees its room then)
        const until = (job.deadline ?? this.init.now()) + 24 * 3600_000
        this.reserved.set(key, { channelId: found, requester: requester.toLowerCase(), price: job.price, until })
        await this.expect({ jobId: job.jobId, requesterAddress: requester, price: job.price })
        return
      }
      if (this.init.now() >= waitUntil) {
        const message = `no open HIVE channel from ${requester} with room for ${job.price}`
        throw new PaymentError('CHANNEL_NOT_FUNDED', message, { requester, jobId: job.jobId })
      }
      await sleep(this.init.fundingPollMs ?? 1_000, signal)
    }
  }

  private async fundedChannel(requester: string, price: bigint, jobKey: string): Promise<string | undefined> {
    const self = getAddress(this.init.self)
    const ids = new Set<string>()
    for (const r of await this.init.channels.list({ role: 'provider', status: ['open'] })) {
      if (r.requester === requester) ids.add(r.channelId)
    }
    const contract = this.init.chain.contracts.channel
    const latest = await this.init.chain.provider.getBlockNumber()
    const from = Math.max(0, latest - (this.init.fundingLookbackBlocks ?? 200_000))
    const logs = await contract.queryFilter(contract.filters.ChannelOpened(undefined, requester, self), from, latest)
    for (const l of logs) ids.add(String(l.topics[1]).toLowerCase())
    const now = this.init.now()
    for (const [k, r] of this.reserved) if (r.until < now) this.reserved.delete(k)
    for (const id of ids) {
      const view = await readChannel(this.init.chain, id).catch(() => undefined)
      if (view?.status !== 'open' || view.provider !== self || view.requester !== requester) continue
      try {
        checkChannelTerms(view, this.init.policy, BigInt(Math.floor(now / 1000)))
      } catch {
        continue
      }
      const record = await this.learn(view, undefined)
      const spent = BigInt((await this.init.channels.best(id))?.cumulativeAmount ?? '0')
      let held = 0n
      for (const [k, r] of this.reserved) if (k !== jobKey && r.channelId === record.channelId) held += r.price
      if (view.deposit - spent - held >= price) return record.channelId
    }
    return undefined
  }

  private async answerAgain(
    v: SignedVoucher,
    record: ChannelRecord,
    bestState: VoucherState | undefined,
    best: StoredVoucher | undefined,
    expected: Expectation,
    from: PeerId,
  ): Promise<Uint8Array> {
    try {
      this.checkTerms(v, record, bestState, expected)
      this.init.verifier.verify(channelView(record), bestState, v)
    } catch (err) {
      if (!isHiveError(err)) throw err
      return await this.ack(v, best, err.code, err.message, from)
    }
    return await this.accept(v, record, best, from)
  }

  private async accept(
    v: SignedVoucher,
    record: ChannelRecord,
    best: StoredVoucher | undefined,
    from: PeerId,
  ): Promise<Uint8Array> {
    const stored: StoredVoucher = {
      channelId: record.channelId,
      nonce: v.nonce.toString(),
      cumulativeAmount: v.cumulativeAmount.toString(),
      signature: v.signature,
      ...(v.jobId !== undefined ? { jobId: v.jobId } : {}),
      at: this.init.now(),
    }
    const increment = v.cumulativeAmount - BigInt(best?.cumulativeAmount ?? '0')
    // durable before the acknowledgement: an acked voucher survives any crash. The job it
    // names is paid; what it adds beyond that price pays this requester's other unpaid jobs
    // (their own vouchers were lost: a cumulative voucher covers them)
    const ops = [this.init.channels.bestOp(stored)]
    const paid: Array<[string, Expectation]> = []
    const own = jobKeyOf(v.jobId!)
    const mine = (await this.expectation(own))!
    paid.push([own, mine])
    let surplus = increment - BigInt(mine.price)
    if (surplus > 0n) {
      for (const [k, e] of await this.init.channels.unpaidOf(mine.requester)) {
        if (k === own || BigInt(e.price) > surplus) continue
        paid.push([k, e])
        surplus -= BigInt(e.price)
      }
    }
    for (const [k, e] of paid) ops.push(...this.init.channels.paidOps(k, e))
    if (this.init.audit !== undefined && v.jobId !== undefined) {
      await this.init.audit.record(
        {
          type: 'paid',
          jobId: v.jobId.slice(2),
          direction: 'received',
          counterparty: from,
          amount: increment,
          method: voucherMethod(v),
        },
        { extraOps: ops },
      )
    } else {
      await this.init.channels.commit(ops)
    }
    for (const [k, e] of paid) {
      this.expected.set(k, { ...e, paid: true })
      this.reserved.delete(k)
    }
    this.init.onAccepted?.(record, stored, increment)
    failpoint('provider:voucher-stored')
    const ack = await this.ack(v, stored, '', '', from)
    // after the ack is on its way (the stream writes it once this handler returns)
    failpointSoon('provider:voucher-acked')
    return ack
  }

  private async channel(v: SignedVoucher, from: PeerId): Promise<ChannelRecord | undefined> {
    const known = await this.init.channels.get(v.channelId)
    if (known !== undefined) return known
    // an unknown id: the contract is the authority, within a per-peer budget of reads (a peer
    // making up ids would otherwise cost us one RPC read each)
    if (v.chainId !== BigInt(this.init.chain.chainId)) return undefined
    const key = v.channelId.toLowerCase()
    if ((this.unknown.get(key) ?? 0) > this.init.now()) return undefined
    if (!this.spendRead(from.toString())) return undefined
    let view
    try {
      view = await readChannel(this.init.chain, v.channelId)
    } catch (err) {
      log('reading channel %s failed: %s', v.channelId, (err as Error).message)
      return undefined
    }
    if (view === undefined || view.provider !== getAddress(this.init.self) || view.status !== 'open') {
      if (this.unknown.size >= 10_000) this.unknown.clear()
      this.unknown.set(key, this.init.now() + 5_000)
      return undefined
    }
    return await this.learn(view, from)
  }

  private spendRead(peer: string): boolean {
    const r = this.window(this.reads, peer)
    if (r.count >= (this.init.unknownReadsPerMinute ?? 4)) return false
    r.count++
    return true
  }

  /** A per-peer counter for the current minute (the map is bounded: cleared when full). */
  private window(counters: Map<string, PeerWindow>, peer: string): PeerWindow {
    const now = this.init.now()
    let r = counters.get(peer)
    if (r === undefined || now - r.since >= 60_000) {
      if (counters.size >= 10_000) counters.clear()
      r = { since: now, count: 0 }
      counters.set(peer, r)
    }
    return r
  }

  /** Stores a channel read from the contract (kept as it is; its terms are checked per use). */
  private async learn(view: ChannelView, from: PeerId | undefined): Promise<ChannelRecord> {
    const known = await this.init.channels.get(view.channelId)
    if (known !== undefined) {
      if (known.deposit === view.deposit.toString()) return known
      const updated = { ...known, deposit: view.deposit.toString() }
      await this.init.channels.put(updated)
      return updated
    }
    const record: ChannelRecord = {
      channelId: view.channelId.toLowerCase(),
      role: 'provider',
      chainId: this.init.chain.chainId,
      contract: view.contract,
      requester: view.requester,
      provider: view.provider,
      ...(from !== undefined ? { peer: from.toString() } : {}),
      token: view.token,
      deposit: view.deposit.toString(),
      expiry: view.expiry.toString(),
      challengePeriod: view.challengePeriod.toString(),
      feeBps: view.feeBps.toString(),
      status: 'open',
      openedAt: this.init.now(),
    }
    await this.init.channels.put(record)
    log('learnt channel %o', { channelId: record.channelId, requester: record.requester, deposit: record.deposit })
    return record
  }

  private async refresh(record: ChannelRecord): Promise<ChannelRecord> {
    const view = await readChannel(this.init.chain, record.channelId).catch(() => undefined)
    if (view === undefined || view.deposit.toString() === record.deposit) return record
    const updated = { ...record, deposit: view.deposit.toString() }
    await this.init.channels.put(updated)
    return updated
  }

  private async ack(
    v: SignedVoucher | undefined,
    best: StoredVoucher | undefined,
    code: string,
    message: string,
    from: PeerId,
  ): Promise<Uint8Array> {
    if (code !== '') {
      this.window(this.refusals, from.toString()).count++
      log('voucher from %s rejected: %s', from.toString(), code)
      this.init.onRejected?.(code, from)
    }
    return await signVoucherAck(
      {
        channelId: v === undefined ? new Uint8Array(0) : Uint8Array.from(Buffer.from(v.channelId.slice(2), 'hex')),
        nonce: v?.nonce ?? 0n,
        cumulativeAmount: v?.cumulativeAmount.toString() ?? '0',
        status: code === '' ? VoucherStatus.VOUCHER_ACCEPTED : VoucherStatus.VOUCHER_REJECTED,
        code,
        message: message.slice(0, 200),
        bestNonce: BigInt(best?.nonce ?? '0'),
        bestCumulativeAmount: best?.cumulativeAmount ?? '0',
        // the requester's own signature over our best: its proof that the best is real
        bestSignature: best === undefined ? new Uint8Array(0) : hexBytes(best.signature),
        timestamp: this.init.now(),
      },
      this.init.privateKey,
    )
  }
}

async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(t)
      reject(signal?.reason as Error)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

function countersOf(v: { nonce: string; cumulativeAmount: string }): VoucherState {
  return { nonce: BigInt(v.nonce), cumulativeAmount: BigInt(v.cumulativeAmount) }
}

function hexBytes(hex: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(Buffer.from(hex.slice(2), 'hex'))
}
