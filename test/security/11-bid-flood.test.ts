// Item 11: a bid flood on one job must leave the job record bounded. Hostile bidders (real
// libp2p nodes, one identity each, speaking /hive/bid with bids they sign) all bid on one job of a
// real requester node; the record it keeps (and rewrites on every save) holds the best few bids
// and a count, not every bid.
import { expect } from 'chai'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { parseEther } from 'ethers'
import { createHiveLibp2p } from '../../node/p2p/create.ts'
import { sendRequest } from '../../node/market/direct.ts'
import { signBid } from '../../protocol/market/build.ts'
import { startMarketPeer, text } from '../node/market/helpers.ts'
import type { HiveLibp2p } from '../../node/p2p/create.ts'
import type { MarketPeer } from '../node/market/helpers.ts'

describe('security 11: bid floods', function () {
  this.timeout(60_000)
  let root: string
  let requester: MarketPeer | undefined
  const bidders: HiveLibp2p[] = []

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'hive-sec11-bids-'))
  })
  after(async () => {
    for (const b of bidders) await Promise.resolve(b.stop()).catch(() => {})
    await requester?.node.stop().catch(() => {})
    rmSync(root, { recursive: true, force: true })
  })

  it('a job flooded with bids keeps only the best few in its record, and how many came', async () => {
    requester = await startMarketPeer('r', { roles: 'requester', root })
    const keep = 8
    const flood = 24
    // a long bid window and a reserve no flood reaches: the job stays in bidding while it is flooded
    const { jobId } = await requester.market.requester!.post({
      module: text('not run'),
      maxPrice: parseEther('1'),
      bidWindowMs: 60_000,
      timeoutMs: 120_000,
      policy: { reserve: 1_000, maxBids: keep },
    })
    const addrs = requester.node.libp2p.getMultiaddrs()
    for (let i = 0; i < flood; i++) {
      const key = await generateKeyPair('Ed25519')
      const bidder = await createHiveLibp2p({ privateKey: key })
      bidders.push(bidder)
      await bidder.start()
      await bidder.dial(addrs[0])
      // the cheaper the later: the best bids arrive last, after the record is already full
      const price = parseEther('0.5') - BigInt(i) * parseEther('0.01')
      const expiresAt = Date.now() + 60_000
      const bid = await signBid({ jobId, price, estimatedDurationMs: 1_000, expiresAt, benchmarkScore: 1_000 }, key)
      const reply = await sendRequest(bidder, requester.node.peerId, 'bid', bid)
      expect(reply.code, reply.message).to.equal('')
    }
    const record = await requester.market.requester!.get(jobId)
    expect(record!.phase).to.equal('bidding')
    expect(record!.bids.length, 'bids kept in the job record').to.be.at.most(keep)
    expect(record!.bidsReceived, 'bids counted').to.equal(flood)
    // the cheapest ones are the ones kept
    const priceOf = (i: number): string => (parseEther('0.5') - BigInt(i) * parseEther('0.01')).toString()
    const cheapest = Array.from({ length: keep }, (_, i) => priceOf(flood - 1 - i))
    expect(record!.bids.map((b) => b.price).sort()).to.deep.equal(cheapest.sort())
  })
})
