// The requester's bid gate (node/market/bid-gate.ts) and push-candidate choice
// (protocol/market/candidates.ts) on their own: which bids are taken, which are dropped and
// counted, when every candidate has answered, and whom a new job is pushed to.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'chai'
import { BidGate } from '../../../node/market/bid-gate.ts'
import { CandidateBook } from '../../../node/market/candidates.ts'
import { chooseCandidates, providerEstimate } from '../../../protocol/market/candidates.ts'
import { WEIGHT_SCALE, winsLottery } from '../../../protocol/market/lottery.ts'
import { peerIdToBytes } from '../../../protocol/signing.ts'
import type { PeerId } from '@libp2p/interface'

const JOB = 'cd'.repeat(32)
const NONCE = new Uint8Array(16).fill(7)

async function peerWhose(wins: boolean, estimate: number, maxBidders: number): Promise<PeerId> {
  for (;;) {
    const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    if (winsLottery({ nonce: NONCE, jobId: JOB, maxBidders, estimate }, peerIdToBytes(peer), WEIGHT_SCALE) === wins)
      return peer
  }
}

describe('node/market bid gate and push candidates', () => {
  it('takes pushed providers and lottery winners; drops and counts the rest', async () => {
    const gate = new BidGate()
    gate.open(JOB, { nonce: NONCE, maxBidders: 2, statedEstimate: 20 })
    const pushed = await peerWhose(false, 5, 2)
    const winner = await peerWhose(true, 5, 2)
    const loser = await peerWhose(false, 5, 2)
    gate.markPushed(JOB, pushed.toString())
    expect(gate.admit(JOB, pushed, 0, WEIGHT_SCALE, 'o1')).to.deep.equal({ ok: true, via: 'pushed' })
    expect(gate.admit(JOB, winner, 5, WEIGHT_SCALE, 'o2')).to.deep.equal({ ok: true, via: 'won' })
    expect(gate.admit(JOB, loser, 5, WEIGHT_SCALE, 'o3')).to.deep.equal({ ok: false, reason: 'ticket-lost' })
    expect(gate.admit(JOB, loser, 0, WEIGHT_SCALE, 'o3')).to.deep.equal({ ok: false, reason: 'unsolicited' })
    expect(gate.admit(JOB, loser, 4, WEIGHT_SCALE, 'o3')).to.deep.equal({ ok: false, reason: 'estimate-out-of-range' })
    // no stake, no ticket, whatever it claims
    expect(gate.admit(JOB, winner, 5, 0n, 'o4')).to.deep.equal({ ok: false, reason: 'ticket-lost' })
    const stats = gate.stats()
    expect(stats).to.deep.include({ pushed: 1, pushedBids: 1, wonBids: 1 })
    expect(stats.dropped).to.deep.equal({
      unsolicited: 1,
      'ticket-lost': 2,
      'estimate-out-of-range': 1,
      'owner-repeat': 0,
    })
  })

  it('several peer ids of one owner share its one lottery bid per job', async () => {
    const gate = new BidGate()
    gate.open(JOB, { nonce: NONCE, maxBidders: 4, statedEstimate: 4 }) // N ≤ m: every ticket wins
    const a = await peerWhose(true, 4, 4)
    const b = await peerWhose(true, 4, 4)
    expect(gate.admit(JOB, a, 4, WEIGHT_SCALE, 'owner')).to.deep.equal({ ok: true, via: 'won' })
    expect(gate.admit(JOB, b, 4, WEIGHT_SCALE, 'owner')).to.deep.equal({ ok: false, reason: 'owner-repeat' })
  })

  it('a job without a lottery (m = 0) takes every bid; an unknown job too (the job rules apply)', async () => {
    const gate = new BidGate()
    gate.open(JOB, { nonce: NONCE, maxBidders: 0, statedEstimate: 0 })
    const p = await peerWhose(false, 1000, 1)
    expect(gate.admit(JOB, p, 0, WEIGHT_SCALE, 'x')).to.deep.equal({ ok: true, via: 'open' })
    expect(gate.admit('ef'.repeat(32), p, 0, WEIGHT_SCALE, 'x')).to.deep.equal({ ok: true, via: 'open' })
  })

  it('reports "all answered" once pushes are done, every pushed candidate answered, and the view was closed', () => {
    const gate = new BidGate()
    let fired = 0
    gate.open(JOB, { nonce: NONCE, maxBidders: 4, statedEstimate: 2 }, () => {
      fired++
    })
    gate.markPushed(JOB, 'a')
    gate.markPushed(JOB, 'b')
    gate.answered(JOB, 'a')
    gate.pushesDone(JOB, true)
    expect(fired).to.equal(0)
    gate.answered(JOB, 'b')
    expect(fired).to.equal(1)
    gate.answered(JOB, 'b')
    expect(fired, 'once').to.equal(1)

    const open = new BidGate()
    let openFired = 0
    open.open(JOB, { nonce: NONCE, maxBidders: 4, statedEstimate: 9 }, () => {
      openFired++
    })
    open.markPushed(JOB, 'a')
    open.answered(JOB, 'a')
    open.pushesDone(JOB, false)
    expect(openFired, 'others may still bid: no early award').to.equal(0)
  })

  it('pushes to every known provider when they are at most m; otherwise the best m − 1 and the stalest', () => {
    const small = chooseCandidates([{ provider: 'a' }, { provider: 'b', priceRatio: 0.1 }], 4)
    expect(small).to.deep.equal({ targets: ['b', 'a'], closedView: true, estimate: 2 })
    const view = [
      { provider: 'a', priceRatio: 0.5, lastPushed: 3 },
      { provider: 'b', priceRatio: 0.2, lastPushed: 3 },
      { provider: 'c', priceRatio: 0.3, lastPushed: 3, weight: 3n * WEIGHT_SCALE },
      { provider: 'd', priceRatio: 0.9, lastPushed: 1 },
      { provider: 'new' },
    ]
    const choice = chooseCandidates(view, 3)
    expect(choice.targets).to.deep.equal(['b', 'c', 'new'])
    expect(choice.closedView).to.equal(false)
    expect(choice.estimate).to.equal(7) // a, b, d: 1 each; c: 3; new: 1
  })

  it('pushes at most one peer id per stake owner, and counts an owner once in N', () => {
    const view = [
      { provider: 's1', owner: 'sybil', priceRatio: 0.1 },
      { provider: 's2', owner: 'sybil', priceRatio: 0.1 },
      { provider: 's3', owner: 'sybil', priceRatio: 0.1 },
      { provider: 'h1', priceRatio: 0.3 },
      { provider: 'h2', priceRatio: 0.4 },
    ]
    const choice = chooseCandidates(view, 4)
    expect(choice.targets).to.deep.equal(['s1', 'h1', 'h2'])
    expect(choice.estimate).to.equal(3)
    expect(choice.closedView, 'the other peer ids of the owner may still bid').to.equal(false)
  })

  it('N counts bidders by stake weight, and topic-only peer ids (free to make) at most max(m, bidders) times', () => {
    const bidders = Array.from({ length: 6 }, (_, i) => ({
      provider: `b${i}`,
      priceRatio: 0.5,
      weight: 2n * WEIGHT_SCALE,
    }))
    const sybils = Array.from({ length: 1000 }, (_, i) => ({ provider: `s${i}` }))
    expect(providerEstimate(bidders, 4)).to.equal(12)
    expect(providerEstimate([...bidders, ...sybils], 4)).to.equal(12 + 6)
    // a cold start (nobody bid yet): at most m, so every provider that hears the job may bid
    expect(providerEstimate(sybils, 4)).to.equal(4)
  })

  it('equal candidates take turns (the one pushed longest ago first), not the lowest peer id always', () => {
    const book = new CandidateBook()
    const live = ['a', 'b', 'c', 'd']
    for (const p of live) book.noteBid(p, 10n, 100n, WEIGHT_SCALE)
    const counts = new Map<string, number>()
    for (let job = 0; job < 8; job++)
      for (const t of book.choose(live, 2).targets) counts.set(t, (counts.get(t) ?? 0) + 1)
    expect([...counts.values()]).to.deep.equal([4, 4, 4, 4])
  })

  it('a newcomer in the view is pushed within |view| jobs, whatever its price', () => {
    const book = new CandidateBook()
    const live = Array.from({ length: 10 }, (_, i) => `p${i}`)
    for (const p of live) book.noteBid(p, 10n, 100n, WEIGHT_SCALE)
    let pushedAt = -1
    for (let job = 0; job < live.length + 1 && pushedAt < 0; job++) {
      if (book.choose([...live, 'newcomer'], 4).targets.includes('newcomer')) pushedAt = job
    }
    expect(pushedAt).to.be.within(0, live.length)
  })
})
