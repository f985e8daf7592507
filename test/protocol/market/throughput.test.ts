// Measured costs of the hot paths, logged as JSON for the report. The floors sit one to two
// orders of magnitude under what this 2-core machine does (it is shared, and a loaded
// neighbour can slow us fourfold), so they catch only a real regression: a quadratic loop, a
// signature checked per field.
import { expect } from 'chai'
import { createJobRequest, signBid } from '../../../protocol/market/build.ts'
import { ClearingBook } from '../../../protocol/market/clearing-book.ts'
import { priceJob } from '../../../protocol/market/pricing.ts'
import { selectBids } from '../../../protocol/market/selection.ts'
import { validateBid } from '../../../protocol/market/validate-bid.ts'
import { validateJobRequest } from '../../../protocol/market/validate-job.ts'
import { jobInput, keyFromSeed, NOW } from './fixtures.ts'

async function perSecond(n: number, fn: (i: number) => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now()
  for (let i = 0; i < n; i++) await fn(i)
  return Math.round(n / ((performance.now() - start) / 1000))
}

describe('protocol/market throughput (measured)', function () {
  this.timeout(60_000)

  it('validates job requests and bids at thousands per second', async () => {
    const key = await keyFromSeed(1)
    const jobs = await Promise.all(
      Array.from(
        { length: 500 },
        async (_, i) => (await createJobRequest(jobInput({ createdAt: NOW + i }), key)).bytes,
      ),
    )
    const bids = await Promise.all(
      Array.from(
        { length: 1000 },
        async (_, i) =>
          await signBid(
            { jobId: 'ab'.repeat(32), price: BigInt(100 + i), estimatedDurationMs: 10, expiresAt: NOW + 60_000 },
            key,
          ),
      ),
    )
    const jobRequestsPerSec = await perSecond(
      jobs.length,
      async (i) => await validateJobRequest(jobs[i], { now: NOW + 600 }),
    )
    const bidsPerSec = await perSecond(
      bids.length,
      async (i) => await validateBid(bids[i], { now: NOW, lookupJob: () => ({ maxPrice: 10n ** 9n }) }),
    )
    console.log(
      '      ' +
        JSON.stringify({
          measure: 'validate',
          jobRequestBytes: jobs[0].length,
          jobRequestsPerSec,
          bidBytes: bids[0].length,
          bidsPerSec,
        }),
    )
    expect(jobRequestsPerSec).to.be.greaterThan(100)
    expect(bidsPerSec).to.be.greaterThan(200)
  })

  it('selects among 50 bids and prices against a full clearing book fast enough for per-bid decisions', async () => {
    const bids = Array.from({ length: 50 }, (_, i) => ({
      provider: `p${i}`,
      price: BigInt(1000 - i * 7),
      expiresAt: NOW + 1000,
      stake: BigInt(100 + i),
      rttMs: i % 13,
      benchmarkScore: 900 + i,
      reputation: (i % 10) / 10,
    }))
    const selectsPerSec = await perSecond(2000, () =>
      selectBids(bids, { k: 3, maxPrice: 1000n, now: NOW, minStake: 100n }),
    )
    const book = new ClearingBook({ capacity: 1024 })
    for (let i = 0; i < 1024; i++)
      book.add(
        {
          jobId: i.toString(16).padStart(64, '0'),
          executor: 'wasm',
          token: '',
          wallTimeMs: 1000 + i,
          memoryBytes: 1 << 26,
          prices: [BigInt(5000 + i)],
        },
        NOW,
      )
    const sheet = { executors: { wasm: { perUnit: 1000n, perJob: 500n, floorPerUnit: 400n } } }
    const job = {
      executor: 'wasm',
      token: '',
      wallTimeMs: 5000,
      memoryBytes: 1 << 26,
      outputBytes: 1 << 22,
      maxPrice: 10n ** 9n,
    }
    const pricesPerSec = await perSecond(500, () =>
      priceJob({ sheet, load: 0.3, recentClearings: book, job, now: NOW }),
    )
    console.log(
      '      ' +
        JSON.stringify({
          measure: 'market-math',
          selectBids50PerSec: selectsPerSec,
          priceJob1024ClearingsPerSec: pricesPerSec,
        }),
    )
    expect(selectsPerSec).to.be.greaterThan(200)
    expect(pricesPerSec).to.be.greaterThan(50)
  })
})
