// Issue 14: small blobs ride inline with the messages of a job's path (inputs with the award on
// /hive/award/2.0.0, the output with the result on /hive/result/2.0.0). The inline bytes are not
// signed; each side may use them only when they hash to the CID the signed message names. Over the
// wire, a hostile provider sends other bytes inline than the output its signed result commits to,
// and a hostile requester sends other bytes inline than the input its signed job names: neither
// side stores or runs the forged bytes; each fetches the real content instead, and the job ends
// with the honest output.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { CID } from 'multiformats/cid'
import { buildExamples } from '../../examples/build.ts'
import { WorkerPool } from '../../node/exec/index.ts'
import { cidForBytes } from '../../protocol/cid.ts'
import { decodeOutputBundle } from '../../protocol/output-bundle.ts'
import { startMarketPeer, str, text } from '../node/market/helpers.ts'
import type { MarketPeer } from '../node/market/helpers.ts'

const HIVE = 10n ** 18n

/** OK answers a node gave on protocols whose id contains `part` */
function served(peer: MarketPeer, part: string): number {
  return Object.entries(peer.node.counters.snapshot())
    .filter(([p]) => p.includes(part))
    .reduce((n, [, byCode]) => n + (byCode.OK ?? 0), 0)
}

describe('security 14: forged inline blobs', function () {
  this.timeout(60_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-sec14-inline-'))
  const pool = new WorkerPool({ size: 1 })
  const peers: MarketPeer[] = []
  let wordcount: Uint8Array

  before(async () => {
    wordcount = readFileSync((await buildExamples()).wordcount)
  })

  after(async () => {
    for (const p of peers) await p.node.stop().catch(() => {})
    await pool.stop()
    rmSync(root, { recursive: true, force: true })
  })

  async function run(requester: MarketPeer, input: string): Promise<string> {
    const { jobId } = await requester.market.requester!.post({
      module: wordcount,
      inputs: [{ name: 'in.txt', data: text(input) }],
      maxPrice: HIVE,
      bidWindowMs: 500,
    })
    const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(30_000) })
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
    const bytes = await requester.market.blobs.get(CID.parse(record.outputCid!))
    return str(decodeOutputBundle(bytes!).stdout)
  }

  it('output bytes inline with a result that do not hash to its signed CID are refused, and fetched', async () => {
    const requester = await startMarketPeer('requester', { roles: 'requester', root })
    peers.push(requester)
    const forger = await startMarketPeer('forger', {
      roles: 'provider',
      root,
      bootstrap: requester,
      pool,
      faults: { forgeInlineOutput: true },
    })
    peers.push(forger)
    const intake = requester.market.requester!.inlineOutputs
    const fetchesBefore = served(forger, 'blob')
    const out = await run(requester, 'one two three\n')
    expect(out.trim(), 'the honest output, fetched').to.match(/3/)
    expect(served(requester, 'resultData'), 'the result came on /hive/result/2.0.0').to.equal(1)
    expect(intake.counts, 'the forged bytes were refused, not kept').to.deep.equal({ kept: 0, refused: 1 })
    expect(served(forger, 'blob') - fetchesBefore, 'the output was fetched instead').to.equal(1)
    // the requester never stored the forged bytes, under any CID
    const record = (await requester.market.requester!.list()).find((r) => r.phase === 'completed')!
    const real = (await requester.market.blobs.get(CID.parse(record.outputCid!)))!
    const forged = Uint8Array.from(real)
    forged[forged.length - 1] ^= 1
    expect(await requester.market.blobs.has(await cidForBytes(forged)), 'forged bytes stored').to.equal(false)
  })

  it('input bytes inline with an award that do not hash to the signed job are refused, and fetched', async () => {
    const requester = await startMarketPeer('requester2', { roles: 'requester', root })
    peers.push(requester)
    const provider = await startMarketPeer('provider2', { roles: 'provider', root, bootstrap: requester, pool })
    peers.push(provider)
    // the hostile requester: the first read of the input (the award's inline copy) is forged, one
    // word more; its blob server then serves the real bytes
    const input = text('one two three\n')
    const inputCid = (await cidForBytes(input)).toString()
    const store = requester.market.blobs
    const get = store.get.bind(store)
    let forgedOnce = false
    store.get = async (cid) => {
      const bytes = await get(cid)
      if (!forgedOnce && bytes !== undefined && cid.toString() === inputCid) {
        forgedOnce = true
        return text('one two thr e\n') // same size, four words
      }
      return bytes
    }
    const fetchesBefore = served(requester, 'blob')
    const out = await run(requester, 'one two three\n')
    expect(forgedOnce, 'the forged input went out with the award').to.equal(true)
    expect(served(provider, 'awardData'), 'the award came on /hive/award/2.0.0').to.equal(1)
    expect(out.trim(), 'the job ran on the signed input, not the forged one').to.match(/\b3\b/)
    // the module and the real input, fetched from the requester
    expect(served(requester, 'blob') - fetchesBefore, 'module + input fetched').to.equal(2)
  })
})
