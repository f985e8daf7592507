// Whether a provider's close is worth its gas, priced on this node's chain: the voucher's gain
// (protocol/payments/close-economics.ts) against the close's estimated gas at the network's gas
// price and the configured HIVE/ETH price. Requesters may open many tiny channels and close them
// all; answering each would cost the provider more ETH than the vouchers are worth.
import { parseUnits } from 'ethers'
import { VoucherHasher, normalizeRecovery } from '../../protocol/payments/voucher.ts'
import { DEFAULT_HIVE_PER_ETH, closeGain, worthAnswering } from '../../protocol/payments/close-economics.ts'
import { logger } from '../log/logger.ts'
import type { PaymentsChain } from './chain.ts'
import type { ChannelRecord, StoredVoucher } from './channel-store.ts'

const log = logger('hive:payments:close-pricer')
/** below any real closeWithVoucher (~80k): a first filter that skips an RPC estimate for dust */
const MIN_CLOSE_GAS = 50_000n
/** how long one gas price read serves every channel checked meanwhile */
const FEE_TTL_MS = 1_000

/** closeWithVoucher's arguments for `best`, with the v that makes ecrecover return the requester. */
export function voucherCloseArgs(r: ChannelRecord, best: StoredVoucher): [string, bigint, bigint, string] {
  const key = r.channelId.toLowerCase()
  const amount = BigInt(best.cumulativeAmount)
  const nonce = BigInt(best.nonce)
  const digest = new VoucherHasher(BigInt(r.chainId), r.contract).digest(key, amount, nonce)
  return [key, amount, nonce, normalizeRecovery(digest, best.signature, r.requester)]
}

export interface ClosePricerInit {
  chain: PaymentsChain
  now: () => number
  /** HIVE one ETH buys, a decimal string (default DEFAULT_HIVE_PER_ETH) */
  hivePerEth?: string
}

export class ClosePricer {
  private readonly init: ClosePricerInit
  private readonly hivePerEthWad: bigint
  /** channels found not worth their gas (logged once each) */
  private readonly dust = new Set<string>()
  /** the estimated gas of each unclosed channel's closeWithVoucher */
  private readonly gasByChannel = new Map<string, bigint>()
  private fee?: { at: number; wei: Promise<bigint> }

  constructor(init: ClosePricerInit) {
    this.init = init
    this.hivePerEthWad = parseUnits(init.hivePerEth ?? DEFAULT_HIVE_PER_ETH, 18)
  }

  /** Whether closing with `best` gains more HIVE than the gas costs: a cheap bound first, then the real estimate. */
  async worthClosing(r: ChannelRecord, best: StoredVoucher): Promise<boolean> {
    const gain = closeGain({
      voucherAmount: BigInt(best.cumulativeAmount),
      deposit: BigInt(r.deposit),
      feeBps: BigInt(r.feeBps),
    })
    const priced = { gain, feePerGasWei: await this.feePerGas(), hivePerEthWad: this.hivePerEthWad }
    const key = r.channelId.toLowerCase()
    let worth = worthAnswering({ ...priced, gas: MIN_CLOSE_GAS })
    if (worth) {
      // estimated once per channel: a close's gas hardly changes, and many channels re-checked
      // on every poll must not each cost an RPC call
      let gas = this.gasByChannel.get(key)
      if (gas === undefined) {
        gas = await this.estimate(r, best)
        this.gasByChannel.set(key, gas)
      }
      worth = worthAnswering({ ...priced, gas })
    }
    if (!worth && !this.dust.has(key)) {
      this.dust.add(key)
      log('channel %s: voucher worth %s HIVE units is below the gas to claim it; not closing', key, gain.toString())
    }
    return worth
  }

  /** Whether `channelId` was let go as not worth its gas. */
  isDust(channelId: string): boolean {
    return this.dust.has(channelId.toLowerCase())
  }

  /** Drops what is kept about a channel that closed. */
  forget(channelId: string): void {
    const key = channelId.toLowerCase()
    this.dust.delete(key)
    this.gasByChannel.delete(key)
  }

  private async estimate(r: ChannelRecord, best: StoredVoucher): Promise<bigint> {
    const sender = this.init.chain.sender
    if (sender === undefined) throw new Error('closing a channel needs the wallet unlocked')
    const channel = this.init.chain.contracts.channel
    const data = channel.interface.encodeFunctionData('closeWithVoucher', voucherCloseArgs(r, best))
    // a close that would revert fails here, before any gas is spent
    return await this.init.chain.provider.estimateGas({ from: sender.address, to: await channel.getAddress(), data })
  }

  /** The network's gas price, read at most once a second: many channels in one poll share one read. */
  private async feePerGas(): Promise<bigint> {
    const now = this.init.now()
    if (this.fee === undefined || now - this.fee.at > FEE_TTL_MS) {
      const read = this.init.chain.provider.getFeeData().then((f) => f.gasPrice ?? f.maxFeePerGas ?? 0n)
      this.fee = { at: now, wei: read }
      read.catch(() => {
        this.fee = undefined
      })
    }
    return await this.fee.wei
  }
}
