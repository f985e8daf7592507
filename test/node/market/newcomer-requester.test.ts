// Issue 16, requester churn: a requester that has just joined, connected only to its bootstrap (a
// node that runs a requester, as every provider's bootstrap in `npm run chaos -- requester-churn`
// does), knows no provider yet: no profile announcement has reached it and the bootstrap is the
// only subscriber of the job topics it sees. Its first jobs were pushed to the bootstrap, which
// refused ("could not negotiate /hive/request"); with every pushed candidate answered and no bid
// the job closed at once, NO_BIDS; its gossip went to one shard of the class, which in a network
// this small no provider may have joined, and the DHT held no profile yet. It now asks the peers it
// connects to for the providers they know (node/discovery/profile-exchange.ts), and its first jobs
// complete. Real nodes on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { WorkerPool } from '../../../node/exec/index.ts'
import { helloModule, inJobsTopic, startLivePeer } from './liveness-helpers.ts'
import type { LivePeer } from './liveness-helpers.ts'

const HIVE = 10n ** 18n

describe('node/market: a requester that has just joined', function () {
  this.timeout(120_000)
  let root: string
  let pool: WorkerPool
  let anchor: LivePeer
  let providers: LivePeer[]
  let newcomer: LivePeer | undefined
  let hello: Uint8Array

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hive-newcomer-'))
    pool = new WorkerPool({ size: 1 })
    hello = await helloModule('done\n')
    anchor = await startLivePeer('anchor', { root, roles: 'requester' })
    providers = []
    for (let i = 0; i < 2; i++)
      providers.push(await startLivePeer(`provider${i}`, { root, roles: 'provider', bootstrap: anchor, pool }))
    await inJobsTopic(anchor, providers)
  })

  after(async () => {
    for (const p of [anchor, newcomer, ...providers]) await p?.node.stop().catch(() => {})
    await pool?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it('gets its first jobs done though the only peer it knows is no provider', async () => {
    newcomer = await startLivePeer('newcomer', { root, roles: 'requester', bootstrap: anchor })
    // posted as soon as it is up, two at once (as the churn's requesters do)
    const jobs = await Promise.all(
      [0, 1].map(
        async () =>
          await newcomer!.market.requester!.post({
            module: hello,
            maxPrice: HIVE,
            bidWindowMs: 2_000,
            timeoutMs: 60_000,
          }),
      ),
    )
    for (const { jobId } of jobs) {
      const record = await newcomer.market.requester!.wait(jobId, { signal: AbortSignal.timeout(60_000) })
      expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
    }
  })
})
