// The requester's side of channels: open one per provider when needed (openWithPermit: one
// transaction, no separate approve), then pay each job with a cumulative voucher. The new
// voucher is written durably before it leaves, so a restart resumes above it; the provider's
// signed ack says it is stored on its side too.
import { logger } from '../log/logger.ts'
import { Signature, getAddress } from 'ethers'
import { PaymentError } from './errors.ts'
import { VoucherStatus, openVoucherAck } from '../../protocol/payments/ack.ts'
import type { VoucherAck } from '../../protocol/payments/ack.ts'
import { VoucherHasher, voucherToWire } from '../../protocol/payments/voucher.ts'
import { judgeAck, nextVoucher, planJobPayment, provesOwnVoucher } from '../../protocol/payments/payer-rules.ts'
import type { VoucherCounters } from '../../protocol/payments/payer-rules.ts'
import { findEvent } from './chain.ts'
import { sendVoucher } from './voucher-stream.ts'
import type { PaymentsChain } from './chain.ts'
import { jobKeyOf } from './channel-store.ts'
import type { ChannelRecord, ChannelStore, StoredVoucher } from './channel-store.ts'
import type { StreamLibp2p } from './voucher-stream.ts'
import { voucherMethod } from './receiver.ts'
import type { PaymentJournal } from './journal.ts'
import type { PeerId } from '@libp2p/interface'
import { failpoint } from '../util/failpoints.ts'

const log = logger('hive:payments:payer')

export { PaymentError }

export interface ChannelPayerInit {
  chain: PaymentsChain
  channels: ChannelStore
  libp2p: StreamLibp2p
  now: () => number
  /** HIVE base units deposited when a channel is opened (at least what the first job needs) */
  deposit: bigint
  /** channel lifetime in seconds (0 = no expiry) */
  expirySeconds?: number
  /** audit: a voucher for a job is logged as `paid (voucher)` in the batch that records it as sent */
  audit?: PaymentJournal
}

export interface Payment {
  channelId: string
  nonce: bigint
  cumulativeAmount: bigint
  amount: bigint
}

/** Pay-on-award: a voucher signed and stored for an award, not yet known to be taken. */
export interface AwardVoucher {
  /** the wire voucher to send with the award */
  wire: Uint8Array
  stored: StoredVoucher
  provider: string
  peer: PeerId
  amount: bigint
  jobId: string
  /** the untaken credit this voucher was signed less by (restored when it is not taken either) */
  credit: bigint
}

export interface PayInput {
  provider: string
  peer: PeerId
  amount: bigint
  jobId?: string
  signal?: AbortSignal
}

export class ChannelPayer {
  private readonly init: ChannelPayerInit
  private hasher?: VoucherHasher
  private opening = new Map<string, Promise<ChannelRecord>>()
  /** opens run one at a time: each signs a permit over the token's nonce, which only a mined open advances */
  private openQueue: Promise<unknown> = Promise.resolve()
  /** accepted, not yet paid jobs by channel: the provider reserves their prices, so must we */
  private readonly committed = new Map<string, Map<string, bigint>>()
  /**
   * Pay-on-award vouchers an honest provider did not take (it declined the award, or refused
   * the voucher), per channel: the next voucher signs that much less, so the provider is not
   * paid twice. A provider that kept one after all refuses that voucher as underpaid; then the
   * credit is dropped (that one price is the requester's loss, and the provider is reported).
   */
  private readonly untaken = new Map<string, bigint>()
  /** providers (addresses) that kept an award voucher they said they did not take */
  readonly keptUntaken = new Set<string>()
  /**
   * channels with an award voucher out and not yet settled: one at a time per channel, since two
   * travel on separate award streams and may arrive out of order (the later one taken first, the
   * earlier then refused as a replay though the later covers it)
   */
  private readonly awardInFlight = new Set<string>()

  constructor(init: ChannelPayerInit) {
    this.init = init
  }

