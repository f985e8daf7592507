// SWC-107: a token that calls the sender before and the receiver after each transfer (ERC-777
// style) lets a malicious requester or provider re-enter in the middle of a payout or deposit.
// Every such re-entry must fail, and the books must stay right. Settlement only credits (pull
// payments), so payouts reach a hook only in withdraw.
import { expect } from 'chai'
import type { BaseContract } from 'ethers'
import { network } from 'hardhat'
import type { MockReentrantActor } from '../../types/ethers-contracts/index.ts'
import { as, hive, signVoucher } from './helpers.ts'

const { ethers, networkHelpers } = await network.connect()
const { loadFixture, time } = networkHelpers

async function setup() {
  const [deployer, requester, provider, treasury, arbiter] = await ethers.getSigners()
  const params = await ethers.deployContract('ProtocolParams', [
    deployer.address,
    {
      minProviderStake: 1n,
      unbondingPeriod: 100n,
      escrowChallengeWindow: 100n,
      channelChallengePeriod: 100n,
      protocolFeeBps: 100n,
      reporterShareBps: 0n,
      equivocationSlashBps: 1n,
      disputeBondBps: 1000n,
      arbitrationWindow: 100n,
      treasury: treasury.address,
      arbiter: arbiter.address,
    },
    {
      unbondingPeriod: 100n,
      escrowChallengeWindow: 100n,
      channelChallengePeriod: 100n,
      arbitrationWindow: 100n,
      slashMargin: 100n,
    },
    ethers.ZeroAddress,
  ])
  const token = await ethers.deployContract('MockHookToken')
  const channel = await ethers.deployContract('PaymentChannel', [await params.getAddress()])
  const escrow = await ethers.deployContract('JobEscrow', [await params.getAddress()])
  const actor = await ethers.deployContract('MockReentrantActor')
  const actorAddr = await actor.getAddress()
  await actor.registerHooks(await token.getAddress())
  for (const a of [requester.address, actorAddr]) await token.mint(a, hive(1000))
  for (const spender of [channel, escrow]) {
    await as(token, requester).approve(await spender.getAddress(), ethers.MaxUint256)
    await actor.execute(
      await token.getAddress(),
      token.interface.encodeFunctionData('approve', [await spender.getAddress(), ethers.MaxUint256]),
    )
  }
  const { chainId } = await ethers.provider.getNetwork()
  return { requester, provider, treasury, params, token, channel, escrow, actor, actorAddr, chainId }
}

async function reentryOutcome(actor: MockReentrantActor, target: BaseContract): Promise<string> {
  expect(await actor.reentryAttempted()).to.equal(true)
  expect(await actor.reentrySucceeded()).to.equal(false)
  return target.interface.parseError(await actor.reentryError())?.name ?? 'unknown'
}

