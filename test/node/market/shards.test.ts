// Sharded job topics by default (issue 14 goal 2): a provider joins 2 of the class's 16 shards
// and validates only the gossip of those; the requester publishes a job to the job's shard and
// pushes it to its best m candidates directly, so a small network still places every job.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { buildExamples } from '../../../examples/build.ts'
import { DEFAULT_SETTINGS } from '../../../node/config.ts'
import { WorkerPool } from '../../../node/exec/index.ts'
import { jobPublishTopic, joinedJobTopics } from '../../../node/market/gossip.ts'
import { defaultMaxBidders } from '../../../protocol/market/lottery.ts'
import { jobSubscribers } from '../../support/topics.ts'
import { startMarketPeer, text, waitFor } from './helpers.ts'
import type { MarketPeer } from './helpers.ts'

const HIVE = 10n ** 18n
const M = defaultMaxBidders(1)
const PROVIDERS = M + 3
const SHARDS = { shards: DEFAULT_SETTINGS.jobShards, joined: DEFAULT_SETTINGS.jobShardsJoined }

describe('node/market: sharded job topics (the default)', function () {
  this.timeout(60_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-shards-'))
  const pool = new WorkerPool({ size: 2 })
  const peers: MarketPeer[] = []
  let requester: MarketPeer
  let wordcount: Uint8Array

  before(async () => {
    wordcount = readFileSync((await buildExamples()).wordcount)
    requester = await startMarketPeer('requester', { roles: 'requester', root })
    peers.push(requester)
    for (let i = 0; i < PROVIDERS; i++)
      peers.push(await startMarketPeer(`provider-${i}`, { roles: 'provider', root, bootstrap: requester, pool }))
    await waitFor(
      'every provider on its shards',
      () => jobSubscribers(requester.node.libp2p.services.pubsub).length === PROVIDERS,
    )
  })

  after(async () => {
    for (const p of peers) await p.node.stop().catch(() => {})
    await pool.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it('shards are on by default: 16 per class, a provider joins 2', () => {
    expect(SHARDS.shards).to.be.greaterThan(1)
    expect(SHARDS.joined).to.be.within(1, 2)
    for (const p of peers.slice(1))
      expect(joinedJobTopics('wasm', p.node.peerId.toString(), SHARDS)).to.have.length(SHARDS.joined)
  })

  it('a provider validates only the gossip of its shards; pushes reach the rest, and every job is placed', async () => {
    const jobs: string[] = []
    for (let i = 0; i < 6; i++) {
      const { jobId } = await requester.market.requester!.post({
        module: wordcount,
        inputs: [{ name: 'in.txt', data: text(`job ${i}\n`) }],
        maxPrice: HIVE,
        bidWindowMs: 1500,
      })
      const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(20_000) })
      expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
      jobs.push(jobId)
    }
    const joinedBy = new Map(
      peers.slice(1).map((p) => [p, new Set(joinedJobTopics('wasm', p.node.peerId.toString(), SHARDS))]),
    )
    let gossiped = 0
    for (const [p, joined] of joinedBy) {
      const topics = new Set(p.verdicts.map((v) => v.topic).filter((t) => t.startsWith('hive/jobs/')))
      // nothing from a shard it did not join ever reached its validator
      for (const t of topics) expect(joined.has(t), `${p.name} validated gossip of ${t}`).to.equal(true)
      gossiped += p.verdicts.filter((v) => v.topic.startsWith('hive/jobs/')).length
    }
    // the job reached providers on its shard by gossip (when any joined it), everyone else only by push
    const onShard = jobs
      .map((j) => [...joinedBy.values()].filter((s) => s.has(jobPublishTopic('wasm', j, SHARDS))).length)
      .reduce((a, b) => a + b, 0)
    expect(gossiped, "gossip validations = providers on each job's shard").to.be.at.most(onShard)
    expect(onShard, 'some provider outside each shard').to.be.lessThan(jobs.length * PROVIDERS)
  })
})
