// The provider's output gate over the blob exchange (fair exchange, issue 11 item 2): a held
// output answers BLOB_PAYMENT_REQUIRED until its job is paid, then flows; other blobs are
// never held; the hold survives a restart of the gate (it is on disk).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { expect } from 'chai'
import { ClassicLevel } from 'classic-level'
import { BlobExchange } from '../../../node/blobs/exchange.ts'
import { OutputGate } from '../../../node/blobs/output-gate.ts'
import { BlobStore } from '../../../node/blobs/store.ts'
import { createHiveLibp2p } from '../../../node/p2p/create.ts'
import type { HeldOutput } from '../../../node/blobs/output-gate.ts'
import type { HiveLibp2p } from '../../../node/p2p/create.ts'

describe('node/blobs output gate', function () {
  this.timeout(30_000)
  let dir: string
  const stops: Array<() => Promise<void>> = []

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hive-gate-'))
  })
  afterEach(async () => {
    for (const s of stops.splice(0).reverse()) await s()
    await rm(dir, { recursive: true, force: true })
  })

  async function libp2p(): Promise<HiveLibp2p> {
    const node = await createHiveLibp2p({ privateKey: await generateKeyPair('Ed25519') })
    await node.start()
    stops.push(async () => {
      await node.stop()
    })
    return node
  }

  it('holds a job output until it is paid for, and never holds other blobs', async () => {
    const db = new ClassicLevel<string, Uint8Array>(join(dir, 'p'), { valueEncoding: 'view' })
    stops.push(async () => {
      await db.close()
    })
    const held = db.sublevel<string, HeldOutput>('held-outputs', { valueEncoding: 'json' })
    const paid = new Set<string>()
    const gate = (): OutputGate =>
      new OutputGate({
        db: held,
        putDurable: async (k, v) => {
          await held.put(k, v)
        },
        releasable: async (j) => paid.has(j.jobId),
        now: Date.now,
      })
    const provider = await libp2p()
    const store = new BlobStore({ db: db.sublevel<string, Uint8Array>('blobs', { valueEncoding: 'view' }) })
    let current = gate()
    const exchange = new BlobExchange({ libp2p: provider, store, mayServe: async (cid) => await current.mayServe(cid) })
    await exchange.start()
    stops.push(async () => {
      await exchange.stop()
    })

    const output = await store.put(new TextEncoder().encode('the output'))
    const input = await store.put(new TextEncoder().encode('an input'))
    await current.hold(output.toString(), {
      jobId: 'job1',
      payment: 'channel',
      requesterAddress: '0x0000000000000000000000000000000000000001',
      price: 5n,
    })

    const asker = await libp2p()
    const askerDb = new ClassicLevel<string, Uint8Array>(join(dir, 'a'), { valueEncoding: 'view' })
    stops.push(async () => {
      await askerDb.close()
    })
    const fetcher = new BlobExchange({
      libp2p: asker,
      store: new BlobStore({ db: askerDb.sublevel<string, Uint8Array>('blobs', { valueEncoding: 'view' }) }),
    })
    await asker.dial(provider.getMultiaddrs()[0])

    expect(await fetcher.fetch(provider.peerId, input)).to.have.length(8)
    const refused = await fetcher.fetch(provider.peerId, output).then(
      () => undefined,
      (err: { code?: string }) => err.code,
    )
    expect(refused).to.equal('BLOB_PAYMENT_REQUIRED')
    // a restart keeps the hold: it is on disk, not in memory
    current = gate()
    expect(await current.mayServe(output.toString())).to.equal(false)
    paid.add('job1')
    expect(new TextDecoder().decode(await fetcher.fetch(provider.peerId, output))).to.equal('the output')
  })
})
