import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { lpStream } from '@libp2p/utils'
import { expect } from 'chai'
import { ClassicLevel } from 'classic-level'
import { BlobExchange } from '../../../node/blobs/exchange.ts'
import { BlobStore } from '../../../node/blobs/store.ts'
import { createHiveLibp2p } from '../../../node/p2p/create.ts'
import { cidForBytes } from '../../../protocol/cid.ts'
import { isHiveError } from '../../../protocol/errors.ts'
import { BlobChunk, BlobResponse, BlobStatus } from '../../../protocol/gen/market.ts'
import { PROTOCOLS } from '../../../protocol/topics.ts'
import type { HiveLibp2p } from '../../../node/p2p/create.ts'

interface Peer {
  libp2p: HiveLibp2p
  db: ClassicLevel<string, Uint8Array>
  store: BlobStore
  exchange: BlobExchange
}

describe('node/blobs/exchange over TCP on 127.0.0.1', function () {
  this.timeout(30_000)
  let dir: string
  const peers: Peer[] = []

  async function makePeer(name: string, init: { requestsPerWindow?: number } = {}): Promise<Peer> {
    const libp2p = await createHiveLibp2p({ privateKey: await generateKeyPair('Ed25519') })
    await libp2p.start()
    const db = new ClassicLevel<string, Uint8Array>(join(dir, name), { valueEncoding: 'view' })
    const store = new BlobStore({
      db: db.sublevel<string, Uint8Array>('blobs', { valueEncoding: 'view' }),
      maxBlobBytes: 4 * 1024 * 1024,
    })
    const exchange = new BlobExchange({ libp2p, store, ...init })
    await exchange.start()
    const peer = { libp2p, db, store, exchange }
    peers.push(peer)
    return peer
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hive-blobx-'))
  })
  afterEach(async () => {
    for (const p of peers.splice(0)) {
      await p.exchange.stop()
      await p.libp2p.stop()
      await p.db.close()
    }
    await rm(dir, { recursive: true, force: true })
  })

  it('fetches a multi-chunk blob, verifies it and keeps it', async () => {
    const a = await makePeer('a')
    const b = await makePeer('b')
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff)
    const cid = await a.store.put(bytes)
    await b.libp2p.dial(a.libp2p.getMultiaddrs()[0])
    const got = await b.exchange.fetch(a.libp2p.peerId, cid)
    expect(Buffer.from(got).equals(Buffer.from(bytes))).to.equal(true)
    expect(await b.store.has(cid)).to.equal(true)
  })

  it('answers a clear "not found" for an unknown CID', async () => {
    const a = await makePeer('a')
    const b = await makePeer('b')
    await b.libp2p.dial(a.libp2p.getMultiaddrs()[0])
    const cid = await cidForBytes(new TextEncoder().encode('nobody has this'))
    try {
      await b.exchange.fetch(a.libp2p.peerId, cid)
      expect.fail('fetched a blob nobody has')
    } catch (err) {
      expect(isHiveError(err, 'BLOB_NOT_FOUND')).to.equal(true)
    }
  })

  it('rejects bytes that do not match the CID and stores nothing', async () => {
    const liar = await makePeer('liar')
    const b = await makePeer('b')
    // the liar answers every request with bytes of the right length but the wrong content
    await liar.exchange.stop()
    await liar.libp2p.handle(PROTOCOLS.blob, async (stream) => {
      const lp = lpStream(stream)
      await lp.read()
      const fake = new TextEncoder().encode('forged content!!')
      await lp.write(
        BlobResponse.encode({
          status: BlobStatus.BLOB_OK,
          totalSize: fake.length,
          offset: 0,
          length: fake.length,
          message: '',
        }),
      )
      await lp.write(BlobChunk.encode({ data: fake }))
      await stream.close()
    })
    const cid = await cidForBytes(new TextEncoder().encode('genuine content!'))
    await b.libp2p.dial(liar.libp2p.getMultiaddrs()[0])
    try {
      await b.exchange.fetch(liar.libp2p.peerId, cid)
      expect.fail('accepted forged bytes')
    } catch (err) {
      expect(isHiveError(err, 'BLOB_HASH_MISMATCH')).to.equal(true)
    }
    expect(await b.store.has(cid)).to.equal(false)
  })

  it('rate-limits a peer that asks too often', async () => {
    const a = await makePeer('a', { requestsPerWindow: 3 })
    const b = await makePeer('b')
    await b.libp2p.dial(a.libp2p.getMultiaddrs()[0])
    const cids = await Promise.all([1, 2, 3, 4, 5].map(async (i) => await a.store.put(new Uint8Array([i]))))
    const outcomes: string[] = []
    for (const cid of cids) {
      await b.store.delete(cid).catch(() => {})
      try {
        await b.exchange.fetch(a.libp2p.peerId, cid)
        outcomes.push('ok')
      } catch (err) {
        outcomes.push(isHiveError(err) ? err.code : 'other')
      }
    }
    expect(outcomes).to.deep.equal(['ok', 'ok', 'ok', 'BLOB_RATE_LIMITED', 'BLOB_RATE_LIMITED'])
  })
})
