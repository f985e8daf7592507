import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { ClassicLevel } from 'classic-level'
import { BlobStore } from '../../../node/blobs/store.ts'
import { cidForBytes } from '../../../protocol/cid.ts'
import { isHiveError } from '../../../protocol/errors.ts'

describe('node/blobs/store', () => {
  let dir: string
  let db: ClassicLevel<string, Uint8Array>
  let store: BlobStore

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hive-blobs-'))
    db = new ClassicLevel<string, Uint8Array>(dir, { valueEncoding: 'view' })
    store = new BlobStore({
      db: db.sublevel<string, Uint8Array>('blobs', { valueEncoding: 'view' }),
      maxBlobBytes: 1024,
    })
  })

  afterEach(async () => {
    await db.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('stores bytes under their CID and returns them intact after reopening', async () => {
    const bytes = new TextEncoder().encode('module bytes')
    const cid = await store.put(bytes, { sync: true })
    expect(cid.equals(await cidForBytes(bytes))).to.equal(true)
    await db.close()
    db = new ClassicLevel<string, Uint8Array>(dir, { valueEncoding: 'view' })
    store = new BlobStore({ db: db.sublevel<string, Uint8Array>('blobs', { valueEncoding: 'view' }) })
    expect(await store.has(cid)).to.equal(true)
    expect(new TextDecoder().decode(await store.get(cid.toString()))).to.equal('module bytes')
  })

  it('returns undefined for an unknown CID', async () => {
    const cid = await cidForBytes(new Uint8Array([9]))
    expect(await store.get(cid)).to.equal(undefined)
    expect(await store.has(cid)).to.equal(false)
  })

  it('refuses bytes that do not hash to the claimed CID and keeps nothing', async () => {
    const cid = await cidForBytes(new TextEncoder().encode('the real thing'))
    try {
      await store.putVerified(cid, new TextEncoder().encode('an impostor'))
      expect.fail('accepted mismatching bytes')
    } catch (err) {
      expect(isHiveError(err, 'BLOB_HASH_MISMATCH')).to.equal(true)
    }
    expect(await store.has(cid)).to.equal(false)
  })

  it('refuses blobs over the size limit', async () => {
    try {
      await store.put(new Uint8Array(1025))
      expect.fail('accepted an oversized blob')
    } catch (err) {
      expect(isHiveError(err, 'BLOB_TOO_LARGE')).to.equal(true)
    }
  })
})
