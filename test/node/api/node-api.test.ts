// The API in front of real HiveNodes (libp2p over TCP on 127.0.0.1, level stores in temp dirs),
// used through the CLI's typed client: what the CLI shows is what the node knows.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { expect } from 'chai'
import { HiveApiClient } from '../../../cli/client.ts'
import { createNodeApi } from '../../../node/api/index.ts'
import type { ApiServer } from '../../../node/api/index.ts'
import { initDataDir, loadConfig } from '../../../node/config.ts'
import type { NodeEvent, ProtocolOutcomes } from '../../../node/controller.ts'
import { createHiveNode } from '../../../node/create.ts'
import type { HiveComponents, ServiceFactories } from '../../../node/create.ts'
import { marketService } from '../../../node/market/service.ts'
import type { MarketService } from '../../../node/market/service.ts'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import * as raw from 'multiformats/codecs/raw'
import type { HiveNode } from '../../../node/node.ts'
import type { ProfileHardware } from '../../../protocol/profile.ts'
import { waitFor } from '../../support/wait.ts'

const GIB = 1024 ** 3
const box = (cores: number, memGiB: number, gpus: ProfileHardware['gpus'] = []): ProfileHardware => ({
  cpu: { model: `Test CPU ${cores}c`, cores, threads: cores * 2, arch: 'x64', speedMhz: 3000 },
  memoryBytes: memGiB * GIB,
  gpus,
  os: { platform: 'linux', distro: 'test', release: '1', kernel: '6' },
  benchmark: { cpuScore: 100 * cores, durationMs: 1000 },
})

