// Balances of every participant (and the treasury, which collects the protocol fee) at one
// block, so that "before" and "after" are read at known points and can be re-read by anyone.
import type { DemoContext } from './demo-context.ts'
import type { BalancesAt } from './report.ts'

export const TREASURY = 'treasury'

export async function snapshotBalances(ctx: DemoContext): Promise<BalancesAt> {
  const chain = ctx.chain
  if (chain === undefined) throw new Error('no chain')
  const block = await chain.provider.getBlockNumber()
  const { token, registry, params } = chain.contracts
  const treasury = await params.treasury.staticCall({ blockTag: block })
  const who = [...ctx.people.map((p) => ({ name: p.name, address: p.address })), { name: TREASURY, address: treasury }]
  const rows = await Promise.all(
    who.map(async (w) => {
      const [eth, hive, staked] = await Promise.all([
        chain.provider.getBalance(w.address, block),
        token.balanceOf.staticCall(w.address, { blockTag: block }),
        registry.stakeOf.staticCall(w.address, { blockTag: block }),
      ])
      return [w.name, { eth: eth.toString(), hive: hive.toString(), staked: staked.toString() }] as const
    }),
  )
  return { block, byName: Object.fromEntries(rows) }
}
