import { expect } from 'chai'
import { DEFAULT_CLEARING_MAX_AGE_MS } from '../../../protocol/market/bounds.ts'
import { signClearing } from '../../../protocol/market/build.ts'
import { SeenCache } from '../../../protocol/market/seen-cache.ts'
import { validateClearing } from '../../../protocol/market/validate-clearing.ts'
import { corruptSignature, expectMarketError, keyFromSeed, NOW, peerOf, resign } from './fixtures.ts'
import type { ClearingInput } from '../../../protocol/market/build.ts'
import type { MarketErrorCode } from '../../../protocol/market/errors.ts'
import type { Ed25519PrivateKey } from '@libp2p/interface'

describe('protocol/market validateClearing', () => {
  let requester: Ed25519PrivateKey
  let a: Ed25519PrivateKey
  let b: Ed25519PrivateKey
  let input: (o?: Partial<ClearingInput>) => ClearingInput
  before(async () => {
    requester = await keyFromSeed(10)
    a = await keyFromSeed(11)
    b = await keyFromSeed(12)
    input = (o = {}) => ({
      jobId: '77'.repeat(32),
      winners: [
        { provider: peerOf(a), price: 300n },
        { provider: peerOf(b), price: 320n },
      ],
      timestamp: NOW,
      executor: 'wasm',
      wallTimeMs: 5000,
      memoryBytes: 64 * 1024 * 1024,
      ...o,
    })
  })

  it('accepts a fresh clearing and returns the winners with bigint prices', async () => {
    const valid = await validateClearing(await signClearing(input(), requester), { now: NOW + 100 })
    expect(valid.winners.map((w) => [w.provider.toString(), w.price])).to.deep.equal([
      [peerOf(a).toString(), 300n],
      [peerOf(b).toString(), 320n],
    ])
    expect(valid.requester.equals(peerOf(requester))).to.equal(true)
    expect(valid.clearing.executor).to.equal('wasm')
  })

  it('ignores replays, stale and future clearings', async () => {
    const seen = new SeenCache({ capacity: 10, ttlMs: DEFAULT_CLEARING_MAX_AGE_MS })
    const bytes = await signClearing(input(), requester)
    await validateClearing(bytes, { now: NOW, seen })
    await expectMarketError(() => validateClearing(bytes, { now: NOW, seen }), 'DUPLICATE', 'IGNORE')
    await expectMarketError(
      () => validateClearing(bytes, { now: NOW + DEFAULT_CLEARING_MAX_AGE_MS + 1 }),
      'STALE_CLEARING',
      'IGNORE',
    )
    await expectMarketError(() => validateClearing(bytes, { now: NOW - 60_000 }), 'FROM_FUTURE', 'IGNORE')
  })

  const cases: Array<[string, () => Promise<Uint8Array>, MarketErrorCode]> = [
    ['no winners', async () => await signClearing(input({ winners: [] }), requester), 'INVALID_FIELD'],
    [
      'the same winner twice',
      async () =>
        await signClearing(
          input({
            winners: [
              { provider: peerOf(a), price: 1n },
              { provider: peerOf(a), price: 1n },
            ],
          }),
          requester,
        ),
      'INVALID_FIELD',
    ],
    [
      '17 winners',
      async () =>
        await signClearing(
          input({ winners: Array.from({ length: 17 }, () => ({ provider: peerOf(a), price: 1n })) }),
          requester,
        ),
      'MALFORMED',
    ],
    [
      'a zero price',
      async () => await signClearing(input({ winners: [{ provider: peerOf(a), price: 0n }] }), requester),
      'INVALID_AMOUNT',
    ],
    ['a bad executor', async () => await signClearing(input({ executor: '' }), requester), 'INVALID_FIELD'],
    ['a zero wall time', async () => await signClearing(input({ wallTimeMs: 0 }), requester), 'LIMITS_OUT_OF_RANGE'],
    ['a forged requester', async () => await resign(await signClearing(input(), requester), a), 'SIGNER_MISMATCH'],
    ['a bad signature', async () => corruptSignature(await signClearing(input(), requester)), 'BAD_SIGNATURE'],
  ]
  for (const [name, make, code] of cases) {
    it(`rejects a clearing with ${name}: ${code}`, async () => {
      const bytes = await make()
      await expectMarketError(() => validateClearing(bytes, { now: NOW }), code, 'REJECT')
    })
  }
})
