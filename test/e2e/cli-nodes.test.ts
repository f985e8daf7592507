// End to end with separate processes: three `hive node start` daemons on loopback, each with
// its own data dir, and the `hive` CLI run as a fourth process against them.
import { existsSync, statSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { expect } from 'chai'
import type { HiveApiClient } from '../../cli/client.ts'
import type { NodeEvent, ProviderProfileView } from '../../node/controller.ts'
import { initPeers, loopbackTcpAddress, peerDataDir, startPeer } from '../../cli/devnet/network.ts'
import type { DevnetPeer } from '../../cli/devnet/network.ts'
import { runHive } from '../../cli/devnet/processes.ts'
import type { NodeProcess } from '../../cli/devnet/processes.ts'
import { readSse } from '../../cli/sse-reader.ts'
import { waitFor } from '../support/wait.ts'

describe('e2e: hive nodes as processes and the hive CLI', function () {
  this.timeout(60_000)
  let workDir: string
  const processes: NodeProcess[] = []
  const peers: DevnetPeer[] = []
  let keepLogs = false

  before(async function () {
    this.timeout(90_000)
    workDir = await mkdtemp(join(tmpdir(), 'hive-e2e-'))
    await initPeers(workDir, 3)
    const first = await startPeer(workDir, 0, [], 30_000, (p) => processes.push(p))
    peers.push(first)
    const bootstrap = loopbackTcpAddress(first.info)
    peers.push(
      ...(await Promise.all(
        [1, 2].map((i) => startPeer(workDir, i, ['--bootstrap', bootstrap], 30_000, (p) => processes.push(p))),
      )),
    )
  })

  afterEach(function () {
    if (this.currentTest?.state === 'failed') keepLogs = true
  })

  after(async function () {
    this.timeout(30_000)
    for (const p of processes) p.kill()
    await Promise.all(processes.map((p) => p.stop(5_000)))
    if (keepLogs && workDir != null) {
      for (const p of processes) {
        const log = await readFile(p.logFile, 'utf8').catch(() => '')
        console.error(`--- ${p.name} log (last 3000 chars) ---\n${log.slice(-3000)}`)
      }
    }
    if (workDir != null) await rm(workDir, { recursive: true, force: true })
  })

  it('hive init created a key, config and a private API token in each data dir', async () => {
    for (let i = 0; i < 3; i++) {
      const dir = peerDataDir(workDir, i)
      expect(statSync(join(dir, 'api-token')).mode & 0o777, 'api-token mode').to.equal(0o600)
      expect(existsSync(join(dir, 'config.json')), 'config.json').to.equal(true)
    }
    // a second init keeps everything (and the running node's key) as it is
    const again = await runHive(['--data-dir', peerDataDir(workDir, 0), 'init', '--json'])
    expect(again.code, again.stderr).to.equal(0)
    const result = JSON.parse(again.stdout) as { peerId: string; created: string[]; kept: string[] }
    expect(result.created).to.deep.equal([])
    expect(result.kept).to.include(join(peerDataDir(workDir, 0), 'api-token'))
    expect(result.peerId).to.equal(peers[0].info.peerId)
  })

  it('`hive providers --json` from a fourth process lists the three providers with their hardware', async () => {
    const ids = peers.map((p) => p.info.peerId)
    // the DHT needs a moment after start; wait through the API, then ask once through the CLI
    await waitUntilFound(peers[2].client, ids)
    const run = await runHive(['--node', peers[2].process.dataDir, 'providers', '--executor', 'wasm', '--json'])
    expect(run.code, run.stderr).to.equal(0)
    const out = JSON.parse(run.stdout) as { filter: unknown; providers: ProviderProfileView[] }
    expect(out.filter).to.deep.equal({ executor: 'wasm' })
    const found = out.providers.filter((p) => ids.includes(p.peerId))
    expect(found.map((p) => p.peerId).sort()).to.deep.equal([...ids].sort())
    for (const p of found) {
      expect(p.hardware.cpu.cores, 'cores').to.be.greaterThan(0)
      expect(p.hardware.cpu.threads).to.be.at.least(p.hardware.cpu.cores)
      expect(p.hardware.memoryBytes, 'memory').to.be.greaterThan(64 * 1024 ** 2)
      expect(p.hardware.benchmark.cpuScore, 'cpu score').to.be.greaterThan(0)
      expect(p.executors).to.include('wasm')
      expect(p.expiresAt).to.be.greaterThan(Date.now())
    }
    // each provider's advertised profile is what that node says about itself
    for (const peer of peers) {
      const hw = await runHive(['--node', peer.process.dataDir, 'hw', '--json'])
      expect(hw.code, hw.stderr).to.equal(0)
      const own = JSON.parse(hw.stdout) as { source: string; peerId: string; hardware: ProviderProfileView['hardware'] }
      expect(own.source).to.equal('node')
      expect(own.peerId).to.equal(peer.info.peerId)
      expect(found.find((p) => p.peerId === peer.info.peerId)?.hardware).to.deep.equal(own.hardware)
    }
  })

  it("filters by capability: nobody has 4x this machine's memory; a GPU filter returns only GPU owners", async () => {
    const mem = (await peers[0].client.hardware()).hardware.memoryBytes
    const run = await runHive(['--node', peers[0].process.dataDir, 'providers', '--min-mem', String(mem * 4), '--json'])
    expect(run.code, run.stderr).to.equal(0)
    expect((JSON.parse(run.stdout) as { providers: unknown[] }).providers).to.deep.equal([])
    const gpu = await runHive(['--node', peers[0].process.dataDir, 'providers', '--gpu', 'nvidia', '--json'])
    expect(gpu.code, gpu.stderr).to.equal(0)
    for (const p of (JSON.parse(gpu.stdout) as { providers: ProviderProfileView[] }).providers) {
      expect(p.hardware.gpus.map((g) => g.vendor)).to.include('nvidia')
    }
    const human = await runHive(['--node', peers[0].process.dataDir, 'providers', '--executor', 'wasm'])
    expect(human.code, human.stderr).to.equal(0)
    expect(human.stdout).to.match(/\d+ providers? matching executor wasm/)
  })

  it('`hive peers --json` shows the bootstrap peer connected to the others', async () => {
    const run = await runHive(['--node', peers[0].process.dataDir, 'peers', '--json'])
    expect(run.code, run.stderr).to.equal(0)
    const { peers: list } = JSON.parse(run.stdout) as { peers: Array<{ peerId: string }> }
    const ids = list.map((p) => p.peerId)
    expect(ids).to.include(peers[1].info.peerId).and.include(peers[2].info.peerId)
  })

  it("the API refuses a request without the token (401) or with another node's token", async () => {
    const endpoint = JSON.parse(await readFile(join(peers[0].process.dataDir, 'api.json'), 'utf8')) as {
      host: string
      port: number
      pid: number
    }
    expect(endpoint.host).to.equal('127.0.0.1')
    expect(endpoint.pid).to.equal(peers[0].process.pid)
    const bare = await fetch(`http://127.0.0.1:${endpoint.port}/v1/providers`)
    expect(bare.status).to.equal(401)
    expect(await bare.json()).to.have.nested.property('error.code', 'UNAUTHORIZED')
    const otherToken = (await readFile(join(peers[1].process.dataDir, 'api-token'), 'utf8')).trim()
    const wrong = await fetch(`http://127.0.0.1:${endpoint.port}/v1/info`, {
      headers: { authorization: `Bearer ${otherToken}` },
    })
    expect(wrong.status).to.equal(401)
  })

  it('`hive providers` with no node running exits 3 and says how to start one', async () => {
    const empty = join(workDir, 'never-started')
    const run = await runHive(['--data-dir', empty, 'providers'])
    expect(run.code).to.equal(3)
    expect(run.stderr).to.include(`no node is running for data dir ${empty}`).and.include('hive node start')
    expect(run.stdout).to.equal('')
  })

  it('a bad flag exits 2 and names the flag', async () => {
    const run = await runHive(['--node', peers[0].process.dataDir, 'providers', '--min-mem', 'lots'])
    expect(run.code).to.equal(2)
    expect(run.stderr).to.include('--min-mem')
    const unknown = await runHive(['--node', peers[0].process.dataDir, 'providers', '--cheap'])
    expect(unknown.code).to.equal(2)
    expect(unknown.stderr).to.include("unknown option '--cheap'")
  })

  it('`hive node start` refuses a data dir whose node is running, and one that was never initialised', async () => {
    const twice = await runHive(['--data-dir', peers[1].process.dataDir, 'node', 'start'], { timeoutMs: 20_000 })
    expect(twice.code).to.equal(1)
    expect(twice.stderr).to.include(
      `a node is already running for data dir ${peers[1].process.dataDir} (pid ${peers[1].process.pid}`,
    )
    const bare = await runHive(['--data-dir', join(workDir, 'not-initialised'), 'node', 'start'], { timeoutMs: 20_000 })
    expect(bare.code).to.equal(1)
    expect(bare.stderr).to.include('hive init --data-dir')
  })

  it('SIGINT (Ctrl-C) stops a node cleanly too', async () => {
    const exit = await peers[1].process.stop(15_000, 'SIGINT')
    expect(exit).to.deep.include({ code: 0, killed: false })
    expect(existsSync(join(peers[1].process.dataDir, 'api.json'))).to.equal(false)
    expect(await readFile(peers[1].process.logFile, 'utf8')).to.include('stopped cleanly')
  })

  it(
    'SIGTERM stops a node cleanly (exit 0, api.json removed) and' + ' its peers see it leave on their event stream',
    async () => {
      const leaving = peers[2]
      const events: NodeEvent[] = []
      const ac = new AbortController()
      // the node subscribes a stream before it answers with the headers, so once fetch resolves no
      // event can be missed (the test slept 200 ms and hoped the stream was open by then)
      const token = (await readFile(join(peers[0].process.dataDir, 'api-token'), 'utf8')).trim()
      const res = await fetch(`${peers[0].client.baseUrl}/v1/events`, {
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
        signal: ac.signal,
      })
      expect(res.status).to.equal(200)
      const streaming = (async () => {
        for await (const msg of readSse(res.body!)) events.push(JSON.parse(msg.data) as NodeEvent)
      })().catch(() => {})
      const exit = await leaving.process.stop(15_000)
      expect(exit).to.deep.include({ code: 0, killed: false })
      expect(existsSync(join(leaving.process.dataDir, 'api.json'))).to.equal(false)
      await waitFor(() => events.some((e) => e.type === 'peer:disconnected' && e.peerId === leaving.info.peerId), {
        what: 'peer:disconnected on the event stream',
        timeoutMs: 15_000,
        intervalMs: 50,
      }).catch(() => {})
      ac.abort()
      await streaming
      expect(
        events.filter((e) => e.type === 'peer:disconnected').map((e) => (e as { peerId: string }).peerId),
      ).to.include(leaving.info.peerId)
    },
  )
})

async function waitUntilFound(client: HiveApiClient, ids: string[], timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs
  let found: string[] = []
  while (Date.now() < until) {
    found = (await client.providers({ executor: 'wasm' }, { timeoutMs: 5_000 })).providers.map((p) => p.peerId)
    if (ids.every((id) => found.includes(id))) return
    await sleep(300)
  }
  throw new Error(`providers not found in time: have ${found.join(', ') || 'none'}, want ${ids.join(', ')}`)
}
