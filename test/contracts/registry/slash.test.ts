import { expect } from 'chai'
import { network } from 'hardhat'
import { registryDomain, RESULT_COMMITMENT_TYPES } from '../../../protocol/eip712.ts'
import type { ResultCommitment } from '../../../protocol/eip712.ts'
import { slashCommitment } from '../../../protocol/payments/commitment.ts'
import { ProviderStatus, as, b32, deployCore, hive, malleate, signCommitment } from '../helpers.ts'
import type { Account, Core } from '../helpers.ts'

const { ethers, networkHelpers } = await network.connect()
const { loadFixture, time } = networkHelpers
const PEER = '0x002408011220' + 'ab'.repeat(32)
const REASON = ethers.encodeBytes32String('fraud')
const STAKE = hive(150)

async function staked() {
  const c = await deployCore(ethers)
  await as(c.registry, c.provider).stake(STAKE, PEER)
  return c
}

async function equivocation(c: Core, signer: Account = c.provider, provider = c.provider.address) {
  const jobId = b32(ethers, 'job-eq')
  const a: ResultCommitment = { jobId, provider, outputHash: b32(ethers, 'output A') }
  const b: ResultCommitment = { jobId, provider, outputHash: b32(ethers, 'output B') }
  const registry = await c.registry.getAddress()
  return {
    jobId,
    a,
    b,
    sigA: await signCommitment(signer, c.chainId, registry, a),
    sigB: await signCommitment(signer, c.chainId, registry, b),
  }
}

/** Commits `reporter` to slashing `provider` for `jobId` (mined in its own block); returns the salt. */
async function commit(c: Core, reporter: Account, provider: string, jobId: string): Promise<string> {
  const salt = ethers.hexlify(ethers.randomBytes(32))
  await as(c.registry, reporter).commitSlash(slashCommitment(reporter.address, provider, jobId, salt))
  return salt
}

describe('ProviderRegistry.slash (governance)', () => {
  it('takes bonded stake first, then unbonding, pays the treasury and marks the provider slashed', async () => {
    const c = await loadFixture(staked)
    await as(c.registry, c.provider).requestUnbond(hive(100))
    const tx = as(c.registry, c.gov).slash(c.provider.address, hive(70), REASON)
    await expect(tx)
      .to.emit(c.registry, 'Slashed')
      .withArgs(c.provider.address, REASON, hive(70), ethers.ZeroAddress, 0n)
    await expect(tx).to.changeTokenBalances(ethers, c.token, [c.registry, c.treasury], [-hive(70), hive(70)])
    const info = await c.registry.providerInfo(c.provider.address)
    expect([info.bonded, info.unbonding, info.slashed]).to.deep.equal([0n, hive(80), true])
    expect(await c.registry.statusOf(c.provider.address)).to.equal(BigInt(ProviderStatus.Slashed))
    const [, status] = await c.registry.statusOfPeerId(PEER)
    expect(status).to.equal(BigInt(ProviderStatus.Slashed))
    await expect(as(c.registry, c.provider).stake(hive(100), '0x'))
      .to.be.revertedWithCustomError(c.registry, 'ProviderRegistryProviderSlashed')
      .withArgs(c.provider.address)
    // what is left can still be withdrawn, and the peer id stays marked
    await time.increase(1000)
    await expect(as(c.registry, c.provider).withdraw())
      .to.emit(c.registry, 'Withdrawn')
      .withArgs(c.provider.address, hive(80))
      .and.not.to.emit(c.registry, 'PeerIdUnbound')
    expect(await c.registry.providerOfPeerId(PEER)).to.equal(c.provider.address)
  })

  it('rejects anyone but the owner, zero, nothing to slash and more than the stake', async () => {
    const c = await loadFixture(staked)
    await expect(as(c.registry, c.other).slash(c.provider.address, 1n, REASON))
      .to.be.revertedWithCustomError(c.registry, 'OwnableUnauthorizedAccount')
      .withArgs(c.other.address)
    const slash = as(c.registry, c.gov).slash
    await expect(slash(c.provider.address, 0n, REASON)).to.be.revertedWithCustomError(
      c.registry,
      'ProviderRegistryZeroAmount',
    )
    await expect(slash(c.other.address, 1n, REASON))
      .to.be.revertedWithCustomError(c.registry, 'ProviderRegistryNothingToSlash')
      .withArgs(c.other.address)
    await expect(slash(c.provider.address, STAKE + 1n, REASON))
      .to.be.revertedWithCustomError(c.registry, 'ProviderRegistrySlashTooLarge')
      .withArgs(STAKE + 1n, STAKE)
  })
})

