import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'chai'
import { DHT_PROTOCOL } from '../../../node/p2p/constants.ts'
import { createHiveLibp2p } from '../../../node/p2p/create.ts'
import type { HiveLibp2p, HiveLibp2pOptions } from '../../../node/p2p/create.ts'
import { openSublevelDatastore } from '../../../node/p2p/datastore.ts'
import { openStore } from '../../../node/store.ts'
import { profileKey } from '../../../protocol/profile-record.ts'
import { signProfile } from '../../../protocol/profile-signing.ts'
import type { HardwareProfile } from '../../../protocol/profile.ts'
import type { PrivateKey } from '@libp2p/interface'
import { waitFor } from '../../support/wait.ts'

function profileOf(key: PrivateKey, issuedAt: number, ttlMs = 60_000): HardwareProfile {
  return {
    version: 1,
    peerId: peerIdFromPrivateKey(key).toString(),
    cpu: { model: 'test', cores: 2, threads: 2, arch: 'x64', speedMhz: 0 },
    memoryBytes: 8 * 1024 ** 3,
    gpus: [],
    os: { platform: 'linux', distro: 'test', release: '1', kernel: '1' },
    benchmark: { cpuScore: 1000, durationMs: 1000 },
    executors: ['wasm'],
    prices: {},
    issuedAt,
    expiresAt: issuedAt + ttlMs,
  }
}

async function collect<T>(it: AsyncIterable<T>, signal?: AbortSignal): Promise<T[]> {
  const out: T[] = []
  try {
    for await (const x of it) out.push(x)
  } catch (err) {
    if (signal?.aborted !== true) throw err
  }
  return out
}

