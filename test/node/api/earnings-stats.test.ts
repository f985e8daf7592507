// `hive earnings` and `hive stats` end to end (issue 17): a requester and a provider with payments
// on a real Hardhat chain run a channel job, an escrow job and a job nobody bids on; the typed
// client reads GET /v1/payments/earnings and GET /v1/stats from each node's local API, and the
// CLI prints the provider's earnings rounded for people and exact with --json.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { parseEther } from 'ethers'
import { buildExamples } from '../../../examples/build.ts'
import { HiveClient } from '../../../cli/client.ts'
import { runHive } from '../../../cli/devnet/processes.ts'
import { createNodeApi } from '../../../node/api/index.ts'
import { readApiToken } from '../../../node/api/auth.ts'
import { openChain } from '../../../node/chain/client.ts'
import { initDataDir } from '../../../node/config.ts'
import { marketService } from '../../../node/market/service.ts'
import { paymentsService } from '../../../node/payments/service.ts'
import { startDevChain } from '../../support/chain.ts'
import { startTestNode } from '../../support/node.ts'
import { waitFor } from '../../support/wait.ts'
import type { ApiServer } from '../../../node/api/index.ts'
import type { ChainClient } from '../../../node/chain/client.ts'
import type { MarketService } from '../../../node/market/service.ts'
import type { HiveNode } from '../../../node/node.ts'
import type { DevChain } from '../../support/chain.ts'
import type { Wallet } from 'ethers'
import { jobSubscribers } from '../../support/topics.ts'

const GIB = 1024 ** 3

interface Peer {
  node: HiveNode
  market: MarketService
  client: ChainClient
  api: ApiServer
  hive: HiveClient
  dataDir: string
}

