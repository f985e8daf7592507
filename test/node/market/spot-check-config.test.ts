// The node-wide spot-check rate (config `spotCheckRate`, HIVE_SPOT_CHECK_RATE; issue 15): a
// requester configured with rate 1 re-runs every k = 1 job on a second provider, and a job's own
// rate (here 0) overrides the node's.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { buildExamples } from '../../../examples/build.ts'
import { WorkerPool } from '../../../node/exec/index.ts'
import { jobSubscribers } from '../../support/topics.ts'
import { startMarketPeer, text, waitFor } from './helpers.ts'
import type { MarketPeer } from './helpers.ts'

const HIVE = 10n ** 18n

describe('node/market: the node-wide spot-check rate', function () {
  this.timeout(90_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-spotcfg-'))
  const pool = new WorkerPool({ size: 2 })
  const peers: MarketPeer[] = []
  let requester: MarketPeer
  let wordcount: Uint8Array

  before(async () => {
    wordcount = readFileSync((await buildExamples()).wordcount)
    requester = await startMarketPeer('requester', { roles: 'requester', root, settings: { spotCheckRate: 1 } })
    peers.push(requester)
    for (let i = 0; i < 2; i++)
      peers.push(await startMarketPeer(`provider-${i}`, { roles: 'provider', root, bootstrap: requester, pool }))
    await waitFor(
      'both providers in the jobs topic',
      () => jobSubscribers(requester.node.libp2p.services.pubsub).length === 2,
    )
  })

  after(async () => {
    for (const p of peers) await p.node.stop().catch(() => {})
    await pool.stop()
    rmSync(root, { recursive: true, force: true })
  })

  const post = async (spotCheckRate?: number) => {
    const { jobId } = await requester.market.requester!.post({
      module: wordcount,
      inputs: [{ name: 'in.txt', data: text('spot me\n') }],
      maxPrice: HIVE,
      bidWindowMs: 4_000,
      ...(spotCheckRate !== undefined ? { spotCheckRate } : {}),
    })
    return await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(60_000) })
  }

  it('re-runs a k = 1 job on a second provider when the node is configured with rate 1', async () => {
    const record = await post()
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
    expect(record.spotCheck, 'the job was drawn for a spot check').to.equal(true)
    expect(new Set(record.awards.map((a) => a.provider)).size, 'two providers ran it').to.equal(2)
  })

  it("a job's own rate 0 overrides the node's", async () => {
    const record = await post(0)
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
    expect(record.spotCheck ?? false).to.equal(false)
    expect(record.awards).to.have.length(1)
  })
})
