// Direct pushes of new jobs: gossip reaches every provider, and the requester also pushes the
// request to the few providers that bid first lately (PUSH_FANOUT), not to everyone it knows.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { buildExamples } from '../../../examples/build.ts'
import { WorkerPool } from '../../../node/exec/index.ts'
import { PUSH_FANOUT } from '../../../node/market/service.ts'
import { startMarketPeer, text, waitFor } from './helpers.ts'
import type { MarketPeer } from './helpers.ts'

const HIVE = 10n ** 18n
const PROVIDERS = PUSH_FANOUT + 2

describe('node/market: direct pushes', function () {
  this.timeout(60_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-push-'))
  const pool = new WorkerPool({ size: 2 })
  const peers: MarketPeer[] = []
  let requester: MarketPeer
  let wordcount: Uint8Array

  before(async () => {
    wordcount = readFileSync((await buildExamples()).wordcount)
    requester = await startMarketPeer('requester', { roles: 'requester', root })
    peers.push(requester)
    for (let i = 0; i < PROVIDERS; i++) peers.push(await startMarketPeer(`provider-${i}`, { roles: 'provider', root, bootstrap: requester, pool }))
    await waitFor('every provider in the jobs topic', () => requester.node.libp2p.services.pubsub.getSubscribers('hive/jobs/wasm/1').length === PROVIDERS)
  })

  after(async () => {
    for (const p of peers) await p.node.stop().catch(() => {})
    await pool.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it(`pushes a job to the ${PUSH_FANOUT} providers that bid first on the last one, and gossip still brings every bid`, async () => {
    const post = async (i: number): Promise<{ jobId: string, pushedTo: number }> => {
      const { jobId } = await requester.market.requester!.post({
        module: wordcount,
        inputs: [{ name: 'in.txt', data: text(`job ${i}\n`) }],
        maxPrice: HIVE,
        bidWindowMs: 1500,
        // wait for the whole window: every provider's bid is in the record
        policy: { reserve: 99 },
      })
      const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(20_000) })
      expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
      expect(record.bids).to.have.length(PROVIDERS)
      const posted = requester.events.find((e) => e.type === 'job:posted' && e.jobId === jobId)
      return { jobId, pushedTo: posted?.type === 'job:posted' ? posted.pushedTo : -1 }
    }
    await post(1)
    const second = await post(2)
    expect(second.pushedTo).to.equal(PUSH_FANOUT)
  })
})
