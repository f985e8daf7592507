// Issue 15, finding 4: a slashEquivocation transaction is public in the mempool before it is mined.
// Whoever copies its calldata and outbids its fee used to be paid the reporter's share. The attack
// here is exactly that, on the deployed contracts: automine off, the reporter's transaction and a
// copy of its data from another account at a higher fee land in the same block (the copy first).
// The copier must earn nothing; the reporter must earn its share. The reporter follows the
// contract's honest path: when the registry offers commit–reveal (commitSlash), it commits first
// and reveals a block later; the copier copies every transaction the reporter sends.
import { expect } from 'chai'
import { Wallet } from 'ethers'
import type { Signer, TransactionRequest } from 'ethers'
import { registryDomain, resultCommitmentTypedData } from '../../protocol/eip712.ts'
import { devnet, ethers, hive, networkHelpers, send } from './contracts-fixture.ts'
import type { Devnet } from './contracts-fixture.ts'

const STAKE = hive(1000)

/** A fresh funded account: the fixture's deployment is shared with other files, its accounts too. */
async function fresh(): Promise<Wallet> {
  const w = new Wallet(Wallet.createRandom().privateKey, ethers.provider)
  await networkHelpers.setBalance(w.address, 10n ** 20n)
  return w
}

async function evidence(g: Devnet, provider: Wallet) {
  const registry = await g.registry.getAddress()
  const domain = registryDomain((await ethers.provider.getNetwork()).chainId, registry)
  const jobId = ethers.id('job-front-run')
  const sign = async (outputHash: string) => {
    const c = { jobId, provider: provider.address, outputHash }
    const td = resultCommitmentTypedData(domain, c)
    return { c, sig: await provider.signTypedData(td.domain, td.types, td.value) }
  }
  return { jobId, a: await sign(ethers.id('output A')), b: await sign(ethers.id('output B')) }
}

/** Sends `tx` from `from` and, in the same block at a higher fee, the same data from `copier`. */
async function sendAndCopy(from: Signer, copier: Signer, tx: TransactionRequest): Promise<void> {
  const fee = (await ethers.provider.getFeeData()).maxFeePerGas ?? 10n ** 9n
  await networkHelpers.mine(1)
  await ethers.provider.send('evm_setAutomine', [false])
  try {
    const honest = await from.sendTransaction({
      ...tx,
      gasLimit: 1_000_000n,
      maxFeePerGas: fee * 2n,
      maxPriorityFeePerGas: 1n,
    })
    // the copier read `honest` from the mempool: same target, same data, a higher tip
    const copy = await copier.sendTransaction({
      to: honest.to!,
      data: honest.data,
      gasLimit: 1_000_000n,
      maxFeePerGas: fee * 4n,
      maxPriorityFeePerGas: fee * 2n,
    })
    await networkHelpers.mine(1)
    const [h, c] = await Promise.all([
      ethers.provider.getTransactionReceipt(honest.hash),
      ethers.provider.getTransactionReceipt(copy.hash),
    ])
    expect(h?.blockNumber, 'both in one block').to.equal(c?.blockNumber)
    expect(c!.index, 'the copy ran first').to.be.lessThan(h!.index)
  } finally {
    await ethers.provider.send('evm_setAutomine', [true])
  }
}

/** The reporter's path through the registry, copied tx by tx by `copier`. */
async function reportCopied(g: Devnet, provider: Wallet, reporter: Signer, copier: Signer): Promise<void> {
  const { jobId, a, b } = await evidence(g, provider)
  const registry = g.registry
  const to = await registry.getAddress()
  const hasCommit = registry.interface.getFunction('commitSlash') !== null
  if (!hasCommit) {
    const data = registry.interface.encodeFunctionData('slashEquivocation', [jobId, a.c, a.sig, b.c, b.sig])
    await sendAndCopy(reporter, copier, { to, data })
    return
  }
  const salt = ethers.hexlify(ethers.randomBytes(32))
  const commitment = await registry.slashCommitment(await reporter.getAddress(), provider.address, jobId, salt)
  await sendAndCopy(reporter, copier, { to, data: registry.interface.encodeFunctionData('commitSlash', [commitment]) })
  const data = registry.interface.encodeFunctionData('slashEquivocation', [jobId, a.c, a.sig, b.c, b.sig, salt])
  await sendAndCopy(reporter, copier, { to, data })
}

describe('security 15: a copied slashing transaction does not pay the copier', function () {
  this.timeout(120_000)
  let g: Devnet
  let provider: Wallet

  before(async () => {
    g = await devnet()
    provider = await fresh()
    await send(g.token.connect(g.deployer).transfer(provider.address, STAKE))
    await send(g.token.connect(provider).approve(await g.registry.getAddress(), STAKE))
    await send(g.registry.connect(provider).stake(STAKE, ethers.hexlify(ethers.randomBytes(34))))
  })

  it('the reporter is paid its share, the copier who outbids it in the same block nothing', async () => {
    const [reporter, copier] = [await fresh(), await fresh()] // both hold no HIVE: what they end with was paid
    const slashBps = await g.params.equivocationSlashBps()
    const shareBps = await g.params.reporterShareBps()
    await reportCopied(g, provider, reporter, copier)
    const { jobId } = await evidence(g, provider)
    expect(await g.registry.isEquivocationPunished(provider.address, jobId), 'the provider is slashed').to.equal(true)
    const share = (((STAKE * slashBps) / 10_000n) * shareBps) / 10_000n
    expect(share > 0n, 'the params pay reporters at all').to.equal(true)
    expect(await g.token.balanceOf(copier.address), "the copier's reward").to.equal(0n)
    expect(await g.token.balanceOf(reporter.address), "the reporter's reward").to.equal(share)
  })
})
