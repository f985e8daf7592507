// Item 9, the bound between governance and unbonding: stake stays slashable for the whole
// unbonding period, and governance needs voting delay + voting period + timelock delay (plus a
// margin to queue and execute) to act. So the unbonding period must exceed that sum: a provider
// whose misconduct is found may see the slash proposal coming, but cannot unbond and leave
// before the slash executes. ProtocolParams refuses a shorter unbonding period.
import { expect } from 'chai'
import { devnet, hive, key, networkHelpers, passProposal, send } from './contracts-fixture.ts'
import type { Devnet } from './contracts-fixture.ts'

const { loadFixture, time } = networkHelpers
const PEER_ID = '0x0024080112206b7a9f0c3b1d2e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b'
const STAKE = hive(1_000)

async function staked(): Promise<Devnet> {
  const g = await devnet()
  await send(g.registry.connect(g.provider).stake(STAKE, PEER_ID))
  return g
}

describe('09: stake stays slashable until a slash proposal can execute', () => {
  it(
    'a provider that starts unbonding when a slash is proposed' + ' cannot withdraw before the slash executes',
    async () => {
      const g = await loadFixture(staked)
      const calldata = g.registry.interface.encodeFunctionData('slash', [g.provider.address, STAKE, key('misconduct')])
      const targets = [await g.registry.getAddress()]
      const p = await passProposal(g, { targets, calldatas: [calldata], description: 'slash a cheat' })
      // the provider sees the proposal in the same block and runs
      await send(g.registry.connect(g.provider).requestUnbond(STAKE))
      await p.vote()
      await p.queue()
      // the earliest second anyone may execute: the provider tries to leave first
      await time.setNextBlockTimestamp(await p.eta())
      const withdraw = (g.registry.connect(g.provider) as typeof g.registry).withdraw()
      await expect(withdraw, "the provider's withdraw").to.be.revertedWithCustomError(
        g.registry,
        'ProviderRegistryStillUnbonding',
      )
      await expect(p.execute()).to.emit(g.registry, 'Slashed')
      const info = (await g.registry.providerInfo(g.provider.address)) as {
        bonded: bigint
        unbonding: bigint
      }
      expect(info.bonded + info.unbonding, 'stake left after the slash').to.equal(0n)
    },
  )

  it('governance cannot set an unbonding period shorter than its own delay', async () => {
    const g = await loadFixture(staked)
    const votingDelay = await g.governor.votingDelay()
    const votingPeriod = await g.governor.votingPeriod()
    const timelockDelay = await g.timelock.getMinDelay()
    const tooShort = votingDelay + votingPeriod + timelockDelay
    const calldata = g.params.interface.encodeFunctionData('setParam', [key('unbondingPeriod'), tooShort])
    const targets = [await g.params.getAddress()]
    const p = await passProposal(g, { targets, calldatas: [calldata], description: 'shorter unbonding' })
    await p.vote()
    await p.queue()
    await time.increaseTo(await p.eta())
    await expect(p.execute()).to.be.revertedWithCustomError(g.params, 'ProtocolParamsOutOfBounds')
    expect(await g.params.unbondingPeriod(), 'the unbonding period').to.be.greaterThan(tooShort)
  })
})
