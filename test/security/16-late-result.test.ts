// Issue 16, attack: a provider wins an award, goes silent, and once the requester has revoked its
// award and re-awarded the slot, sends its result after all, with a valid signed commitment, to
// be paid for the same slot as its replacement. The late result is refused (the award is no
// longer live) and never paid: only the replacement holds a voucher for the job, on a real
// Hardhat chain with the market's channel payments.
import { expect } from 'chai'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseEther } from 'ethers'
import { cidForBytes } from '../../protocol/cid.ts'
import { hashResultCommitment, registryDomain } from '../../protocol/eip712.ts'
import { ExecStatus, ReplyStatus } from '../../protocol/gen/market.ts'
import { signResult } from '../../protocol/market/build.ts'
import { encodeOutputBundle } from '../../protocol/output-bundle.ts'
import { commitmentFor, encodeCommitment } from '../../protocol/payments/commitment.ts'
import { startDevChain } from '../support/chain.ts'
import { sendRequest } from '../../node/market/direct.ts'
import { HostilePeer, joinBothProviders, startHonest, waitFor, wordcountModule } from './exchange-peers.ts'
import type { HonestPeer } from './exchange-peers.ts'
import type { DevChain } from '../support/chain.ts'
import type { Wallet } from 'ethers'

describe("security 16: a revoked provider's late result is not paid when its slot was re-awarded", function () {
  this.timeout(120_000)
  let chain: DevChain
  let dir: string
  let requester: HonestPeer
  let honest: HonestPeer
  let late: HostilePeer
  let lateWallet: Wallet

  before(async function () {
    this.timeout(120_000)
    chain = await startDevChain({ params: { protocolFeeBps: 0n } })
    dir = mkdtempSync(join(tmpdir(), 'hive-sec16-late-'))
    lateWallet = chain.account(3)
    await chain.giveHive(chain.account(1).address, parseEther('1000'))
    requester = await startHonest(chain, dir, 'requester', 'requester', chain.account(1), {
      payments: { retryMs: 600_000 },
    })
    honest = await startHonest(chain, dir, 'honest', 'provider', chain.account(2), {
      payments: { fundingWaitMs: 10_000 },
    })
    late = await HostilePeer.start(dir, 'late')
    await joinBothProviders(requester, honest, late)
  })
  after(async () => {
    for (const p of [late, honest, requester]) await p?.stop()
    await chain?.stop()
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  })

  it(
    'k = 1, channel payment: the silent winner is revoked, the slot' +
      ' re-awarded, its late committed result refused and unpaid',
    async () => {
      const module = await wordcountModule()
      // 60 s wall time: the first award's own deadline (65 s) is far beyond this test's patience
      const { jobId } = await requester.market.requester!.post({
        module,
        inputs: [{ name: 'a.txt', data: new TextEncoder().encode('one two three\n') }],
        args: ['1'],
        maxPrice: parseEther('1'),
        bidWindowMs: 3_000,
        payment: 'channel',
        timeoutMs: 90_000,
        limits: { wallTimeMs: 60_000 },
      })
      const job = await waitFor('the job on the gossip topic', () => late.jobs.find((j) => j.jobId === jobId))
      // the cheapest bid: it wins the award, accepts it (HostilePeer accepts every award) and never heartbeats
      await late.bid(job, parseEther('0.001'), lateWallet.address)
      await waitFor('the award to the silent bidder', () =>
        requester.events.find(
          (e) => e.type === 'job:accepted' && e.jobId === jobId && e.provider === late.peerId.toString(),
        ),
      )
      await waitFor(
        'the silent award revoked and re-awarded',
        () =>
          requester.events.find(
            (e) => e.type === 'job:accepted' && e.jobId === jobId && e.provider === honest.node.peerId.toString(),
          ),
        15_000,
      )

      // now the late result, with a commitment signed by the bid's address, as a paid result would carry
      const output = encodeOutputBundle({
        exitCode: 0,
        stdout: new TextEncoder().encode('1 files, 1 lines, 3 words, 14 bytes\n'),
        files: [],
      })
      const cid = await cidForBytes(output)
      late.blobs.set(cid.toString(), output)
      const c = commitmentFor(jobId, lateWallet.address, cid)
      const sig = lateWallet.signingKey.sign(
        hashResultCommitment(registryDomain(chain.chainId, await chain.contracts.registry.getAddress()), c),
      ).serialized
      const resultBytes = await signResult(
        {
          jobId,
          status: ExecStatus.EXEC_OK,
          outputCid: cid,
          outputSize: output.byteLength,
          metering: { wallMs: 1, cpuMs: 1, peakMemoryBytes: 1 },
          completedAt: Date.now(),
          commitment: encodeCommitment(c),
          commitmentSignature: Buffer.from(sig.slice(2), 'hex'),
        },
        late.key,
      )
      const reply = await sendRequest(late.node.libp2p, requester.node.peerId, 'result', resultBytes)
      expect([reply.status, reply.code], 'the late result is refused').to.deep.equal([
        ReplyStatus.REPLY_IGNORED,
        'UNKNOWN_JOB',
      ])

      const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(60_000) })
      expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
      const first = record.awards.find((a) => a.provider === late.peerId.toString())!
      expect(first.revokedAt, 'revoked').to.be.a('number')
      expect(first.paidAt, 'the revoked provider was paid').to.equal(undefined)
      expect(record.awards.filter((a) => a.paidAt !== undefined).map((a) => a.provider)).to.deep.equal([
        honest.node.peerId.toString(),
      ])
      // the same late result once more after the end, and a payment retry: still nothing for it
      await sendRequest(late.node.libp2p, requester.node.peerId, 'result', resultBytes).catch(() => {})
      await requester.payments.retryPending()
      expect(
        late.vouchers.filter((v) => v.jobId?.replace(/^0x/, '') === jobId),
        'vouchers paying the revoked slot',
      ).to.deep.equal([])
      // the replacement holds exactly this job's voucher: one slot, paid once
      const channels = await honest.payments.channels.list({ role: 'provider' })
      expect(channels.length).to.equal(1)
      const best = await honest.payments.channels.best(channels[0].channelId)
      expect(best?.jobId?.replace(/^0x/, '')).to.equal(jobId)
    },
  )
})
