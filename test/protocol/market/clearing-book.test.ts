import { expect } from 'chai'
import { signClearing } from '../../../protocol/market/build.ts'
import { ClearingBook } from '../../../protocol/market/clearing-book.ts'
import { validateClearing } from '../../../protocol/market/validate-clearing.ts'
import { keyFromSeed, NOW, peerOf } from './fixtures.ts'
import type { ClearingRecord } from '../../../protocol/market/clearing-book.ts'

const rec = (i: number, o: Partial<ClearingRecord> = {}): ClearingRecord => ({
  jobId: i.toString(16).padStart(64, '0'),
  executor: 'wasm',
  token: '',
  wallTimeMs: 2000,
  memoryBytes: 1,
  prices: [BigInt(100 + i)],
  ...o,
})

describe('protocol/market ClearingBook', () => {
  it('keeps at most `capacity` records, dropping the oldest', () => {
    const book = new ClearingBook({ capacity: 3, maxAgeMs: 1000 })
    for (let i = 0; i < 5; i++) expect(book.add(rec(i), i)).to.equal(true)
    expect(book.size).to.equal(3)
    expect(book.samples('wasm', '', 5).map((s) => s.prices[0])).to.deep.equal([102n, 103n, 104n])
    // a job pushed out may be recorded again
    expect(book.add(rec(0), 6)).to.equal(true)
  })

  it('forgets records older than maxAgeMs (by receive time)', () => {
    const book = new ClearingBook({ capacity: 10, maxAgeMs: 100 })
    book.add(rec(1), 0)
    book.add(rec(2), 50)
    expect(book.samples('wasm', '', 99).length).to.equal(2)
    expect(book.samples('wasm', '', 100).length).to.equal(1)
    expect(book.samples('wasm', '', 150).length).to.equal(0)
    expect(book.size).to.equal(0)
  })

  it('counts one clearing per job, and none without winners', () => {
    const book = new ClearingBook()
    expect(book.add(rec(1), 0)).to.equal(true)
    expect(book.add(rec(1, { prices: [1n] }), 1)).to.equal(false)
    expect(book.add(rec(2, { prices: [] }), 1)).to.equal(false)
    expect(book.size).to.equal(1)
  })

  it('filters by executor and token and computes units', () => {
    const book = new ClearingBook()
    book.add(rec(1), 0)
    book.add(rec(2, { executor: 'container' }), 0)
    book.add(rec(3, { token: '0x' + 'a'.repeat(40) }), 0)
    const s = book.samples('wasm', '', 0)
    expect(s.map((x) => x.jobId)).to.deep.equal([rec(1).jobId])
    expect(s[0].units).to.equal(2n)
  })

  it('takes a validated clearing straight from gossip', async () => {
    const key = await keyFromSeed(1)
    const valid = await validateClearing(
      await signClearing(
        {
          jobId: 'aa'.repeat(32),
          winners: [
            { provider: peerOf(await keyFromSeed(2)), price: 7n },
            { provider: peerOf(await keyFromSeed(3)), price: 9n },
          ],
          timestamp: NOW,
          executor: 'wasm',
          wallTimeMs: 3000,
          memoryBytes: 65536,
        },
        key,
      ),
      { now: NOW },
    )
    const book = new ClearingBook()
    expect(book.addValidClearing(valid, NOW)).to.equal(true)
    expect(book.samples('wasm', '', NOW)[0]).to.include({ jobId: 'aa'.repeat(32), units: 3n, receivedAt: NOW })
    expect(book.samples('wasm', '', NOW)[0].prices).to.deep.equal([7n, 9n])
  })

  it('refuses nonsense settings', () => {
    expect(() => new ClearingBook({ capacity: 0 })).to.throw(RangeError)
    expect(() => new ClearingBook({ maxAgeMs: 0 })).to.throw(RangeError)
  })
})
