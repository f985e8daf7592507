// /metrics (issue 17): a requester and a provider with payments on a real Hardhat chain run a
// paid job over TCP on 127.0.0.1; both nodes' /metrics are scraped before and after, and the
// series must move: jobs, placement and end-to-end histograms, bids, executor runs, vouchers,
// earnings, chain transactions and gas, RPC latency, request/response outcomes, libp2p's own.
// A scrape without the token or with a wrong one gets 401; no job or peer id is a label value.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { parseEther } from 'ethers'
import { buildExamples } from '../../../examples/build.ts'
import { openChain } from '../../../node/chain/client.ts'
import { marketService } from '../../../node/market/service.ts'
import { metricsService } from '../../../node/metrics/service.ts'
import { paymentsService } from '../../../node/payments/service.ts'
import { startDevChain } from '../../support/chain.ts'
import { startTestNode } from '../../support/node.ts'
import { waitFor } from '../../support/wait.ts'
import type { ChainClient } from '../../../node/chain/client.ts'
import type { MarketService } from '../../../node/market/service.ts'
import type { MetricsService } from '../../../node/metrics/service.ts'
import type { HiveNode } from '../../../node/node.ts'
import type { DevChain } from '../../support/chain.ts'
import type { Wallet } from 'ethers'
import { jobSubscribers } from '../../support/topics.ts'

const TOKEN = 'metrics-test-token-0123456789'

interface Peer {
  node: HiveNode
  market: MarketService
  metrics: MetricsService
  client: ChainClient
}

async function scrape(peer: Peer, token: string | null = TOKEN): Promise<{ status: number; text: string }> {
  const { host, port } = peer.metrics.address()
  const res = await fetch(`http://${host}:${port}/metrics`, {
    headers: token !== null ? { authorization: `Bearer ${token}` } : {},
  })
  return { status: res.status, text: await res.text() }
}

