// Issue 15, finding 2: a bid's benchmark score is whatever the provider claims, and selection
// rewards a high one. A liar claiming a machine a hundred times the reference out-scores an honest
// provider that is cheaper. Defence: every redundant run of a deterministic job is a probe (the
// same work on two machines, timed by the requester), and a claim the work contradicts is
// discounted to what the work implied. On the wire, with a real chain and payment channels: the
// liar (dearer) and the honest provider (cheaper) both run a k = 2 job; on the next job, scored on
// price and benchmark alone, the honest provider must win.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { parseEther } from 'ethers'
import { startDevChain } from '../support/chain.ts'
import { startHonest, waitFor, wordcountModule } from './exchange-peers.ts'
import type { DevChain } from '../support/chain.ts'
import type { HonestPeer } from './exchange-peers.ts'
import { jobSubscribers } from '../support/topics.ts'

describe('security 15: a lying benchmark score is discounted', function () {
  this.timeout(150_000)
  let chain: DevChain
  let dir: string
  let requester: HonestPeer
  let liar: HonestPeer
  let honest: HonestPeer
  let module: Uint8Array

  before(async () => {
    chain = await startDevChain()
    dir = mkdtempSync(join(tmpdir(), 'hive-sec15-bench-'))
    module = await wordcountModule()
    await chain.giveHive(chain.account(1).address, parseEther('1000'))
    requester = await startHonest(chain, dir, 'requester', 'requester', chain.account(1))
    // the same machine, one claims 100 times the reference; it asks 60% more than the honest one
    liar = await startHonest(chain, dir, 'liar', 'provider', chain.account(2), { cpuScore: 100_000, price: '0.016' })
    honest = await startHonest(chain, dir, 'honest', 'provider', chain.account(3), { cpuScore: 1000, price: '0.01' })
    for (const p of [liar, honest]) {
      await requester.node.libp2p.peerStore.merge(p.node.peerId, { multiaddrs: p.node.libp2p.getMultiaddrs() })
      await requester.node.libp2p.dial(p.node.peerId)
    }
    await waitFor(
      'the requester to see both providers on the jobs topic',
      () =>
        [liar, honest].every((p) =>
          jobSubscribers(requester.node.libp2p.services.pubsub).some((s) => s.equals(p.node.peerId)),
        ) || undefined,
    )
  })
  after(async () => {
    for (const p of [requester, liar, honest]) await p?.stop()
    await chain?.stop()
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  })

  async function run(words: string, redundancy: number, policy: object): Promise<string[]> {
    const r = requester.market.requester!
    const { jobId } = await r.post({
      module,
      inputs: [{ name: 'a.txt', data: new TextEncoder().encode(words) }],
      args: ['1'],
      redundancy,
      maxPrice: parseEther('0.2'),
      bidWindowMs: 2_000,
      payment: 'channel',
      timeoutMs: 60_000,
      policy: { reserve: 99, ...policy },
    })
    const record = await r.wait(jobId, { signal: AbortSignal.timeout(90_000) })
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
    expect(record.bids.map((b) => b.provider).sort(), 'both bid').to.deep.equal(
      [liar, honest].map((p) => p.node.peerId.toString()).sort(),
    )
    return record.awards.filter((a) => a.status === 'delivered').map((a) => a.provider)
  }

  it("after one redundant run, the cheaper honest provider beats the liar's claim", async () => {
    // the probe: both run the same job
    expect(await run('probe the claimed machines\n', 2, {})).to.have.length(2)
    // scored on price and benchmark only: undiscounted, the liar's claim outweighs its higher price
    const winners = await run('who wins now\n', 1, {
      weights: { price: 1, benchmark: 1, stake: 0, reputation: 0, latency: 0 },
    })
    expect(winners, "the honest provider wins once the liar's claim is discounted").to.deep.equal([
      honest.node.peerId.toString(),
    ])
    const h = await requester.market.reputation!.history(liar.node.peerId.toString())
    expect(h.benchmarkFactor, "the liar's claim counts for a fraction")
      .to.be.a('number')
      .and.below(1 / 3)
    expect((await requester.market.reputation!.history(honest.node.peerId.toString())).benchmarkFactor ?? 1).to.equal(1)
  })
})
