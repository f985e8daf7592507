// Item 9, disputes: a requester whose provider committed a result could dispute for free and
// leave the escrow Disputed forever (no arbiter on the devnet but the timelock; a busy or absent
// arbiter anywhere): the provider's pay frozen at no cost to the griefer. Now a dispute costs a
// bond (a share of the deposit, in the escrow's token) and expires: after the arbitration
// window the provider may claim: deposit and bond.
import { expect } from 'chai'
import { devnet, ethers, hive, networkHelpers, passProposal, send } from './contracts-fixture.ts'
import type { Devnet } from './contracts-fixture.ts'

const { loadFixture, time } = networkHelpers
const PRICE = hive(10)

async function committed() {
  const g = await devnet()
  const jobId = ethers.id('job-1')
  const deadline = BigInt(await time.latest()) + 600n
  await send(
    g.escrow.connect(g.requester).create(jobId, g.provider.address, await g.token.getAddress(), PRICE, deadline),
  )
  const escrowId = await g.escrow.escrowIdOf(jobId, g.requester.address, g.provider.address)
  await send(g.escrow.connect(g.provider).commitResult(escrowId, ethers.id('output')))
  return { ...g, escrowId, deadline }
}

const balance = async (g: Devnet, who: { address: string }): Promise<bigint> => await g.token.balanceOf(who.address)

describe('09: a dispute costs a bond and cannot freeze an escrow forever', () => {
  it("a griefing requester's dispute costs it a bond", async () => {
    const g = await loadFixture(committed)
    const before = await balance(g, g.requester)
    await send(g.escrow.connect(g.requester).dispute(g.escrowId))
    expect(before - (await balance(g, g.requester)), 'what the dispute cost the requester').to.be.greaterThan(0n)
    const bondBps = await g.params.disputeBondBps()
    expect(before - (await balance(g, g.requester)), 'the bond').to.equal((PRICE * bondBps + 9_999n) / 10_000n)
  })

  it('a dispute the arbiter never resolves ends: the provider claims the deposit and the bond', async () => {
    const g = await loadFixture(committed)
    await send(g.escrow.connect(g.requester).dispute(g.escrowId))
    // an arbiter that never rules; a month later the provider must not still be waiting
    await time.increase(30 * 24 * 3600)
    await expect(g.escrow.connect(g.provider).claim(g.escrowId), "the provider's claim after the timeout").to.emit(
      g.escrow,
      'EscrowClaimed',
    )
    const token = await g.token.getAddress()
    const before = await balance(g, g.provider)
    await send(g.escrow.connect(g.provider).withdraw(token))
    const feeBps = await g.params.protocolFeeBps()
    const bondBps = await g.params.disputeBondBps()
    const bond = (PRICE * bondBps + 9_999n) / 10_000n
    expect((await balance(g, g.provider)) - before, "the provider's pay").to.equal(
      PRICE - (PRICE * feeBps) / 10_000n + bond,
    )
  })

  it('the arbiter rules within its window: a requester that wins gets deposit and bond back', async () => {
    const g = await loadFixture(committed)
    const before = await balance(g, g.requester)
    await send(g.escrow.connect(g.requester).dispute(g.escrowId))
    await expect(
      g.escrow.connect(g.provider).claim(g.escrowId),
      'a claim inside the arbitration window',
    ).to.be.revertedWithCustomError(g.escrow, 'JobEscrowArbitrationWindowOpen')
    // the devnet's arbiter is governance: it rules by proposal, inside the arbitration window
    const calldata = g.escrow.interface.encodeFunctionData('resolve', [g.escrowId, 0n])
    const targets = [await g.escrow.getAddress()]
    const p = await passProposal(g, { targets, calldatas: [calldata], description: 'refund' })
    await p.vote()
    await p.queue()
    await time.increaseTo(await p.eta())
    await expect(p.execute()).to.emit(g.escrow, 'DisputeResolved')
    await send(g.escrow.connect(g.requester).withdraw(await g.token.getAddress()))
    expect((await balance(g, g.requester)) - before, 'what the requester got back').to.equal(PRICE)
  })
})
