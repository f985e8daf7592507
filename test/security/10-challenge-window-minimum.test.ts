// Item 10: governance sets a 1-second challenge window. With it, a requester who starts closing
// a channel (or a provider's escrow counterparty) leaves the other side one second to answer:
// any watchtower outage, congestion or RPC hiccup and the deposit is gone. The minimums are
// constructor constants of ProtocolParams; a proposal that goes below them cannot execute.
import { expect } from 'chai'
import { devnet, key, networkHelpers, passProposal, send } from './contracts-fixture.ts'
import type { Devnet } from './contracts-fixture.ts'

const { loadFixture } = networkHelpers
const deployed = async (): Promise<Devnet> => await devnet()

async function proposeSetParam(g: Devnet, name: string, value: bigint) {
  const calldata = g.params.interface.encodeFunctionData('setParam', [key(name), value])
  const targets = [await g.params.getAddress()]
  const p = await passProposal(g, { targets, calldatas: [calldata], description: `${name} = ${value}` })
  await p.vote()
  await p.queue()
  await networkHelpers.time.increaseTo(await p.eta())
  return p
}

describe('10: governance cannot shrink challenge windows below constructor minimums', () => {
  for (const name of ['channelChallengePeriod', 'escrowChallengeWindow'] as const) {
    it(`a passed proposal setting ${name} to 1 s cannot execute, and the window stays above 60 s`, async () => {
      const g = await loadFixture(deployed)
      const before = await g.params[name]()
      const p = await proposeSetParam(g, name, 1n)
      await expect(p.execute()).to.be.revertedWithCustomError(g.params, 'ProtocolParamsOutOfBounds')
      const after = await g.params[name]()
      expect(after, `${name} after the proposal`).to.equal(before)
      expect(after, `${name} on the devnet`).to.be.greaterThan(60n)
    })
  }

  it('a channel opened after the attempt still gets a challenge period above 60 s', async () => {
    const g = await loadFixture(deployed)
    const p = await proposeSetParam(g, 'channelChallengePeriod', 1n)
    await p.execute().catch(() => {})
    await send(g.channel.connect(g.requester).open(g.provider.address, await g.token.getAddress(), 10n ** 18n, 0n))
    const [opened] = await g.channel.queryFilter(g.channel.filters.ChannelOpened(undefined, g.requester.address))
    const { challengePeriod } = (opened as unknown as { args: { challengePeriod: bigint } }).args
    expect(challengePeriod, "the channel's challenge period").to.be.greaterThan(60n)
  })

  it('the lower bound of every window is the constructor minimum; no function lowers it', async () => {
    const g = await loadFixture(deployed)
    for (const name of ['channelChallengePeriod', 'escrowChallengeWindow', 'unbondingPeriod']) {
      const [min] = (await g.params.bounds(key(name))) as [bigint, bigint]
      expect(min, `minimum of ${name}`).to.be.greaterThan(60n)
    }
    const setters = g.params.interface.fragments
      .filter((f) => f.type === 'function' && !(f as unknown as { constant: boolean }).constant)
      .map((f) => (f as unknown as { name: string }).name)
      .sort()
    expect(setters, "ProtocolParams' state-changing functions").to.deep.equal([
      'renounceOwnership',
      'setAddressParam',
      'setParam',
      'transferOwnership',
    ])
  })
})