describe('node/p2p', function () {
  this.timeout(30_000)
  const started: HiveLibp2p[] = []
  const dirs: string[] = []
  async function node(opts: Partial<HiveLibp2pOptions> & { privateKey?: PrivateKey } = {}): Promise<HiveLibp2p> {
    const n = await createHiveLibp2p({
      privateKey: opts.privateKey ?? (await generateKeyPair('Ed25519')),
      ...opts,
    } as HiveLibp2pOptions)
    await n.start()
    started.push(n)
    return n
  }
  afterEach(async () => {
    await Promise.all(started.splice(0).map(async (n) => await n.stop()))
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })

  it('connects through a bootstrap address, speaks our DHT protocol, pings and gossips', async () => {
    const a = await node()
    const b = await node({ bootstrap: a.getMultiaddrs().map(String) })
    expect(a.getMultiaddrs().every((m) => m.toString().startsWith('/ip4/127.0.0.1/tcp/'))).to.equal(true)
    await waitFor(() => b.getConnections(a.peerId).length > 0, { what: 'b connected to a' })
    expect(await b.services.ping.ping(a.peerId)).to.be.a('number')
    // identify has told b which protocols a serves
    const served = async (): Promise<string[]> => (await b.peerStore.get(a.peerId)).protocols
    await waitFor(async () => (await served()).includes(DHT_PROTOCOL), { what: "identify to list a's DHT protocol" })
    const protocols = await served()
    expect(protocols).to.include(DHT_PROTOCOL)
    expect(protocols).to.not.include('/ipfs/kad/1.0.0')

    const got = new Promise<string>((resolve) => {
      a.services.pubsub.addEventListener('message', (e) => {
        resolve(new TextDecoder().decode(e.detail.data))
      })
    })
    a.services.pubsub.subscribe('hive-test')
    b.services.pubsub.subscribe('hive-test')
    await waitFor(() => b.services.pubsub.getSubscribers('hive-test').some((p) => p.equals(a.peerId)), {
      what: "a's subscription at b",
    })
    // the mesh forms on the next heartbeat; publishing before that may go nowhere, so retry
    let text: string | undefined
    void got.then((t) => {
      text = t
    })
    await waitFor(
      async () => {
        if (text === undefined) await b.services.pubsub.publish('hive-test', new TextEncoder().encode('hello hive'))
        return text !== undefined
      },
      { what: "a to receive b's message", timeoutMs: 15_000, intervalMs: 100 },
    )
    expect(text).to.equal('hello hive')
  })

  it('connects over WebSockets too', async () => {
    const a = await node({ listen: ['/ip4/127.0.0.1/tcp/0/ws'] })
    const wsAddr = a.getMultiaddrs().map(String)
    expect(wsAddr).to.have.length(1)
    expect(wsAddr[0]).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\//)
    const b = await node({ listen: [] })
    const conn = await b.dial(a.getMultiaddrs()[0])
    expect(conn.remoteAddr.toString()).to.include('/ws')
    expect(await b.services.ping.ping(a.peerId)).to.be.a('number')
  })

  it('stores a valid profile in the DHT and refuses forged or expired ones', async () => {
    let clock = Date.now()
    const a = await node({ now: () => clock })
    const kb = await generateKeyPair('Ed25519')
    const b = await node({ privateKey: kb, bootstrap: a.getMultiaddrs().map(String) })
    const key = profileKey(b.peerId.toString())
    const good = await signProfile(profileOf(kb, clock), kb)
    const put = await collect(b.services.dht.put(key, good, { signal: AbortSignal.timeout(10_000) }))
    expect(put.filter((e) => e.name === 'PEER_RESPONSE').length).to.be.greaterThan(0)
    const got = await collect(a.services.dht.get(key, { signal: AbortSignal.timeout(10_000) }))
    const value = got.find((e) => e.name === 'VALUE')
    expect(value !== undefined && Buffer.from(value.value).equals(Buffer.from(good))).to.equal(true)

    // a profile of b signed by a third key: a must not accept it from b
    const mallory = await generateKeyPair('Ed25519')
    const forged = await signProfile(profileOf(mallory, clock + 1000), mallory)
    const events = await collect(b.services.dht.put(key, forged, { signal: AbortSignal.timeout(10_000) }))
    expect(events.some((e) => e.name === 'QUERY_ERROR')).to.equal(true)
    const after = await collect(a.services.dht.get(key, { signal: AbortSignal.timeout(10_000) }))
    const best = after.find((e) => e.name === 'VALUE')
    expect(best !== undefined && Buffer.from(best.value).equals(Buffer.from(good))).to.equal(true)

    // once a's clock passes the expiry, a accepts the record from nobody, itself included
    clock += 120_000
    const late = await collect(a.services.dht.get(key, { signal: AbortSignal.timeout(3000) }))
    expect(late.filter((e) => e.name === 'VALUE')).to.have.length(0)
    expect(late.some((e) => e.name === 'QUERY_ERROR')).to.equal(true)
  })

  it('keeps DHT records and known peers across a restart when backed by the store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hive-p2p-'))
    dirs.push(dir)
    const ka = await generateKeyPair('Ed25519')
    let store = await openStore(dir)
    const a = await createHiveLibp2p({ privateKey: ka, datastore: await openSublevelDatastore(store.libp2p) })
    await a.start()
    const kb = await generateKeyPair('Ed25519')
    const b = await node({ privateKey: kb, bootstrap: a.getMultiaddrs().map(String) })
    await collect(
      b.services.dht.put(profileKey(b.peerId.toString()), await signProfile(profileOf(kb, Date.now()), kb), {
        signal: AbortSignal.timeout(10_000),
      }),
    )
    await a.stop()
    await store.close()

    store = await openStore(dir)
    const ds = await openSublevelDatastore(store.libp2p)
    const records = []
    for await (const r of ds.queryKeys({ prefix: '/dht/record' })) records.push(r.toString())
    expect(records).to.have.length(1)
    const again = await createHiveLibp2p({ privateKey: ka, datastore: ds })
    expect(await again.peerStore.has(b.peerId)).to.equal(true)
    await store.close()
  })
})
