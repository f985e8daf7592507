// The pool under both executors (node/exec/warm-pool.ts), with members that are plain objects:
// what is tested is the pool's bookkeeping, not threads or processes.
import { expect } from 'chai'
import { ExecError } from '../../../node/exec/errors.ts'
import { WarmPool, type PoolMember } from '../../../node/exec/warm-pool.ts'

class Member implements PoolMember {
  static made = 0
  readonly id = ++Member.made
  dead = false
  destroyed = false
  grown = false
  readonly ready: Promise<void>
  constructor(fails: boolean) {
    this.ready = fails ? Promise.reject(new Error('cannot start')) : Promise.resolve()
    this.ready.catch(() => {})
  }
  async destroy(): Promise<void> {
    this.dead = true
    this.destroyed = true
  }
}

class TestPool extends WarmPool<Member> {
  /** members made from now on fail to start */
  failing = false
  readonly made: Member[] = []
  constructor(size: number, prewarm = size) {
    super({ size, prewarm, noun: 'a test member' })
  }
  protected create(): Member {
    const m = new Member(this.failing)
    this.made.push(m)
    return m
  }
  protected override keep(m: Member): boolean {
    return !m.grown
  }
}

async function rejection(p: Promise<unknown>): Promise<ExecError> {
  try {
    await p
  } catch (err) {
    expect(err).to.be.instanceOf(ExecError)
    return err as ExecError
  }
  expect.fail('expected a rejection')
}

/** lets the pool's background replacement (discard → spawn → ready → release) run */
const settle = async (): Promise<void> => await new Promise((resolve) => setImmediate(resolve))

describe('node/exec warm pool', () => {
  it('prewarms, reuses a returned member and never makes more than its size', async () => {
    const pool = new TestPool(2, 1)
    await pool.start()
    expect(pool.made).to.have.length(1)
    const a = await pool.acquire()
    const b = await pool.acquire()
    expect(pool.made).to.have.length(2)
    const third = pool.acquire()
    pool.release(a)
    expect(await third).to.equal(a)
    pool.release(a)
    pool.release(b)
    expect(await pool.acquire()).to.be.oneOf([a, b])
    expect(pool.made).to.have.length(2)
    await pool.stop()
    expect(pool.made.every((m) => m.destroyed)).to.equal(true)
  })

  it('serves waiters in order, and an aborted waiter leaves the line', async () => {
    const pool = new TestPool(1)
    await pool.start()
    const only = await pool.acquire()
    const ac = new AbortController()
    const first = pool.acquire(ac.signal)
    const second = pool.acquire()
    ac.abort()
    expect((await rejection(first)).code).to.equal('EXEC_ABORTED')
    pool.release(only)
    expect(await second).to.equal(only)
    await pool.stop()
  })

  it('drops a member that died while idle and starts another', async () => {
    const pool = new TestPool(1)
    await pool.start()
    const m = await pool.acquire()
    pool.release(m)
    m.dead = true // e.g. the kernel's OOM killer took it
    const next = await pool.acquire()
    expect(next).to.not.equal(m)
    expect(next.dead).to.equal(false)
    expect(pool.members).to.deep.equal([next])
    await pool.stop()
  })

  it('replaces a discarded member or one it should not keep, and hands the replacement to a waiter', async () => {
    const pool = new TestPool(1)
    await pool.start()
    const m = await pool.acquire()
    const waiting = pool.acquire()
    m.grown = true
    pool.release(m)
    const fresh = await waiting
    expect(fresh).to.not.equal(m)
    expect(m.destroyed).to.equal(true)
    await pool.discard(fresh)
    await settle()
    expect(pool.members).to.have.length(1)
    expect(pool.made).to.have.length(3)
    await pool.stop()
  })

  it('fails the waiters when no replacement can start, instead of leaving them waiting', async () => {
    const pool = new TestPool(1)
    await pool.start()
    const m = await pool.acquire()
    const waiting = pool.acquire()
    pool.failing = true
    await pool.discard(m)
    const err = await rejection(waiting)
    expect(err.code).to.equal('EXEC_CRASHED')
    expect(err.message).to.match(/a test member failed to start/)
    // a later acquire tries again and says why it could not
    expect((await rejection(pool.acquire())).code).to.equal('EXEC_CRASHED')
    pool.failing = false
    expect((await pool.acquire()).dead).to.equal(false)
    await pool.stop()
  })

  it('after stop, acquire fails with EXEC_STOPPED and waiters are released with it', async () => {
    const pool = new TestPool(1)
    await pool.start()
    await pool.acquire()
    const waiting = pool.acquire()
    await pool.stop()
    expect((await rejection(waiting)).code).to.equal('EXEC_STOPPED')
    expect((await rejection(pool.acquire())).code).to.equal('EXEC_STOPPED')
  })
})
