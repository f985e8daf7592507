// Signed vouchers, cooperative closes and releases are bound to one chain, one contract and one
// channel or escrow (SWC-121), cannot be altered into a second valid form (SWC-117) and must come
// from the right key (SWC-122). Contract wallets sign through ERC-1271.
import { expect } from 'chai'
import { network } from 'hardhat'
import { RELEASE_TYPES, VOUCHER_TYPES, escrowDomain, voucherDomain } from '../../protocol/eip712.ts'
import { as, deployCore, hive, malleate, signRelease, signVoucher } from './helpers.ts'
import type { Core } from './helpers.ts'
import { channelAs, openChannel } from './channel/setup.ts'
import { createEscrow, escrowAs } from './escrow/setup.ts'

const { ethers, networkHelpers } = await network.connect()
// A second, independent chain with another chain id: same deployer, same nonces, so the very
// same contract addresses and escrow ids exist on it.
const other = await network.connect({ override: { chainId: 4242 } })
const { loadFixture } = networkHelpers

async function setup() {
  const c = await deployCore(ethers)
  const ch1 = await openChannel(c)
  const ch2 = await openChannel(c)
  const secondChannel = await ethers.deployContract('PaymentChannel', [await c.params.getAddress()])
  await as(c.token, c.requester).approve(await secondChannel.getAddress(), ethers.MaxUint256)
  const job = await createEscrow(ethers, c)
  return { ...c, ch1, ch2, secondChannel, job }
}

function closeArgs(c: Core, channelId: string, amount: bigint, nonce: bigint, sig: string) {
  return channelAs(c, 'provider').closeWithVoucher(channelId, amount, nonce, sig)
}

