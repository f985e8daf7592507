// The provider's voucher intake: decode, find the channel (local record, else the contract's),
// check every rule and the signature against the requester's known key, write the voucher
// durably, and only then sign the acknowledgement. Anything rejected is never stored.
import { logger } from '@libp2p/logger'
import { getAddress } from 'ethers'
import { isHiveError } from '../../protocol/errors.ts'
import { VoucherStatus, signVoucherAck } from '../../protocol/payments/ack.ts'
import { voucherFromWire } from '../../protocol/payments/voucher.ts'
import { readChannel } from './chain.ts'
import type { ChannelView, VoucherVerifier } from '../../protocol/payments/channel-rules.ts'
import type { SignedVoucher } from '../../protocol/payments/voucher.ts'
import type { PaymentsChain } from './chain.ts'
import type { ChannelRecord, ChannelStore, StoredVoucher } from './channel-store.ts'
import type { PaymentAuditHook } from '../audit/market-hook.ts'
import type { PeerId, PrivateKey } from '@libp2p/interface'

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
  audit?: PaymentAuditHook
}

export function channelView (r: ChannelRecord): ChannelView {
  return {
    chainId: BigInt(r.chainId), contract: r.contract, channelId: r.channelId, requester: r.requester, provider: r.provider, token: r.token,
    deposit: BigInt(r.deposit), expiry: BigInt(r.expiry), challengePeriod: BigInt(r.challengePeriod), feeBps: BigInt(r.feeBps), status: r.status,
  }
}

/** The audit form of a voucher payment. */
export function voucherMethod (v: { channelId: string, cumulativeAmount: bigint, nonce: bigint, signature: string }): { kind: 'voucher', channelId: Uint8Array, cumulativeAmount: bigint, nonce: bigint, signature: Uint8Array } {
  return { kind: 'voucher', channelId: Uint8Array.from(Buffer.from(v.channelId.slice(2), 'hex')), cumulativeAmount: v.cumulativeAmount, nonce: v.nonce, signature: Uint8Array.from(Buffer.from(v.signature.slice(2), 'hex')) }
}

export class VoucherReceiver {
  private readonly init: VoucherReceiverInit
  /** channel ids the contract did not know (or not as ours) lately: a bogus id costs one RPC read per 5 s (short: a lagging RPC may not show a fresh channel yet) */
  private readonly unknown = new Map<string, number>()

  constructor (init: VoucherReceiverInit) {
    this.init = init
  }

  /** Handles one wire voucher from `from`; returns the signed ack bytes. */
  async answer (bytes: Uint8Array, from: PeerId): Promise<Uint8Array> {
    let v: SignedVoucher
    try {
      v = voucherFromWire(bytes)
    } catch (err) {
      return await this.ack(undefined, undefined, 'VOUCHER_MALFORMED', (err as Error).message, from)
    }
    return await this.init.channels.serialize(v.channelId, async () => {
      const record = await this.channel(v, from)
      const best = await this.init.channels.best(v.channelId)
      const bestState = best === undefined ? undefined : { nonce: BigInt(best.nonce), cumulativeAmount: BigInt(best.cumulativeAmount) }
      try {
        this.init.verifier.verify(record === undefined ? undefined : channelView(record), bestState, v)
      } catch (err) {
        if (!isHiveError(err)) throw err
        // a top-up may have raised the deposit since we last read it
        if (err.code === 'VOUCHER_ABOVE_DEPOSIT' && record !== undefined) {
          const fresh = await this.refresh(record)
          if (BigInt(fresh.deposit) >= v.cumulativeAmount) return await this.answerAgain(v, fresh, bestState, best, from)
        }
        return await this.ack(v, best, err.code, err.message, from)
      }
      return await this.accept(v, record!, best, from)
    })
  }

  private async answerAgain (v: SignedVoucher, record: ChannelRecord, bestState: { nonce: bigint, cumulativeAmount: bigint } | undefined, best: StoredVoucher | undefined, from: PeerId): Promise<Uint8Array> {
    try {
      this.init.verifier.verify(channelView(record), bestState, v)
    } catch (err) {
      if (!isHiveError(err)) throw err
      return await this.ack(v, best, err.code, err.message, from)
    }
    return await this.accept(v, record, best, from)
  }

  private async accept (v: SignedVoucher, record: ChannelRecord, best: StoredVoucher | undefined, from: PeerId): Promise<Uint8Array> {
    const stored: StoredVoucher = {
      channelId: record.channelId,
      nonce: v.nonce.toString(),
      cumulativeAmount: v.cumulativeAmount.toString(),
      signature: v.signature,
      ...(v.jobId !== undefined ? { jobId: v.jobId } : {}),
      at: this.init.now(),
    }
    const increment = v.cumulativeAmount - BigInt(best?.cumulativeAmount ?? '0')
    // durable before the acknowledgement: an acked voucher survives any crash
    const ops = [this.init.channels.bestOp(stored)]
    if (this.init.audit !== undefined && v.jobId !== undefined) {
      await this.init.audit.paid({ jobId: v.jobId.slice(2), direction: 'received', counterparty: from, amount: increment, method: voucherMethod(v) }, { extraOps: ops })
    } else {
      await this.init.channels.commit(ops)
    }
    this.init.onAccepted?.(record, stored, increment)
    return await this.ack(v, stored, '', '', from)
  }

  private async channel (v: SignedVoucher, from: PeerId): Promise<ChannelRecord | undefined> {
    const known = await this.init.channels.get(v.channelId)
    if (known !== undefined) return known
    // an unknown id: the contract is the authority (one read per new channel)
    if (v.chainId !== BigInt(this.init.chain.chainId)) return undefined
    const key = v.channelId.toLowerCase()
    if ((this.unknown.get(key) ?? 0) > this.init.now()) return undefined
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
    const record: ChannelRecord = {
      channelId: v.channelId.toLowerCase(),
      role: 'provider',
      chainId: this.init.chain.chainId,
      contract: view.contract,
      requester: view.requester,
      provider: view.provider,
      peer: from.toString(),
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

  private async refresh (record: ChannelRecord): Promise<ChannelRecord> {
    const view = await readChannel(this.init.chain, record.channelId).catch(() => undefined)
    if (view === undefined || view.deposit.toString() === record.deposit) return record
    const updated = { ...record, deposit: view.deposit.toString() }
    await this.init.channels.put(updated)
    return updated
  }

  private async ack (v: SignedVoucher | undefined, best: StoredVoucher | undefined, code: string, message: string, from: PeerId): Promise<Uint8Array> {
    if (code !== '') {
      log('voucher from %s rejected: %s', from.toString(), code)
      this.init.onRejected?.(code, from)
    }
    return await signVoucherAck({
      channelId: v === undefined ? new Uint8Array(0) : Uint8Array.from(Buffer.from(v.channelId.slice(2), 'hex')),
      nonce: v?.nonce ?? 0n,
      cumulativeAmount: v?.cumulativeAmount.toString() ?? '0',
      status: code === '' ? VoucherStatus.VOUCHER_ACCEPTED : VoucherStatus.VOUCHER_REJECTED,
      code,
      message: message.slice(0, 200),
      bestNonce: BigInt(best?.nonce ?? '0'),
      bestCumulativeAmount: best?.cumulativeAmount ?? '0',
      // the requester's own signature over our best: its proof that the best is real
      bestSignature: best === undefined ? new Uint8Array(0) : Uint8Array.from(Buffer.from(best.signature.slice(2), 'hex')),
      timestamp: this.init.now(),
    }, this.init.privateKey)
  }
}
