// Small inputs ride with the award (issue 14 goal 3, /hive/award/2.0.0): once a provider has the
// module, a small job costs it no fetch exchange; inputs over the inline budget are fetched as before.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { buildExamples } from '../../../examples/build.ts'
import { WorkerPool } from '../../../node/exec/index.ts'
import { MAX_INLINE_BLOB_BYTES } from '../../../protocol/market/bounds.ts'
import { startMarketPeer, text } from './helpers.ts'
import type { MarketPeer } from './helpers.ts'

const HIVE = 10n ** 18n

describe('node/market: small inputs inline with the award', function () {
  this.timeout(60_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-inline-'))
  const pool = new WorkerPool({ size: 1 })
  const peers: MarketPeer[] = []
  let requester: MarketPeer
  let provider: MarketPeer
  let wordcount: Uint8Array

  before(async () => {
    wordcount = readFileSync((await buildExamples()).wordcount)
    requester = await startMarketPeer('requester', { roles: 'requester', root })
    provider = await startMarketPeer('provider', { roles: 'provider', root, bootstrap: requester, pool })
    peers.push(requester, provider)
  })

  after(async () => {
    for (const p of peers) await p.node.stop().catch(() => {})
    await pool.stop()
    rmSync(root, { recursive: true, force: true })
  })

  /** blob requests the requester has served (each one a fetch exchange of the provider) */
  const served = (): number => {
    const c = requester.node.counters.snapshot()
    return Object.entries(c)
      .filter(([p]) => p.includes('blob'))
      .reduce((n, [, byCode]) => n + Object.values(byCode).reduce((a, b) => a + (b ?? 0), 0), 0)
  }
  const awardsWithData = (): number =>
    Object.entries(provider.node.counters.snapshot())
      .filter(([p]) => p.includes('awardData') || p.includes('/hive/award/2'))
      .reduce((n, [, byCode]) => n + (byCode.OK ?? 0), 0)

  async function run(input: string): Promise<string> {
    const { jobId } = await requester.market.requester!.post({
      module: wordcount,
      inputs: [{ name: 'in.txt', data: text(input) }],
      maxPrice: HIVE,
      bidWindowMs: 500,
    })
    const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(30_000) })
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
    return jobId
  }

  it('the first job fetches only the module; later small jobs fetch nothing', async () => {
    const before = served()
    await run('one two three\n')
    expect(served() - before, 'the module, once').to.equal(1)
    const awarded = awardsWithData()
    expect(awarded, 'the award came on /hive/award/2.0.0').to.be.greaterThan(0)
    const then = served()
    await run('four five\n')
    await run('six\n')
    expect(served() - then, 'no fetch for inline inputs').to.equal(0)
    expect(awardsWithData() - awarded).to.equal(2)
  })

  it('inputs over the inline budget are fetched as before', async () => {
    const then = served()
    await run('word '.repeat(Math.ceil(MAX_INLINE_BLOB_BYTES / 5) + 10))
    expect(served() - then, 'the input, fetched').to.equal(1)
  })
})
