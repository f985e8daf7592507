// Ten peers over TCP on 127.0.0.1: providers are found by capability through the DHT alone.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'chai'
import { writeFileSync } from 'node:fs'
import { loadConfig } from '../../../node/config.ts'
import { createHiveNode } from '../../../node/create.ts'
import type { HiveNode } from '../../../node/node.ts'
import type { ProfileHardware } from '../../../protocol/profile.ts'
import type { ConnectionGater, PeerId } from '@libp2p/interface'

const GIB = 1024 ** 3
const cpuBox: ProfileHardware = {
  cpu: { model: 'Test CPU', cores: 4, threads: 8, arch: 'x64', speedMhz: 3000 },
  memoryBytes: 16 * GIB,
  gpus: [],
  os: { platform: 'linux', distro: 'test', release: '1', kernel: '6' },
  benchmark: { cpuScore: 900, durationMs: 1000 },
}
const gpuBox: ProfileHardware = {
  ...cpuBox,
  memoryBytes: 64 * GIB,
  gpus: [{ vendor: 'nvidia', model: 'NVIDIA GeForce RTX 4090', vramMiB: 24_564 }],
  benchmark: { cpuScore: 2100, durationMs: 1000 },
}

/** Refuses every connection to or from the given peers, whoever dials. */
function refuse(peers: () => PeerId[]): ConnectionGater {
  const banned = (id: PeerId): boolean => peers().some((p) => p.equals(id))
  return {
    denyDialPeer: banned,
    denyInboundEncryptedConnection: banned,
    denyOutboundEncryptedConnection: banned,
  }
}

/**
 * Asks until the answer satisfies `done`, as a requester waiting for providers would: a provider
 * that has just published may not be visible yet (ADD_PROVIDER is not acknowledged, and libp2p
 * lists a peer's own addresses only ~1 s after it starts).
 */
async function askUntil<T>(ask: () => Promise<T>, done: (answer: T) => boolean, deadlineMs = 30_000): Promise<T> {
  const end = Date.now() + deadlineMs
  let answer = await ask()
  while (!done(answer) && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 200))
    answer = await ask()
  }
  return answer
}

