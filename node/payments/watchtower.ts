// Watches this node's channels on chain. As provider: answers a requester's startClose with the
// best stored voucher at once (the next poll after the ChannelCloseStarted event, well inside
// the challenge period), and closes by itself when a channel runs low or nears its expiry. As
// requester: finalizes a channel it started closing once the period is over. It polls logs from
// the last block it read (kept in the store), and re-reads every open channel at start, so an
// event that happened while the node was down or the RPC unreachable is still answered.
import { logger } from '@libp2p/logger'
import { VoucherHasher, normalizeRecovery } from '../../protocol/payments/voucher.ts'
import { findEvent, readChannel } from './chain.ts'
import type { PaymentsChain } from './chain.ts'
import type { ChannelRecord, ChannelStore } from './channel-store.ts'
import type { JsonSublevel } from '../store.ts'
import type { EventLog } from 'ethers'

const log = logger('hive:payments:watchtower')
const LAST_BLOCK_KEY = 'payments/watchtower/lastBlock'

export interface WatchtowerInit {
  chain: PaymentsChain
  channels: ChannelStore
  meta: JsonSublevel
  now: () => number
  /** how often to read new logs (default 2 s) */
  pollMs?: number
  /** close a channel once its unspent deposit is at most this (default 0: when fully spent) */
  lowFundsThreshold?: bigint
  /** close this long before expiry + challenge period ends (default: half the challenge period) */
  expiryMarginSeconds?: number
  onClosed?: (record: ChannelRecord) => void
}

export class Watchtower {
  private readonly init: WatchtowerInit
  private timer?: ReturnType<typeof setTimeout>
  private running = false
  private ticking?: Promise<void>
  private readonly closing = new Set<string>()

  constructor (init: WatchtowerInit) {
    this.init = init
  }

  async start (): Promise<void> {
    if (this.running) return
    this.running = true
    await this.scanAll().catch((err: Error) => { log.error('startup scan failed: %s', err.message) })
    this.schedule()
  }

  async stop (): Promise<void> {
    this.running = false
    if (this.timer !== undefined) clearTimeout(this.timer)
    await this.ticking?.catch(() => {})
  }

  private schedule (): void {
    if (!this.running) return
    this.timer = setTimeout(() => {
      this.ticking = this.tick().catch((err: Error) => { log('poll failed (will retry): %s', err.message) }).finally(() => { this.schedule() })
    }, this.init.pollMs ?? 2_000)
  }

  /** Re-reads every channel not known to be closed and acts on what the chain says. */
  async scanAll (): Promise<void> {
    for (const r of await this.init.channels.list({ status: ['open', 'closing'] })) {
      const view = await readChannel(this.init.chain, r.channelId)
      if (view === undefined) continue
      if (view.status === 'closed') await this.markClosed(r)
      else if (view.status === 'closing') await this.onCloseStarted(r, view.closesAt)
    }
    await this.applyPolicies()
  }

  /** One poll: new close events, then the provider's own closing rules. */
  async tick (): Promise<void> {
    const { chain } = this.init
    const channel = chain.contracts.channel
    const latest = await chain.provider.getBlockNumber()
    const stored = await this.init.meta.get(LAST_BLOCK_KEY) as number | undefined
    const from = stored === undefined ? Math.max(0, latest - 1_000) : stored + 1
    if (from <= latest) {
      const started = await channel.queryFilter(channel.filters.ChannelCloseStarted(), from, latest)
      for (const ev of started as EventLog[]) {
        const r = await this.init.channels.get(String(ev.args.channelId))
        if (r !== undefined && r.status !== 'closed') await this.onCloseStarted(r, BigInt(ev.args.closesAt as bigint))
      }
      const closed = await channel.queryFilter(channel.filters.ChannelClosed(), from, latest)
      for (const ev of closed as EventLog[]) {
        const r = await this.init.channels.get(String(ev.args.channelId))
        if (r !== undefined && r.status !== 'closed') await this.markClosed(r, r.role === 'provider' ? String(ev.args.payout) : undefined)
      }
      await this.init.meta.put(LAST_BLOCK_KEY, latest)
    }
    await this.applyPolicies()
  }

  private async onCloseStarted (r: ChannelRecord, closesAt: bigint): Promise<void> {
    if (r.status === 'open') await this.init.channels.put({ ...r, status: 'closing', closesAt: closesAt.toString() })
    if (r.role === 'provider') {
      log('requester started closing %s; answering with our best voucher', r.channelId)
      await this.closeWithBest(r.channelId, 'challenge')
    }
  }

