// Blobs over a relayed (limited) connection (issue 13): a blob that fits what the relay lets one
// circuit carry crosses it and is verified; one that does not fails at once with its code
// (BLOB_RELAY_LIMIT) instead of stalling until the relay cuts the circuit. Real nodes on
// loopback: a relay with a small data limit, a private peer (only /p2p-circuit) holding blobs,
// and a fetcher that reaches it only through the relay.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { ClassicLevel } from 'classic-level'
import { multiaddr } from '@multiformats/multiaddr'
import { BlobExchange } from '../../../../node/blobs/exchange.ts'
import { BlobStore } from '../../../../node/blobs/store.ts'
import type { HiveNode } from '../../../../node/node.ts'
import { isHiveError } from '../../../../protocol/errors.ts'
import { startTestNode } from '../../../support/node.ts'
import { waitFor } from '../../../support/wait.ts'

const RELAY_DATA_BYTES = 256 * 1024

describe('node/p2p/reach: blobs over a relayed connection', function () {
  this.timeout(60_000)
  let root: string
  const nodes: HiveNode[] = []
  const stops: Array<() => Promise<void>> = []

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hive-reach-blob-'))
  })
  afterEach(async () => {
    for (const s of stops.splice(0).reverse()) await s()
    for (const n of nodes.splice(0).reverse()) await n.stop()
    rmSync(root, { recursive: true, force: true })
  })

  async function exchangeOn(node: HiveNode, name: string): Promise<{ store: BlobStore; exchange: BlobExchange }> {
    const db = new ClassicLevel<string, Uint8Array>(join(root, `${name}-blobs`), { valueEncoding: 'view' })
    const store = new BlobStore({
      db: db.sublevel<string, Uint8Array>('blobs', { valueEncoding: 'view' }),
      maxBlobBytes: 4 * 1024 * 1024,
    })
    const exchange = new BlobExchange({ libp2p: node.libp2p, store, directWaitMs: 300 })
    await exchange.start()
    stops.push(async () => {
      await exchange.stop()
      await db.close()
    })
    return { store, exchange }
  }

  it("a blob within the relay's limit crosses it; a larger one fails at once with BLOB_RELAY_LIMIT", async () => {
    const relay = await startTestNode('relay', {
      root,
      settings: {
        relayServer: true,
        relayPolicy: 'open',
        reachability: 'public',
        relayCircuitDataBytes: RELAY_DATA_BYTES,
      },
    })
    nodes.push(relay)
    const holder = await startTestNode('holder', {
      root,
      bootstrap: relay,
      settings: { listen: [], reachability: 'private', relayReservations: 1 },
    })
    nodes.push(holder)
    const fetcher = await startTestNode('fetcher', { root })
    nodes.push(fetcher)
    const held = await exchangeOn(holder, 'holder')
    const fetching = await exchangeOn(fetcher, 'fetcher')

    const circuit = await waitFor(() => holder.info().addresses.find((a) => a.includes('/p2p-circuit')), {
      timeoutMs: 20_000,
    })
    const conn = await fetcher.libp2p.dial(multiaddr(circuit))
    expect(conn.limits, 'the connection is relayed').to.not.equal(undefined)

    const small = new Uint8Array(40_000).map((_, i) => (i * 13) & 0xff)
    const smallCid = await held.store.put(small)
    const got = await fetching.exchange.fetch(holder.peerId, smallCid)
    expect(Buffer.from(got).equals(Buffer.from(small))).to.equal(true)
    expect(
      fetcher.libp2p.getConnections(holder.peerId).every((c) => c.limits !== undefined),
      'still only relayed',
    ).to.equal(true)

    const large = new Uint8Array(1024 * 1024).map((_, i) => (i * 7) & 0xff)
    const largeCid = await held.store.put(large)
    const started = Date.now()
    let error: unknown
    try {
      await fetching.exchange.fetch(holder.peerId, largeCid)
    } catch (err) {
      error = err
    }
    expect(isHiveError(error), String(error)).to.equal(true)
    expect((error as { code: string }).code).to.equal('BLOB_RELAY_LIMIT')
    // not a stall until the 30 s fetch timeout: it fails within a few seconds
    expect(Date.now() - started).to.be.lessThan(10_000)
    expect(await fetching.store.get(largeCid)).to.equal(undefined)
  })
})