  private async voucherHasher(): Promise<VoucherHasher> {
    this.hasher ??= new VoucherHasher(
      BigInt(this.init.chain.chainId),
      await this.init.chain.contracts.channel.getAddress(),
    )
    return this.hasher
  }

  private wallet(): NonNullable<PaymentsChain['wallet']> {
    const w = this.init.chain.wallet
    if (w === undefined || this.init.chain.sender === undefined)
      throw new PaymentError('NO_WALLET', 'paying through a channel needs the wallet unlocked', {})
    return w
  }

  /**
   * An open channel to `provider` with at least `needed` unspent beyond what accepted, unpaid
   * jobs committed in it (other than `jobId`), opening one if none has.
   */
  async channelFor(provider: string, peer: PeerId, needed: bigint, jobId?: string): Promise<ChannelRecord> {
    const address = getAddress(provider)
    const open = await this.openChannelWithRoom(address, needed, jobId)
    if (open !== undefined) return open
    // one opening at a time per provider: concurrent jobs share the new channel
    let pending = this.opening.get(address)
    if (pending === undefined) {
      pending = this.open(address, peer, needed > this.init.deposit ? needed : this.init.deposit)
      this.opening.set(address, pending)
      void pending.finally(() => this.opening.delete(address)).catch(() => {})
    }
    return await pending
  }

  /** An open channel to `address` with `needed` unspent beyond other jobs' commitments (never opens one). */
  private async openChannelWithRoom(
    address: string,
    needed: bigint,
    jobId?: string,
  ): Promise<ChannelRecord | undefined> {
    const job = jobId === undefined ? undefined : jobKeyOf(jobId)
    for (const r of await this.init.channels.list({ role: 'requester', status: ['open'] })) {
      if (r.provider !== address) continue
      const sent = await this.init.channels.sent(r.channelId)
      let held = 0n
      for (const [k, price] of this.committed.get(r.channelId) ?? []) if (k !== job) held += price
      if (BigInt(r.deposit) - BigInt(sent?.cumulativeAmount ?? '0') - held >= needed) return r
    }
    return undefined
  }

  /**
   * Requester, pay-on-award: signs and stores (durably, before it leaves) the voucher paying
   * `amount` for `jobId` in an open channel to `provider` with room; undefined when none has
   * room (opening one is a transaction: that award goes without a voucher, in the old order).
   * The caller sends it with the award and reports the provider's answer to `settleAward`.
   */
  async signForAward(
    input: Required<Pick<PayInput, 'provider' | 'peer' | 'amount' | 'jobId'>>,
  ): Promise<AwardVoucher | undefined> {
    if ((await this.init.channels.jobVoucher(getAddress(input.provider), input.jobId)) !== undefined) return undefined
    const channel = await this.openChannelWithRoom(getAddress(input.provider), input.amount, input.jobId)
    if (channel === undefined || this.awardInFlight.has(channel.channelId)) return undefined
    const hasher = await this.voucherHasher()
    const { channelId } = channel
    return await this.init.channels.serialize(channelId, async () => {
      if (this.awardInFlight.has(channelId)) return undefined
      const sent = await this.init.channels.sent(channelId)
      const { stored, cumulativeAmount, nonce, credit } = this.nextStored(channel, sent, input.amount, input.jobId)
      if (cumulativeAmount > BigInt(channel.deposit)) {
        this.restoreCredit(channelId, credit)
        return undefined
      }
      this.awardInFlight.add(channelId)
      const paidBy = { channelId, nonce: stored.nonce, cumulativeAmount: stored.cumulativeAmount }
      // durable before it leaves; audited once the provider says it took it (settleAward)
      await this.init.channels.commit([
        this.init.channels.sentOp(stored),
        this.init.channels.jobOp(channel.provider, input.jobId, paidBy),
      ])
      const wire = voucherToWire({
        chainId: hasher.chainId,
        contract: hasher.contract,
        channelId,
        cumulativeAmount,
        nonce,
        signature: stored.signature,
        jobId: input.jobId,
      })
      const { provider, peer, amount, jobId } = { ...input, provider: channel.provider }
      return { wire, stored, provider, peer, amount, jobId, credit }
    })
  }

