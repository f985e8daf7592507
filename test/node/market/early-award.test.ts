// Early award (issue 14): a k = 2 job on a network of two providers used to wait out its whole
// bid window, because the early-award rule wants k + 1 good bids. Now the requester pushes the
// job to every provider it knows, each answers (bids or declines), and the job is awarded as
// soon as the last answer is in.
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
const WINDOW_MS = 8_000

describe('node/market: early award once every candidate answered', function () {
  this.timeout(60_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-early-'))
  const pool = new WorkerPool({ size: 2 })
  const peers: MarketPeer[] = []
  let requester: MarketPeer
  let wordcount: Uint8Array

  before(async () => {
    wordcount = readFileSync((await buildExamples()).wordcount)
    requester = await startMarketPeer('requester', { roles: 'requester', root })
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

  it(`a k = 2 job with two providers is awarded long before its ${WINDOW_MS} ms window closes`, async () => {
    const { jobId } = await requester.market.requester!.post({
      module: wordcount,
      inputs: [{ name: 'in.txt', data: text('two providers\n') }],
      maxPrice: HIVE,
      redundancy: 2,
      bidWindowMs: WINDOW_MS,
    })
    const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(30_000) })
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
    expect(record.awards).to.have.length(2)
    for (const a of record.awards)
      expect(a.awardedAt, 'awarded before the window closed').to.be.below(record.bidsCloseAt)
    expect(record.placedAt! - record.postedAt, 'placement').to.be.below(WINDOW_MS / 2)
  })
})
