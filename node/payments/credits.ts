// Pull payments, the node's side. JobEscrow and PaymentChannel credit every party when they
// settle (a token that refuses one party must not stall the others), so money reaches this
// node's wallet only when it withdraws its credit. The sweeper does that for HIVE in both
// contracts: on a poll, and at once when a flow that just settled asks (`sweep()`), e.g. after
// `hive channel close`. Sweeps run one at a time: two withdrawals of the same credit would make
// the second revert.
import { logger } from '../log/logger.ts'
import { HeadGate } from '../chain/head-gate.ts'
import type { ChainHead } from '../chain/head-gate.ts'
import type { PaymentsChain } from './chain.ts'

const log = logger('hive:payments:credits')

export type CreditLedgerName = 'escrow' | 'channel'

export interface Withdrawal {
  ledger: CreditLedgerName
  amount: bigint
  txHash: string
}

export interface CreditSweeperInit {
  chain: PaymentsChain
  /** how often to look for credits (default 2 s) */
  pollMs?: number
  /** told about every withdrawal (logs, events) */
  onWithdrawn?: (w: Withdrawal) => void
  /** the node's chain head (its log poller): the timer sweeps only after it moved */
  head?: ChainHead
}

export class CreditSweeper {
  private readonly init: CreditSweeperInit
  private timer?: ReturnType<typeof setTimeout>
  private running = false
  /** the sweep in progress (or the last one): the next waits for it */
  private last: Promise<Withdrawal[]> = Promise.resolve([])
  private readonly gate: HeadGate

  constructor(init: CreditSweeperInit) {
    this.init = init
    this.gate = new HeadGate(init.head)
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.schedule()
  }

  async stop(): Promise<void> {
    this.running = false
    if (this.timer !== undefined) clearTimeout(this.timer)
    await this.last.catch(() => [])
  }

  /** What this node may withdraw now, per ledger, in HIVE base units. */
  async credits(): Promise<Record<CreditLedgerName, bigint>> {
    const [escrow, channel] = await Promise.all([this.creditIn('escrow'), this.creditIn('channel')])
    return { escrow, channel }
  }

  /** Withdraws every HIVE credit of this node (after any sweep already running); returns what moved. */
  async sweep(): Promise<Withdrawal[]> {
    const next = this.last.catch(() => []).then(async () => await this.sweepNow())
    this.last = next
    return await next
  }

  private schedule(): void {
    if (!this.running) return
    this.timer = setTimeout(() => {
      // credit arrives only in a new block: while the head has not moved, the last sweep's answer stands
      const token = this.gate.check()
      if (token === undefined) {
        this.schedule()
        return
      }
      this.sweep()
        .then(() => {
          this.gate.read(token)
        })
        .catch((err: Error) => {
          log('credit sweep failed (will retry): %s', err.message)
        })
        .finally(() => {
          this.schedule()
        })
    }, this.init.pollMs ?? 2_000)
  }

  private ledger(name: CreditLedgerName): PaymentsChain['contracts'][CreditLedgerName] {
    return this.init.chain.contracts[name]
  }

  private async creditIn(name: CreditLedgerName): Promise<bigint> {
    const { chain } = this.init
    if (chain.sender === undefined) return 0n
    const token = await chain.contracts.token.getAddress()
    return await this.ledger(name).credits.staticCall(token, chain.sender.address)
  }

  private async sweepNow(): Promise<Withdrawal[]> {
    const { chain } = this.init
    if (chain.sender === undefined) return []
    const token = await chain.contracts.token.getAddress()
    const out: Withdrawal[] = []
    for (const name of ['escrow', 'channel'] as const) {
      const amount = await this.creditIn(name)
      if (amount === 0n) continue
      const sent = await chain.sender.call(this.ledger(name), 'withdraw', [token], { label: `withdraw ${name} credit` })
      const w = { ledger: name, amount, txHash: sent.hash }
      log('withdrew %o', { ledger: name, amount: amount.toString(), tx: sent.hash })
      this.init.onWithdrawn?.(w)
      out.push(w)
    }
    return out
  }
}
