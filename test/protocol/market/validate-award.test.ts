import { expect } from 'chai'
import { MessageType } from '../../../protocol/gen/market.ts'
import { signAcceptance, signAward } from '../../../protocol/market/build.ts'
import { sealEnvelope } from '../../../protocol/market/envelope.ts'
import { SeenCache } from '../../../protocol/market/seen-cache.ts'
import { validateAcceptance, validateAward } from '../../../protocol/market/validate-award.ts'
import { corruptSignature, expectMarketError, keyFromSeed, NOW, peerOf, resign } from './fixtures.ts'
import type { AcceptanceInput, AwardInput } from '../../../protocol/market/build.ts'
import type { MarketErrorCode } from '../../../protocol/market/errors.ts'
import type { SentAward, ValidateAwardOptions } from '../../../protocol/market/validate-award.ts'
import type { Ed25519PrivateKey } from '@libp2p/interface'

const JOB = '33'.repeat(32)

describe('protocol/market validateAward and validateAcceptance', () => {
  let requester: Ed25519PrivateKey
  let provider: Ed25519PrivateKey
  let stranger: Ed25519PrivateKey
  let opts: ValidateAwardOptions
  let award: (o?: Partial<AwardInput>) => AwardInput
  before(async () => {
    requester = await keyFromSeed(5)
    provider = await keyFromSeed(6)
    stranger = await keyFromSeed(7)
    award = (o = {}) => ({
      jobId: JOB,
      provider: peerOf(provider),
      price: 700n,
      awardIndex: 1,
      deadline: NOW + 30_000,
      issuedAt: NOW,
      ...o,
    })
  })
  beforeEach(() => {
    opts = {
      now: NOW,
      self: peerOf(provider),
      expectedRequester: peerOf(requester),
      lookupBid: (id) => (id === JOB ? { requester: peerOf(requester), price: 700n, redundancy: 2 } : undefined),
    }
  })

  it('accepts the award of our bid and returns its typed view', async () => {
    const valid = await validateAward(await signAward(award(), requester), opts)
    expect(valid.jobId).to.equal(JOB)
    expect(valid.price).to.equal(700n)
    expect(valid.requester.equals(peerOf(requester))).to.equal(true)
    expect(valid.award.awardIndex).to.equal(1)
  })

  it('ignores a replayed award, an award for a job we did not bid on, and an expired one', async () => {
    const seen = new SeenCache({ capacity: 10, ttlMs: 60_000 })
    const bytes = await signAward(award(), requester)
    await validateAward(bytes, { ...opts, seen })
    await expectMarketError(() => validateAward(bytes, { ...opts, seen }), 'DUPLICATE', 'IGNORE')
    const unknown = await signAward(award({ jobId: '44'.repeat(32) }), requester)
    await expectMarketError(() => validateAward(unknown, opts), 'UNKNOWN_JOB', 'IGNORE')
    await expectMarketError(() => validateAward(bytes, { ...opts, now: NOW + 30_000 }), 'AWARD_EXPIRED', 'IGNORE')
    const early = await signAward(award({ issuedAt: NOW + 60_000, deadline: NOW + 90_000 }), requester)
    await expectMarketError(() => validateAward(early, opts), 'FROM_FUTURE', 'IGNORE')
  })

  const awardCases: Array<[string, () => Promise<Uint8Array>, MarketErrorCode]> = [
    ['another price than our bid', async () => await signAward(award({ price: 701n }), requester), 'PRICE_MISMATCH'],
    [
      'a slot beyond the redundancy',
      async () => await signAward(award({ awardIndex: 2 }), requester),
      'AWARD_INDEX_OUT_OF_RANGE',
    ],
    [
      'another provider',
      async () => await signAward(award({ provider: peerOf(stranger) }), requester),
      'NOT_ADDRESSED_TO_US',
    ],
    ['a requester other than the stream peer', async () => await signAward(award(), stranger), 'PEER_MISMATCH'],
    ['a bad signature', async () => corruptSignature(await signAward(award(), requester)), 'BAD_SIGNATURE'],
    ['a forged requester', async () => await resign(await signAward(award(), requester), stranger), 'SIGNER_MISMATCH'],
    [
      'a deadline a month away',
      async () => await signAward(award({ deadline: NOW + 30 * 86_400_000 }), requester),
      'INVALID_FIELD',
    ],
    ['a bid envelope', async () => await sealEnvelope(MessageType.BID, new Uint8Array(0), requester), 'WRONG_TYPE'],
    ['garbage', async () => new Uint8Array([8, 1, 18, 200]), 'MALFORMED'],
  ]
  for (const [name, make, code] of awardCases) {
    it(`rejects an award with ${name}: ${code}`, async () => {
      const bytes = await make()
      await expectMarketError(() => validateAward(bytes, opts), code, 'REJECT')
    })
  }

  it('rejects an award from a peer that is not the job requester even over its own stream', async () => {
    const bytes = await signAward(award(), stranger)
    await expectMarketError(
      () => validateAward(bytes, { ...opts, expectedRequester: undefined }),
      'PEER_MISMATCH',
      'REJECT',
    )
  })

  describe('acceptance', () => {
    let sent: SentAward
    let acc: (o?: Partial<AcceptanceInput>) => AcceptanceInput
    before(() => {
      sent = { jobId: JOB, provider: peerOf(provider), price: 700n, awardIndex: 1 }
      acc = (o = {}) => ({ jobId: JOB, price: 700n, awardIndex: 1, accepted: true, timestamp: NOW, ...o })
    })

    it('accepts the answer to our award, accepted or declined with a reason', async () => {
      const yes = await validateAcceptance(await signAcceptance(acc(), provider), { now: NOW, award: sent })
      expect(yes.accepted).to.equal(true)
      const no = await validateAcceptance(
        await signAcceptance(acc({ accepted: false, reason: 'NO_CAPACITY' }), provider),
        { now: NOW, award: sent },
      )
      expect(no.accepted).to.equal(false)
      expect(no.acceptance.reason).to.equal('NO_CAPACITY')
    })

    const cases: Array<[string, () => Promise<Uint8Array>, MarketErrorCode]> = [
      ['another job', async () => await signAcceptance(acc({ jobId: '55'.repeat(32) }), provider), 'JOB_ID_MISMATCH'],
      ['another price', async () => await signAcceptance(acc({ price: 1n }), provider), 'PRICE_MISMATCH'],
      ['another slot', async () => await signAcceptance(acc({ awardIndex: 0 }), provider), 'AWARD_INDEX_OUT_OF_RANGE'],
      ['another provider', async () => await signAcceptance(acc(), stranger), 'PEER_MISMATCH'],
      [
        'a reason too long',
        async () => await signAcceptance(acc({ accepted: false, reason: 'x'.repeat(257) }), provider),
        'INVALID_FIELD',
      ],
      ['a bad signature', async () => corruptSignature(await signAcceptance(acc(), provider)), 'BAD_SIGNATURE'],
      [
        'a forged provider',
        async () => await resign(await signAcceptance(acc(), provider), stranger),
        'SIGNER_MISMATCH',
      ],
    ]
    for (const [name, make, code] of cases) {
      it(`rejects an acceptance with ${name}: ${code}`, async () => {
        const bytes = await make()
        await expectMarketError(() => validateAcceptance(bytes, { now: NOW, award: sent }), code, 'REJECT')
      })
    }
  })
})
