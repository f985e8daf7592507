// Item 11: a job must not make providers dial private or loopback addresses it names for its
// requester (probing the provider's own LAN or host). A hostile node pushes a job, signed by a
// second identity the provider has never met, whose requesterAddrs point at a loopback
// listener; a provider with the default configuration must not connect there, while one
// configured for a local network (allowPrivateAddrs, as on the devnet) still does.
import { expect } from 'chai'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { parseEther } from 'ethers'
import { loadConfig } from '../../node/config.ts'
import { marketService } from '../../node/market/service.ts'
import { sendRequest } from '../../node/market/direct.ts'
import { createHiveNode } from '../../node/create.ts'
import type { HiveNode } from '../../node/node.ts'
import { createHiveLibp2p } from '../../node/p2p/create.ts'
import { cidForBytes } from '../../protocol/cid.ts'
import { createJobRequest } from '../../protocol/market/build.ts'
import { TEST_HARDWARE, waitFor } from '../node/market/helpers.ts'
import type { NodeEvent } from '../../node/controller.ts'
import type { HiveLibp2p } from '../../node/p2p/create.ts'
import type { PrivateKey } from '@libp2p/interface'

describe('security 11: requester addresses named by a job', function () {
  this.timeout(60_000)
  let root: string
  const nodes: HiveNode[] = []
  const raw: HiveLibp2p[] = []

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'hive-sec11-addrs-'))
  })
  after(async () => {
    for (const n of raw) await Promise.resolve(n.stop()).catch(() => {})
    for (const n of nodes) await Promise.resolve(n.stop()).catch(() => {})
    rmSync(root, { recursive: true, force: true })
  })

  async function startProvider(name: string, flags: Record<string, unknown> = {}): Promise<HiveNode> {
    const dataDir = join(root, name)
    const base = { listen: ['/ip4/127.0.0.1/tcp/0'], roles: 'provider', prices: { wasm: '0.001' } }
    const config = loadConfig({ dataDir, flags: { ...base, ...flags } })
    const node = await createHiveNode(config, {
      hardware: TEST_HARDWARE,
      libp2pDatastore: 'memory',
      services: { market: marketService() },
    })
    await node.start()
    nodes.push(node)
    return node
  }

  async function startRaw(key?: PrivateKey): Promise<HiveLibp2p> {
    const n = await createHiveLibp2p({ privateKey: key ?? (await generateKeyPair('Ed25519')) })
    await n.start()
    raw.push(n)
    return n
  }

  /** Pushes, through `pusher`, a job signed by `requesterKey` whose requesterAddrs are `target`'s loopback ones. */
  async function pushJob(
    pusher: HiveLibp2p,
    provider: HiveNode,
    requesterKey: PrivateKey,
    target: HiveLibp2p,
  ): Promise<string> {
    const now = Date.now()
    const created = await createJobRequest(
      {
        executor: 'wasm',
        module: await cidForBytes(new TextEncoder().encode('never fetched')),
        moduleSize: 13,
        limits: { memoryBytes: 64 * 1024 * 1024, wallTimeMs: 1_000, outputBytes: 1024 },
        maxPrice: parseEther('1'),
        payment: 'channel',
        redundancy: 1,
        bidWindowMs: 10_000,
        deadline: now + 60_000,
        createdAt: now,
        nonce: randomBytes(16),
      },
      requesterKey,
      target.getMultiaddrs().map((a) => a.toString()),
    )
    await pusher.dial(provider.libp2p.getMultiaddrs()[0])
    const reply = await sendRequest(pusher, provider.peerId, 'request', created.bytes)
    // taken; NOT_BIDDING (issue 14) when the provider tells the pusher it will not bid on it
    expect(['', 'NOT_BIDDING'], reply.message).to.include(reply.code)
    return created.jobId
  }

  it('a provider with the default configuration does not dial a loopback requester address a job names', async () => {
    const provider = await startProvider('p-default')
    const pusher = await startRaw()
    const requesterKey = await generateKeyPair('Ed25519')
    const target = await startRaw(requesterKey)
    let dialled = false
    target.addEventListener('connection:open', (e) => {
      if (e.detail.remotePeer.equals(provider.peerId)) dialled = true
    })
    const declined: NodeEvent[] = []
    provider.events.on((e) => {
      if (e.type === 'provider:declined') declined.push(e)
    })

    const jobId = await pushJob(pusher, provider, requesterKey, target)
    // the provider either dials the address (the attack works) or says why it will not bid
    const declinedThis = (): boolean => declined.some((e) => 'jobId' in e && e.jobId === jobId)
    await waitFor('the provider to dial or decline', () => dialled || declinedThis())
    expect(dialled, 'the provider dialled the loopback address the job named').to.equal(false)
  })

  it('a provider configured with allowPrivateAddrs (the devnet) still reaches a loopback requester', async () => {
    const provider = await startProvider('p-devnet', { allowPrivateAddrs: true })
    const pusher = await startRaw()
    const requesterKey = await generateKeyPair('Ed25519')
    const target = await startRaw(requesterKey)
    let dialled = false
    target.addEventListener('connection:open', (e) => {
      if (e.detail.remotePeer.equals(provider.peerId)) dialled = true
    })
    await pushJob(pusher, provider, requesterKey, target)
    await waitFor('the provider to dial the requester it was told', () => dialled)
  })
})
