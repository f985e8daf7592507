// Item 9, pushed payouts: a settlement that transfers to several parties in one transaction is
// stalled by any one of them the token refuses to pay (a block-listed treasury, a requester whose
// own token reverts on transfers back to it). Settlement now credits each party, and each
// withdraws its own credit: a blocked party blocks only itself.
import { expect } from 'chai'
import { signVoucher } from '../contracts/helpers.ts'
import { devnet, ethers, hive, networkHelpers, send } from './contracts-fixture.ts'

const { loadFixture, time } = networkHelpers
const PRICE = hive(10)

async function withBlockingToken() {
  const g = await devnet()
  const token = await ethers.deployContract('MockBlockingToken')
  for (const a of [g.requester, g.provider]) {
    await send(token.connect(g.deployer).mint(a.address, hive(1_000)))
    for (const spender of [g.escrow, g.channel]) {
      await send(token.connect(a).approve(await spender.getAddress(), ethers.MaxUint256))
    }
  }
  const { chainId } = await ethers.provider.getNetwork()
  const treasury = await g.params.treasury()
  return { ...g, blocking: token, chainId, treasury }
}
type G = Awaited<ReturnType<typeof withBlockingToken>>

const balance = async (t: Pick<G['token'], 'balanceOf'>, who: string): Promise<bigint> => await t.balanceOf(who)
const fee = async (g: G, gross: bigint): Promise<bigint> => (gross * (await g.params.protocolFeeBps())) / 10_000n

describe("09: a token that refuses one party does not stall the others' payouts", () => {
  it(
    'escrow: a treasury the token refuses does not stop the' + ' requester releasing and the provider being paid',
    async () => {
      const g = await loadFixture(withBlockingToken)
      const jobId = ethers.id('job-blocked-fee')
      const deadline = BigInt(await time.latest()) + 600n
      const token = await g.blocking.getAddress()
      await send(g.escrow.connect(g.requester).create(jobId, g.provider.address, token, PRICE, deadline))
      const escrowId = await g.escrow.escrowIdOf(jobId, g.requester.address, g.provider.address)
      await send(g.escrow.connect(g.provider).commitResult(escrowId, ethers.id('output')))
      await send(g.blocking.connect(g.deployer).setBlocked(g.treasury, true))
      await expect(g.escrow.connect(g.requester).release(escrowId, ethers.id('output')), 'release').to.emit(
        g.escrow,
        'EscrowReleased',
      )
      const before = await balance(g.blocking, g.provider.address)
      await send(g.escrow.connect(g.provider).withdraw(await g.blocking.getAddress()))
      expect((await balance(g.blocking, g.provider.address)) - before, "the provider's pay").to.equal(
        PRICE - (await fee(g, PRICE)),
      )
    },
  )

  it(
    'channel: a requester whose token refuses its refund cannot' + ' stop the provider closing with its voucher',
    async () => {
      const g = await loadFixture(withBlockingToken)
      const deposit = hive(100)
      await send(g.channel.connect(g.requester).open(g.provider.address, await g.blocking.getAddress(), deposit, 0n))
      const [opened] = await g.channel.queryFilter(g.channel.filters.ChannelOpened(undefined, g.requester.address))
      const channelId = (opened as unknown as { args: { channelId: string } }).args.channelId
      const voucher = { channelId, cumulativeAmount: PRICE, nonce: 1n }
      const signature = await signVoucher(g.requester, g.chainId, await g.channel.getAddress(), voucher)
      // the requester makes its own refund revert, so that paying the provider reverts with it
      await send(g.blocking.connect(g.requester).setBlocked(g.requester.address, true))
      const close = g.channel.connect(g.provider).closeWithVoucher(channelId, PRICE, 1n, signature)
      await expect(close, 'closeWithVoucher').to.emit(g.channel, 'ChannelClosed')
      const before = await balance(g.blocking, g.provider.address)
      await send(g.channel.connect(g.provider).withdraw(await g.blocking.getAddress()))
      expect((await balance(g.blocking, g.provider.address)) - before, "the provider's pay").to.equal(
        PRICE - (await fee(g, PRICE)),
      )
    },
  )
})
