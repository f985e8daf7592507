// Issue 14 goal 1: only the providers a requester pushed its job to, and those whose lottery
// ticket wins, may bid. Hostile bidders (real libp2p nodes, one identity each, speaking
// /hive/bid with bids they sign) bid far under the honest provider's price on a job they were
// never pushed and did not win: one claims a push it never got, one claims a win its ticket does
// not give, one understates the provider estimate to make any ticket win. None is ever awarded;
// the requester drops and counts all three.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'chai'
import { buildExamples } from '../../examples/build.ts'
import { WorkerPool } from '../../node/exec/index.ts'
import { sendRequest } from '../../node/market/direct.ts'
import { createHiveLibp2p } from '../../node/p2p/create.ts'
import { JobRequest, SignedEnvelope } from '../../protocol/gen/market.ts'
import { signBid } from '../../protocol/market/build.ts'
import { WEIGHT_SCALE, estimateBounds, winsLottery } from '../../protocol/market/lottery.ts'
import { peerIdToBytes } from '../../protocol/signing.ts'
import { jobSubscribers } from '../support/topics.ts'
import { startMarketPeer, text, waitFor } from '../node/market/helpers.ts'
import type { HiveLibp2p } from '../../node/p2p/create.ts'
import type { MarketPeer } from '../node/market/helpers.ts'
import type { Ed25519PrivateKey } from '@libp2p/interface'

const HIVE = 10n ** 18n

describe('security 14: bids that bypass the lottery', function () {
  this.timeout(60_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-sec14-lottery-'))
  const pool = new WorkerPool({ size: 1 })
  const peers: MarketPeer[] = []
  const hostile: HiveLibp2p[] = []

  after(async () => {
    for (const h of hostile) await Promise.resolve(h.stop()).catch(() => {})
    for (const p of peers) await p.node.stop().catch(() => {})
    await pool.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it('a provider that bids without a push or a winning ticket is never awarded', async () => {
    const wordcount = readFileSync((await buildExamples()).wordcount)
    const requester = await startMarketPeer('requester', { roles: 'requester', root })
    peers.push(requester)
    const honest = await startMarketPeer('honest', { roles: 'provider', root, bootstrap: requester, pool })
    peers.push(honest)
    await waitFor(
      'the provider in the jobs topic',
      () => jobSubscribers(requester.node.libp2p.services.pubsub).length === 1,
    )

    // m = 1: the requester pushes to its one best candidate (the honest provider); it states
    // N = 40, so a gossip-only provider wins with p = 1/40 and may claim N no lower than 10
    const maxBidders = 1
    const providerEstimate = 40
    const { jobId } = await requester.market.requester!.post({
      module: wordcount,
      inputs: [{ name: 'in.txt', data: text('one two three\n') }],
      maxPrice: HIVE,
      bidWindowMs: 3_000,
      maxBidders,
      providerEstimate,
    })
    const record = await requester.market.requester!.get(jobId)
    const request = JobRequest.decode(SignedEnvelope.decode(Buffer.from(record!.requestHex, 'hex')).payload)
    const draw = { nonce: request.spec!.nonce, jobId, maxBidders }
    const lowest = estimateBounds(maxBidders, providerEstimate).min
    expect(lowest).to.equal(10)

    // identities whose ticket loses even at the lowest estimate the requester accepts
    const losers: Ed25519PrivateKey[] = []
    while (losers.length < 3) {
      const key = await generateKeyPair('Ed25519')
      if (!winsLottery({ ...draw, estimate: lowest }, peerIdToBytes(peerIdFromPrivateKey(key)), WEIGHT_SCALE))
        losers.push(key)
    }
    const claims = [
      { what: 'claims a push it never got', lotteryEstimate: 0 },
      { what: 'claims a win its ticket does not give', lotteryEstimate: lowest },
      { what: 'understates N so that any ticket wins', lotteryEstimate: maxBidders },
    ]
    const replies: string[] = []
    await Promise.all(
      claims.map(async (claim, i) => {
        const node = await createHiveLibp2p({ privateKey: losers[i] })
        hostile.push(node)
        await node.start()
        await node.dial(requester.node.libp2p.getMultiaddrs()[0])
        // the best bid on every count: cheapest, and a benchmark score no honest machine has
        const bid = await signBid(
          {
            jobId,
            price: 1n,
            estimatedDurationMs: 1,
            expiresAt: Date.now() + 60_000,
            benchmarkScore: 1_000_000,
            lotteryEstimate: claim.lotteryEstimate,
          },
          losers[i],
        )
        const reply = await sendRequest(node, requester.node.peerId, 'bid', bid)
        replies[i] = reply.code
      }),
    )

    const final = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(30_000) })
    const hostileIds = new Set(losers.map((k) => peerIdFromPrivateKey(k).toString()))
    const awardedToHostile = final.awards.filter((a) => hostileIds.has(a.provider))
    expect(
      awardedToHostile.map((a) => a.provider),
      'awards to bidders that neither were pushed nor won',
    ).to.deep.equal([])
    expect(final.phase, JSON.stringify(final.failure)).to.equal('completed')
    expect(final.awards.map((a) => a.provider)).to.deep.equal([honest.node.peerId.toString()])
    expect(final.bids.map((b) => b.provider)).to.deep.equal([honest.node.peerId.toString()])
    // each was told why, and counted
    expect(replies, claims.map((c) => c.what).join('; ')).to.deep.equal([
      'NOT_SELECTED',
      'NOT_SELECTED',
      'NOT_SELECTED',
    ])
    const dropped = requester.market.requester!.lotteryStats().dropped
    expect(dropped).to.deep.include({ unsolicited: 1, 'ticket-lost': 1, 'estimate-out-of-range': 1 })
  })
})