  /**
   * Pay-on-award: what the provider answered. Its signed ack of this very voucher: paid (audited,
   * acknowledged). No ack (it declined the award) or a refusal: it did not take the voucher, so
   * the job is unpaid again and the amount is credited against the next voucher to that channel.
   * 'unknown' (the award got no answer: it may have been taken): left as sent, as any voucher
   * whose ack was lost (a later one covers it). Returns whether the job is paid.
   */
  async settleAward(v: AwardVoucher, ackBytes: Uint8Array | undefined | 'unknown'): Promise<boolean> {
    const { channelId } = v.stored
    this.awardInFlight.delete(channelId)
    if (ackBytes === 'unknown') return false
    const mine = countersOf(v.stored)
    if (ackBytes !== undefined && ackBytes.byteLength > 0) {
      const hasher = await this.voucherHasher()
      const requester = this.wallet().address
      const ack = await openVoucherAck(ackBytes, v.peer).catch(() => undefined)
      const proves = (c: VoucherCounters, sig: Uint8Array): boolean =>
        provesOwnVoucher(hasher, channelId, requester, c, sig)
      if (ack !== undefined && judgeAck(ack, mine, proves).kind === 'delivered') {
        await this.init.audit?.record({
          type: 'paid',
          jobId: v.jobId.replace(/^0x/, ''),
          direction: 'sent',
          counterparty: v.peer,
          amount: v.amount,
          method: voucherMethod({ channelId, ...mine, signature: v.stored.signature }),
        })
        await this.init.channels.serialize(channelId, async () => {
          const sent = await this.init.channels.sent(channelId)
          if (sent?.nonce === v.stored.nonce) await this.markAcknowledged(sent)
        })
        return true
      }
    }
    await this.init.channels.serialize(channelId, async () => {
      await this.init.channels.commit([this.init.channels.jobDelOp(v.provider, v.jobId)])
      this.restoreCredit(channelId, v.amount + v.credit)
    })
    return false
  }

  private restoreCredit(channelId: string, amount: bigint): void {
    if (amount > 0n) this.untaken.set(channelId, (this.untaken.get(channelId) ?? 0n) + amount)
  }

  /**
   * The next voucher after `sent` adding `amount`, less the channel's untaken award-voucher
   * credit, which it consumes (the caller restores it when this voucher is not taken either).
   */
  private nextStored(
    channel: ChannelRecord,
    sent: StoredVoucher | undefined,
    amount: bigint,
    jobId: string | undefined,
  ): { stored: StoredVoucher; nonce: bigint; cumulativeAmount: bigint; credit: bigint } {
    const credit = this.untaken.get(channel.channelId) ?? 0n
    this.untaken.delete(channel.channelId)
    const next = nextVoucher(sent === undefined ? undefined : countersOf(sent), amount)
    const cumulativeAmount = next.cumulativeAmount - credit
    const { nonce } = next
    const hasher = this.hasher!
    const digest = hasher.digest(channel.channelId, cumulativeAmount, nonce)
    const signature = this.wallet().signingKey.sign(digest).serialized
    const stored: StoredVoucher = {
      channelId: channel.channelId,
      nonce: nonce.toString(),
      cumulativeAmount: cumulativeAmount.toString(),
      signature,
      ...(jobId !== undefined ? { jobId } : {}),
      at: this.init.now(),
    }
    return { stored, nonce, cumulativeAmount, credit }
  }

  /**
   * Requester, after a provider accepted a job: an open channel to it with room for `amount`
   * (opens one if none has). With `jobId`, the amount stays committed there until the job is
   * paid or released, so concurrent jobs to one provider do not count the same room twice.
   */
  async ensureChannel(provider: string, peer: PeerId, amount: bigint, jobId?: string): Promise<ChannelRecord> {
    const channel = await this.channelFor(provider, peer, amount, jobId)
    if (jobId !== undefined) {
      let jobs = this.committed.get(channel.channelId)
      if (jobs === undefined) {
        jobs = new Map()
        this.committed.set(channel.channelId, jobs)
      }
      jobs.set(jobKeyOf(jobId), amount)
    }
    return channel
  }

