// Issue 11 item 2: requesters must not get compute for free, and the exchange of output for
// payment must be fair. A hostile requester (a bare libp2p node speaking /hive/request, /award,
// /result and /blob by hand, with its own escrows straight on the contract) tries an escrow
// whose deadline is seconds away, one in another token, one below the price, a deadline that
// passes while the provider works, and simply not paying after the commitment. A hostile
// provider tries to get paid for an output that does not match its commitment, or for one
// without any commitment. Real nodes, real Hardhat chain.
import { expect } from 'chai'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseEther } from 'ethers'
import { cidForBytes } from '../../protocol/cid.ts'
import { hashResultCommitment, registryDomain } from '../../protocol/eip712.ts'
import { BlobStatus, ExecStatus } from '../../protocol/gen/market.ts'
import { signResult } from '../../protocol/market/build.ts'
import { encodeOutputBundle } from '../../protocol/output-bundle.ts'
import { commitmentFor, encodeCommitment } from '../../protocol/payments/commitment.ts'
import { startDevChain } from '../support/chain.ts'
import { sendRequest } from '../../node/market/direct.ts'
import { HostilePeer, createEscrow, deployOtherToken, startHonest, waitFor, wordcountModule } from './exchange-peers.ts'
import type { HonestPeer } from './exchange-peers.ts'
import type { DevChain } from '../support/chain.ts'
import type { Wallet } from 'ethers'
import { jobSubscribers } from '../support/topics.ts'

