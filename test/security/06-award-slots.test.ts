// Issue 11 item 6: award slots held for a week. A hostile requester that wins a provider's
// acceptance and never funds the escrow must not keep the provider's slot past a bounded wait;
// a hostile bidder that always declines must not make the requester spend gas on escrows.
// Real nodes, real Hardhat chain; the hostile peers speak the wire protocols by hand.
import { expect } from 'chai'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseEther } from 'ethers'
import { ExecStatus } from '../../protocol/gen/market.ts'
import { BUSY_RETRIES } from '../../node/market/requester-job.ts'
import { startDevChain } from '../support/chain.ts'
import { HostilePeer, startHonest, waitFor, wordcountModule } from './exchange-peers.ts'
import type { HonestPeer } from './exchange-peers.ts'
import type { DevChain } from '../support/chain.ts'
import { jobSubscribers } from '../support/topics.ts'

describe('security 06: award slots are not held by unfunded awards', function () {
  this.timeout(120_000)
  let chain: DevChain
  let dir: string
  let module: Uint8Array
  let provider: HonestPeer
  let requester: HonestPeer
  let evil: HostilePeer
  let decliner: HostilePeer
  const FUNDING_WAIT_MS = 3_000

  before(async function () {
    this.timeout(120_000)
    chain = await startDevChain({ params: { protocolFeeBps: 0n } })
    dir = mkdtempSync(join(tmpdir(), 'hive-sec06-'))
    module = await wordcountModule()
    await chain.giveHive(chain.account(1).address, parseEther('1000'))
    // one slot: while an award holds it, the provider does not even bid
    provider = await startHonest(chain, dir, 'provider', 'provider', chain.account(2), {
      capacity: 1,
      payments: { fundingWaitMs: FUNDING_WAIT_MS },
    })
    requester = await startHonest(chain, dir, 'requester', 'requester', chain.account(1))
    evil = await HostilePeer.start(dir, 'evil')
    await evil.dial(provider.node)
    decliner = await HostilePeer.start(dir, 'decliner')
    decliner.acceptAwards = false
    decliner.subscribeJobs()
    await decliner.dial(requester.node)
    await waitFor(
      'the requester to see the decliner on the jobs topic',
      () => jobSubscribers(requester.node.libp2p.services.pubsub).some((p) => p.equals(decliner.peerId)) || undefined,
    )
  })
  after(async () => {
    for (const p of [evil, decliner, provider, requester]) await p?.stop()
    await chain?.stop()
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  })

  it('an award never funded frees the provider slot within the bounded funding wait', async () => {
    const evilAddress = chain.account(3).address
    const jobId = await evil.pushJob(provider.node, { module, payment: 'escrow', ethAddress: evilAddress })
    const bid = await evil.bidFor(jobId)
    // the award is valid for ten minutes; the escrow is never created
    const awardedAt = Date.now()
    expect(await evil.award(provider.node.peerId, bid, Date.now() + 10 * 60_000)).to.equal(true)
    const result = await evil.resultFor(jobId, FUNDING_WAIT_MS + 10_000)
    expect(Date.now() - awardedAt, 'the slot was held past the funding wait').to.be.below(FUNDING_WAIT_MS + 8_000)
    expect(ExecStatus[result.result.status]).to.not.equal('EXEC_OK')
    expect(result.result.error).to.equal('ESCROW_NOT_FUNDED')
    expect(evil.asked, 'the provider fetched the input of an unfunded job').to.not.include(evil.inputOf.get(jobId))
    // the slot is free again: the provider bids on the next job
    const next = await evil.pushJob(provider.node, {
      module,
      payment: 'escrow',
      ethAddress: evilAddress,
      words: 'next job\n',
    })
    await evil.bidFor(next)
  })

  it('an always-declining bidder costs the requester no escrow transaction', async () => {
    const address = requester.payments.address
    const nonceBefore = await chain.provider.getTransactionCount(address)
    const { jobId } = await requester.market.requester!.post({
      module,
      inputs: [{ name: 'a.txt', data: new TextEncoder().encode('decline me\n') }],
      args: ['1'],
      maxPrice: parseEther('1'),
      bidWindowMs: 1_000,
      payment: 'escrow',
      timeoutMs: 20_000,
    })
    const job = await waitFor('the job on the gossip topic', () => decliner.jobs.find((j) => j.jobId === jobId))
    await decliner.bid(job, parseEther('0.5'), chain.account(5).address)
    const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(30_000) })
    expect(record.phase).to.equal('failed')
    // it declines for capacity, which passes: asked again a bounded number of times (1, 2, 4 s later)
    expect(record.awards.map((a) => a.failure)).to.deep.equal(
      Array<string>(BUSY_RETRIES + 1).fill('declined: busy (NO_CAPACITY)'),
    )
    expect(
      (await chain.provider.getTransactionCount(address)) - nonceBefore,
      'transactions sent for a declined award',
    ).to.equal(0)
  })
})