describe('ProviderRegistry.slashEquivocation', () => {
  it(
    'end to end: two signed commitments with different outputs' + ' slash the provider and pay the reporter its share',
    async () => {
      const c = await loadFixture(staked)
      const { jobId, a, b, sigA, sigB } = await equivocation(c)
      const slashed = (STAKE * 5000n) / 10_000n // equivocationSlashBps
      const reward = (slashed * 2000n) / 10_000n // reporterShareBps
      const tx = as(c.registry, c.other).slashEquivocation(
        jobId,
        a,
        sigA,
        b,
        sigB,
        await commit(c, c.other, c.provider.address, jobId),
      )
      await expect(tx)
        .to.emit(c.registry, 'EquivocationProven')
        .withArgs(c.provider.address, jobId, a.outputHash, b.outputHash, c.other.address)
      await expect(tx)
        .to.emit(c.registry, 'Slashed')
        .withArgs(c.provider.address, ethers.encodeBytes32String('equivocation'), slashed, c.other.address, reward)
      await expect(tx).to.changeTokenBalances(
        ethers,
        c.token,
        [c.registry, c.other, c.treasury, c.provider],
        [-slashed, reward, slashed - reward, 0n],
      )
      expect(await c.registry.isEquivocationPunished(c.provider.address, jobId)).to.equal(true)
      expect(await c.registry.statusOf(c.provider.address)).to.equal(BigInt(ProviderStatus.Slashed))
      expect(await c.registry.stakeOf(c.provider.address)).to.equal(STAKE - slashed)
      await expect(as(c.registry, c.other).slashEquivocation(jobId, a, sigA, b, sigB, ethers.ZeroHash))
        .to.be.revertedWithCustomError(c.registry, 'ProviderRegistryAlreadyPunished')
        .withArgs(c.provider.address, jobId)
    },
  )

  it('reaches unbonding stake too', async () => {
    const c = await loadFixture(staked)
    await as(c.registry, c.provider).requestUnbond(STAKE)
    const { jobId, a, b, sigA, sigB } = await equivocation(c)
    await as(c.registry, c.other).slashEquivocation(
      jobId,
      a,
      sigA,
      b,
      sigB,
      await commit(c, c.other, c.provider.address, jobId),
    )
    const info = await c.registry.providerInfo(c.provider.address)
    expect([info.bonded, info.unbonding]).to.deep.equal([0n, STAKE / 2n])
  })

  it('slashes a contract-wallet provider whose owner signed (ERC-1271)', async () => {
    const c = await loadFixture(staked)
    const wallet = await ethers.deployContract('MockERC1271Wallet', [c.provider2.address])
    const walletAddr = await wallet.getAddress()
    await c.token.transfer(walletAddr, STAKE)
    await as(wallet, c.provider2).approve(await c.token.getAddress(), await c.registry.getAddress(), STAKE)
    // a contract account stakes only with an accountable ECDSA signer (issue 15)
    const stakeCall = c.registry.interface.encodeFunctionData('stake', [STAKE, '0x01'])
    await expect(as(wallet, c.provider2).execute(await c.registry.getAddress(), stakeCall))
      .to.be.revertedWithCustomError(c.registry, 'ProviderRegistrySignerRequired')
      .withArgs(walletAddr)
    const authorize = c.registry.interface.encodeFunctionData('authorizeSigner', [c.provider2.address])
    await expect(as(wallet, c.provider2).execute(await c.registry.getAddress(), authorize))
      .to.emit(c.registry, 'SignerAuthorized')
      .withArgs(walletAddr, c.provider2.address)
    await as(wallet, c.provider2).execute(await c.registry.getAddress(), stakeCall)
    const { jobId, a, b, sigA, sigB } = await equivocation(c, c.provider2, walletAddr)
    await expect(
      as(c.registry, c.other).slashEquivocation(jobId, a, sigA, b, sigB, await commit(c, c.other, walletAddr, jobId)),
    ).to.emit(c.registry, 'EquivocationProven')
  })

  it('rejects pairs that are no equivocation', async () => {
    const c = await loadFixture(staked)
    const { jobId, a, b, sigA, sigB } = await equivocation(c)
    const registry = await c.registry.getAddress()
    const otherJob = { ...b, jobId: b32(ethers, 'other job') }
    const sameOutput = { ...b, outputHash: a.outputHash }
    const otherProvider = { ...b, provider: c.provider2.address }
    const cases: Array<[string, string, ResultCommitment, ResultCommitment, string]> = [
      ['same output', jobId, a, sameOutput, await signCommitment(c.provider, c.chainId, registry, sameOutput)],
      ['different jobs', jobId, a, otherJob, await signCommitment(c.provider, c.chainId, registry, otherJob)],
      ['another job id than both', b32(ethers, 'x'), a, b, sigB],
      [
        'different providers',
        jobId,
        a,
        otherProvider,
        await signCommitment(c.provider2, c.chainId, registry, otherProvider),
      ],
    ]
    for (const [what, id, ca, cb, sb] of cases) {
      await expect(as(c.registry, c.other).slashEquivocation(id, ca, sigA, cb, sb, ethers.ZeroHash), what)
        .to.be.revertedWithCustomError(c.registry, 'ProviderRegistryNotEquivocation')
        .withArgs(id)
    }
  })

  it('rejects signatures by another key, malleable (high-s) ones, and ones for another registry or chain', async () => {
    const c = await loadFixture(staked)
    const { jobId, a, b, sigA, sigB } = await equivocation(c)
    const otherRegistry = await ethers.deployContract('ProviderRegistry', [
      await c.token.getAddress(),
      await c.params.getAddress(),
      c.gov.address,
    ])
    const forged = await signCommitment(c.other, c.chainId, await c.registry.getAddress(), b)
    const elsewhere = await signCommitment(c.provider, c.chainId, await otherRegistry.getAddress(), b)
    const otherChain = await c.provider.signTypedData(
      registryDomain(1n, await c.registry.getAddress()),
      RESULT_COMMITMENT_TYPES,
      b,
    )
    for (const [what, sig] of [
      ['wrong key', forged],
      ['high s', malleate(sigB)],
      ['other registry', elsewhere],
      ['other chain', otherChain],
    ]) {
      await expect(as(c.registry, c.other).slashEquivocation(jobId, a, sigA, b, sig, ethers.ZeroHash), what)
        .to.be.revertedWithCustomError(c.registry, 'ProviderRegistryInvalidSignature')
        .withArgs(c.provider.address)
    }
  })

  it('rejects an equivocation by a provider with nothing staked', async () => {
    const c = await loadFixture(staked)
    const { jobId, a, b, sigA, sigB } = await equivocation(c, c.provider2, c.provider2.address)
    await expect(
      as(c.registry, c.other).slashEquivocation(
        jobId,
        a,
        sigA,
        b,
        sigB,
        await commit(c, c.other, c.provider2.address, jobId),
      ),
    )
      .to.be.revertedWithCustomError(c.registry, 'ProviderRegistryNothingToSlash')
      .withArgs(c.provider2.address)
  })

  it('pays only a reporter that committed in an earlier block: not a copier, not a same-block commitment', async () => {
    const c = await loadFixture(staked)
    const { jobId, a, b, sigA, sigB } = await equivocation(c)
    const salt = ethers.hexlify(ethers.randomBytes(32))
    const mine = slashCommitment(c.other.address, c.provider.address, jobId, salt)
    expect(await c.registry.slashCommitment(c.other.address, c.provider.address, jobId, salt)).to.equal(mine)
    // no commitment at all
    await expect(as(c.registry, c.other).slashEquivocation(jobId, a, sigA, b, sigB, salt))
      .to.be.revertedWithCustomError(c.registry, 'ProviderRegistrySlashNotCommitted')
      .withArgs(c.other.address, mine)
    // a commitment made in the reveal's own block does not count
    await networkHelpers.mine(1)
    await ethers.provider.send('evm_setAutomine', [false])
    try {
      await as(c.registry, c.other).commitSlash(mine)
      const reveal = await as(c.registry, c.other).slashEquivocation(jobId, a, sigA, b, sigB, salt, {
        gasLimit: 1_000_000n,
      })
      await networkHelpers.mine(1)
      const receipt = await ethers.provider.getTransactionReceipt(reveal.hash as string)
      expect(receipt?.status, 'the same-block reveal reverted').to.equal(0)
    } finally {
      await ethers.provider.send('evm_setAutomine', [true])
    }
    const at = await c.registry.slashCommittedAt(c.other.address, mine)
    expect(at).to.equal(BigInt(await ethers.provider.getBlockNumber()))
    // a copier replaying the reporter's reveal (same salt) has no commitment of its own
    const copied = slashCommitment(c.provider2.address, c.provider.address, jobId, salt)
    await expect(as(c.registry, c.provider2).slashEquivocation(jobId, a, sigA, b, sigB, salt))
      .to.be.revertedWithCustomError(c.registry, 'ProviderRegistrySlashNotCommitted')
      .withArgs(c.provider2.address, copied)
    // the reporter's own reveal in a later block pays it and uses up the commitment
    await expect(as(c.registry, c.other).slashEquivocation(jobId, a, sigA, b, sigB, salt)).to.emit(
      c.registry,
      'EquivocationProven',
    )
    expect(await c.registry.slashCommittedAt(c.other.address, mine)).to.equal(0n)
  })
})
