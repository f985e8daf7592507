// Escrow flows between two real nodes' payment services on a real Hardhat chain: release on a
// verified result, claim by the provider's node after the requester went silent, refund by the
// requester's node when nothing was delivered (at once when the job ended, else after the
// deadline), a dispute settled by the arbiter, and one the arbiter leaves unresolved (the
// provider's node claims deposit and bond). Settlement only credits: each node withdraws its own
// credit, so balances are awaited.
import { expect } from 'chai'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { keccak256, parseEther, toUtf8Bytes } from 'ethers'
import { escrowId } from '../../../protocol/eip712.ts'
import { devnetParams } from '../../../node/chain/deploy-params.ts'
import { devAccount, startDevChain } from '../../support/chain.ts'
import { startPayPeer, waitUntil } from './helpers.ts'
import type { DevChain } from '../../support/chain.ts'
import type { PayPeer } from './helpers.ts'

describe('node/payments escrow', function () {
  this.timeout(180_000)
  let chain: DevChain
  let root: string
  let requester: PayPeer
  let provider: PayPeer
  const amount = parseEther('2')
  const balance = async (address: string): Promise<bigint> => await chain.contracts.token.balanceOf.staticCall(address)
  const job = (name: string): string => keccak256(toUtf8Bytes(name))
  const balanceRises = async (who: string, address: string, from: bigint, by: bigint): Promise<void> => {
    await waitUntil(`${who} withdrew its credit`, async () => (await balance(address)) - from === by)
  }
  const OUTPUT = keccak256(toUtf8Bytes('output'))

  before(async function () {
    this.timeout(120_000)
    chain = await startDevChain({ params: { protocolFeeBps: 0n, arbiter: devAccount(9).address } })
    root = mkdtempSync(join(tmpdir(), 'hive-escrow-'))
    await chain.giveHive(chain.account(1).address, parseEther('1000'))
    requester = await startPayPeer(chain, root, 'r', chain.account(1))
    provider = await startPayPeer(chain, root, 'p', chain.account(2))
  })
  after(async () => {
    await requester?.stop().catch(() => {})
    await provider?.stop().catch(() => {})
    await chain?.stop()
    if (root !== undefined) rmSync(root, { recursive: true, force: true })
  })

  async function funded(name: string): Promise<string> {
    const jobId = job(name)
    const deadline = BigInt(await chain.now()) + 30n
    await requester.payments.escrow.create(jobId, provider.payments.address, amount, deadline)
    await provider.payments.escrow.waitFunded(jobId, requester.payments.address, amount, {
      signal: AbortSignal.timeout(10_000),
    })
    return jobId
  }

  it('releases to the provider on a verified result', async () => {
    const before = await balance(provider.payments.address)
    const jobId = await funded('release')
    await provider.payments.escrow.commit(jobId, requester.payments.address, OUTPUT)
    await requester.payments.payJob({
      jobId,
      payment: 'escrow',
      providerPeer: provider.node.peerId,
      providerAddress: provider.payments.address,
      price: amount,
      resultHash: OUTPUT,
    })
    await balanceRises('the provider', provider.payments.address, before, amount)
    await waitUntil(
      'the provider saw the release',
      async () =>
        (await provider.payments.escrow.get(escrowId(jobId, requester.payments.address, provider.payments.address)))
          ?.state === 'released',
    )
  })

  it('claims after the challenge window when the requester goes silent', async () => {
    const before = await balance(provider.payments.address)
    const jobId = await funded('claim')
    await provider.payments.escrow.commit(jobId, requester.payments.address, OUTPUT)
    await chain.increaseTime(30 + Number(devnetParams.escrowChallengeWindow) + 1)
    const id = escrowId(jobId, requester.payments.address, provider.payments.address)
    await waitUntil(
      'the provider node claimed',
      async () => (await provider.payments.escrow.get(id))?.state === 'claimed',
    )
    await balanceRises('the provider', provider.payments.address, before, amount)
  })

  it('refunds the requester when the provider never delivers', async () => {
    const jobId = await funded('refund')
    const before = await balance(requester.payments.address)
    await chain.increaseTime(31)
    const id = escrowId(jobId, requester.payments.address, provider.payments.address)
    await waitUntil(
      'the requester node refunded',
      async () => (await requester.payments.escrow.get(id))?.state === 'refunded',
    )
    await balanceRises('the requester', requester.payments.address, before, amount)
  })

  it('a job that ended with nothing committed: its deposit comes back at once, not at the deadline', async () => {
    const jobId = await funded('nothing committed')
    const before = await balance(requester.payments.address)
    const rejected = await requester.payments.escrow.reject(jobId, provider.payments.address)
    // before the change it stayed active until the deadline passed (then the poller refunded it)
    expect(rejected?.state).to.equal('refunded')
    const id = escrowId(jobId, requester.payments.address, provider.payments.address)
    expect((await requester.payments.escrow.read(id)).status).to.equal('refunded')
    await balanceRises('the requester', requester.payments.address, before, amount)
    // the provider can no longer commit to it (its output would never be paid for)
    const late = await provider.payments.escrow.commit(jobId, requester.payments.address, OUTPUT).then(
      (r) => r.state,
      (err: unknown) => (err as Error).message,
    )
    expect(late, 'the provider node after the cancel').to.not.equal('committed')
    const onChain = await requester.payments.escrow.read(id)
    expect([onChain.status, onChain.committedAt]).to.deep.equal(['refunded', 0n])
  })

  it('disputes a result the requester did not accept; the arbiter settles it', async () => {
    const jobId = await funded('dispute')
    await provider.payments.escrow.commit(jobId, requester.payments.address, OUTPUT)
    const rejected = await requester.payments.escrow.reject(jobId, provider.payments.address)
    expect(rejected?.state).to.equal('disputed')
    const id = escrowId(jobId, requester.payments.address, provider.payments.address)
    const before = { r: await balance(requester.payments.address), p: await balance(provider.payments.address) }
    await (await chain.senderFor(chain.account(9))).call(chain.contracts.escrow, 'resolve', [id, amount / 4n])
    // the provider lost (less than the deposit): the requester's bond comes back with the rest
    const bond = (amount * devnetParams.disputeBondBps + 9_999n) / 10_000n
    await balanceRises('the provider', provider.payments.address, before.p, amount / 4n)
    await balanceRises('the requester', requester.payments.address, before.r, amount - amount / 4n + bond)
    await waitUntil(
      'both nodes saw the resolution',
      async () =>
        (await requester.payments.escrow.get(id))?.state === 'resolved' &&
        (await provider.payments.escrow.get(id))?.state === 'resolved',
    )
  })

  it(
    'a dispute the arbiter leaves unresolved: the provider node' +
      ' claims deposit and bond after the arbitration window',
    async () => {
      const jobId = await funded('dispute-timeout')
      await provider.payments.escrow.commit(jobId, requester.payments.address, OUTPUT)
      const beforeDispute = await balance(requester.payments.address)
      expect((await requester.payments.escrow.reject(jobId, provider.payments.address))?.state).to.equal('disputed')
      const bond = (amount * devnetParams.disputeBondBps + 9_999n) / 10_000n
      expect(beforeDispute - (await balance(requester.payments.address)), 'the bond the requester paid').to.equal(bond)
      const before = await balance(provider.payments.address)
      await chain.increaseTime(Number(devnetParams.arbitrationWindow) + 1)
      const id = escrowId(jobId, requester.payments.address, provider.payments.address)
      await waitUntil(
        'the provider node claimed',
        async () => (await provider.payments.escrow.get(id))?.state === 'claimed',
      )
      await balanceRises('the provider', provider.payments.address, before, amount + bond)
    },
  )
})
