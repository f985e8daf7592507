// Issue 15, finding 1 (last part): a provider that stakes from a contract wallet signs its result
// commitments through ERC-1271, which the registry asks at slash time. A wallet can change its
// answer: vouch for its owner's signatures while the job runs, then refuse once an equivocation
// it signed is about to be revealed. On the deployed contracts: the wallet stakes, two
// contradictory commitments are signed while it vouches, it turns vouching off, the reporter
// commits and reveals. The stake must still be taken, or the registry must have refused the
// unaccountable stake in the first place.
import { expect } from 'chai'
import { Wallet } from 'ethers'
import { registryDomain, resultCommitmentTypedData } from '../../protocol/eip712.ts'
import { slashCommitment } from '../../protocol/payments/commitment.ts'
import { devnet, ethers, hive, networkHelpers, send } from './contracts-fixture.ts'
import type { Devnet } from './contracts-fixture.ts'
import type { MockFickleWallet } from '../../types/ethers-contracts/index.ts'

const STAKE = hive(1000)
const PEER = '0x002408011220' + '5c'.repeat(32)

async function fresh(): Promise<Wallet> {
  const w = new Wallet(Wallet.createRandom().privateKey, ethers.provider)
  await networkHelpers.setBalance(w.address, 10n ** 20n)
  return w
}

/** A fickle wallet owned by `owner`, holding STAKE HIVE and approving the registry for it. */
async function fickleWallet(g: Devnet, owner: Wallet): Promise<{ wallet: MockFickleWallet; address: string }> {
  const wallet = await ethers.deployContract('MockFickleWallet', [owner.address])
  const address = await wallet.getAddress()
  await send(g.token.connect(g.deployer).transfer(address, STAKE))
  const approve = g.token.interface.encodeFunctionData('approve', [await g.registry.getAddress(), STAKE])
  await send(wallet.connect(owner).execute(await g.token.getAddress(), approve))
  return { wallet, address }
}

async function signedPair(g: Devnet, owner: Wallet, provider: string, tag = '') {
  const domain = registryDomain((await ethers.provider.getNetwork()).chainId, await g.registry.getAddress())
  const jobId = ethers.id(`job-fickle-${provider}${tag}`)
  const sign = async (outputHash: string) => {
    const c = { jobId, provider, outputHash }
    const td = resultCommitmentTypedData(domain, c)
    return { c, sig: await owner.signTypedData(td.domain, td.types, td.value) }
  }
  return { jobId, a: await sign(ethers.id('output A')), b: await sign(ethers.id('output B')) }
}

/** The reporter's honest path: commit, a block later reveal. `reveal` is the revealing transaction. */
async function report(
  g: Devnet,
  reporter: Wallet,
  provider: string,
  pair: Awaited<ReturnType<typeof signedPair>>,
): Promise<{ reveal: Promise<unknown> }> {
  const salt = ethers.hexlify(ethers.randomBytes(32))
  await send(g.registry.connect(reporter).commitSlash(slashCommitment(reporter.address, provider, pair.jobId, salt)))
  await networkHelpers.mine(1)
  return {
    reveal: g.registry
      .connect(reporter)
      .slashEquivocation(pair.jobId, pair.a.c, pair.a.sig, pair.b.c, pair.b.sig, salt),
  }
}

describe(
  'security 15: a contract-wallet staker cannot escape an' + ' equivocation slash by changing its ERC-1271 answer',
  function () {
    this.timeout(120_000)

    it(
      'either the unaccountable stake is refused, or the' + ' equivocation slashes it after the wallet stops vouching',
      async () => {
        const g = await networkHelpers.loadFixture(devnet)
        const owner = await fresh()
        const reporter = await fresh()
        const { wallet, address } = await fickleWallet(g, owner)
        const stake = g.registry.interface.encodeFunctionData('stake', [STAKE, PEER])
        let refused: unknown
        try {
          await send(wallet.connect(owner).execute(await g.registry.getAddress(), stake))
        } catch (err) {
          refused = err
        }
        if (refused !== undefined) {
          // the defence's first half: a contract wallet stakes only with an accountable signer
          await expect(Promise.reject(refused)).to.be.revertedWithCustomError(
            g.registry,
            'ProviderRegistrySignerRequired',
          )
          return
        }
        const pair = await signedPair(g, owner, address)
        // the signatures were good while the job ran …
        expect(await wallet.isValidSignature(await g.registry.hashResultCommitment(pair.a.c), pair.a.sig)).to.equal(
          '0x1626ba7e',
        )
        // … then the wallet stops vouching, before the reveal
        await send(wallet.connect(owner).setRefusing(true))
        await expect((await report(g, reporter, address, pair)).reveal).to.emit(g.registry, 'EquivocationProven')
        expect(await g.registry.stakeOf(address)).to.be.lessThan(STAKE)
      },
    )

    it('a contract wallet that authorized its signer stakes, and is slashed after it stops vouching', async () => {
      const g = await networkHelpers.loadFixture(devnet)
      const owner = await fresh()
      const reporter = await fresh()
      const { wallet, address } = await fickleWallet(g, owner)
      const registry = await g.registry.getAddress()
      await send(
        wallet
          .connect(owner)
          .execute(registry, g.registry.interface.encodeFunctionData('authorizeSigner', [owner.address])),
      )
      expect(await g.registry.isAuthorizedSigner(address, owner.address)).to.equal(true)
      await send(
        wallet.connect(owner).execute(registry, g.registry.interface.encodeFunctionData('stake', [STAKE, PEER])),
      )
      const pair = await signedPair(g, owner, address)
      await send(wallet.connect(owner).setRefusing(true))
      const { reveal } = await report(g, reporter, address, pair)
      await expect(reveal)
        .to.emit(g.registry, 'EquivocationProven')
        .withArgs(address, pair.jobId, pair.a.c.outputHash, pair.b.c.outputHash, reporter.address)
      expect(await g.registry.isEquivocationPunished(address, pair.jobId)).to.equal(true)
      // a key the wallet never authorized still proves nothing
      const stranger = await fresh()
      const forged = await signedPair(g, stranger, address, 'forged')
      await expect((await report(g, reporter, address, forged)).reveal).to.be.revertedWithCustomError(
        g.registry,
        'ProviderRegistryInvalidSignature',
      )
    })
  },
)
