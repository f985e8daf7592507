import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Key } from 'interface-datastore'
import { expect } from 'chai'
import { openStore } from '../../../node/store.ts'
import { openSublevelDatastore } from '../../../node/p2p/datastore.ts'

describe('node/store', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hive-store-'))
  })
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('keeps sublevels apart and their values across a reopen', async () => {
    const s = await openStore(dir)
    await s.jobs.put('j1', { state: 'posted', n: 1 })
    await s.bids.put('j1', { price: '3' })
    await s.blobs.put('j1', Uint8Array.from([1, 2, 3]))
    await s.putDurable(s.vouchers, 'c1', { nonce: 7 })
    expect(await s.jobs.get('j1')).to.deep.equal({ state: 'posted', n: 1 })
    expect(await s.channels.get('j1')).to.equal(undefined)
    await s.close()
    expect(s.closed).to.equal(true)

    const again = await openStore(dir)
    expect(await again.bids.get('j1')).to.deep.equal({ price: '3' })
    expect(Array.from((await again.blobs.get('j1')) ?? [])).to.deep.equal([1, 2, 3])
    expect(await again.vouchers.get('c1')).to.deep.equal({ nonce: 7 })
    const jobKeys = await again.jobs.keys().all()
    expect(jobKeys).to.deep.equal(['j1'])
    await again.close()
  })

  it('commits a batch across sublevels atomically', async () => {
    const s = await openStore(dir)
    await s.batchDurable([
      { type: 'put', sublevel: s.jobs, key: 'j2', value: { state: 'awarded' } },
      { type: 'put', sublevel: s.audit, key: '0001', value: Uint8Array.from([9]) },
    ])
    expect(await s.jobs.get('j2')).to.deep.equal({ state: 'awarded' })
    expect(Array.from((await s.audit.get('0001')) ?? [])).to.deep.equal([9])
    // a batch with one bad op writes nothing at all
    let failed = false
    try {
      await s.batchDurable([
        { type: 'put', sublevel: s.jobs, key: 'j3', value: { ok: true } },
        { type: 'put', sublevel: s.blobs, key: 'x', value: 'not bytes' as unknown as Uint8Array },
        { type: 'put', sublevel: s.jobs, key: 'j4', value: 1n as unknown },
      ])
    } catch {
      failed = true
    }
    expect(failed).to.equal(true)
    expect(await s.jobs.get('j3')).to.equal(undefined)
    await s.close()
  })

  it('refuses a second open of the same data dir (LevelDB lock)', async () => {
    const s = await openStore(dir)
    let err: unknown
    try {
      await openStore(dir)
    } catch (e) {
      err = e
    }
    expect(err).to.be.instanceOf(Error)
    await s.close()
  })

  it('offers extra sublevels once per name', async () => {
    const s = await openStore(dir)
    const rates = s.sublevel<unknown>('rates', 'json')
    await rates.put('a', [1])
    expect(await rates.get('a')).to.deep.equal([1])
    expect(() => s.sublevel('rates')).to.throw(/already exists/)
    expect(() => s.sublevel('jobs')).to.throw(/already exists/)
    await s.close()
  })

  it('serves as a libp2p datastore that survives a reopen', async () => {
    const s = await openStore(dir)
    const ds = await openSublevelDatastore(s.libp2p)
    await ds.put(new Key('/dht/record/abc'), Uint8Array.from([4, 2]))
    await ds.put(new Key('/peers/xyz'), Uint8Array.from([1]))
    const found = []
    for await (const { key } of ds.query({ prefix: '/dht' })) found.push(key.toString())
    expect(found).to.deep.equal(['/dht/record/abc'])
    await s.close()
    const again = await openStore(dir)
    const ds2 = await openSublevelDatastore(again.libp2p)
    expect(Array.from(await ds2.get(new Key('/dht/record/abc')))).to.deep.equal([4, 2])
    expect(await again.meta.get('schemaVersion')).to.equal(1)
    await again.close()
  })
})