describe('signature binding', () => {
  it('a voucher for one channel is rejected on another channel of the same pair', async () => {
    const c = await loadFixture(setup)
    const sig = await signVoucher(c.requester, c.chainId, await c.channel.getAddress(), {
      channelId: c.ch1.channelId,
      cumulativeAmount: hive(5),
      nonce: 1n,
    })
    await expect(closeArgs(c, c.ch2.channelId, hive(5), 1n, sig))
      .to.be.revertedWithCustomError(c.channel, 'PaymentChannelInvalidSignature')
      .withArgs(c.ch2.channelId, c.requester.address)
    await expect(closeArgs(c, c.ch1.channelId, hive(5), 1n, sig)).to.emit(c.channel, 'ChannelClosed')
  })

  it('a voucher for one contract is rejected by another deployment', async () => {
    const c = await loadFixture(setup)
    // same requester nonce 0 on the second contract, so only the contract address differs
    await as(c.secondChannel, c.requester).open(c.provider.address, await c.token.getAddress(), hive(10), 0n)
    const id2 = await c.secondChannel.channelIdOf(
      c.requester.address,
      c.provider.address,
      await c.token.getAddress(),
      0n,
      100n,
      100n,
      0n,
    )
    const signedForFirst = await signVoucher(c.requester, c.chainId, await c.channel.getAddress(), {
      channelId: id2,
      cumulativeAmount: hive(5),
      nonce: 1n,
    })
    await expect(as(c.secondChannel, c.provider).closeWithVoucher(id2, hive(5), 1n, signedForFirst))
      .to.be.revertedWithCustomError(c.secondChannel, 'PaymentChannelInvalidSignature')
      .withArgs(id2, c.requester.address)
  })

  it('a voucher or release signed for another chain id is rejected', async () => {
    const c = await loadFixture(setup)
    const voucher = { channelId: c.ch1.channelId, cumulativeAmount: hive(5), nonce: 1n }
    const v = await c.requester.signTypedData(voucherDomain(1n, await c.channel.getAddress()), VOUCHER_TYPES, voucher)
    await expect(closeArgs(c, c.ch1.channelId, hive(5), 1n, v)).to.be.revertedWithCustomError(
      c.channel,
      'PaymentChannelInvalidSignature',
    )
    const release = { jobId: c.job.jobId, provider: c.provider.address, resultHash: c.job.resultHash }
    const r = await c.requester.signTypedData(escrowDomain(1n, await c.escrow.getAddress()), RELEASE_TYPES, release)
    await expect(
      escrowAs(c, 'other').releaseWithSignature(
        c.job.jobId,
        c.requester.address,
        c.provider.address,
        c.job.resultHash,
        r,
      ),
    )
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowInvalidSignature')
      .withArgs(c.job.escrowId, c.requester.address)
  })

  it(
    'a release valid on one chain is rejected on another chain' + ' where the same escrow exists at the same address',
    async () => {
      const a = await loadFixture(setup)
      const b = await deployCore(other.ethers)
      const jobB = await createEscrow(other.ethers, b)
      expect(b.chainId).to.equal(4242n)
      expect(await b.escrow.getAddress()).to.equal(await a.escrow.getAddress())
      expect(jobB.escrowId).to.equal(a.job.escrowId)
      const release = { jobId: a.job.jobId, provider: a.provider.address, resultHash: a.job.resultHash }
      const sigOnA = await signRelease(a.requester, a.chainId, await a.escrow.getAddress(), release)
      await expect(
        escrowAs(b, 'other').releaseWithSignature(
          a.job.jobId,
          a.requester.address,
          a.provider.address,
          a.job.resultHash,
          sigOnA,
        ),
      )
        .to.be.revertedWithCustomError(b.escrow, 'JobEscrowInvalidSignature')
        .withArgs(jobB.escrowId, b.requester.address)
      await expect(
        escrowAs(a, 'other').releaseWithSignature(
          a.job.jobId,
          a.requester.address,
          a.provider.address,
          a.job.resultHash,
          sigOnA,
        ),
      ).to.emit(a.escrow, 'EscrowReleased')
    },
  )

  it('a malleated (high-s) twin of a valid voucher or release is rejected', async () => {
    const c = await loadFixture(setup)
    const sig = await signVoucher(c.requester, c.chainId, await c.channel.getAddress(), {
      channelId: c.ch1.channelId,
      cumulativeAmount: hive(5),
      nonce: 1n,
    })
    await expect(closeArgs(c, c.ch1.channelId, hive(5), 1n, malleate(sig)))
      .to.be.revertedWithCustomError(c.channel, 'PaymentChannelInvalidSignature')
      .withArgs(c.ch1.channelId, c.requester.address)
    const release = { jobId: c.job.jobId, provider: c.provider.address, resultHash: c.job.resultHash }
    const r = await signRelease(c.requester, c.chainId, await c.escrow.getAddress(), release)
    await expect(
      escrowAs(c, 'other').releaseWithSignature(
        c.job.jobId,
        c.requester.address,
        c.provider.address,
        c.job.resultHash,
        malleate(r),
      ),
    ).to.be.revertedWithCustomError(c.escrow, 'JobEscrowInvalidSignature')
  })

  it('signatures by the wrong key, truncated or empty are rejected', async () => {
    const c = await loadFixture(setup)
    const v = { channelId: c.ch1.channelId, cumulativeAmount: hive(5), nonce: 1n }
    const addr = await c.channel.getAddress()
    const good = await signVoucher(c.requester, c.chainId, addr, v)
    for (const sig of [
      await signVoucher(c.other, c.chainId, addr, v),
      await signVoucher(c.provider, c.chainId, addr, v),
      good.slice(0, 130),
      '0x',
    ]) {
      await expect(closeArgs(c, c.ch1.channelId, hive(5), 1n, sig)).to.be.revertedWithCustomError(
        c.channel,
        'PaymentChannelInvalidSignature',
      )
    }
  })

  it('a contract-wallet requester signs vouchers and releases through ERC-1271', async () => {
    const c = await loadFixture(setup)
    const wallet = await ethers.deployContract('MockERC1271Wallet', [c.requester2.address])
    const w = await wallet.getAddress()
    await c.token.transfer(w, hive(100))
    await as(wallet, c.requester2).approve(await c.token.getAddress(), await c.channel.getAddress(), hive(50))
    await as(wallet, c.requester2).approve(await c.token.getAddress(), await c.escrow.getAddress(), hive(50))
    const open = c.channel.interface.encodeFunctionData('open', [
      c.provider.address,
      await c.token.getAddress(),
      hive(50),
      0n,
    ])
    await as(wallet, c.requester2).execute(await c.channel.getAddress(), open)
    const id = await c.channel.channelIdOf(w, c.provider.address, await c.token.getAddress(), 0n, 100n, 100n, 0n)
    const sig = await signVoucher(c.requester2, c.chainId, await c.channel.getAddress(), {
      channelId: id,
      cumulativeAmount: hive(5),
      nonce: 1n,
    })
    await expect(closeArgs(c, id, hive(5), 1n, sig)).to.emit(c.channel, 'ChannelClosed')

    const jobId = ethers.id('wallet job')
    const deadline = BigInt((await ethers.provider.getBlock('latest'))?.timestamp ?? 0) + 100n
    const create = c.escrow.interface.encodeFunctionData('create', [
      jobId,
      c.provider.address,
      await c.token.getAddress(),
      hive(50),
      deadline,
    ])
    await as(wallet, c.requester2).execute(await c.escrow.getAddress(), create)
    const release = { jobId, provider: c.provider.address, resultHash: ethers.id('out') }
    const forged = await signRelease(c.other, c.chainId, await c.escrow.getAddress(), release)
    await expect(escrowAs(c, 'provider').releaseWithSignature(jobId, w, c.provider.address, release.resultHash, forged))
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowInvalidSignature')
      .withArgs(
        ethers.keccak256(
          ethers.AbiCoder.defaultAbiCoder().encode(['bytes32', 'address', 'address'], [jobId, w, c.provider.address]),
        ),
        w,
      )
    const r = await signRelease(c.requester2, c.chainId, await c.escrow.getAddress(), release)
    await expect(
      escrowAs(c, 'provider').releaseWithSignature(jobId, w, c.provider.address, release.resultHash, r),
    ).to.emit(c.escrow, 'EscrowReleased')
  })
})
