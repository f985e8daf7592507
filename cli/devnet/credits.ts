// Settlement credits, not transfers (pull payments: see contracts/libraries/CreditLedger.sol):
// before the final balances, wait until every node has withdrawn its credits in JobEscrow and
// PaymentChannel (each node's payments service does it by itself), and sweep the treasury's fees
// into it with the permissionless withdrawFor, so that balances show where the money went.
import { setTimeout as sleep } from 'node:timers/promises'
import type { HiveContracts } from '../../node/chain/contracts.ts'
import { nodesOf } from './demo-context.ts'
import type { DemoContext } from './demo-context.ts'

const WITHDRAW_TIMEOUT_MS = 30_000

async function creditOf(ledger: HiveContracts['escrow' | 'channel'], token: string, address: string): Promise<bigint> {
  return await ledger.credits.staticCall(token, address)
}

/** Waits until no node holds a HIVE credit, then withdraws the treasury's; returns the fees swept. */
export async function settleCredits(ctx: DemoContext): Promise<bigint> {
  const chain = ctx.chain
  if (chain === undefined) throw new Error('no chain')
  const { token, escrow, channel, params } = chain.contracts
  const hive = await token.getAddress()
  const until = Date.now() + WITHDRAW_TIMEOUT_MS
  for (;;) {
    const left = await Promise.all(
      nodesOf(ctx).flatMap((p) =>
        [escrow, channel].map(async (ledger) => ({ name: p.name, credit: await creditOf(ledger, hive, p.address) })),
      ),
    )
    const owed = left.filter((l) => l.credit !== 0n)
    if (owed.length === 0) break
    if (Date.now() > until) {
      const list = owed.map((o) => `${o.name} ${o.credit}`).join(', ')
      throw new Error(`credits not withdrawn after ${WITHDRAW_TIMEOUT_MS / 1000} s: ${list}`)
    }
    await sleep(200, undefined, { signal: ctx.signal })
  }
  const treasury = await params.treasury.staticCall()
  const sender = await chain.sender(chain.deployer)
  let swept = 0n
  for (const ledger of [escrow, channel]) {
    const fees = await creditOf(ledger, hive, treasury)
    if (fees === 0n) continue
    await sender.call(ledger, 'withdrawFor', [hive, treasury], { label: "sweep the treasury's fees" })
    swept += fees
  }
  return swept
}