describe('node/api with real HiveNodes', function () {
  this.timeout(60_000)
  let root: string
  const nodes: HiveNode[] = []
  const apis: ApiServer[] = []

  async function startNode(
    name: string,
    hardware: ProfileHardware,
    bootstrap: HiveNode[] = [],
    services?: ServiceFactories,
  ): Promise<{ node: HiveNode; api: ApiServer; client: HiveApiClient }> {
    const dataDir = join(root, name)
    await initDataDir(dataDir)
    const config = loadConfig({
      dataDir,
      flags: {
        listen: ['/ip4/127.0.0.1/tcp/0'],
        bootstrap: bootstrap.flatMap((n) => n.info().addresses),
        profileTtlMs: 60_000,
      },
    })
    const node = await createHiveNode(config, { hardware, ...(services !== undefined ? { services } : {}) })
    nodes.push(node)
    await node.start()
    const api = createNodeApi(node, { dataDir, port: config.apiPort })
    apis.push(api)
    await api.start()
    return { node, api, client: await HiveApiClient.forDataDir(dataDir) }
  }

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'hive-node-api-'))
  })
  after(async () => {
    for (const a of apis) await a.stop()
    for (const n of nodes) await n.stop()
    await rm(root, { recursive: true, force: true })
  })

  it('serves info, hardware, peers and providers, and streams peer events live', async () => {
    const a = await startNode('a', box(4, 16))
    const events: NodeEvent[] = []
    const ac = new AbortController()
    const streaming = (async () => {
      for await (const e of a.client.events({ signal: ac.signal })) events.push(e)
    })().catch(() => {})
    while (a.api.openStreams === 0) await sleep(10)

    const gpu = [{ vendor: 'nvidia', model: 'RTX 4090', vramMiB: 24_564 }]
    const b = await startNode('b', box(16, 64, gpu), [a.node])

    const info = await b.client.info()
    expect(info.peerId).to.equal(b.node.peerId.toString())
    expect(info.addresses.some((x) => x.startsWith('/ip4/127.0.0.1/tcp/'))).to.equal(true)
    expect(b.client.endpoint?.peerId).to.equal(info.peerId)

    const hw = await b.client.hardware()
    expect(hw.peerId).to.equal(info.peerId)
    expect(hw.hardware).to.deep.include({ memoryBytes: 64 * GIB, gpus: gpu })
    expect(hw.hardware.cpu).to.deep.equal({ model: 'Test CPU 16c', cores: 16, threads: 32, arch: 'x64', speedGHz: 3 })
    expect(hw.capabilities).to.include('gpu/nvidia')

    // the event stream of a saw b connect, and the peer lists agree
    const until = Date.now() + 10_000
    while (!events.some((e) => e.type === 'peer:connected' && e.peerId === info.peerId) && Date.now() < until)
      await sleep(20)
    expect(events.map((e) => e.type)).to.include('peer:connected')
    expect((await a.client.peers()).map((p) => p.peerId)).to.include(info.peerId)

    // the DHT answers through the API: both by executor, only b by GPU and by memory
    let all: string[] = []
    while (all.length < 2 && Date.now() < until + 10_000) {
      all = (await a.client.providers({ executor: 'wasm' }, { timeoutMs: 5_000 })).providers.map((p) => p.peerId)
      if (all.length < 2) await sleep(200)
    }
    expect(all.sort()).to.deep.equal([a.node.peerId.toString(), info.peerId].sort())
    const withGpu = await a.client.providers({ gpuVendor: 'nvidia' }, { timeoutMs: 5_000 })
    expect(withGpu.providers.map((p) => p.peerId)).to.deep.equal([info.peerId])
    const bigMemory = await a.client.providers({ executor: 'wasm', minMemoryBytes: 32 * GIB }, { timeoutMs: 5_000 })
    expect(bigMemory.providers.map((p) => p.peerId)).to.deep.equal([info.peerId])
    expect(bigMemory.filter).to.deep.equal({ executor: 'wasm', minMemoryBytes: 32 * GIB })

    ac.abort()
    await streaming
    while (a.api.openStreams > 0) await sleep(10)
  })

  it('counts request/response outcomes node-wide and shows them on GET /v1/protocols', async () => {
    // a service factory that keeps the components it was given: every service sees one counter object
    let seen: HiveComponents | undefined
    const probe = {
      create: (c: HiveComponents) => {
        seen = c
        return undefined
      },
    }
    const a = await startNode('pa', box(4, 16), [], { market: marketService(), probe })
    const b = await startNode('pb', box(4, 16), [a.node], { market: marketService() })
    expect(seen?.counters).to.equal((a.node as HiveNode).counters)
    expect((await a.client.protocols()).protocols.blob?.OK ?? 0).to.equal(0)

    const market = (n: HiveNode): MarketService => n.services.market as MarketService
    const cid = await market(a.node).blobs.put(new TextEncoder().encode('counted'))
    const bytes = await market(b.node).exchange.fetch(a.node.peerId, cid, { signal: AbortSignal.timeout(10_000) })
    expect(new TextDecoder().decode(bytes)).to.equal('counted')
    const missing = CID.create(1, raw.code, await sha256.digest(new TextEncoder().encode('nobody has this')))
    let refused: unknown
    await market(b.node)
      .exchange.fetch(a.node.peerId, missing, { signal: AbortSignal.timeout(10_000) })
      .catch((err) => {
        refused = err
      })
    expect(refused).to.be.instanceOf(Error)

    // the handler counts once its side of the stream closed, which may be just after the fetcher
    // read the answer: ask until both requests are counted
    const counted = async (): Promise<ProtocolOutcomes['protocols'] | undefined> => {
      const { protocols } = await a.client.protocols()
      const blob = protocols.blob ?? {}
      return Object.values(blob).reduce((sum, n) => (sum ?? 0) + (n ?? 0), 0) === 2 ? protocols : undefined
    }
    const protocols = await waitFor(counted, { what: 'two blob requests counted', timeoutMs: 10_000 })
    expect(protocols.blob?.OK).to.equal(1)
    const notOk = Object.entries(protocols.blob ?? {}).filter(([code]) => code !== 'OK')
    expect(notOk.map(([, n]) => n)).to.deep.equal([1])
    expect(protocols).to.deep.equal(a.node.counters.snapshot())
  })
})