describe('node/discovery: 10 peers on loopback', function () {
  this.timeout(60_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-discovery-'))
  const nodes: HiveNode[] = []
  let gpuProvider: HiveNode
  let searcher: HiveNode
  let gpuPeerId: PeerId
  const searcherSaw = new Set<string>()

  async function startNode(
    name: string,
    opts: {
      bootstrap?: HiveNode[]
      roles?: string
      hardware?: ProfileHardware
      ttlMs?: number
      gater?: ConnectionGater
      keyFile?: Uint8Array
    } = {},
  ): Promise<HiveNode> {
    const dataDir = join(root, name)
    if (opts.keyFile !== undefined) {
      mkdtempSync(join(root, 'x-')) // keep names unique even if reused
      const { mkdirSync } = await import('node:fs')
      mkdirSync(dataDir, { recursive: true, mode: 0o700 })
      writeFileSync(join(dataDir, 'peer-key'), opts.keyFile, { mode: 0o600 })
    }
    const config = loadConfig({
      dataDir,
      flags: {
        listen: ['/ip4/127.0.0.1/tcp/0'],
        bootstrap: (opts.bootstrap ?? []).flatMap((n) => n.info().addresses),
        roles: opts.roles ?? 'provider,requester',
        profileTtlMs: opts.ttlMs ?? 60_000,
      },
    })
    const node = await createHiveNode(config, {
      hardware: opts.hardware ?? cpuBox,
      ...(opts.gater !== undefined ? { connectionGater: opts.gater } : {}),
    })
    await node.start()
    nodes.push(node)
    return node
  }

  before(async function () {
    // nine providers each walk the DHT once per capability key before they count as published:
    // ~7 s on an idle 2-core host, over 20 s under a load average of 14 (the old budget failed)
    this.timeout(150_000)
    // the GPU provider's identity exists first, so the searcher can be told never to connect to it
    const gpuKey = await generateKeyPair('Ed25519')
    gpuPeerId = peerIdFromPrivateKey(gpuKey)
    const a = await startNode('boot-a')
    const b = await startNode('boot-b', { bootstrap: [a] })
    for (let i = 0; i < 6; i++) await startNode(`cpu-${i}`, { bootstrap: [i % 2 === 0 ? a : b] })
    searcher = await startNode('searcher', { bootstrap: [a], roles: 'requester', gater: refuse(() => [gpuPeerId]) })
    searcher.onEvent((e) => {
      if (e.type === 'peer:connected') searcherSaw.add(e.peerId)
    })
    gpuProvider = await startNode('gpu', {
      bootstrap: [b],
      hardware: gpuBox,
      keyFile: privateKeyToProtobuf(gpuKey),
      gater: refuse(() => [searcher.peerId]),
    })
    expect(gpuProvider.peerId.equals(gpuPeerId)).to.equal(true)
    const providers = nodes.filter((n) => n.config.roles.includes('provider'))
    await Promise.all(providers.map(async (n) => await n.discovery.whenPublished(AbortSignal.timeout(120_000))))
  })

  after(async () => {
    await Promise.all(nodes.map(async (n) => await n.stop()))
    rmSync(root, { recursive: true, force: true })
  })

  it('finds a GPU provider by capability from a peer that never connected to it', async () => {
    expect(nodes).to.have.length(10)
    expect(searcher.libp2p.getConnections(gpuPeerId)).to.have.length(0)
    expect(searcherSaw.has(gpuPeerId.toString())).to.equal(false)

    const found = await askUntil(
      async () => await searcher.findProviders({ gpuVendor: 'nvidia' }, { signal: AbortSignal.timeout(15_000) }),
      (r) => r.length > 0,
    )
    expect(found.map((p) => p.peerId)).to.deep.equal([gpuPeerId.toString()])
    expect(found[0].hardware.gpus).to.deep.equal([
      { vendor: 'nvidia', model: 'NVIDIA GeForce RTX 4090', vramMiB: 24_564 },
    ])
    expect(found[0].capabilities).to.include('gpu/nvidia')
    expect(found[0].expiresAt).to.be.greaterThan(Date.now())

    expect(searcher.libp2p.getConnections(gpuPeerId)).to.have.length(0)
    expect(searcherSaw.has(gpuPeerId.toString())).to.equal(false)
  })

  it('returns every matching provider, filters exactly, and never the requester', async () => {
    const providers = nodes
      .filter((n) => n.config.roles.includes('provider'))
      .map((n) => n.peerId.toString())
      .sort()
    const wasm = await askUntil(
      async () => await searcher.findProviders({ executor: 'wasm' }, { signal: AbortSignal.timeout(15_000) }),
      (r) => r.length === providers.length,
    )
    expect(wasm.map((p) => p.peerId).sort()).to.deep.equal(providers)
    expect(wasm[0].peerId).to.equal(gpuPeerId.toString()) // best CPU score first

    const big = await searcher.findProviders({ minMemoryBytes: 40 * GIB }, { signal: AbortSignal.timeout(15_000) })
    expect(big.map((p) => p.peerId)).to.deep.equal([gpuPeerId.toString()])
    expect(await searcher.findProviders({ gpuVendor: 'amd' }, { signal: AbortSignal.timeout(15_000) })).to.deep.equal(
      [],
    )
    const limited = await searcher.findProviders(
      { executor: 'wasm', limit: 3 },
      { signal: AbortSignal.timeout(15_000) },
    )
    expect(limited).to.have.length(3)
  })

  it('stops returning a provider once its stopped record has expired', async function () {
    this.timeout(90_000)
    const shortLived = await startNode('short', {
      bootstrap: [nodes[1]],
      hardware: { ...cpuBox, memoryBytes: 128 * GIB },
      ttlMs: 2500,
    })
    await shortLived.discovery.whenPublished(AbortSignal.timeout(60_000))
    const id = shortLived.peerId.toString()
    const before = await askUntil(
      async () => await searcher.findProviders({ minMemoryBytes: 100 * GIB }, { signal: AbortSignal.timeout(10_000) }),
      (r) => r.length > 0,
    )
    expect(before.map((p) => p.peerId)).to.deep.equal([id])

    await shortLived.stop()
    // the last profile it signed, read after stop: services stop one after another, and a
    // re-publish round (every 1.25 s here) could sign a later expiry between an earlier read and
    // the publisher's own stop. Waiting for a known instant is a wait on the clock, not a bet.
    const lastExpiry = shortLived.discovery.ownProfile()?.expiresAt ?? 0
    const wait = lastExpiry - Date.now() + 200
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))

    const after = await searcher.findProviders({ minMemoryBytes: 100 * GIB }, { signal: AbortSignal.timeout(10_000) })
    expect(after).to.deep.equal([])
    // the lookup itself still works: the long-lived GPU provider is found as before
    const gpu = await searcher.findProviders({ minMemoryBytes: 40 * GIB }, { signal: AbortSignal.timeout(10_000) })
    expect(gpu.map((p) => p.peerId)).to.deep.equal([gpuPeerId.toString()])
  })
})
