// Watches this node's channels on chain. As provider: answers a requester's startClose with the
// best stored voucher at once (the next poll after the ChannelCloseStarted event, well inside
// the challenge period), and closes by itself when a channel runs low or nears its expiry. As
// requester: finalizes a channel it started closing once the period is over. It polls logs from
// the last block it read (kept in the store), and re-reads every open channel at start, so an
// event that happened while the node was down or the RPC unreachable is still answered.
//
// Every channel is handled on its own: reading the logs only records what happened (a local
// write per event), then each channel that needs a transaction gets one attempt, and a failure
// (a token that reverts, a bad signature, an RPC error) is retried with backoff, a bounded
// number of times, and reported, without holding up any other channel. A close is answered only
// when the voucher's gain exceeds the gas the answer costs (close-pricer.ts).
import { logger } from '../log/logger.ts'
import { ClosePricer, voucherCloseArgs } from './close-pricer.ts'
import { findEvent, readChannel } from './chain.ts'
import { RetrySchedule } from './retry-schedule.ts'
import { HeadGate } from '../chain/head-gate.ts'
import type { ChainHead } from '../chain/head-gate.ts'
import type { PaymentsChain } from './chain.ts'
import type { ChannelRecord, ChannelStore } from './channel-store.ts'
import type { JsonSublevel } from '../store.ts'
import type { EventLog } from 'ethers'
import { failpoint } from '../util/failpoints.ts'

const log = logger('hive:payments:watchtower')
const LAST_BLOCK_KEY = 'payments/watchtower/lastBlock'

export type TowerAlertCode = 'CLOSE_FAILED' | 'CLOSE_GAVE_UP' | 'CLOSE_TOO_LATE' | 'FINALIZE_FAILED'

/** Something the operator should know: a channel's value is at risk. */
export interface TowerAlert {
  code: TowerAlertCode
  channelId: string
  reason: string
  attempts: number
}

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
  /** HIVE one ETH buys, a decimal string (default 1000, see close-pricer.ts): prices the gas of a close */
  hivePerEth?: string
  /** attempts at one channel's transaction before giving up until restart (default 8) */
  maxAttempts?: number
  /** first retry delay, doubled per failure up to maxRetryMs (defaults 2 s and 60 s) */
  retryMs?: number
  maxRetryMs?: number
  onClosed?: (record: ChannelRecord) => void
  onAlert?: (alert: TowerAlert) => void
  /** the node's chain head (its log poller): polls read the chain only after it moved */
  head?: ChainHead
}

export class Watchtower {
  private readonly init: WatchtowerInit
  private timer?: ReturnType<typeof setTimeout>
  private running = false
  private ticking?: Promise<void>
  private readonly closing = new Set<string>()
  private readonly retries: RetrySchedule
  private readonly pricer: ClosePricer
  private readonly gate: HeadGate

  constructor(init: WatchtowerInit) {
    this.init = init
    const price = init.hivePerEth !== undefined ? { hivePerEth: init.hivePerEth } : {}
    this.pricer = new ClosePricer({ chain: init.chain, now: init.now, ...price })
    this.gate = new HeadGate(init.head)
    this.retries = new RetrySchedule({
      now: init.now,
      maxAttempts: init.maxAttempts ?? 8,
      baseMs: init.retryMs ?? 2_000,
      maxMs: init.maxRetryMs ?? 60_000,
    })
  }

  async start(): Promise<void> {
    if (this.running) return
    this.running = true
    await this.scanAll().catch((err: Error) => {
      log.error('startup scan failed: %s', err.message)
    })
    this.schedule()
  }

  async stop(): Promise<void> {
    this.running = false
    if (this.timer !== undefined) clearTimeout(this.timer)
    await this.ticking?.catch(() => {})
  }

  private schedule(): void {
    if (!this.running) return
    this.timer = setTimeout(() => {
      this.ticking = this.tick()
        .catch((err: Error) => {
          log('poll failed (will retry): %s', err.message)
        })
        .finally(() => {
          this.schedule()
        })
    }, this.init.pollMs ?? 2_000)
  }

  /** Re-reads every channel not known to be closed and acts on what the chain says. */
  async scanAll(): Promise<void> {
    for (const r of await this.init.channels.list({ status: ['open', 'closing'] })) {
      try {
        const view = await readChannel(this.init.chain, r.channelId)
        if (view === undefined) continue
        if (view.status === 'closed') await this.markClosed(r)
        else if (view.status === 'closing') await this.recordCloseStarted(r, view.closesAt)
      } catch (err) {
        log.error('reading channel %s failed: %s', r.channelId, (err as Error).message)
      }
    }
    await this.applyPolicies()
  }

