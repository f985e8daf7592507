// protocol/eip712.ts must hash exactly as the contracts do: domains, struct hashes, channel and
// escrow ids, for arbitrary values (fast-check), checked against the contracts' own views.
import { expect } from 'chai'
import fc from 'fast-check'
import { network } from 'hardhat'
import {
  channelId,
  escrowDomain,
  escrowId,
  hashCooperativeClose,
  hashRelease,
  hashResultCommitment,
  hashVoucher,
  recoverResultCommitmentSigner,
  recoverVoucherSigner,
  registryDomain,
  voucherDomain,
} from '../../protocol/eip712.ts'
import type { TypedDomain } from '../../protocol/eip712.ts'
import { deployCore, signCommitment, signVoucher } from './helpers.ts'
import type { Core } from './helpers.ts'

const { ethers, networkHelpers } = await network.connect()
const core = async () => await deployCore(ethers)

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => ethers.hexlify(b))
const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => ethers.getAddress(ethers.hexlify(b)))
const uint256 = fc.bigInt({ min: 0n, max: 2n ** 256n - 1n })
const uint64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })

async function domainOf(c: Pick<Core['channel'], 'eip712Domain'>): Promise<TypedDomain> {
  const d = await c.eip712Domain()
  return { name: d.name, version: d.version, chainId: d.chainId, verifyingContract: d.verifyingContract }
}

describe('protocol/eip712.ts against the contracts', () => {
  it('builds the same domains the contracts report (eip712Domain)', async () => {
    const c = await networkHelpers.loadFixture(core)
    expect(await domainOf(c.channel)).to.deep.equal(voucherDomain(c.chainId, await c.channel.getAddress()))
    expect(await domainOf(c.escrow)).to.deep.equal(escrowDomain(c.chainId, await c.escrow.getAddress()))
    expect(await domainOf(c.registry)).to.deep.equal(registryDomain(c.chainId, await c.registry.getAddress()))
  })

  it('hashes Voucher and CooperativeClose as PaymentChannel does', async () => {
    const c = await networkHelpers.loadFixture(core)
    const domain = voucherDomain(c.chainId, await c.channel.getAddress())
    await fc.assert(
      fc.asyncProperty(bytes32, uint256, uint64, async (id, amount, nonce) => {
        const v = { channelId: id, cumulativeAmount: amount, nonce }
        expect(await c.channel.hashVoucher(id, amount, nonce)).to.equal(hashVoucher(domain, v))
        expect(await c.channel.hashCooperativeClose(id, amount, nonce)).to.equal(hashCooperativeClose(domain, v))
      }),
      { numRuns: 20 },
    )
  })

  it('hashes Release as JobEscrow does, and ResultCommitment as ProviderRegistry does', async () => {
    const c = await networkHelpers.loadFixture(core)
    const ed = escrowDomain(c.chainId, await c.escrow.getAddress())
    const rd = registryDomain(c.chainId, await c.registry.getAddress())
    await fc.assert(
      fc.asyncProperty(bytes32, address, bytes32, async (jobId, provider, hash) => {
        expect(await c.escrow.hashRelease(jobId, provider, hash)).to.equal(
          hashRelease(ed, { jobId, provider, resultHash: hash }),
        )
        const commitment = { jobId, provider, outputHash: hash }
        expect(await c.registry.hashResultCommitment(commitment)).to.equal(hashResultCommitment(rd, commitment))
      }),
      { numRuns: 20 },
    )
  })

  it('derives channel and escrow ids as the contracts do', async () => {
    const c = await networkHelpers.loadFixture(core)
    const contract = await c.channel.getAddress()
    const uint32 = fc.bigInt({ min: 0n, max: 2n ** 32n - 1n })
    const uint16 = fc.bigInt({ min: 0n, max: 2n ** 16n - 1n })
    await fc.assert(
      fc.asyncProperty(
        address,
        address,
        address,
        uint64,
        uint32,
        uint16,
        uint256,
        async (requester, provider, token, expiry, period, fee, nonce) => {
          expect(await c.channel.channelIdOf(requester, provider, token, expiry, period, fee, nonce)).to.equal(
            channelId({
              chainId: c.chainId,
              contract,
              requester,
              provider,
              token,
              expiry,
              challengePeriod: period,
              feeBps: fee,
              nonce,
            }),
          )
        },
      ),
      { numRuns: 20 },
    )
    await fc.assert(
      fc.asyncProperty(bytes32, address, address, async (jobId, requester, provider) => {
        expect(await c.escrow.escrowIdOf(jobId, requester, provider)).to.equal(escrowId(jobId, requester, provider))
      }),
      { numRuns: 20 },
    )
  })

  it('recovers the signer of what the contracts accept', async () => {
    const c = await networkHelpers.loadFixture(core)
    const channel = await c.channel.getAddress()
    const v = { channelId: ethers.id('ch'), cumulativeAmount: 5n, nonce: 1n }
    expect(
      recoverVoucherSigner(voucherDomain(c.chainId, channel), v, await signVoucher(c.requester, c.chainId, channel, v)),
    ).to.equal(c.requester.address)
    const registry = await c.registry.getAddress()
    const rc = { jobId: ethers.id('job'), provider: c.provider.address, outputHash: ethers.id('out') }
    expect(
      recoverResultCommitmentSigner(
        registryDomain(c.chainId, registry),
        rc,
        await signCommitment(c.provider, c.chainId, registry, rc),
      ),
    ).to.equal(c.provider.address)
  })
})
