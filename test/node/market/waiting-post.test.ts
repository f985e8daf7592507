// A post past the requester's window of negotiating jobs waits (node/market/post-window.ts); up to
// 4,096 may wait, each an API request's decoded body. Its module and inputs go into the blob store
// before it waits, so a waiting post holds content ids, not the bytes. A real requester node with
// a window of one and no provider: the first job negotiates until its bid window closes, the
// second waits behind it.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { expect } from 'chai'
import { marketService } from '../../../node/market/service.ts'
import { cidForBytes } from '../../../protocol/cid.ts'
import { startTestNode } from '../../support/node.ts'
import { waitFor } from '../../support/wait.ts'
import { helloModule } from './liveness-helpers.ts'
import type { MarketService } from '../../../node/market/service.ts'
import type { HiveNode } from '../../../node/node.ts'

const HIVE = 10n ** 18n

describe('node/market: a post waiting for the window', function () {
  this.timeout(60_000)
  let root: string
  let node: (HiveNode & { services: { market?: MarketService } }) | undefined

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'hive-waiting-post-'))
  })
  after(async () => {
    await node?.stop().catch(() => {})
    rmSync(root, { recursive: true, force: true })
  })

  before(async () => {
    node = await startTestNode('requester', {
      root,
      services: { market: marketService({ postWindow: { initial: 1, min: 1, max: 1 } }) },
    })
  })

  it('has stored its module and inputs before it waits, and posts them once a place frees', async () => {
    const requester = node!.services.market!.requester!
    const blobs = node!.services.market!.blobs
    const first = await requester.post({ module: await helloModule('first\n'), maxPrice: HIVE, bidWindowMs: 1_500 })
    const module = await helloModule('second\n')
    const input = new TextEncoder().encode('an input of the waiting post')
    const [moduleCid, inputCid] = await Promise.all([cidForBytes(module), cidForBytes(input)])
    expect(await blobs.has(moduleCid), 'not stored before its post').to.equal(false)

    const second = requester.post({ module, inputs: [{ name: 'in.txt', data: input }], maxPrice: HIVE })
    await waitFor(() => requester.windowStats().waiting === 1, { what: 'the second post waiting' })
    expect(await blobs.has(moduleCid), 'the module, stored before the wait').to.equal(true)
    expect(await blobs.has(inputCid), 'the input, stored before the wait').to.equal(true)

    // the first job fails NO_BIDS (no provider) and gives its place to the second
    expect((await requester.wait(first.jobId, { signal: AbortSignal.timeout(30_000) })).phase).to.equal('failed')
    const { jobId } = await second
    const record = await requester.get(jobId)
    expect(record?.moduleCid).to.equal(moduleCid.toString())
    expect(record?.inputs).to.deep.equal([{ name: 'in.txt', cid: inputCid.toString(), size: input.byteLength }])
  })

  it("lets go of a waiting post's bytes: only its caller could keep them alive", async () => {
    setFlagsFromString('--expose_gc')
    const gc = runInNewContext('gc') as () => void
    const requester = node!.services.market!.requester!
    const module = await helloModule('third\n')
    const first = await requester.post({ module, maxPrice: HIVE, bidWindowMs: 1_500 })
    let ref: WeakRef<Uint8Array> | undefined
    const waiting = ((): Promise<{ jobId: string }> => {
      const data = new Uint8Array(8 * 1024 * 1024).fill(7)
      ref = new WeakRef(data)
      return requester.post({ module, inputs: [{ name: 'big.bin', data }], maxPrice: HIVE })
    })()
    await waitFor(() => requester.windowStats().waiting === 1, { what: 'the post waiting' })
    await waitFor(
      () => {
        gc()
        return ref!.deref() === undefined
      },
      { what: "the waiting post's 8 MiB input collected", timeoutMs: 10_000 },
    )
    expect(requester.windowStats().waiting, 'still waiting when its bytes were let go').to.equal(1)
    await requester.wait(first.jobId, { signal: AbortSignal.timeout(30_000) })
    const record = await requester.get((await waiting).jobId)
    expect(record?.inputs[0]?.size).to.equal(8 * 1024 * 1024)
  })
})