  private async applyPolicies (): Promise<void> {
    const block = await this.init.chain.provider.getBlock('latest')
    const chainNow = BigInt(block?.timestamp ?? Math.floor(this.init.now() / 1000))
    for (const r of await this.init.channels.list({ status: ['open', 'closing'] })) {
      if (r.role === 'provider' && r.status === 'open') {
        const best = await this.init.channels.best(r.channelId)
        if (best === undefined) continue
        const left = BigInt(r.deposit) - BigInt(best.cumulativeAmount)
        const margin = BigInt(this.init.expiryMarginSeconds ?? Math.floor(Number(r.challengePeriod) / 2))
        const expiry = BigInt(r.expiry)
        if (left <= (this.init.lowFundsThreshold ?? 0n)) await this.closeWithBest(r.channelId, 'low funds')
        else if (expiry !== 0n && chainNow >= expiry + BigInt(r.challengePeriod) - margin) await this.closeWithBest(r.channelId, 'expiry')
      } else if (r.role === 'requester' && r.status === 'closing' && r.closesAt !== undefined && chainNow >= BigInt(r.closesAt)) {
        await this.finalize(r)
      }
    }
  }

  /** Provider: settles the channel with the best stored voucher. Returns the payout, or undefined. */
  async closeWithBest (channelId: string, reason: string): Promise<bigint | undefined> {
    const key = channelId.toLowerCase()
    if (this.closing.has(key)) return undefined
    this.closing.add(key)
    try {
      return await this.init.channels.serialize(key, async () => {
        const r = await this.init.channels.get(key)
        const best = await this.init.channels.best(key)
        if (r === undefined || r.role !== 'provider' || r.status === 'closed' || best === undefined) return undefined
        const sender = this.init.chain.sender
        if (sender === undefined) throw new Error('closing a channel needs the wallet unlocked')
        const view = await readChannel(this.init.chain, key)
        if (view?.status === 'closed') { await this.markClosed(r); return undefined }
        const channel = this.init.chain.contracts.channel
        const digest = new VoucherHasher(BigInt(r.chainId), r.contract).digest(key, BigInt(best.cumulativeAmount), BigInt(best.nonce))
        const signature = normalizeRecovery(digest, best.signature, r.requester)
        const sent = await sender.call(channel, 'closeWithVoucher', [key, BigInt(best.cumulativeAmount), BigInt(best.nonce), signature], { label: `close channel (${reason})` })
        const payout = BigInt(findEvent(channel, sent.receipt, 'ChannelClosed').args.payout as bigint)
        await this.markClosed({ ...r, closeTx: sent.hash }, payout.toString())
        log('closed %o', { channelId: key, reason, payout: payout.toString(), nonce: best.nonce })
        return payout
      })
    } finally {
      this.closing.delete(key)
    }
  }

  /** Requester: starts a unilateral close (the provider has one challenge period to answer). */
  async startClose (channelId: string): Promise<ChannelRecord> {
    const r = await this.init.channels.get(channelId)
    if (r === undefined || r.role !== 'requester') throw new Error(`no channel ${channelId} of ours as requester`)
    const sender = this.init.chain.sender
    if (sender === undefined) throw new Error('closing a channel needs the wallet unlocked')
    const channel = this.init.chain.contracts.channel
    const sent = await sender.call(channel, 'startClose', [r.channelId], { label: 'start close' })
    const closesAt = BigInt(findEvent(channel, sent.receipt, 'ChannelCloseStarted').args.closesAt as bigint)
    const updated: ChannelRecord = { ...r, status: 'closing', closesAt: closesAt.toString(), closeTx: sent.hash }
    await this.init.channels.put(updated)
    return updated
  }

  private async finalize (r: ChannelRecord): Promise<void> {
    const view = await readChannel(this.init.chain, r.channelId)
    if (view?.status === 'closed') { await this.markClosed(r); return }
    const sent = await this.init.chain.sender?.call(this.init.chain.contracts.channel, 'finalize', [r.channelId], { label: 'finalize channel' })
    await this.markClosed({ ...r, ...(sent !== undefined ? { closeTx: sent.hash } : {}) })
  }

  private async markClosed (r: ChannelRecord, payout?: string): Promise<void> {
    const updated: ChannelRecord = { ...r, status: 'closed', closedAt: this.init.now(), ...(payout !== undefined ? { payout } : {}) }
    await this.init.channels.put(updated)
    this.init.onClosed?.(updated)
  }
}