describe('security 02: no free compute, a fair exchange of output for payment', function () {
  this.timeout(120_000)
  let chain: DevChain
  let dir: string
  let module: Uint8Array
  let provider: HonestPeer
  let requester: HonestPeer
  let evil: HostilePeer
  let evilWallet: Wallet
  let forger: HostilePeer
  let forgerWallet: Wallet

  before(async function () {
    this.timeout(120_000)
    chain = await startDevChain({ params: { protocolFeeBps: 0n } })
    dir = mkdtempSync(join(tmpdir(), 'hive-sec02-'))
    module = await wordcountModule()
    evilWallet = chain.account(3)
    forgerWallet = chain.account(4)
    await chain.giveHive(chain.account(1).address, parseEther('1000'))
    await chain.giveHive(evilWallet.address, parseEther('1000'))
    provider = await startHonest(chain, dir, 'provider', 'provider', chain.account(2), {
      payments: { fundingWaitMs: 10_000 },
    })
    requester = await startHonest(chain, dir, 'requester', 'requester', chain.account(1), {
      payments: { retryMs: 600_000 },
    })
    evil = await HostilePeer.start(dir, 'evil')
    await evil.dial(provider.node)
    forger = await HostilePeer.start(dir, 'forger')
    forger.subscribeJobs()
    await forger.dial(requester.node)
    await waitFor(
      'the requester to see the forger on the jobs topic',
      () => jobSubscribers(requester.node.libp2p.services.pubsub).some((p) => p.equals(forger.peerId)) || undefined,
    )
  })
  after(async () => {
    for (const p of [evil, forger, provider, requester]) await p?.stop()
    await chain?.stop()
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  })

  /** The chain's clock now (a fresh block: the latest one may be seconds old). */
  async function chainNow(): Promise<bigint> {
    await chain.mine()
    return BigInt(await chain.now())
  }

  /** The hostile requester posts an escrow job to the honest provider and gets its bid. */
  async function escrowJob(): Promise<{ jobId: string; bid: Awaited<ReturnType<HostilePeer['bidFor']>> }> {
    const jobId = await evil.pushJob(provider.node, { module, payment: 'escrow', ethAddress: evilWallet.address })
    return { jobId, bid: await evil.bidFor(jobId) }
  }

  /** No compute: the module was never fetched, the result is a refusal; and no output leaves. */
  async function expectNothingGiven(jobId: string, code: RegExp, askedBefore: number): Promise<void> {
    const result = await evil.resultFor(jobId)
    expect(
      evil.asked.slice(askedBefore),
      "the provider fetched the job's input: it started the compute",
    ).to.not.include(evil.inputOf.get(jobId))
    expect(ExecStatus[result.result.status], 'the provider ran the job').to.not.equal('EXEC_OK')
    expect(result.result.error).to.match(code)
    if (result.outputCid !== undefined)
      expect((await evil.fetchBlob(provider.node.peerId, result.outputCid)).status).to.not.equal(BlobStatus.BLOB_OK)
  }

  it('an escrow whose deadline is seconds away buys no compute and no output', async () => {
    const { jobId, bid } = await escrowJob()
    await createEscrow(chain, evilWallet, {
      jobId,
      provider: bid.bid.providerEthAddress,
      token: chain.contracts.token,
      amount: bid.price,
      deadline: (await chainNow()) + 5n,
    })
    const asked = evil.asked.length
    expect(await evil.award(provider.node.peerId, bid, Date.now() + 60_000)).to.equal(true)
    await expectNothingGiven(jobId, /^ESCROW_DEADLINE_TOO_SOON$/, asked)
  })

  it('an escrow in another token than HIVE buys no compute and no output', async () => {
    const other = await deployOtherToken(chain, evilWallet.address, parseEther('1000'))
    const { jobId, bid } = await escrowJob()
    await createEscrow(chain, evilWallet, {
      jobId,
      provider: bid.bid.providerEthAddress,
      token: other,
      amount: bid.price,
      deadline: (await chainNow()) + 3600n,
    })
    const asked = evil.asked.length
    expect(await evil.award(provider.node.peerId, bid, Date.now() + 60_000)).to.equal(true)
    await expectNothingGiven(jobId, /^ESCROW_WRONG_TOKEN$/, asked)
  })

  it('an escrow below the agreed price buys no compute and no output', async () => {
    const { jobId, bid } = await escrowJob()
    await createEscrow(chain, evilWallet, {
      jobId,
      provider: bid.bid.providerEthAddress,
      token: chain.contracts.token,
      amount: bid.price - 1n,
      deadline: (await chainNow()) + 3600n,
    })
    const asked = evil.asked.length
    expect(await evil.award(provider.node.peerId, bid, Date.now() + 60_000)).to.equal(true)
    await expectNothingGiven(jobId, /^ESCROW_(UNDERFUNDED|UNUSABLE)$/, asked)
  })

  it('a requester that does not pay after the commitment never gets the output blob (channel mode)', async () => {
    const jobId = await evil.pushJob(provider.node, {
      module,
      payment: 'channel',
      ethAddress: evilWallet.address,
      words: 'channel job, never paid\n',
    })
    const bid = await evil.bidFor(jobId)
    expect(await evil.award(provider.node.peerId, bid, Date.now() + 60_000)).to.equal(true)
    const result = await evil.resultFor(jobId)
    if (result.outputCid === undefined) return // refused outright: nothing was given either
    expect(result.result.commitment.length, 'the output CID comes with a signed commitment').to.be.greaterThan(0)
    const answer = await evil.fetchBlob(provider.node.peerId, result.outputCid)
    expect(answer.status, 'the output left before it was paid for').to.not.equal(BlobStatus.BLOB_OK)
  })

  it('a requester that does not release its escrow never gets the output blob (escrow mode)', async () => {
    const { jobId, bid } = await escrowJob()
    await createEscrow(chain, evilWallet, {
      jobId,
      provider: bid.bid.providerEthAddress,
      token: chain.contracts.token,
      amount: bid.price,
      deadline: (await chainNow()) + 3600n,
    })
    expect(await evil.award(provider.node.peerId, bid, Date.now() + 60_000)).to.equal(true)
    const result = await evil.resultFor(jobId)
    expect(ExecStatus[result.result.status]).to.equal('EXEC_OK')
    const answer = await evil.fetchBlob(provider.node.peerId, result.outputCid!)
    expect(answer.status, 'the output left before the escrow was released').to.not.equal(BlobStatus.BLOB_OK)
  })

  it('a result without a signed commitment is neither accepted nor paid', async () => {
    const before = forger.vouchers.length
    const { jobId } = await requester.market.requester!.post({
      module,
      inputs: [{ name: 'a.txt', data: new TextEncoder().encode('no commitment\n') }],
      args: ['1'],
      maxPrice: parseEther('1'),
      bidWindowMs: 1_000,
      payment: 'channel',
      timeoutMs: 20_000,
    })
    const job = await waitFor('the job on the gossip topic', () => forger.jobs.find((j) => j.jobId === jobId))
    await forger.bid(job, parseEther('0.5'), forgerWallet.address)
    await waitFor('the award', () => requester.events.find((e) => e.type === 'job:accepted' && e.jobId === jobId))
    // a well-formed output, served faithfully, but the Result carries no commitment
    const output = encodeOutputBundle({ exitCode: 0, stdout: new TextEncoder().encode('uncommitted: 2\n'), files: [] })
    const cid = await cidForBytes(output)
    forger.blobs.set(cid.toString(), output)
    const bytes = await signResult(
      {
        jobId,
        status: ExecStatus.EXEC_OK,
        outputCid: cid,
        outputSize: output.byteLength,
        metering: { wallMs: 1, cpuMs: 1, peakMemoryBytes: 1 },
        completedAt: Date.now(),
      },
      forger.key,
    )
    await sendRequest(forger.node.libp2p, requester.node.peerId, 'result', bytes)
    const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(30_000) })
    expect(record.phase, 'an uncommitted output was accepted').to.equal('failed')
    await requester.payments.retryPending()
    expect(forger.vouchers.length - before, 'vouchers sent for an uncommitted output').to.equal(0)
  })

  it("a provider's output that does not match its commitment is not accepted, and paid at most once", async () => {
    const before = forger.vouchers.length
    const price = parseEther('0.5')
    const { jobId } = await requester.market.requester!.post({
      module,
      inputs: [{ name: 'a.txt', data: new TextEncoder().encode('forged output\n') }],
      args: ['1'],
      maxPrice: parseEther('1'),
      bidWindowMs: 1_000,
      payment: 'channel',
      timeoutMs: 20_000,
    })
    const job = await waitFor('the job on the gossip topic', () => forger.jobs.find((j) => j.jobId === jobId))
    await forger.bid(job, price, forgerWallet.address)
    await waitFor('the award', () => requester.events.find((e) => e.type === 'job:accepted' && e.jobId === jobId))
    // commits to one output, serves other bytes under its CID
    const committed = encodeOutputBundle({ exitCode: 0, stdout: new TextEncoder().encode('forged: 2\n'), files: [] })
    const cid = await cidForBytes(committed)
    forger.blobs.set(
      cid.toString(),
      encodeOutputBundle({ exitCode: 0, stdout: new TextEncoder().encode('999\n'), files: [] }),
    )
    const c = commitmentFor(jobId, forgerWallet.address, cid)
    const sig = forgerWallet.signingKey.sign(
      hashResultCommitment(registryDomain(chain.chainId, await chain.contracts.registry.getAddress()), c),
    ).serialized
    const resultBytes = await signResult(
      {
        jobId,
        status: ExecStatus.EXEC_OK,
        outputCid: cid,
        outputSize: committed.byteLength,
        metering: { wallMs: 1, cpuMs: 1, peakMemoryBytes: 1 },
        completedAt: Date.now(),
        commitment: encodeCommitment(c),
        commitmentSignature: Buffer.from(sig.slice(2), 'hex'),
      },
      forger.key,
    )
    await sendRequest(forger.node.libp2p, requester.node.peerId, 'result', resultBytes)
    const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(30_000) })
    expect(record.phase, 'a forged output was accepted').to.equal('failed')
    expect(record.outputCid).to.equal(undefined)
    expect(record.dissenters, 'the forger is named as the faulty provider').to.include(forger.peerId.toString())
    // the same Result again, and a payment retry: nothing more is paid
    await sendRequest(forger.node.libp2p, requester.node.peerId, 'result', resultBytes).catch(() => {})
    await requester.payments.retryPending()
    const paid = forger.vouchers.slice(before)
    expect(paid.length, 'paid more than once').to.be.at.most(1)
    if (paid.length === 1) expect(paid[0].jobId?.replace(/^0x/, '')).to.equal(jobId)
    // the signed commitment is kept as evidence of the fault
    expect((await requester.payments.evidence.commitment(jobId, forgerWallet.address))?.commitment.outputHash).to.equal(
      c.outputHash,
    )
  })

  it('k = 3: commitments vote first; only the majority is paid, and the odd one out gets nothing', async () => {
    const honest: HonestPeer[] = []
    for (const [i, corrupt] of [
      [5, false],
      [6, false],
      [8, true],
    ] as const) {
      const p = await startHonest(chain, dir, `k3-${i}`, 'provider', chain.account(i), {
        faults: { corruptOutput: corrupt },
      })
      await p.node.libp2p.peerStore.merge(requester.node.peerId, { multiaddrs: requester.node.libp2p.getMultiaddrs() })
      await p.node.libp2p.dial(requester.node.peerId)
      honest.push(p)
    }
    try {
      await waitFor(
        'the providers on the jobs topic',
        () =>
          honest.every((p) =>
            jobSubscribers(requester.node.libp2p.services.pubsub).some((s) => s.equals(p.node.peerId)),
          ) || undefined,
      )
      const { jobId } = await requester.market.requester!.post({
        module,
        inputs: [{ name: 'a.txt', data: new TextEncoder().encode('three votes here\n') }],
        args: ['1'],
        maxPrice: parseEther('1'),
        bidWindowMs: 1_500,
        payment: 'channel',
        redundancy: 3,
        timeoutMs: 30_000,
      })
      const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(40_000) })
      expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
      const cheater = honest[2].node.peerId.toString()
      expect(record.awards.find((a) => a.provider === cheater)?.paidAt, 'the minority was paid').to.equal(undefined)
      const paid = record.awards.filter((a) => a.paidAt !== undefined).map((a) => a.provider)
      expect(paid).to.have.members(honest.slice(0, 2).map((p) => p.node.peerId.toString()))
      // each majority provider holds exactly one voucher for the job; the cheater none
      for (const [i, p] of honest.entries()) {
        const channels = await p.payments.channels.list({ role: 'provider' })
        const best = channels.length === 0 ? undefined : await p.payments.channels.best(channels[0].channelId)
        expect(best?.jobId?.replace(/^0x/, ''), `provider ${i}`).to.equal(i < 2 ? jobId : undefined)
      }
    } finally {
      for (const p of honest) await p.stop()
    }
  })

  // last: it moves the chain's clock an hour ahead
  it('a provider whose result commitment reverts on chain delivers no output', async () => {
    const { jobId, bid } = await escrowJob()
    await createEscrow(chain, evilWallet, {
      jobId,
      provider: bid.bid.providerEthAddress,
      token: chain.contracts.token,
      amount: bid.price,
      deadline: (await chainNow()) + 300n,
    })
    // while the provider fetches the input, the escrow's deadline passes: commitResult will revert
    evil.beforeServe = async (cid) => {
      if (cid === evil.inputOf.get(jobId)) await chain.increaseTime(3_600)
    }
    try {
      expect(await evil.award(provider.node.peerId, bid, Date.now() + 60_000)).to.equal(true)
      const result = await evil.resultFor(jobId)
      if (result.outputCid !== undefined) {
        const answer = await evil.fetchBlob(provider.node.peerId, result.outputCid)
        expect(answer.status, 'the output left although its commitment reverted').to.not.equal(BlobStatus.BLOB_OK)
      }
      expect(ExecStatus[result.result.status], 'a result the escrow never saw committed was delivered').to.not.equal(
        'EXEC_OK',
      )
    } finally {
      evil.beforeServe = undefined
    }
  })
})