  /** A job committed by ensureChannel was paid or will not be: its room is free again. */
  release(jobId: string): void {
    const key = jobKeyOf(jobId)
    for (const [id, jobs] of this.committed) {
      jobs.delete(key)
      if (jobs.size === 0) this.committed.delete(id)
    }
  }

  /**
   * Opens a channel with an ERC-2612 permit in the same transaction. Opens to different providers
   * queue behind each other: two permits signed at once would carry the same nonce, and the
   * second open would revert.
   */
  async open(provider: string, peer: PeerId | undefined, deposit: bigint): Promise<ChannelRecord> {
    const run = this.openQueue.then(async () => await this.openNow(provider, peer, deposit))
    this.openQueue = run.catch(() => {})
    return await run
  }

  private async openNow(provider: string, peer: PeerId | undefined, deposit: bigint): Promise<ChannelRecord> {
    const wallet = this.wallet()
    const { token, channel } = this.init.chain.contracts
    const channelAddress = await channel.getAddress()
    const tokenAddress = await token.getAddress()
    const latest = await this.init.chain.provider.getBlock('latest')
    const chainNow = BigInt(latest?.timestamp ?? Math.floor(this.init.now() / 1000))
    const expiry =
      this.init.expirySeconds !== undefined && this.init.expirySeconds > 0
        ? chainNow + BigInt(this.init.expirySeconds)
        : 0n
    const permitDeadline = chainNow + 3600n
    const [domain, permitNonce] = await Promise.all([
      token.eip712Domain.staticCall(),
      token.nonces.staticCall(wallet.address),
    ])
    const sig = Signature.from(
      await wallet.signTypedData(
        {
          name: domain[1],
          version: domain[2],
          chainId: BigInt(this.init.chain.chainId),
          verifyingContract: tokenAddress,
        },
        {
          Permit: [
            { name: 'owner', type: 'address' },
            { name: 'spender', type: 'address' },
            { name: 'value', type: 'uint256' },
            { name: 'nonce', type: 'uint256' },
            { name: 'deadline', type: 'uint256' },
          ],
        },
        {
          owner: wallet.address,
          spender: channelAddress,
          value: deposit,
          nonce: permitNonce,
          deadline: permitDeadline,
        },
      ),
    )
    const sent = await this.init.chain.sender!.call(
      channel,
      'openWithPermit',
      [provider, tokenAddress, deposit, expiry, permitDeadline, sig.v, sig.r, sig.s],
      { label: 'open channel' },
    )
    const ev = findEvent(channel, sent.receipt, 'ChannelOpened')
    const a = ev.args as unknown as {
      channelId: string
      expiry: bigint
      challengePeriod: bigint
      feeBps: bigint
      deposit: bigint
    }
    const record: ChannelRecord = {
      channelId: a.channelId.toLowerCase(),
      role: 'requester',
      chainId: this.init.chain.chainId,
      contract: getAddress(channelAddress),
      requester: wallet.address,
      provider: getAddress(provider),
      ...(peer !== undefined ? { peer: peer.toString() } : {}),
      token: getAddress(tokenAddress),
      deposit: a.deposit.toString(),
      expiry: a.expiry.toString(),
      challengePeriod: a.challengePeriod.toString(),
      feeBps: a.feeBps.toString(),
      status: 'open',
      openedAt: this.init.now(),
      openTx: sent.hash,
    }
    await this.init.channels.put(record)
    log('opened channel %o', { channelId: record.channelId, provider: record.provider, deposit: record.deposit })
    return record
  }

