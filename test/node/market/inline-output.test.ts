// A small output rides with the result (issue 14, /hive/result/2.0.0) when it may leave at once
// (here: no payments): with inputs inline with the award, a small job then costs four sequential
// exchanges (push, bid, award, result) and no fetch at all. An output over the inline budget is
// fetched as before.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { CID } from 'multiformats/cid'
import { buildExamples } from '../../../examples/build.ts'
import { WorkerPool } from '../../../node/exec/index.ts'
import { MAX_INLINE_BLOB_BYTES } from '../../../protocol/market/bounds.ts'
import { decodeOutputBundle } from '../../../protocol/output-bundle.ts'
import { startMarketPeer, str, text } from './helpers.ts'
import type { MarketPeer } from './helpers.ts'

const HIVE = 10n ** 18n

/** OK answers a node gave on protocols whose name contains `part` */
function served(peer: MarketPeer, part: string): number {
  return Object.entries(peer.node.counters.snapshot())
    .filter(([p]) => p.includes(part))
    .reduce((n, [, byCode]) => n + (byCode.OK ?? 0), 0)
}

describe('node/market: small outputs inline with the result', function () {
  this.timeout(60_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-inline-out-'))
  const pool = new WorkerPool({ size: 1 })
  const peers: MarketPeer[] = []
  let requester: MarketPeer
  let provider: MarketPeer
  let wordcount: Uint8Array
  let mandelbrot: Uint8Array

  before(async () => {
    const built = await buildExamples()
    wordcount = readFileSync(built.wordcount)
    mandelbrot = readFileSync(built.mandelbrot)
    requester = await startMarketPeer('requester', { roles: 'requester', root })
    provider = await startMarketPeer('provider', { roles: 'provider', root, bootstrap: requester, pool })
    peers.push(requester, provider)
  })

  after(async () => {
    for (const p of peers) await p.node.stop().catch(() => {})
    await pool.stop()
    rmSync(root, { recursive: true, force: true })
  })

  async function run(module: Uint8Array, input: string, args: string[] = []): Promise<Uint8Array> {
    const { jobId } = await requester.market.requester!.post({
      module,
      inputs: [{ name: 'in.txt', data: text(input) }],
      args,
      maxPrice: HIVE,
      bidWindowMs: 500,
    })
    const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(30_000) })
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
    return (await requester.market.blobs.get(CID.parse(record.outputCid!)))!
  }

  it('a small output comes with the result: the requester fetches nothing', async () => {
    await run(wordcount, 'warm the module cache\n')
    const fetched = served(provider, 'blob')
    const results = served(requester, 'resultData')
    const out = await run(wordcount, 'one two three\n')
    expect(str(decodeOutputBundle(out).stdout)).to.contain('3 words')
    expect(served(requester, 'resultData') - results, 'the result came on /hive/result/2.0.0').to.equal(1)
    expect(served(provider, 'blob') - fetched, 'no output fetch').to.equal(0)
    expect(requester.market.requester!.inlineOutputs.counts.refused).to.equal(0)
    expect(provider.market.provider!.results.counts.inline).to.be.greaterThan(0)
  })

  it('an output over the inline budget is fetched as before', async () => {
    const fetched = served(provider, 'blob')
    const bare = provider.market.provider!.results.counts.bare
    // a 320 x 240 greyscale image: 76,800 bytes of pixels, over the inline budget
    const out = await run(mandelbrot, 'x', ['320', '240', '20'])
    expect(out.byteLength).to.be.greaterThan(MAX_INLINE_BLOB_BYTES)
    expect(provider.market.provider!.results.counts.bare - bare).to.equal(1)
    expect(served(provider, 'blob') - fetched, 'the output, fetched').to.equal(1)
  })
})