describe('reentrancy through token hooks', () => {
  it('a provider cannot re-enter withdraw while its channel payout is paid', async () => {
    const c = await loadFixture(setup)
    const token = await c.token.getAddress()
    await as(c.channel, c.requester).open(c.actorAddr, token, hive(100), 0n)
    const id = await c.channel.channelIdOf(c.requester.address, c.actorAddr, token, 0n, 100n, 100n, 0n)
    const sig = await signVoucher(c.requester, c.chainId, await c.channel.getAddress(), {
      channelId: id,
      cumulativeAmount: hive(40),
      nonce: 1n,
    })
    await c.actor.execute(
      await c.channel.getAddress(),
      c.channel.interface.encodeFunctionData('closeWithVoucher', [id, hive(40), 1n, sig]),
    )
    const withdraw = c.channel.interface.encodeFunctionData('withdraw', [token])
    await c.actor.arm(await c.channel.getAddress(), withdraw)
    await c.actor.execute(await c.channel.getAddress(), withdraw)
    expect(await reentryOutcome(c.actor, c.channel)).to.equal('ReentrancyGuardReentrantCall')
    expect(await c.token.balanceOf(c.actorAddr)).to.equal(hive(1000) + (hive(40) * 99n) / 100n)
    // what is left is exactly the others' credits: the treasury's fee and the requester's refund
    expect(await c.token.balanceOf(await c.channel.getAddress())).to.equal(hive(40) / 100n + hive(60))
  })

  it('a requester cannot re-enter open from its send hook while depositing', async () => {
    const c = await loadFixture(setup)
    const token = await c.token.getAddress()
    const open = c.channel.interface.encodeFunctionData('open', [c.provider.address, token, hive(10), 0n])
    await c.actor.arm(await c.channel.getAddress(), open)
    await c.actor.execute(await c.channel.getAddress(), open)
    expect(await reentryOutcome(c.actor, c.channel)).to.equal('ReentrancyGuardReentrantCall')
    expect(await c.channel.nonces(c.actorAddr)).to.equal(1n)
    expect(await c.token.balanceOf(await c.channel.getAddress())).to.equal(hive(10))
  })

  it(
    'state is final before any transfer (CEI): re-entering an' + ' unguarded function sees the channel closed',
    async () => {
      const c = await loadFixture(setup)
      const token = await c.token.getAddress()
      await c.actor.execute(
        await c.channel.getAddress(),
        c.channel.interface.encodeFunctionData('open', [c.provider.address, token, hive(10), 0n]),
      )
      const id = await c.channel.channelIdOf(c.actorAddr, c.provider.address, token, 0n, 100n, 100n, 0n)
      await c.actor.execute(await c.channel.getAddress(), c.channel.interface.encodeFunctionData('startClose', [id]))
      await time.increase(100)
      await c.channel.finalize(id)
      await c.actor.arm(await c.channel.getAddress(), c.channel.interface.encodeFunctionData('startClose', [id]))
      await c.channel.withdrawFor(token, c.actorAddr)
      expect(await reentryOutcome(c.actor, c.channel)).to.equal('PaymentChannelWrongStatus')
      expect(await c.token.balanceOf(c.actorAddr)).to.equal(hive(1000))
    },
  )

  it('a provider cannot re-enter claim while its release is paid', async () => {
    const c = await loadFixture(setup)
    const jobId = ethers.id('job')
    const deadline = BigInt(await time.latest()) + 100n
    await as(c.escrow, c.requester).create(jobId, c.actorAddr, await c.token.getAddress(), hive(10), deadline)
    const escrowId = await c.escrow.escrowIdOf(jobId, c.requester.address, c.actorAddr)
    await as(c.escrow, c.requester).release(escrowId, ethers.id('out'))
    await c.actor.arm(await c.escrow.getAddress(), c.escrow.interface.encodeFunctionData('claim', [escrowId]))
    await c.actor.execute(
      await c.escrow.getAddress(),
      c.escrow.interface.encodeFunctionData('withdraw', [await c.token.getAddress()]),
    )
    expect(await reentryOutcome(c.actor, c.escrow)).to.equal('ReentrancyGuardReentrantCall')
    expect(await c.token.balanceOf(c.actorAddr)).to.equal(hive(1000) + (hive(10) * 99n) / 100n)
    expect(await c.token.balanceOf(await c.escrow.getAddress())).to.equal(hive(10) / 100n) // the treasury's fee
  })

  it('a requester cannot re-enter refund or withdraw while being refunded', async () => {
    const c = await loadFixture(setup)
    const jobId = ethers.id('job')
    const deadline = BigInt(await time.latest()) + 100n
    const create = c.escrow.interface.encodeFunctionData('create', [
      jobId,
      c.provider.address,
      await c.token.getAddress(),
      hive(10),
      deadline,
    ])
    await c.actor.execute(await c.escrow.getAddress(), create)
    const escrowId = await c.escrow.escrowIdOf(jobId, c.actorAddr, c.provider.address)
    await time.increaseTo(deadline + 1n)
    await c.actor.execute(await c.escrow.getAddress(), c.escrow.interface.encodeFunctionData('refund', [escrowId]))
    const withdraw = c.escrow.interface.encodeFunctionData('withdraw', [await c.token.getAddress()])
    await c.actor.arm(await c.escrow.getAddress(), withdraw)
    await c.actor.execute(await c.escrow.getAddress(), withdraw)
    expect(await reentryOutcome(c.actor, c.escrow)).to.equal('ReentrancyGuardReentrantCall')
    expect(await c.token.balanceOf(c.actorAddr)).to.equal(hive(1000))
    expect(await c.token.balanceOf(await c.escrow.getAddress())).to.equal(0n)
  })
})
