import { mkdtempSync, rmSync } from 'node:fs'
import { spawn } from 'node:child_process'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { loadConfig } from '../../../node/config.ts'
import { DHT_PROTOCOL } from '../../../node/p2p/constants.ts'
import { createHiveNode } from '../../../node/create.ts'
import { PUBLISHED_PROFILE_KEY } from '../../../node/node.ts'
import type { HiveNode } from '../../../node/node.ts'
import { verifyProfile } from '../../../protocol/profile-signing.ts'
import type { HiveService } from '../../../node/node.ts'
import type { NodeEvent } from '../../../node/controller.ts'
import { isHiveError } from '../../../protocol/errors.ts'
import type { ProfileHardware } from '../../../protocol/profile.ts'
import { waitFor } from '../../support/wait.ts'

const hardware: ProfileHardware = {
  cpu: { model: 'Test CPU', cores: 2, threads: 4, arch: 'x64', speedMhz: 2500 },
  memoryBytes: 8 * 1024 ** 3,
  gpus: [],
  os: { platform: 'linux', distro: 'test', release: '1', kernel: '6' },
  benchmark: { cpuScore: 777, durationMs: 1000 },
}

function portOf(addr: string): number {
  return Number(/\/tcp\/(\d+)/.exec(addr)?.[1])
}

async function refused(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port })
    s.once('connect', () => {
      s.destroy()
      resolve(false)
    })
    s.once('error', () => resolve(true))
  })
}

function handles(): Record<string, number> {
  const out: Record<string, number> = {}
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1
  return out
}