  /**
   * Pays `amount` more to `provider` through its channel: signs the next cumulative voucher
   * (our own last voucher plus `amount`, never a figure the provider names), stores it, sends
   * it and checks the signed ack. A job already paid is not paid again: its recorded voucher,
   * or any later one covering it, is resent instead. Throws PaymentError when refused.
   */
  async pay(input: PayInput): Promise<Payment> {
    if (input.jobId !== undefined) {
      const earlier = await this.payAgain(input.provider, input.peer, input.jobId, input.signal)
      if (earlier !== undefined) return earlier
    }
    const channel = await this.channelFor(input.provider, input.peer, input.amount, input.jobId)
    const hasher = await this.voucherHasher()
    const requester = this.wallet().address
    const proves = (c: VoucherCounters, sig: Uint8Array): boolean =>
      provesOwnVoucher(hasher, channel.channelId, requester, c, sig)
    const { channelId } = channel
    const jobId = input.jobId
    return await this.init.channels.serialize(channelId, async () => {
      // what the next voucher adds: the price, or (after a provider proved it kept an untaken
      // award voucher) the credit that voucher was signed less by
      let amount = input.amount
      for (let resynced = false; ; resynced = true) {
        const sent = await this.init.channels.sent(channelId)
        const { stored, nonce, cumulativeAmount, credit } = this.nextStored(channel, sent, amount, jobId)
        const { signature } = stored
        if (cumulativeAmount > BigInt(channel.deposit)) {
          this.restoreCredit(channelId, credit)
          const message = 'the channel has not enough deposit left for this payment'
          throw new PaymentError('CHANNEL_EXHAUSTED', message, { channelId })
        }
        // durable before it leaves: never sign two different vouchers with one nonce, and a
        // retry of this job finds the voucher that pays it
        const ops = [this.init.channels.sentOp(stored)]
        if (jobId !== undefined) {
          const paidBy = { channelId, nonce: stored.nonce, cumulativeAmount: stored.cumulativeAmount }
          ops.push(this.init.channels.jobOp(channel.provider, jobId, paidBy))
        }
        if (this.init.audit !== undefined && jobId !== undefined) {
          const method = voucherMethod({ channelId, cumulativeAmount, nonce, signature })
          const entry = {
            type: 'paid' as const,
            jobId: jobId.replace(/^0x/, ''),
            direction: 'sent' as const,
            counterparty: input.peer,
            amount: input.amount,
            method,
          }
          await this.init.audit.record(entry, { extraOps: ops })
        } else {
          await this.init.channels.commit(ops)
        }
        const wire = voucherToWire({
          chainId: hasher.chainId,
          contract: hasher.contract,
          channelId,
          cumulativeAmount,
          nonce,
          signature,
          ...(jobId !== undefined ? { jobId } : {}),
        })
        failpoint('requester:voucher-signed')
        const ack = await this.send(input.peer, wire, input.signal)
        const verdict = judgeAck(ack, { nonce, cumulativeAmount }, proves)
        if (verdict.kind === 'delivered') {
          await this.markAcknowledged(stored)
          failpoint('requester:voucher-acked')
          if (jobId !== undefined) this.release(jobId)
          return { channelId, nonce, cumulativeAmount, amount: input.amount }
        }
        if (verdict.kind === 'refused' && verdict.code === 'VOUCHER_UNDERPAID' && credit > 0n) {
          // it kept an award voucher it said it had not taken: that price is lost to it (one
          // per such award), it is reported, and this job is paid on top of what it holds
          log.error('provider %s kept an award voucher it declined; channel %s', channel.provider, channelId)
          this.keptUntaken.add(channel.provider)
          amount = credit
          continue
        }
        if (verdict.kind === 'resync' && !resynced) {
          // the provider proved, with our own signature, a voucher above ours: our state came
          // from an old copy. Adopt that voucher (we signed it) and pay on top of it, once.
          const adopted: StoredVoucher = {
            channelId,
            nonce: verdict.best.nonce.toString(),
            cumulativeAmount: verdict.best.cumulativeAmount.toString(),
            signature: '0x' + Buffer.from(verdict.signature).toString('hex'),
            at: this.init.now(),
            acked: true,
          }
          const resyncOps = [this.init.channels.sentOp(adopted)]
          if (jobId !== undefined) resyncOps.push(this.init.channels.jobDelOp(channel.provider, jobId))
          await this.init.channels.commit(resyncOps)
          log('resynced channel %s to the proven voucher %s', channelId, adopted.nonce)
          continue
        }
        // not taken: the credit it was signed less by still stands
        if (verdict.kind === 'refused') this.restoreCredit(channelId, credit)
        const code = verdict.kind === 'refused' ? verdict.code : 'VOUCHER_REPLAYED'
        throw new PaymentError(code, `provider refused the voucher: ${ack.message}`, { channelId, nonce })
      }
    })
  }

