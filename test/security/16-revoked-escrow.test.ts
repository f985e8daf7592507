// Issue 16, attack: a provider wins an escrow-paid award, accepts it (so the requester deposits its
// price for it on chain), then goes silent. The requester revokes the award and re-awards the slot;
// the silent provider then tries to hold on to the money: it commits a result hash on chain (which,
// left alone, would shut out the requester's refund and let it claim after the challenge window).
// Defence (docs/reaward.md, JobEscrow.cancel): the requester cancels the revoked provider's escrow
// at revocation, so its deposit is back in seconds, not after the award's deadline, and the revoked
// provider can neither commit nor claim. Real Hardhat chain, real libp2p peers.
import { expect } from 'chai'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { id as keccakText, parseEther } from 'ethers'
import { escrowId as escrowIdOf } from '../../protocol/eip712.ts'
import { jobIdToBytes } from '../../protocol/market/job-id.ts'
import { peerIdToBytes } from '../../protocol/signing.ts'
import { startDevChain } from '../support/chain.ts'
import { HostilePeer, joinBothProviders, startHonest, waitFor, wordcountModule } from './exchange-peers.ts'
import type { HonestPeer } from './exchange-peers.ts'
import type { DevChain } from '../support/chain.ts'
import type { Contract, Wallet } from 'ethers'

const REFUNDED = 5n

/** The custom error a transaction reverted with ('' when it went through). */
async function revertOf(tx: Promise<{ wait: () => Promise<unknown> }>): Promise<string> {
  try {
    await (await tx).wait()
    return ''
  } catch (err) {
    // the chain's contract bindings carry no error ABI: match the selector
    const e = err as { data?: string; shortMessage?: string; message: string }
    const wrongStatus = keccakText('JobEscrowWrongStatus(bytes32,uint8)').slice(0, 10)
    if (typeof e.data === 'string' && e.data.startsWith(wrongStatus)) return 'JobEscrowWrongStatus'
    return e.data ?? e.shortMessage ?? e.message
  }
}

describe("security 16: a revoked provider's escrow goes back to the requester at revocation", function () {
  this.timeout(150_000)
  let chain: DevChain
  let dir: string
  let requester: HonestPeer
  let honest: HonestPeer
  let silent: HostilePeer
  let silentWallet: Wallet

  before(async function () {
    this.timeout(120_000)
    chain = await startDevChain({ params: { protocolFeeBps: 0n } })
    dir = mkdtempSync(join(tmpdir(), 'hive-sec16-escrow-'))
    silentWallet = chain.account(3)
    await chain.giveHive(chain.account(1).address, parseEther('1000'))
    requester = await startHonest(chain, dir, 'requester', 'requester', chain.account(1), {
      payments: { retryMs: 600_000 },
      audit: true,
    })
    honest = await startHonest(chain, dir, 'honest', 'provider', chain.account(2), {
      payments: { fundingWaitMs: 20_000 },
    })
    silent = await HostilePeer.start(dir, 'silent')
    await joinBothProviders(requester, honest, silent)
  })
  after(async () => {
    for (const p of [silent, honest, requester]) await p?.stop()
    await chain?.stop()
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  })

  it(
    'k = 1, escrow: the silent winner is revoked, its escrow' +
      ' refunded at once, and it can neither commit nor claim',
    async () => {
      const module = await wordcountModule()
      const price = parseEther('0.001')
      // 60 s wall time: the first escrow's own deadline (award deadline + 60 s margin) is minutes away
      const { jobId } = await requester.market.requester!.post({
        module,
        inputs: [{ name: 'a.txt', data: new TextEncoder().encode('one two three\n') }],
        args: ['1'],
        maxPrice: parseEther('1'),
        bidWindowMs: 3_000,
        payment: 'escrow',
        timeoutMs: 120_000,
        limits: { wallTimeMs: 60_000 },
      })
      const job = await waitFor('the job on the gossip topic', () => silent.jobs.find((j) => j.jobId === jobId))
      // the cheapest bid: it wins, accepts (HostilePeer accepts every award) and never heartbeats
      await silent.bid(job, price, silentWallet.address)
      await waitFor('the award to the silent bidder', () =>
        requester.events.find(
          (e) => e.type === 'job:accepted' && e.jobId === jobId && e.provider === silent.peerId.toString(),
        ),
      )
      const escrow = chain.contracts.escrow as Contract
      const escrowKey = escrowIdOf(`0x${jobId}`, chain.account(1).address, silentWallet.address)
      const deposited = await escrow.escrow(escrowKey)
      expect(deposited.amount, "the silent provider's escrow").to.equal(price)

      await waitFor(
        'the silent award revoked',
        () =>
          requester.events.find(
            (e) => e.type === 'job:revoked' && e.jobId === jobId && e.provider === silent.peerId.toString(),
          ),
        15_000,
      )
      // the requester's deposit for the revoked award comes back within seconds, long before its deadline
      await waitFor(
        "the revoked provider's escrow refunded",
        async () => ((await escrow.escrow(escrowKey)).status === REFUNDED ? true : undefined),
        20_000,
      )
      // by JobEscrow.cancel, for the whole deposit, before the deadline (the node sweeps the credit
      // into its wallet at once, so the credit itself is not there to read)
      const cancelled = await chain.provider.getLogs({
        address: await escrow.getAddress(),
        topics: [keccakText('EscrowCancelled(bytes32,uint256)'), escrowKey],
        fromBlock: 0,
      })
      expect(cancelled.length, 'EscrowCancelled').to.equal(1)
      expect(BigInt(cancelled[0].data), 'the amount back').to.equal(price)
      const block = await chain.provider.getBlock(cancelled[0].blockNumber)
      expect(BigInt(block!.timestamp), 'refunded before its deadline').to.be.lessThan(deposited.deadline)

      // the revoked provider tries to hold on to the deposit: commit a result hash, then claim
      const asSilent = escrow.connect(silentWallet.connect(chain.provider)) as Contract
      const resultHash = `0x${'ab'.repeat(32)}`
      expect(await revertOf(asSilent.commitResult(escrowKey, resultHash)), 'its commitment').to.equal(
        'JobEscrowWrongStatus',
      )
      expect(await revertOf(asSilent.claim(escrowKey)), 'its claim').to.equal('JobEscrowWrongStatus')

      // the job itself completes on the replacement, which alone is paid
      const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(90_000) })
      expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
      expect(record.awards.filter((a) => a.paidAt !== undefined).map((a) => a.provider)).to.deep.equal([
        honest.node.peerId.toString(),
      ])
      expect((await escrow.escrow(escrowKey)).status, 'still refunded after settling').to.equal(REFUNDED)

      // an auditor sees the revocation (the requester's signed AwardRevocation) and the refund in its log
      const entries = (await requester.audit!.entriesForJob(jobIdToBytes(jobId))).map((s) => s.entry)
      const silentBytes = peerIdToBytes(silent.peerId)
      const revoked = entries.find((e) => e.type === 'revoked')
      expect(revoked, 'a revoked entry').to.not.equal(undefined)
      if (revoked?.type !== 'revoked') return
      expect(Buffer.from(revoked.counterparty).equals(Buffer.from(silentBytes)), 'naming the silent provider').to.equal(
        true,
      )
      expect(revoked.direction).to.equal('sent')
      expect(revoked.envelope, 'the signed revocation kept').to.not.equal(undefined)
      expect(
        entries.some((e) => e.type === 'refunded' && Buffer.from(e.counterparty).equals(Buffer.from(silentBytes))),
        'a refunded entry for its escrow',
      ).to.equal(true)
    },
  )
})
