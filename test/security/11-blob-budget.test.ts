// Item 11: a blob request over the peer's byte budget must be refused before the server reads
// the blob. A hostile peer (a real libp2p node speaking /hive/blob) asks twice for a blob that
// fits its budget once; the server's store counts the reads of the blob's bytes.
import { expect } from 'chai'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { lpStream } from '@libp2p/utils'
import { ClassicLevel } from 'classic-level'
import { BlobExchange } from '../../node/blobs/exchange.ts'
import { BlobStore } from '../../node/blobs/store.ts'
import type { BlobSublevel } from '../../node/blobs/store.ts'
import { createHiveLibp2p } from '../../node/p2p/create.ts'
import { BlobChunk, BlobRequest, BlobResponse, BlobStatus } from '../../protocol/gen/market.ts'
import { PROTOCOLS } from '../../protocol/topics.ts'
import type { CID } from '../../protocol/cid.ts'
import type { HiveLibp2p } from '../../node/p2p/create.ts'

describe("security 11: the blob server's byte budget", function () {
  this.timeout(30_000)
  let dir: string
  let db: ClassicLevel<string, Uint8Array> | undefined
  const nodes: HiveLibp2p[] = []
  let exchange: BlobExchange | undefined

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hive-sec11-blob-'))
  })
  after(async () => {
    await exchange?.stop()
    for (const n of nodes) await Promise.resolve(n.stop()).catch(() => {})
    await db?.close()
    await rm(dir, { recursive: true, force: true })
  })

  /** Asks `server` for `cid` and returns the status of its answer (reading and dropping any bytes). */
  async function ask(client: HiveLibp2p, server: HiveLibp2p, cid: CID): Promise<BlobStatus> {
    const stream = await client.dialProtocol(server.peerId, PROTOCOLS.blob)
    const lp = lpStream(stream)
    await lp.write(BlobRequest.encode({ cid: cid.bytes, offset: 0, maxBytes: 0 }))
    const head = BlobResponse.decode(await lp.read())
    let received = 0
    while (head.status === BlobStatus.BLOB_OK && received < head.length) {
      received += BlobChunk.decode(await lp.read()).data.byteLength
    }
    await stream.close().catch(() => {})
    return head.status
  }

  it('refuses a request over the byte budget without reading the blob', async () => {
    db = new ClassicLevel<string, Uint8Array>(join(dir, 'server'), { valueEncoding: 'view' })
    const sub = db.sublevel<string, Uint8Array>('blobs', { valueEncoding: 'view' })
    const store = new BlobStore({ db: sub, maxBlobBytes: 4 * 1024 * 1024 })
    const blob = new Uint8Array(700 * 1024).fill(7)
    const cid = await store.put(blob)
    // count reads of the blob's own key: its bytes, whatever else the server keeps beside them
    let blobReads = 0
    const counting: BlobSublevel = {
      get: async (key) => {
        if (key === cid.toString()) blobReads++
        return await sub.get(key)
      },
      has: async (key) => await sub.has(key),
      put: async (key, value) => {
        await sub.put(key, value)
      },
      del: async (key) => {
        await sub.del(key)
      },
    }
    const server = await createHiveLibp2p({ privateKey: await generateKeyPair('Ed25519') })
    const client = await createHiveLibp2p({ privateKey: await generateKeyPair('Ed25519') })
    nodes.push(server, client)
    await server.start()
    await client.start()
    // a budget of 1 MiB per window: the 700 KiB blob fits once
    const served = new BlobStore({ db: counting, maxBlobBytes: 4 * 1024 * 1024 })
    exchange = new BlobExchange({ libp2p: server, store: served, bytesPerWindow: 1024 * 1024, rateWindowMs: 60_000 })
    await exchange.start()
    await client.dial(server.getMultiaddrs()[0])

    expect(await ask(client, server, cid)).to.equal(BlobStatus.BLOB_OK)
    const readsAfterFirst = blobReads
    expect(await ask(client, server, cid)).to.equal(BlobStatus.BLOB_RATE_LIMITED)
    expect(blobReads - readsAfterFirst, 'reads of the blob for the refused request').to.equal(0)
  })
})