/** The value of one sample (`name{labels}`); labels are matched as given, in any order. 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)$/.exec(line)
    if (m === null || m[1] !== name) continue
    const have = m[2] ?? ''
    if (Object.entries(labels).every(([k, v]) => have.includes(`${k}="${v}"`))) total += Number(m[3])
  }
  return total
}

describe('node/metrics: /metrics during a paid job on a real chain', function () {
  this.timeout(180_000)
  let chain: DevChain
  let root: string
  let requester: Peer
  let provider: Peer
  let wordcount: Uint8Array
  let jobId: string

  async function startPeer(name: string, roles: string, wallet: Wallet, bootstrap?: Peer): Promise<Peer> {
    const client = await openChain({ settings: chain.settings, wallet, tx: { pollMs: 50 }, pollingIntervalMs: 100 })
    const node = await startTestNode(name, {
      root,
      roles,
      ...(bootstrap !== undefined ? { bootstrap: bootstrap.node } : {}),
      price: '0.01',
      libp2pDatastore: 'memory',
      // one unsharded job topic: the provider hears the job by gossip too, so the gossip series move
      settings: { metrics: true, metricsPort: 0, metricsToken: TOKEN, jobShards: 1 },
      services: {
        payments: paymentsService({
          chain: client,
          options: { pollMs: 200, windowBits: 8, channelDeposit: parseEther('10') },
        }),
        market: marketService(),
        metrics: metricsService({ chain: client }),
      },
    })
    return { node, market: node.services.market!, metrics: node.services.metrics!, client }
  }

  before(async function () {
    this.timeout(150_000)
    chain = await startDevChain({ params: { protocolFeeBps: 0n } })
    root = mkdtempSync(join(tmpdir(), 'hive-metrics-'))
    wordcount = readFileSync((await buildExamples()).wordcount)
    await chain.giveHive(chain.account(1).address, parseEther('1000'))
    await chain.giveHive(chain.account(2).address, parseEther('1000'))
    requester = await startPeer('requester', 'requester', chain.account(1))
    provider = await startPeer('provider', 'provider', chain.account(2), requester)
    const pubsub = requester.node.libp2p.services.pubsub
    await waitFor(() => jobSubscribers(pubsub).some((id) => id.equals(provider.node.peerId)), {
      what: 'the provider in the jobs topic, as the requester sees it',
      timeoutMs: 30_000,
    })
  })

  after(async () => {
    for (const p of [provider, requester])
      if (p !== undefined) {
        await p.node.stop().catch(() => {})
        p.client.close()
      }
    await chain?.stop()
    if (root !== undefined) rmSync(root, { recursive: true, force: true })
  })

  it('is off unless the config turns it on', async () => {
    const plain = await startTestNode('plain', { root, start: false, services: { metrics: metricsService() } })
    try {
      expect(plain.services.metrics).to.equal(undefined)
    } finally {
      await plain.stop()
    }
  })

  it('refuses a scrape without the token or with a wrong one (401)', async () => {
    const none = await scrape(requester, null)
    expect(none.status).to.equal(401)
    expect(none.text).to.not.include('hive_')
    const wrong = await scrape(requester, 'not-the-metrics-token-0000')
    expect(wrong.status).to.equal(401)
    expect(wrong.text).to.not.include('hive_')
    expect((await scrape(requester)).status).to.equal(200)
  })

  it('moves the job, payment, chain and libp2p series of both nodes through a paid job', async () => {
    const before = { requester: (await scrape(requester)).text, provider: (await scrape(provider)).text }
    expect(sample(before.requester, 'hive_jobs_posted_total')).to.equal(0)
    ;({ jobId } = await requester.market.requester!.post({
      module: wordcount,
      inputs: [{ name: 'a.txt', data: new TextEncoder().encode('one two three\n') }],
      args: ['1'],
      maxPrice: parseEther('1'),
      bidWindowMs: 400,
      payment: 'channel',
    }))
    const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(60_000) })
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')

    // the provider's voucher arrives after the requester's job ends: wait on the series itself
    let p = ''
    await waitFor(
      async () => {
        p = (await scrape(provider)).text
        return sample(p, 'hive_earnings_hive', { source: 'channel_vouchers' }) > 0
      },
      { what: "the provider's channel earnings on /metrics", timeoutMs: 30_000 },
    )
    const r = (await scrape(requester)).text

    // requester: the job's life
    expect(sample(r, 'hive_jobs_posted_total')).to.equal(1)
    expect(sample(r, 'hive_jobs_completed_total')).to.equal(1)
    expect(sample(r, 'hive_job_placement_seconds_count')).to.equal(1)
    expect(sample(r, 'hive_job_end_to_end_seconds_count', { outcome: 'completed' })).to.equal(1)
    expect(sample(r, 'hive_job_bids_count')).to.equal(1)
    expect(sample(r, 'hive_job_bids_sum')).to.be.at.least(1)
    // requester: paid through a channel it opened on chain
    expect(sample(r, 'hive_payment_vouchers', { role: 'requester' })).to.be.at.least(1)
    expect(sample(r, 'hive_channels', { role: 'requester', status: 'open' })).to.equal(1)
    expect(sample(r, 'hive_channel_balance_hive', { role: 'requester', kind: 'deposit' })).to.equal(10)
    expect(sample(r, 'hive_chain_transactions', { outcome: 'mined' })).to.be.at.least(1)
    // a reorg's marks are exported from the start (none happened here)
    expect(sample(r, 'hive_chain_transactions', { outcome: 'dropped' })).to.equal(0)
    expect(sample(r, 'hive_chain_transactions', { outcome: 'stale_receipt' })).to.equal(0)
    expect(sample(r, 'hive_chain_gas_used')).to.be.greaterThan(0)
    expect(sample(r, 'hive_chain_rpc_seconds_count')).to.be.greaterThan(0)
    // provider: bid, ran, got paid
    expect(sample(p, 'hive_provider_bids_total')).to.be.at.least(1)
    expect(sample(p, 'hive_provider_awards_accepted_total')).to.equal(1)
    expect(sample(p, 'hive_executor_runs_total', { status: 'EXEC_OK' })).to.equal(1)
    expect(sample(p, 'hive_executor_run_seconds_count', { status: 'EXEC_OK' })).to.equal(1)
    expect(sample(p, 'hive_executor_peak_memory_bytes_count')).to.equal(1)
    expect(sample(p, 'hive_payment_vouchers', { role: 'provider' })).to.be.at.least(1)
    expect(sample(p, 'hive_gossip_messages_total', { service: 'market', verdict: 'accept' })).to.be.at.least(1)
    // request/response: the provider answered the requester's award and blob requests
    expect(sample(p, 'hive_reqresp_outcomes_total', { outcome: 'OK' })).to.be.greaterThan(
      sample(before.provider, 'hive_reqresp_outcomes_total', { outcome: 'OK' }),
    )
    expect(sample(r, 'hive_peers')).to.be.at.least(1)
    // the requester's window of negotiating jobs: its size, and nothing negotiating or waiting now
    expect(sample(r, 'hive_requester_post_window', { what: 'window' })).to.be.at.least(4)
    expect(sample(r, 'hive_requester_post_window', { what: 'negotiating' })).to.equal(0)
    expect(sample(r, 'hive_requester_post_window', { what: 'waiting' })).to.equal(0)
    // libp2p's own series and the process's, on the same per-node registry
    expect(r).to.match(/^libp2p_[a-z_]+/m)
    expect(r).to.match(/^nodejs_heap_size_total_bytes/m)

    // ids never become label values
    for (const text of [r, p]) {
      expect(text).to.not.include(jobId)
      expect(text).to.not.include(requester.node.peerId.toString())
      expect(text).to.not.include(provider.node.peerId.toString())
    }
  })

  it('keeps one registry per node: two nodes in one process count their own jobs', async () => {
    const r = (await scrape(requester)).text
    const p = (await scrape(provider)).text
    expect(sample(r, 'hive_jobs_posted_total')).to.equal(1)
    expect(sample(p, 'hive_jobs_posted_total')).to.equal(0)
    expect(sample(r, 'hive_executor_runs_total')).to.equal(0)
  })
})