  /** One poll: record new close events, then act on each channel that needs it. */
  async tick(): Promise<void> {
    // the chain's head has not moved since the last complete read: no new close event to read
    const token = this.gate.check()
    if (token !== undefined) {
      await this.readEvents()
      this.gate.read(token)
    }
    await this.applyPolicies()
  }

  /** Records the close events of the blocks after the last one read. */
  private async readEvents(): Promise<void> {
    const { chain } = this.init
    const channel = chain.contracts.channel
    const latest = await chain.provider.getBlockNumber()
    const stored = (await this.init.meta.get(LAST_BLOCK_KEY)) as number | undefined
    const from = stored === undefined ? Math.max(0, latest - 1_000) : stored + 1
    if (from <= latest) {
      const started = await channel.queryFilter(channel.filters.ChannelCloseStarted(), from, latest)
      const closed = await channel.queryFilter(channel.filters.ChannelClosed(), from, latest)
      // recording is local: no transaction here, so no channel's trouble can stop the others'
      for (const ev of started) {
        await this.onEvent(ev, async (r) => {
          await this.recordCloseStarted(r, ev.args.closesAt)
        })
      }
      for (const ev of closed) {
        const payout = String(ev.args.payout)
        await this.onEvent(ev, async (r) => {
          await this.markClosed(r, r.role === 'provider' ? payout : undefined)
        })
      }
      await this.init.meta.put(LAST_BLOCK_KEY, latest)
    }
  }

  private async onEvent(
    ev: Pick<EventLog, 'eventName'> & { args: { channelId: string } },
    apply: (r: ChannelRecord) => Promise<void>,
  ): Promise<void> {
    const channelId = String(ev.args.channelId)
    try {
      const r = await this.init.channels.get(channelId)
      if (r !== undefined && r.status !== 'closed') await apply(r)
    } catch (err) {
      log.error('recording %s of channel %s failed: %s', ev.eventName, channelId, (err as Error).message)
    }
  }

  private async recordCloseStarted(r: ChannelRecord, closesAt: bigint): Promise<void> {
    if (r.status === 'open') await this.init.channels.put({ ...r, status: 'closing', closesAt: closesAt.toString() })
  }

  /** Each channel on its own: the answers to closes first (soonest deadline first), then the provider's own rules. */
  private async applyPolicies(): Promise<void> {
    const records = await this.init.channels.list({ status: ['open', 'closing'] })
    if (records.length === 0) return
    const chainNow = await this.chainNow()
    const deadline = (r: ChannelRecord): bigint => BigInt(r.closesAt ?? '0')
    const rank = (r: ChannelRecord): number => (r.status === 'closing' ? 0 : 1)
    records.sort((a, b) => (rank(a) !== rank(b) ? rank(a) - rank(b) : deadline(a) < deadline(b) ? -1 : 1))
    for (const r of records) {
      if (r.role === 'provider' && r.status === 'closing') {
        if (r.closesAt !== undefined && chainNow >= BigInt(r.closesAt)) this.tooLate(r)
        else await this.settle(r, 'challenge')
      } else if (r.role === 'provider' && r.status === 'open') {
        const best = await this.init.channels.best(r.channelId)
        if (best === undefined) continue
        const left = BigInt(r.deposit) - BigInt(best.cumulativeAmount)
        const margin = BigInt(this.init.expiryMarginSeconds ?? Math.floor(Number(r.challengePeriod) / 2))
        const expiry = BigInt(r.expiry)
        if (left <= (this.init.lowFundsThreshold ?? 0n)) await this.settle(r, 'low funds')
        else if (expiry !== 0n && chainNow >= expiry + BigInt(r.challengePeriod) - margin) {
          await this.settle(r, 'expiry')
        }
      } else if (r.role === 'requester' && r.status === 'closing' && chainNow >= BigInt(r.closesAt ?? 2n ** 64n)) {
        await this.attempt(r, 'FINALIZE_FAILED', async () => {
          await this.finalize(r)
        })
      }
    }
  }

  /** The latest block's timestamp: the node's log poller read it with the head; read here without one. */
  private async chainNow(): Promise<bigint> {
    const head = this.init.head?.()
    if (head !== undefined) return BigInt(head.timestamp)
    const block = await this.init.chain.provider.getBlock('latest')
    return BigInt(block?.timestamp ?? Math.floor(this.init.now() / 1000))
  }

