import { expect } from 'chai'
import { Bid, MessageType } from '../../../protocol/gen/market.ts'
import { MAX_MESSAGE_BYTES, DEFAULT_CLOCK_SKEW_MS } from '../../../protocol/market/bounds.ts'
import { signBid } from '../../../protocol/market/build.ts'
import { sealEnvelope } from '../../../protocol/market/envelope.ts'
import { ownBytes } from '../../../protocol/market/fields.ts'
import { jobIdToBytes } from '../../../protocol/market/job-id.ts'
import { SeenCache } from '../../../protocol/market/seen-cache.ts'
import { MAX_FREE_SLOTS, validateBid } from '../../../protocol/market/validate-bid.ts'
import { peerIdToBytes } from '../../../protocol/signing.ts'
import { corruptSignature, expectMarketError, keyFromSeed, NOW, peerOf, resign } from './fixtures.ts'
import type { BidInput } from '../../../protocol/market/build.ts'
import type { MarketErrorCode } from '../../../protocol/market/errors.ts'
import type { ValidateBidOptions } from '../../../protocol/market/validate-bid.ts'
import type { Ed25519PrivateKey } from '@libp2p/interface'

const JOB = '11'.repeat(32)
const OTHER_JOB = '22'.repeat(32)

describe('protocol/market validateBid', () => {
  let provider: Ed25519PrivateKey
  let other: Ed25519PrivateKey
  let opts: ValidateBidOptions
  const input = (o: Partial<BidInput> = {}): BidInput => ({
    jobId: JOB,
    price: 500n,
    estimatedDurationMs: 1200,
    expiresAt: NOW + 10_000,
    benchmarkScore: 900,
    ...o,
  })
  before(async () => {
    provider = await keyFromSeed(3)
    other = await keyFromSeed(4)
  })
  beforeEach(() => {
    opts = {
      now: NOW,
      expectedProvider: peerOf(provider),
      lookupJob: (id) => (id === JOB ? { maxPrice: 1000n } : undefined),
    }
  })

  /** a Bid signed by `key` with arbitrary fields, bypassing signBid */
  async function rawBid(key: Ed25519PrivateKey, fields: Partial<Bid>): Promise<Uint8Array> {
    const bid: Bid = {
      jobId: ownBytes(jobIdToBytes(JOB)),
      provider: ownBytes(peerIdToBytes(peerOf(key))),
      price: '500',
      estimatedDurationMs: 1,
      providerEthAddress: '',
      expiresAt: NOW + 1000,
      stakeHint: '',
      benchmarkScore: 0,
      lotteryEstimate: 0,
      freeSlots: 0,
      slotsHeldForRequester: 0,
      ...fields,
    }
    return await sealEnvelope(MessageType.BID, Bid.encode(bid), key)
  }

  it('accepts a bid at or under the max price and returns its typed view', async () => {
    const bytes = await signBid(input({ stakeHint: 10n ** 20n, providerEthAddress: '0x' + 'ab'.repeat(20) }), provider)
    const valid = await validateBid(bytes, opts)
    expect(valid.jobId).to.equal(JOB)
    expect(valid.price).to.equal(500n)
    expect(valid.stakeHint).to.equal(10n ** 20n)
    expect(valid.provider.equals(peerOf(provider))).to.equal(true)
    expect(valid.bid.benchmarkScore).to.equal(900)
    expect(valid.bid.freeSlots, 'not stated').to.equal(0)
    const slots = (await validateBid(await signBid(input({ freeSlots: 3, slotsHeldForRequester: 1 }), provider), opts))
      .bid
    expect([slots.freeSlots, slots.slotsHeldForRequester]).to.deep.equal([3, 1])
    await validateBid(await signBid(input({ price: 1000n }), provider), opts)
    expect((await validateBid(await signBid(input(), provider), opts)).stakeHint).to.equal(undefined)
  })

  it('takes one bid per provider per job: a replay or a second bid is ignored', async () => {
    const seen = new SeenCache({ capacity: 100, ttlMs: 60_000 })
    const bytes = await signBid(input(), provider)
    await validateBid(bytes, { ...opts, seen })
    await expectMarketError(() => validateBid(bytes, { ...opts, seen }), 'DUPLICATE', 'IGNORE')
    const rebid = await signBid(input({ price: 400n }), provider)
    await expectMarketError(() => validateBid(rebid, { ...opts, seen }), 'DUPLICATE', 'IGNORE')
    // another provider's bid for the same job is fine
    await validateBid(await signBid(input(), other), { ...opts, expectedProvider: peerOf(other), seen })
  })

  it('ignores bids for unknown jobs and expired bids', async () => {
    await expectMarketError(
      async () => await validateBid(await signBid(input({ jobId: OTHER_JOB }), provider), opts),
      'UNKNOWN_JOB',
      'IGNORE',
    )
    const bytes = await signBid(input({ expiresAt: NOW }), provider)
    await validateBid(bytes, { ...opts, now: NOW + DEFAULT_CLOCK_SKEW_MS })
    await expectMarketError(
      () => validateBid(bytes, { ...opts, now: NOW + DEFAULT_CLOCK_SKEW_MS + 1 }),
      'BID_EXPIRED',
      'IGNORE',
    )
  })

  const cases: Array<[string, (k: Ed25519PrivateKey, o: Ed25519PrivateKey) => Promise<Uint8Array>, MarketErrorCode]> = [
    ['price over the max', async (k) => await signBid(input({ price: 1001n }), k), 'PRICE_ABOVE_MAX'],
    ['zero price', async (k) => await rawBid(k, { price: '0' }), 'INVALID_AMOUNT'],
    ['negative price', async (k) => await rawBid(k, { price: '-1' }), 'INVALID_AMOUNT'],
    ['non-numeric price', async (k) => await rawBid(k, { price: 'cheap' }), 'INVALID_AMOUNT'],
    ['non-numeric stake hint', async (k) => await rawBid(k, { stakeHint: '1.5' }), 'INVALID_AMOUNT'],
    ['bad eth address', async (k) => await rawBid(k, { providerEthAddress: '0xzz' }), 'INVALID_FIELD'],
    [
      'more free slots than one node has',
      async (k) => await rawBid(k, { freeSlots: MAX_FREE_SLOTS + 1 }),
      'INVALID_FIELD',
    ],
    [
      'validity over a week',
      async (k) => await signBid(input({ expiresAt: NOW + 8 * 86_400_000 }), k),
      'INVALID_FIELD',
    ],
    ['bad signature', async (k) => corruptSignature(await signBid(input(), k)), 'BAD_SIGNATURE'],
    [
      'signed by a peer it does not name',
      async (k, o) => await resign(await signBid(input(), k), o),
      'SIGNER_MISMATCH',
    ],
    ['naming another provider than the stream peer', async (_k, o) => await signBid(input(), o), 'PEER_MISMATCH'],
    ['a job id of 20 bytes', async (k) => await rawBid(k, { jobId: new Uint8Array(20) }), 'MALFORMED'],
    [
      'a provider that is not a peer id',
      async (k) => await rawBid(k, { provider: new Uint8Array([1, 2, 3]) }),
      'MALFORMED',
    ],
    ['oversized', async () => new Uint8Array(MAX_MESSAGE_BYTES.bid + 1), 'OVERSIZED'],
    [
      'a job request envelope',
      async (k) => await sealEnvelope(MessageType.JOB_REQUEST, new Uint8Array(0), k),
      'WRONG_TYPE',
    ],
  ]
  for (const [name, make, code] of cases) {
    it(`rejects a bid with ${name}: ${code}`, async () => {
      const bytes = await make(provider, other)
      await expectMarketError(() => validateBid(bytes, opts), code, 'REJECT')
    })
  }
})
