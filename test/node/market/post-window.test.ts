// node/market/post-window.ts: how many of a requester's jobs negotiate at once (AIMD). Pure: a
// clock passed in, no network.
import { expect } from 'chai'
import { PostWindow } from '../../../node/market/post-window.ts'

/** Acquires `n` places; returns the ones that resolved at once and the pending promises. */
function acquireMany(w: PostWindow, n: number): { settled: () => number; all: Array<Promise<void>> } {
  let done = 0
  const all = Array.from({ length: n }, async () => {
    await w.acquire()
    done++
  })
  return { settled: () => done, all }
}

const tick = async (): Promise<void> => await new Promise((resolve) => setImmediate(resolve))

describe('node/market post window', () => {
  it('lets `initial` jobs negotiate, holds the next, and lets one in per job that ends', async () => {
    const w = new PostWindow({ initial: 4, min: 2 })
    const a = acquireMany(w, 6)
    await tick()
    expect(a.settled()).to.equal(4)
    expect(w.stats()).to.include({ window: 4, negotiating: 4, waiting: 2 })
    w.end('other')
    await tick()
    expect(a.settled()).to.equal(5)
    w.end('other')
    await Promise.all(a.all)
    expect(w.stats()).to.include({ negotiating: 4, waiting: 0 })
  })

  it('grows by one per window of placed jobs, and halves on congestion at most once per hold', () => {
    let now = 0
    const w = new PostWindow({ initial: 8, min: 2, holdMs: 1_000, now: () => now })
    for (let i = 0; i < 8; i++) w.end('placed')
    expect(w.stats().window, 'one more after a window of placed jobs').to.equal(8)
    for (let i = 0; i < 2; i++) w.end('placed')
    expect(w.stats().window).to.equal(9)
    w.end('congested')
    expect(w.stats().window, 'halved').to.equal(4)
    w.end('congested')
    expect(w.stats().window, 'a burst of failures halves once').to.equal(4)
    now += 1_000
    w.end('congested')
    expect(w.stats().window).to.equal(2)
    now += 1_000
    w.end('congested')
    expect(w.stats().window, 'never below min').to.equal(2)
  })

  it('refuses REQUESTER_BUSY past maxWaiting, when a waiting post gives up, and on close', async () => {
    const w = new PostWindow({ initial: 1, min: 1, maxWaiting: 2 })
    await w.acquire()
    const giveUp = new AbortController()
    const first = w.acquire(giveUp.signal)
    const second = w.acquire()
    try {
      await w.acquire()
      expect.fail('a third waiting post was taken')
    } catch (err) {
      expect((err as { code?: string }).code).to.equal('REQUESTER_BUSY')
    }
    giveUp.abort()
    await first.then(
      () => expect.fail('the post that gave up was let in'),
      (err: { code?: string }) => expect(err.code).to.equal('REQUESTER_BUSY'),
    )
    expect(w.stats().waiting).to.equal(1)
    w.close()
    await second.then(
      () => expect.fail('a waiting post was let in after close'),
      (err: { code?: string }) => expect(err.code).to.equal('REQUESTER_BUSY'),
    )
  })
})