  /** Provider: closes `channelId` with the best voucher if that is worth its gas; failures are retried later. */
  async closeIfWorth(channelId: string, reason: string): Promise<void> {
    const r = await this.init.channels.get(channelId)
    if (r !== undefined && r.role === 'provider' && r.status !== 'closed') await this.settle(r, reason)
  }

  private async settle(r: ChannelRecord, reason: string): Promise<void> {
    await this.attempt(r, 'CLOSE_FAILED', async () => {
      const best = await this.init.channels.best(r.channelId)
      if (best === undefined || !(await this.pricer.worthClosing(r, best))) return
      await this.closeWithBest(r.channelId, reason)
    })
  }

  /** Runs one channel's transaction unless it is backing off; a failure is logged, reported and scheduled for retry. */
  private async attempt(r: ChannelRecord, code: TowerAlertCode, action: () => Promise<void>): Promise<void> {
    const key = r.channelId.toLowerCase()
    if (!this.retries.due(key)) return
    try {
      await action()
      this.retries.succeeded(key)
    } catch (err) {
      const { attempts, gaveUp } = this.retries.failed(key)
      const reported = gaveUp && code === 'CLOSE_FAILED' ? 'CLOSE_GAVE_UP' : code
      this.alert({ code: reported, channelId: key, reason: (err as Error).message.slice(0, 300), attempts })
    }
  }

  private tooLate(r: ChannelRecord): void {
    const key = r.channelId.toLowerCase()
    if (!this.retries.due(key)) return
    this.retries.giveUp(key)
    // dust was let go on purpose: a thousand tiny channels must not raise a thousand alerts
    if (this.pricer.isDust(key)) return
    const reason = `the challenge period ended at ${r.closesAt ?? '?'} before a close was answered`
    this.alert({ code: 'CLOSE_TOO_LATE', channelId: key, reason, attempts: 0 })
  }

  private alert(a: TowerAlert): void {
    log.error('channel %s: %s after %d attempt(s): %s', a.channelId, a.code, a.attempts, a.reason)
    try {
      this.init.onAlert?.(a)
    } catch (err) {
      log.error('alert listener failed - %e', err)
    }
  }

  /** Provider: settles the channel with the best stored voucher. Returns the payout, or undefined. */
  async closeWithBest(channelId: string, reason: string): Promise<bigint | undefined> {
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
        if (view?.status === 'closed') {
          await this.markClosed(r)
          return undefined
        }
        const channel = this.init.chain.contracts.channel
        const label = `close channel (${reason})`
        const sent = await sender.call(channel, 'closeWithVoucher', voucherCloseArgs(r, best), { label })
        failpoint('provider:mid-close')
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
  async startClose(channelId: string): Promise<ChannelRecord> {
    const r = await this.init.channels.get(channelId)
    if (r === undefined || r.role !== 'requester') throw new Error(`no channel ${channelId} of ours as requester`)
    const sender = this.init.chain.sender
    if (sender === undefined) throw new Error('closing a channel needs the wallet unlocked')
    const channel = this.init.chain.contracts.channel
    const sent = await sender.call(channel, 'startClose', [r.channelId], { label: 'start close' })
    failpoint('requester:mid-close')
    const closesAt = BigInt(findEvent(channel, sent.receipt, 'ChannelCloseStarted').args.closesAt as bigint)
    const updated: ChannelRecord = { ...r, status: 'closing', closesAt: closesAt.toString(), closeTx: sent.hash }
    await this.init.channels.put(updated)
    return updated
  }

  private async finalize(r: ChannelRecord): Promise<void> {
    const view = await readChannel(this.init.chain, r.channelId)
    if (view?.status === 'closed') {
      await this.markClosed(r)
      return
    }
    const sent = await this.init.chain.sender?.call(this.init.chain.contracts.channel, 'finalize', [r.channelId], {
      label: 'finalize channel',
    })
    await this.markClosed({ ...r, ...(sent !== undefined ? { closeTx: sent.hash } : {}) })
  }

  private async markClosed(r: ChannelRecord, payout?: string): Promise<void> {
    const updated: ChannelRecord = {
      ...r,
      status: 'closed',
      closedAt: this.init.now(),
      ...(payout !== undefined ? { payout } : {}),
    }
    await this.init.channels.put(updated)
    const key = r.channelId.toLowerCase()
    this.retries.succeeded(key)
    this.pricer.forget(key)
    this.init.onClosed?.(updated)
  }
}
