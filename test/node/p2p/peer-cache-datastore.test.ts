// The peer-record cache in front of the node's LevelDB (node/p2p/peer-cache-datastore.ts): every
// /peers/ record is read into memory once, reads and queries are answered there, writes go to the
// database behind, coalesced, and nothing written is lost across a flush and a reopen; other keys
// go straight through.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { Key } from 'interface-datastore'
import { openSublevelDatastore } from '../../../node/p2p/datastore.ts'
import { PeerCacheDatastore } from '../../../node/p2p/peer-cache-datastore.ts'
import { openStore } from '../../../node/store.ts'
import { startTestNode } from '../../support/node.ts'
import { waitFor } from '../../support/wait.ts'
import type { HiveStore } from '../../../node/store.ts'
import type { Datastore, Query } from 'interface-datastore'

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)
const text = (b: Uint8Array): string => new TextDecoder().decode(b)

describe('node/p2p: peer-record cache over the LevelDB datastore', function () {
  let dir: string
  let store: HiveStore
  let level: Datastore
  /** reads and writes that reached LevelDB */
  const reached = { get: 0, put: 0, batch: 0, query: 0 }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hive-peer-cache-'))
    store = await openStore(dir)
    const inner = await openSublevelDatastore(store.libp2p)
    reached.get = reached.put = reached.batch = reached.query = 0
    level = Object.assign(Object.create(inner) as Datastore, {
      get: async (key: Key) => {
        reached.get++
        return await inner.get(key)
      },
      put: async (key: Key, value: Uint8Array) => {
        reached.put++
        return await inner.put(key, value)
      },
      batch: () => {
        reached.batch++
        return inner.batch()
      },
      query: (q: Query) => {
        reached.query++
        return inner.query(q)
      },
    })
  })
  afterEach(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('the records are read once, in one scan; ten writes in a flush period are one batch', async () => {
    await level.put(new Key('/peers/a'), bytes('v0'))
    const cache = new PeerCacheDatastore(level, { flushMs: 60_000 })
    reached.put = 0
    expect(text(await cache.get(new Key('/peers/a')))).to.equal('v0')
    for (let i = 0; i < 5; i++) await cache.get(new Key('/peers/a'))
    // an unknown peer: the view is complete, so not found without asking the database
    const miss = await cache.get(new Key('/peers/unknown')).catch((e: Error) => e)
    expect((miss as Error).name, 'what the peer store checks for').to.equal('NotFoundError')
    expect(reached, 'one scan, no reads').to.include({ get: 0, query: 1 })
    for (let i = 1; i <= 10; i++) await cache.put(new Key('/peers/a'), bytes(`v${i}`))
    expect(text(await cache.get(new Key('/peers/a')))).to.equal('v10')
    expect(reached.put + reached.batch, 'nothing written before the flush').to.equal(0)
    await cache.flush()
    expect(reached.batch).to.equal(1)
    expect(text(await level.get(new Key('/peers/a'))), 'the newest value reached the database').to.equal('v10')
    expect(cache.stats()).to.include({ writes: 10, flushedRecords: 1, flushes: 1 })
  })

  it("peerStore.all()'s query is answered from memory, with its filters, orders, offset and limit", async () => {
    for (const id of ['p', 'q', 'r', 's']) await level.put(new Key(`/peers/${id}`), bytes(id))
    const cache = new PeerCacheDatastore(level, { flushMs: 60_000 })
    await cache.put(new Key('/peers/t'), bytes('t'))
    await cache.delete(new Key('/peers/p'))
    const all: string[] = []
    for await (const { value } of cache.query({ prefix: '/peers/' })) all.push(text(value))
    expect(all.sort()).to.deep.equal(['q', 'r', 's', 't'])
    const picked: string[] = []
    const byValueDesc = (a: { value: Uint8Array }, b: { value: Uint8Array }): -1 | 0 | 1 =>
      text(a.value) < text(b.value) ? 1 : text(a.value) > text(b.value) ? -1 : 0
    for await (const { value } of cache.query({
      prefix: '/peers/',
      filters: [({ value }) => text(value) !== 'r'],
      orders: [byValueDesc],
      offset: 1,
      limit: 2,
    }))
      picked.push(text(value))
    expect(picked).to.deep.equal(['s', 'q'])
    expect(reached.query, 'the first use scanned; the queries did not reach the database').to.equal(1)
  })

  it('a delete hides the record at once and reaches the database at the flush', async () => {
    await level.put(new Key('/peers/b'), bytes('x'))
    const cache = new PeerCacheDatastore(level, { flushMs: 60_000 })
    await cache.delete(new Key('/peers/b'))
    expect(await cache.has(new Key('/peers/b'))).to.equal(false)
    const err = await cache.get(new Key('/peers/b')).catch((e: Error) => e)
    expect((err as Error).name, 'what the peer store checks for').to.equal('NotFoundError')
    expect(await level.has(new Key('/peers/b')), 'still in the database before the flush').to.equal(true)
    await cache.flush()
    expect(await level.has(new Key('/peers/b'))).to.equal(false)
  })

  it('a query over the peer records sees every write made so far; other keys go straight through', async () => {
    const cache = new PeerCacheDatastore(level, { flushMs: 60_000 })
    await cache.put(new Key('/peers/c'), bytes('1'))
    await cache.put(new Key('/peers/d'), bytes('2'))
    await cache.put(new Key('/dht/record/x'), bytes('r'))
    expect(reached.put, 'the DHT record was written at once').to.equal(1)
    const seen: string[] = []
    for await (const { key } of cache.query({ prefix: '/peers/' })) seen.push(key.toString())
    expect(seen.sort()).to.deep.equal(['/peers/c', '/peers/d'])
  })

  it('written on its own timer, and what was written survives a reopen of the database', async () => {
    const cache = new PeerCacheDatastore(level, { flushMs: 20 })
    await cache.put(new Key('/peers/e'), bytes('kept'))
    await waitFor(() => cache.stats().flushes === 1, { what: 'the timed flush', timeoutMs: 5_000 })
    await store.close()
    store = await openStore(dir)
    const again = await openSublevelDatastore(store.libp2p)
    expect(text(await again.get(new Key('/peers/e')))).to.equal('kept')
  })

  it('holds at most its capacity, never dropping a record not written yet', async () => {
    const cache = new PeerCacheDatastore(level, { flushMs: 60_000, capacity: 3 })
    for (const id of ['f', 'g', 'h', 'i', 'j']) await cache.put(new Key(`/peers/${id}`), bytes(id))
    // all five are unwritten: all stay readable
    for (const id of ['f', 'g', 'h', 'i', 'j']) expect(text(await cache.get(new Key(`/peers/${id}`)))).to.equal(id)
    expect(cache.size).to.equal(5)
    await cache.flush()
    await cache.put(new Key('/peers/k'), bytes('k'))
    expect(cache.size, 'written records made room').to.equal(3)
    // written now, so the oldest could go; each is still read back, from memory or the database
    for (const id of ['f', 'g', 'h', 'i', 'j', 'k']) expect(text(await cache.get(new Key(`/peers/${id}`)))).to.equal(id)
  })
})

describe('node: peer records written behind are on disk after a clean stop', function () {
  this.timeout(60_000)
  it("a node's peer records reach its store at stop, not only on the write-behind timer", async () => {
    const root = mkdtempSync(join(tmpdir(), 'hive-peer-cache-node-'))
    try {
      const a = await startTestNode('a', { root })
      // the timer never fires within the test: only the flush at stop can write the records
      const b = await startTestNode('b', { root, bootstrap: a, peerRecordsFlushMs: 3_600_000 })
      await waitFor(() => b.libp2p.getConnections(a.peerId).length > 0, { what: 'b connected to a', timeoutMs: 15_000 })
      await b.stop()
      await a.stop()
      const store = await openStore(join(root, 'b'))
      try {
        const keys: string[] = []
        for await (const key of (await openSublevelDatastore(store.libp2p)).queryKeys({ prefix: '/peers/' }))
          keys.push(key.toString())
        expect(keys, "a's record in b's store").to.include(`/peers/${a.peerId.toCID().toString()}`)
      } finally {
        await store.close()
      }
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})
