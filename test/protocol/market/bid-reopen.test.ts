// Issue 16: the requester's BidReopen, validated on its own: signed by the job's requester,
// bound to the job, its sequence moving forward, its window short and early enough for a run.
import { expect } from 'chai'
import {
  MAX_REOPEN_SEQUENCE,
  MAX_REOPEN_TRIED,
  MAX_REOPEN_WINDOW_MS,
  decodeReopenPush,
  encodeReopenPush,
  reopenWindowEnd,
  signBidReopen,
  validateBidReopen,
} from '../../../protocol/market/bid-reopen.ts'
import { corruptSignature, expectMarketError, keyFromSeed, NOW, peerOf, resign } from './fixtures.ts'
import type { Ed25519PrivateKey } from '@libp2p/interface'

const JOB = 'ab'.repeat(32)
const OTHER_JOB = 'cd'.repeat(32)
const WALL = 10_000
const DEADLINE = NOW + 60_000

describe('protocol/market BidReopen (issue 16)', () => {
  let requester: Ed25519PrivateKey
  let provider: Ed25519PrivateKey
  let mallory: Ed25519PrivateKey

  before(async () => {
    requester = await keyFromSeed(1)
    provider = await keyFromSeed(2)
    mallory = await keyFromSeed(3)
  })

  const reopen = async (
    key: Ed25519PrivateKey,
    over: Partial<Parameters<typeof signBidReopen>[0]> = {},
  ): Promise<Uint8Array> =>
    await signBidReopen(
      { jobId: JOB, sequence: 1, bidsCloseAt: NOW + 2_000, tried: [peerOf(provider)], issuedAt: NOW, ...over },
      key,
    )
  const opts = (
    over: Partial<Parameters<typeof validateBidReopen>[1]> = {},
  ): Parameters<typeof validateBidReopen>[1] => ({
    now: NOW,
    job: { jobId: JOB, requester: peerOf(requester), deadline: DEADLINE, wallTimeMs: WALL },
    ...over,
  })

  it("accepts the job's requester's reopen and reads its window and tried providers", async () => {
    const valid = await validateBidReopen(await reopen(requester), opts())
    expect([valid.jobId, valid.sequence, valid.bidsCloseAt, valid.tried]).to.deep.equal([
      JOB,
      1,
      NOW + 2_000,
      [peerOf(provider).toString()],
    ])
  })

  it('refuses a reopen signed by anybody but the job requester', async () => {
    // names itself as requester: not the job's requester
    const forged = await reopen(mallory)
    await expectMarketError(async () => await validateBidReopen(forged, opts()), 'PEER_MISMATCH', 'REJECT')
    // names the job's requester but signed by another key
    await expectMarketError(
      async () => await validateBidReopen(await resign(await reopen(requester), mallory), opts()),
      'SIGNER_MISMATCH',
      'REJECT',
    )
    await expectMarketError(
      async () => await validateBidReopen(corruptSignature(await reopen(requester)), opts()),
      'BAD_SIGNATURE',
      'REJECT',
    )
  })

  it('refuses a reopen of another job', async () => {
    await expectMarketError(
      async () => await validateBidReopen(await reopen(requester, { jobId: OTHER_JOB }), opts()),
      'JOB_ID_MISMATCH',
    )
  })

  it('refuses a sequence that does not move forward (a replay), and one out of range', async () => {
    await expectMarketError(
      async () => await validateBidReopen(await reopen(requester, { sequence: 2 }), opts({ lastSequence: 2 })),
      'REOPEN_REPLAYED',
      'IGNORE',
    )
    await expectMarketError(
      async () => await validateBidReopen(await reopen(requester, { sequence: 1 }), opts({ lastSequence: 2 })),
      'REOPEN_REPLAYED',
    )
    const next = await validateBidReopen(await reopen(requester, { sequence: 3 }), opts({ lastSequence: 2 }))
    expect(next.sequence).to.equal(3)
    await expectMarketError(
      async () => await validateBidReopen(await reopen(requester, { sequence: 0 }), opts()),
      'INVALID_FIELD',
    )
    await expectMarketError(
      async () => await validateBidReopen(await reopen(requester, { sequence: MAX_REOPEN_SEQUENCE + 1 }), opts()),
      'INVALID_FIELD',
    )
  })

  it('refuses a window that ends after the last start that can finish by the deadline', async () => {
    const latest = DEADLINE - WALL
    const ok = await validateBidReopen(await reopen(requester, { bidsCloseAt: latest }), opts())
    expect(ok.bidsCloseAt).to.equal(latest)
    await expectMarketError(
      async () => await validateBidReopen(await reopen(requester, { bidsCloseAt: latest + 1 }), opts()),
      'REOPEN_TOO_LATE',
      'REJECT',
    )
  })

  it('bounds the lifetime: no window longer than the maximum, none from the future, none already closed', async () => {
    const long = { deadline: NOW + 10 * MAX_REOPEN_WINDOW_MS, wallTimeMs: WALL }
    await expectMarketError(
      async () =>
        await validateBidReopen(
          await reopen(requester, { bidsCloseAt: NOW + MAX_REOPEN_WINDOW_MS + 1 }),
          opts({ job: { jobId: JOB, requester: peerOf(requester), ...long } }),
        ),
      'INVALID_FIELD',
    )
    await expectMarketError(
      async () => await validateBidReopen(await reopen(requester, { bidsCloseAt: NOW, issuedAt: NOW }), opts()),
      'INVALID_FIELD',
    )
    await expectMarketError(
      async () =>
        await validateBidReopen(
          await reopen(requester, { issuedAt: NOW + 60_000, bidsCloseAt: NOW + 61_000 }),
          opts({ job: { jobId: JOB, requester: peerOf(requester), deadline: NOW + 600_000, wallTimeMs: WALL } }),
        ),
      'FROM_FUTURE',
    )
    await expectMarketError(
      async () => await validateBidReopen(await reopen(requester), opts({ now: NOW + 2_000 + 60_000 })),
      'JOB_EXPIRED',
      'IGNORE',
    )
  })

  it('refuses more tried providers than the bound, and keeps the newest when signing a longer list', async () => {
    const seeds = Array.from({ length: MAX_REOPEN_TRIED + 3 }, (_, i) => 10 + i)
    const many = await Promise.all(seeds.map(async (n) => await keyFromSeed(n)))
    const valid = await validateBidReopen(await reopen(requester, { tried: many.map(peerOf) }), opts())
    expect(valid.tried).to.have.length(MAX_REOPEN_TRIED)
    expect(valid.tried.at(-1)).to.equal(peerOf(many.at(-1)!).toString())
  })

  it('reopenWindowEnd: the window shrinks to the last useful start, and none when the deadline leaves no room', () => {
    expect(reopenWindowEnd({ now: NOW, deadline: DEADLINE, wallTimeMs: WALL, windowMs: 2_000 })).to.equal(NOW + 2_000)
    expect(reopenWindowEnd({ now: NOW, deadline: NOW + WALL + 800, wallTimeMs: WALL, windowMs: 2_000 })).to.equal(
      NOW + 800,
    )
    expect(reopenWindowEnd({ now: NOW, deadline: NOW + WALL + 100, wallTimeMs: WALL, windowMs: 2_000 })).to.equal(
      undefined,
    )
  })

  it('round-trips the /hive/reopen body and refuses an empty part', async () => {
    const r = await reopen(requester)
    const body = decodeReopenPush(encodeReopenPush(r, new Uint8Array([1, 2, 3])))
    expect(body.reopen).to.deep.equal(r)
    await expectMarketError(() => decodeReopenPush(encodeReopenPush(r, new Uint8Array(0))), 'MALFORMED')
  })
})