  /**
   * Sends one voucher and opens the provider's signed ack. A voucher that could not be delivered
   * (or whose ack never came) is VOUCHER_UNDELIVERED: it is signed and may be stored on the
   * provider's side, so its job is not to be given to another provider (RequesterJob retries).
   */
  private async send(peer: PeerId, wire: Uint8Array, signal?: AbortSignal): Promise<VoucherAck> {
    let bytes: Uint8Array
    try {
      bytes = await sendVoucher(this.init.libp2p, peer, wire, { signal: signal ?? AbortSignal.timeout(15_000) })
    } catch (err) {
      throw new PaymentError('VOUCHER_UNDELIVERED', `the voucher got no ack: ${(err as Error).message}`, {
        peer: peer.toString(),
      })
    }
    return await openVoucherAck(bytes, peer)
  }

  // not fsynced: losing the mark only means one harmless resend of a voucher the provider has
  private async markAcknowledged(v: StoredVoucher): Promise<void> {
    await this.init.channels.putSent({ ...v, acked: true })
  }

  /**
   * A retry of a job whose voucher was already signed (its ack lost, a crash, a timeout): never
   * sign for it again. Paid once the channel's last voucher, at or above the job's, is
   * acknowledged; else that last voucher (cumulative: it covers this job) is resent.
   */
  private async payAgain(
    provider: string,
    peer: PeerId,
    jobId: string,
    signal?: AbortSignal,
  ): Promise<Payment | undefined> {
    const job = await this.init.channels.jobVoucher(getAddress(provider), jobId)
    if (job === undefined) return undefined
    const { channelId } = job
    return await this.init.channels.serialize(channelId, async () => {
      const sent = await this.init.channels.sent(channelId)
      const last = sent === undefined ? undefined : { ...countersOf(sent), acked: sent.acked === true }
      const plan = planJobPayment(countersOf(job), last)
      const paid = { channelId, ...countersOf(job), amount: 0n }
      if (plan.kind === 'paid') {
        this.release(jobId)
        return paid
      }
      if (plan.kind === 'sign' || sent === undefined) {
        const message = 'the voucher that paid this job is missing from the channel state'
        throw new PaymentError('VOUCHER_STATE_LOST', message, { channelId })
      }
      const hasher = await this.voucherHasher()
      const { nonce, cumulativeAmount } = countersOf(sent)
      const wire = voucherToWire({
        chainId: hasher.chainId,
        contract: hasher.contract,
        channelId,
        cumulativeAmount,
        nonce,
        signature: sent.signature,
        ...(sent.jobId !== undefined ? { jobId: sent.jobId } : {}),
      })
      const ack = await this.send(peer, wire, signal)
      // a provider that claims to hold this voucher or a later one only forgoes its own claim
      const delivered =
        (ack.status === VoucherStatus.VOUCHER_ACCEPTED && ack.nonce === nonce) ||
        (ack.code === 'VOUCHER_REPLAYED' && ack.bestNonce >= nonce)
      if (!delivered) {
        const code = ack.code === '' ? 'VOUCHER_REFUSED' : ack.code
        throw new PaymentError(code, `provider refused the resent voucher: ${ack.message}`, { channelId, nonce })
      }
      await this.markAcknowledged(sent)
      this.release(jobId)
      return paid
    })
  }
}

function countersOf(v: { nonce: string; cumulativeAmount: string }): VoucherCounters {
  return { nonce: BigInt(v.nonce), cumulativeAmount: BigInt(v.cumulativeAmount) }
}