describe('node/api: earnings and stats through the typed client and the CLI', function () {
  this.timeout(180_000)
  let chain: DevChain
  let root: string
  let requester: Peer
  let provider: Peer
  let wordcount: Uint8Array
  const prices: bigint[] = []

  async function startPeer(name: string, roles: string, wallet: Wallet, bootstrap?: Peer): Promise<Peer> {
    const dataDir = join(root, name)
    await initDataDir(dataDir)
    const client = await openChain({ settings: chain.settings, wallet, tx: { pollMs: 50 }, pollingIntervalMs: 100 })
    const node = await startTestNode(name, {
      root,
      roles,
      ...(bootstrap !== undefined ? { bootstrap: bootstrap.node } : {}),
      price: '0.0123456789',
      libp2pDatastore: 'memory',
      services: {
        payments: paymentsService({
          chain: client,
          options: { pollMs: 200, windowBits: 8, channelDeposit: parseEther('10') },
        }),
        market: marketService(),
      },
    })
    const api = createNodeApi(node, { dataDir, host: '127.0.0.1', port: 0 })
    node.routes(api.routes)
    await api.start()
    const { token } = await readApiToken(dataDir)
    const hive = new HiveClient({ baseUrl: `http://127.0.0.1:${api.endpoint!.port}`, token })
    return { node, market: node.services.market!, client, api, hive, dataDir }
  }

  async function runJob(payment: 'channel' | 'escrow'): Promise<void> {
    const { jobId } = await requester.market.requester!.post({
      module: wordcount,
      inputs: [{ name: 'a.txt', data: new TextEncoder().encode(`${payment} words\n`) }],
      maxPrice: parseEther('1'),
      bidWindowMs: 400,
      payment,
    })
    const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(60_000) })
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
    prices.push(BigInt(record.awards.find((a) => a.status === 'delivered')!.price))
  }

  before(async function () {
    this.timeout(150_000)
    chain = await startDevChain({ params: { protocolFeeBps: 0n } })
    root = mkdtempSync(join(tmpdir(), 'hive-earnings-'))
    wordcount = readFileSync((await buildExamples()).wordcount)
    await chain.giveHive(chain.account(1).address, parseEther('1000'))
    await chain.giveHive(chain.account(2).address, parseEther('1000'))
    requester = await startPeer('requester', 'requester', chain.account(1))
    provider = await startPeer('provider', 'provider', chain.account(2), requester)
    const pubsub = requester.node.libp2p.services.pubsub
    await waitFor(() => jobSubscribers(pubsub).some((id) => id.equals(provider.node.peerId)), {
      what: 'the provider in the jobs topic',
      timeoutMs: 30_000,
    })
    await runJob('channel')
    await runJob('escrow')
    // nobody has 512 GiB: no bid, the job fails for want of bids
    const { jobId } = await requester.market.requester!.post({
      module: wordcount,
      maxPrice: parseEther('1'),
      bidWindowMs: 300,
      requirements: { minMemoryBytes: 512 * GIB },
    })
    const failed = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(60_000) })
    expect(failed.phase).to.equal('failed')
  })

  after(async () => {
    for (const p of [provider, requester])
      if (p !== undefined) {
        await p.api.stop().catch(() => {})
        await p.node.stop().catch(() => {})
        p.client.close()
      }
    await chain?.stop()
    if (root !== undefined) rmSync(root, { recursive: true, force: true })
  })

  it("reports the provider's paid channel voucher and released escrow, grouped by requester and day", async () => {
    const total = prices.reduce((a, b) => a + b, 0n)
    // the escrow is released and the voucher acknowledged after the requester's job ends
    const view = await waitFor(
      async () => {
        const v = await provider.hive.call('payments.earnings', { query: { by: 'requester' } })
        return v.totals.paid === total.toString() ? v : undefined
      },
      { what: 'both jobs paid in the earnings', timeoutMs: 30_000 },
    )
    expect(view.totals).to.include({ jobs: 2, pending: '0', fees: '0' })
    expect(BigInt(view.channels.held)).to.equal(prices[0])
    expect(BigInt(view.escrows.released)).to.equal(prices[1])
    expect(view.escrows.awaiting).to.equal('0')
    expect(view.rows.map((r) => r.key)).to.deep.equal([chain.account(1).address.toLowerCase()])
    // the provider sent transactions of its own (the escrow commitment): gas since start
    expect(view.gas.transactions).to.be.at.least(1)
    expect(BigInt(view.gas.gasUsed)).to.be.greaterThan(0n)
    const byDay = await provider.hive.call('payments.earnings', { query: { by: 'day' } })
    expect(byDay.rows.map((r) => r.key)).to.deep.equal([new Date().toISOString().slice(0, 10)])
    const future = await provider.hive.call('payments.earnings', { query: { since: Date.now() + 60_000 } })
    expect(future.totals).to.include({ jobs: 0, paid: '0' })
  })

  it('counts outcomes per reason as a requester and as a provider', async () => {
    const r = await requester.hive.call('jobs.stats')
    expect(r.requester).to.include({ total: 3, succeeded: 2, running: 0 })
    expect(r.requester!.failed + r.requester!.timedOut).to.equal(1)
    expect(Object.values(r.requester!.byReason)).to.deep.equal([1])
    expect(r.provider).to.equal(undefined)
    const p = await provider.hive.call('jobs.stats')
    expect(p.provider).to.include({ total: 2, succeeded: 2, failed: 0, timedOut: 0 })
    expect(p.provider!.bids).to.be.at.least(2)
    expect(p.requester).to.equal(undefined)
  })

  it('hive earnings prints amounts rounded for people, exact with --json', async () => {
    const human = await runHive(['--data-dir', provider.dataDir, 'earnings', '--by', 'day'], { timeoutMs: 90_000 })
    expect(human.code, human.stderr).to.equal(0)
    expect(human.stdout).to.match(/paid +\d+(\.\d+)? HIVE/)
    // 0.0123456789 per unit never shows with 18 decimals
    expect(human.stdout).to.not.match(/\d\.\d{7,} HIVE/)
    const json = await runHive(['--data-dir', provider.dataDir, '--json', 'earnings'], { timeoutMs: 90_000 })
    expect(json.code, json.stderr).to.equal(0)
    const view = JSON.parse(json.stdout) as { totals: { paid: string } }
    expect(view.totals.paid).to.equal(prices.reduce((a, b) => a + b, 0n).toString())
    const stats = await runHive(['--data-dir', provider.dataDir, 'stats'], { timeoutMs: 90_000 })
    expect(stats.code, stats.stderr).to.equal(0)
    expect(stats.stdout).to.include('as provider')
    expect(stats.stdout).to.include('2 succeeded')
  })

  it('job post --gpu / --min-mem / --min-cpu-score reach the providers: one that lacks them does not bid', async () => {
    const modules = await buildExamples()
    writeFileSync(join(root, 'gpu.txt'), 'needs a gpu\n')
    const post = async (extra: string[]) =>
      await runHive(
        ['--data-dir', requester.dataDir, '--json', 'job', 'post', '--wasm', modules.wordcount]
          .concat(['--input', join(root, 'gpu.txt'), '--bid-window', '400ms', '--timeout', '8s', '--wait'])
          .concat(extra),
        { timeoutMs: 90_000 },
      )
    const unbid = async (): Promise<number> =>
      (await requester.market.requester!.list()).filter((r) => r.phase === 'failed' && r.bids.length === 0).length
    // the provider has no GPU: asked for one, it does not bid, and the job gets no bid at all
    const before = await unbid()
    const gpu = await post(['--gpu', 'NVIDIA'])
    expect(gpu.code, gpu.stdout + gpu.stderr).to.not.equal(0)
    expect(await unbid(), 'one more job that got no bid').to.equal(before + 1)
    // requirements it meets: it bids and runs the job
    const met = await post(['--min-mem', '1MiB', '--min-cpu-score', '1'])
    expect(met.code, met.stderr).to.equal(0)
    // and a bad vendor name is refused before the node is asked
    const bad = await runHive(
      ['--data-dir', requester.dataDir, 'job', 'post', '--wasm', modules.wordcount, '--gpu', 'a b'],
      {
        timeoutMs: 60_000,
      },
    )
    expect(bad.code).to.equal(2)
    expect(bad.stderr).to.include('--gpu a b: a vendor name such as nvidia')
  })

  it('hive job post --spec runs a job from a YAML file; a wrong file is refused naming the field', async () => {
    const modules = await buildExamples()
    writeFileSync(join(root, 'words.txt'), 'spec file words\n')
    const spec = join(root, 'job.yaml')
    writeFileSync(
      spec,
      [`module: ${modules.wordcount}`, 'inputs: [words.txt]', "args: ['2']", 'maxPrice: 1', 'bidWindow: 400ms'].join(
        '\n',
      ),
    )
    const run = await runHive(['--data-dir', requester.dataDir, '--json', 'job', 'post', '--spec', spec, '--wait'], {
      timeoutMs: 120_000,
    })
    expect(run.code, run.stderr).to.equal(0)
    const { jobId } = JSON.parse(run.stdout) as { jobId: string }
    const record = await requester.market.requester!.get(jobId)
    expect(record?.phase).to.equal('completed')
    expect(record?.maxPrice).to.equal(parseEther('1').toString())

    writeFileSync(spec, `module: ${modules.wordcount}\nlimits:\n  memory: plenty\n`)
    const bad = await runHive(['--data-dir', requester.dataDir, 'job', 'post', '--spec', spec], { timeoutMs: 60_000 })
    expect(bad.code).to.equal(2)
    expect(bad.stderr).to.include('limits.memory: expected a size such as 64MiB, got "plenty"')
  })
})
