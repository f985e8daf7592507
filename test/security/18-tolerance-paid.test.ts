// Issue 18 with payments on: a paid `onnx` job (k = 3, channel) voted within a tolerance, over the
// wire, on a real Hardhat chain. Fair exchange compares commitments (CIDs) before anything is paid,
// but two honest answers within a tolerance have different CIDs: voted by CID, the job below ends
// NO_MAJORITY with nobody paid, the honest providers' work taken for nothing. The requester must
// instead buy each answer it votes (pay, then fetch, as fair exchange does for one answer) and vote
// the numbers: the two honest providers win, the one beyond the tolerance dissents, and every
// provider holds exactly one voucher for the job (the dissenter's answer was bought once; its
// signed commitment and bytes are the evidence, and its reputation carries the dissent).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { parseEther } from 'ethers'
import { startDevChain } from '../support/chain.ts'
import { NoisyDoubler, f32, readF32 } from '../support/onnx-stand-in.ts'
import { jobSubscribers } from '../support/topics.ts'
import { startHonest, waitFor } from './exchange-peers.ts'
import type { HonestPeer } from './exchange-peers.ts'
import type { DevChain } from '../support/chain.ts'

describe('security 18: a paid tolerance vote buys the answers it reads, and pays no answer twice', function () {
  this.timeout(180_000)
  let chain: DevChain
  let dir: string
  let requester: HonestPeer
  const providers: Array<{ peer: HonestPeer; executor: NoisyDoubler }> = []
  const id = (p: HonestPeer): string => p.node.peerId.toString()

  before(async () => {
    chain = await startDevChain()
    dir = mkdtempSync(join(tmpdir(), 'hive-sec18-paid-'))
    await chain.giveHive(chain.account(1).address, parseEther('1000'))
    requester = await startHonest(chain, dir, 'requester', 'requester', chain.account(1))
    // honest, within the tolerance, beyond it
    for (const [i, noise] of [0, 1e-4, 0.5].entries()) {
      const executor = new NoisyDoubler(noise)
      const peer = await startHonest(chain, dir, `provider-${i}`, 'provider', chain.account(2 + i), {
        onnx: executor,
        price: '0.01',
      })
      providers.push({ peer, executor })
      await requester.node.libp2p.peerStore.merge(peer.node.peerId, { multiaddrs: peer.node.libp2p.getMultiaddrs() })
      await requester.node.libp2p.dial(peer.node.peerId)
    }
    const pubsub = requester.node.libp2p.services.pubsub
    await waitFor(
      'the requester to see every provider on the onnx job topics',
      () =>
        providers.every(({ peer }) => jobSubscribers(pubsub, 'onnx').some((s) => s.equals(peer.node.peerId))) ||
        undefined,
    )
  })

  after(async () => {
    for (const p of [requester, ...providers.map((q) => q.peer)]) await p?.stop()
    await chain?.stop()
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  })

  it('k = 3, channel: the two within the tolerance win, the third is a dissenter paid once, nobody twice', async () => {
    const [honest, close, perturbed] = providers.map((p) => p.peer)
    const r = requester.market.requester!
    // the vote must see all three: the good answers wait until the perturbed one is at the requester
    // (two within the tolerance are a majority of 3, and an answer after the end is not voted)
    const perturbedIn = async (): Promise<void> => {
      await waitFor(
        "the perturbed provider's answer at the requester",
        async () =>
          (await r.list()).some((j) =>
            j.awards.some((a) => a.provider === id(perturbed!) && a.resultAt !== undefined),
          ) || undefined,
        60_000,
      )
    }
    providers[0]!.executor.gate = perturbedIn
    providers[1]!.executor.gate = perturbedIn
    const { jobId } = await r.post({
      executor: 'onnx',
      module: new Uint8Array(2_000).map((_, i) => (i * 13) % 251),
      inputs: [{ name: 'x.npy', data: f32([1, 2, 3]) }],
      tolerances: [{ output: '', atol: '0.01', rtol: '0' }],
      maxPrice: parseEther('1'),
      redundancy: 3,
      payment: 'channel',
      bidWindowMs: 3_000,
      timeoutMs: 90_000,
      // every bid of the window is looked at: the three providers get the three slots
      policy: { reserve: 99 },
    })
    const record = await r.wait(jobId, { signal: AbortSignal.timeout(120_000) })
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
    expect(record.winners).to.have.members([id(honest!), id(close!)])
    expect(record.dissenters).to.deep.equal([id(perturbed!)])
    expect(
      record.awards.map((a) => [a.provider, a.paidAt !== undefined]),
      'every answer voted was bought',
    ).to.have.deep.members([honest, close, perturbed].map((p) => [id(p!), true]))
    const out = await r.output(jobId)
    const y = readF32(out!.files.find((f) => f.name === 'y.npy')!.data)
    // (not closeTo: the security suite loads Hardhat's chai matchers, whose closeTo takes integers only)
    y.forEach((v, i) => expect(Math.abs(v - [2, 4, 6][i]!), `y[${i}] = ${v}`).to.be.below(0.01))

    // each provider holds exactly one voucher, for this job, of its own price: paid once, not twice
    for (const p of [honest, close, perturbed]) {
      const channels = await p!.payments.channels.list({ role: 'provider' })
      expect(channels, `${id(p!)} has one channel`).to.have.length(1)
      const best = await p!.payments.channels.best(channels[0]!.channelId)
      expect(best?.jobId?.replace(/^0x/, ''), id(p!)).to.equal(jobId)
      const price = record.awards.find((a) => a.provider === id(p!))!.price
      expect(best?.cumulativeAmount, `${id(p!)} was paid its price once`).to.equal(price)
    }
  })
})
