import { expect } from 'chai'
import { CLOCK_SYNC, decodeTime, encodeTime, networkOffset, offsetSample } from '../../protocol/clock-offset.ts'

const MIN = 60_000

describe('protocol/clock-offset: network-adjusted time', () => {
  it('estimates a peer offset at the round trip midpoint', () => {
    expect(offsetSample(1_000, 121_100, 1_200)).to.deep.equal({ offsetMs: 120_000, rttMs: 200 })
    expect(offsetSample(1_000, 900, 1_000)).to.deep.equal({ offsetMs: -100, rttMs: 0 })
  })

  it('a node 2 min ahead of its peers is pulled back to them', () => {
    const r = networkOffset([-2 * MIN, -2 * MIN + 40, -2 * MIN - 30])
    expect(r.offsetMs).to.equal(-2 * MIN + 40) // four votes with its own 0: the middle nearer to 0
    expect(r.peers).to.equal(3)
    expect(r.capped).to.equal(false)
  })

  it('one wrong peer among right ones moves nothing; two right peers and one wrong: nothing either', () => {
    expect(networkOffset([2 * MIN, 10, -20]).offsetMs).to.equal(0)
    expect(networkOffset([2 * MIN, 5]).offsetMs).to.equal(0)
  })

  it('needs two peers before it moves at all (a pair cannot tell who is wrong)', () => {
    expect(networkOffset([]).offsetMs).to.equal(0)
    expect(networkOffset([-2 * MIN]).offsetMs).to.equal(0)
    expect(networkOffset([-2 * MIN, -2 * MIN]).offsetMs).to.equal(-2 * MIN)
  })

  it('with an even number of votes, the middle value nearer to 0 wins', () => {
    // votes 0, 30 s, 2 min, 2 min: middles 30 s and 2 min
    expect(networkOffset([30_000, 2 * MIN, 2 * MIN]).offsetMs).to.equal(30_000)
    expect(networkOffset([-30_000, -2 * MIN, -2 * MIN]).offsetMs).to.equal(-30_000)
  })

  it('leaves jitter alone: a median under the dead band is no correction', () => {
    expect(networkOffset([CLOCK_SYNC.deadbandMs - 1, CLOCK_SYNC.deadbandMs - 1]).offsetMs).to.equal(0)
    expect(networkOffset([CLOCK_SYNC.deadbandMs, CLOCK_SYNC.deadbandMs]).offsetMs).to.equal(CLOCK_SYNC.deadbandMs)
  })

  it('a crowd of lying peers moves a node by the cap at the most, and says so', () => {
    const r = networkOffset(Array.from({ length: 50 }, () => 60 * MIN))
    expect(r.offsetMs).to.equal(CLOCK_SYNC.maxAdjustMs)
    expect(r.medianMs).to.equal(60 * MIN)
    expect(r.capped).to.equal(true)
    expect(networkOffset(Array.from({ length: 50 }, () => -60 * MIN)).offsetMs).to.equal(-CLOCK_SYNC.maxAdjustMs)
  })

  it('ignores samples that are not numbers', () => {
    expect(networkOffset([Number.NaN, Number.POSITIVE_INFINITY, -2 * MIN]).peers).to.equal(1)
  })

  it('puts a time on the wire as 8 bytes and refuses anything else', () => {
    const t = 1_797_000_000_123
    expect(decodeTime(encodeTime(t))).to.equal(t)
    expect(() => decodeTime(new Uint8Array(7))).to.throw(RangeError)
    expect(() => decodeTime(new Uint8Array(8).fill(0xff))).to.throw(RangeError)
  })
})