describe('node/node: HiveNode', function () {
  this.timeout(30_000)
  let root: string
  const live: HiveNode[] = []
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hive-node-'))
  })
  afterEach(async () => {
    await Promise.all(live.splice(0).map(async (n) => await n.stop()))
    rmSync(root, { recursive: true, force: true })
  })

  const configFor = (name: string, flags: Record<string, unknown> = {}): ReturnType<typeof loadConfig> =>
    loadConfig({
      dataDir: join(root, name),
      flags: { listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'], ...flags },
    })

  it('starts and stops idempotently, releasing its ports, store and timers', async () => {
    const before = handles()
    const node = await createHiveNode(configFor('a'), { hardware })
    await Promise.all([node.start(), node.start()])
    await node.start()
    const info = node.info()
    expect(info.peerId).to.equal(node.peerId.toString())
    expect(info.addresses).to.have.length(2)
    expect(
      info.addresses.every((a) => a.startsWith('/ip4/127.0.0.1/tcp/') && a.endsWith(`/p2p/${info.peerId}`)),
    ).to.equal(true)
    expect(info.addresses.some((a) => a.includes('/ws/'))).to.equal(true)
    expect(info.roles).to.deep.equal(['provider', 'requester'])
    expect(info.startedAt).to.be.closeTo(Date.now(), 5000)
    expect(info.version).to.match(/^\d+\.\d+\.\d+/)
    const hw = node.hardware()
    expect(hw.peerId).to.equal(info.peerId)
    expect(hw.hardware.cpu).to.deep.equal({ model: 'Test CPU', cores: 2, threads: 4, arch: 'x64', speedGHz: 2.5 })
    expect(hw.hardware.benchmark.cpuScore).to.equal(777)
    expect(hw.executors).to.deep.equal(['wasm'])
    expect(hw.capabilities).to.include('executor/wasm')

    await Promise.all([node.stop(), node.stop()])
    await node.stop()
    for (const a of info.addresses) expect(await refused(portOf(a)), a).to.equal(true)
    expect(node.store.closed).to.equal(true)
    try {
      await node.start()
      expect.fail('restarted a stopped node')
    } catch (err) {
      expect(isHiveError(err, 'NODE_STOPPED')).to.equal(true)
    }
    // sockets close a tick or more after stop() resolves: wait for it, with a deadline
    const closed = (): boolean =>
      ['TCPServerWrap', 'TCPSocketWrap'].every((kind) => (handles()[kind] ?? 0) <= (before[kind] ?? 0))
    await waitFor(closed, { what: "the node's TCP handles to close", timeoutMs: 5_000 }).catch(() => {})
    const after = handles()
    for (const kind of ['TCPServerWrap', 'TCPSocketWrap'])
      expect(after[kind] ?? 0, kind).to.be.at.most(before[kind] ?? 0)
  })

  it('leaves nothing that keeps a process alive after stop', async () => {
    // timers are hard to count in-process (mocha's own, libp2p's unref'd ones), so ask the real
    // question: does a process that started and stopped a node exit by itself, promptly?
    const child = spawn(process.execPath, ['--import=tsx', join(import.meta.dirname, 'fixtures', 'start-stop.ts')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let stoppedAt = 0
    child.stdout.on('data', (d: Buffer) => {
      const m = /stopped (\d+)/.exec(d.toString())
      if (m != null) stoppedAt = Number(m[1])
    })
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code).to.equal(0)
    expect(stoppedAt).to.be.greaterThan(0)
    // gossipsub's first-heartbeat timer may outlive stop by up to 100 ms; nothing else should
    expect(Date.now() - stoppedAt).to.be.lessThan(800)
  })

  it('keeps its identity and cached benchmark across restarts', async () => {
    const config = configFor('b', { benchmarkMs: 200 })
    const first = await createHiveNode(config)
    const id = first.peerId.toString()
    const score = first.discovery.ownProfile()?.benchmark.cpuScore
    expect(score).to.be.a('number').and.greaterThan(0)
    await first.start()
    await first.stop()
    const peek = await createHiveNode(config)
    const cachedAt = ((await peek.store.meta.get('cpuBenchmark')) as { measuredAt: number }).measuredAt
    await peek.stop()
    const second = await createHiveNode(config)
    // the benchmark did not run again: the cache entry is the first run's
    expect(((await second.store.meta.get('cpuBenchmark')) as { measuredAt: number }).measuredAt).to.equal(cachedAt)
    expect(second.peerId.toString()).to.equal(id)
    expect(second.discovery.ownProfile()?.benchmark.cpuScore).to.equal(score)
    await second.stop()
  })

  it('reports peers and streams events', async () => {
    const a = await createHiveNode(configFor('c'), { hardware })
    live.push(a)
    const events: NodeEvent[] = []
    const unsubscribe = a.onEvent((e) => events.push(e))
    await a.start()
    // a DHT needs a second server to hold a's records, so this requester serves the DHT too
    const b = await createHiveNode(
      configFor('d', { bootstrap: a.info().addresses, roles: 'requester', dhtMode: 'server' }),
      { hardware },
    )
    live.push(b)
    await b.start()
    expect(a.libp2p.services.dht.getMode()).to.equal('server')
    const pure = await createHiveNode(configFor('g', { roles: 'requester' }), { hardware })
    expect(pure.libp2p.services.dht.getMode()).to.equal('client')
    await pure.stop()
    await a.discovery.whenPublished(AbortSignal.timeout(10_000))
    // each side lists the other's protocols once its own identify round has finished; the two
    // rounds are independent, so wait for both (the test waited for a's only, then read b's)
    const identified = (): boolean =>
      (a.peers()[0]?.protocols ?? []).includes('/ipfs/id/1.0.0') &&
      (b.peers()[0]?.protocols ?? []).includes(DHT_PROTOCOL)
    await waitFor(identified, { what: 'identify to finish on both sides', timeoutMs: 15_000 })
    const peers = a.peers()
    expect(peers.map((p) => p.peerId)).to.deep.equal([b.peerId.toString()])
    expect(peers[0].addresses[0]).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\//)
    expect(b.peers()[0].protocols).to.include(DHT_PROTOCOL)
    // profile:published follows the record's write to the store (node/node.ts onPublished), so
    // once the event is heard the record can be read at once
    const published = await waitFor(() => events.find((e) => e.type === 'profile:published'), {
      what: 'the profile:published event',
      timeoutMs: 10_000,
    })
    expect(events.map((e) => e.type)).to.include.members(['node:started', 'peer:connected', 'profile:published'])
    expect(published.type === 'profile:published' && published.expiresAt > Date.now()).to.equal(true)
    const saved = await a.store.profile.get(PUBLISHED_PROFILE_KEY)
    if (saved === undefined) throw new Error('profile:published was emitted before the profile was saved')
    expect(
      (await verifyProfile(saved, { now: Date.now(), expectedPeerId: a.peerId.toString() })).benchmark.cpuScore,
    ).to.equal(777)

    // a requester finds the provider but is not one itself. Ask until it answers: right after a
    // provider starts, its provider records may still be in flight (ADD_PROVIDER is not
    // acknowledged) and for its first second libp2p does not list its own addresses
    const lookup = async (): Promise<Awaited<ReturnType<HiveNode['findProviders']>> | undefined> => {
      const r = await b.findProviders({})
      return r.length > 0 ? r : undefined
    }
    const found = await waitFor(lookup, { what: 'the requester to find the provider', timeoutMs: 20_000 })
    expect(found.map((p) => p.peerId)).to.deep.equal([a.peerId.toString()])

    unsubscribe()
    const count = events.length
    await b.stop()
    await a.stop()
    expect(events.length).to.equal(count)
  })

  it('starts services in order, stops them in reverse, and cleans up when one fails to start', async () => {
    const calls: string[] = []
    const service = (name: string, failStart = false): HiveService => ({
      name,
      start: () => {
        calls.push(`start ${name}`)
        if (failStart) throw new Error(`${name} broke`)
      },
      stop: async () => {
        calls.push(`stop ${name}`)
      },
    })
    const node = await createHiveNode(configFor('e'), { hardware })
    node.addService(service('market'))
    node.addService(service('audit'))
    await node.start()
    expect(() => node.addService(service('late'))).to.throw(/cannot add service late/)
    await node.stop()
    expect(calls).to.deep.equal(['start market', 'start audit', 'stop audit', 'stop market'])

    calls.length = 0
    const broken = await createHiveNode(configFor('f'), { hardware })
    broken.addService(service('ok'))
    broken.addService(service('bad', true))
    let err: unknown
    try {
      await broken.start()
    } catch (e) {
      err = e
    }
    expect((err as Error).message).to.equal('bad broke')
    expect(calls).to.deep.equal(['start ok', 'start bad', 'stop ok'])
    expect(broken.store.closed).to.equal(true)
    expect(broken.libp2p.status).to.equal('stopped')
    await broken.stop() // still harmless
  })
})
