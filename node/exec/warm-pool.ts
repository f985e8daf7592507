// A pool of warm members (worker threads for WASM, child processes for ONNX): starting one costs
// tens to hundreds of milliseconds, a warm one runs a small job in far less, so members are
// reused across jobs and replaced only when one is discarded (wall time, abort, death, growth).
// Jobs that find every member busy wait in order; an AbortSignal takes a waiter out of the line.
import { logger } from '../log/logger.ts'
import { ExecError } from './errors.ts'

const log = logger('hive:exec:pool')

/** What the pool needs of a member. */
export interface PoolMember {
  /** settles when the member can take a job (rejects when it failed to start) */
  readonly ready: Promise<unknown>
  /** true once the member died or was destroyed */
  readonly dead: boolean
  /** stops the member for good and resolves once it is gone */
  destroy(): Promise<void>
}

export interface WarmPoolInit {
  /** members that may exist at once (≥ 1) */
  size: number
  /** members started (and awaited) by start(), ≤ size */
  prewarm: number
  /** names a member in errors and logs: 'a job worker', 'an inference child' */
  noun: string
}

interface Waiter<T> {
  resolve: (member: T) => void
  reject: (err: Error) => void
}

/** A pool of members made by `create()`; subclasses say how to make one and which to keep. */
export abstract class WarmPool<T extends PoolMember> {
  readonly size: number
  private readonly init: WarmPoolInit
  private readonly idle: T[] = []
  private readonly all = new Set<T>()
  private readonly waiters: Array<Waiter<T>> = []
  private running = false

  constructor(init: WarmPoolInit) {
    this.init = init
    this.size = Math.max(1, init.size)
  }

  /** Starts one member (called after construction, when the pool needs one). */
  protected abstract create(): T

  /** Whether a healthy member given back after a job is kept, rather than replaced. */
  protected keep(_member: T): boolean {
    return true
  }

  get isRunning(): boolean {
    return this.running
  }

  /** The live members (operators' tools and tests). */
  get members(): T[] {
    return [...this.all].filter((m) => !m.dead)
  }

  /** Starts `prewarm` members and waits until they are ready. Idempotent. */
  async start(): Promise<void> {
    if (this.running) return
    this.running = true
    const fresh: T[] = []
    while (this.all.size < Math.min(this.size, this.init.prewarm)) fresh.push(this.spawn())
    await Promise.all(
      fresh.map(async (m) => {
        await this.whenReady(m)
        this.release(m)
      }),
    )
  }

  /** Destroys every member; jobs waiting for one fail with EXEC_STOPPED. Idempotent. */
  async stop(): Promise<void> {
    this.running = false
    for (const w of this.waiters.splice(0)) w.reject(new ExecError('EXEC_STOPPED', 'the executor stopped'))
    const members = [...this.all]
    this.all.clear()
    this.idle.length = 0
    await Promise.all(members.map(async (m) => await m.destroy()))
  }

  /** A ready member for one job; give it back with release() or discard(). */
  async acquire(signal?: AbortSignal): Promise<T> {
    if (!this.running) throw new ExecError('EXEC_STOPPED', 'the executor is not running')
    for (let idle = this.idle.pop(); idle !== undefined; idle = this.idle.pop()) {
      if (!idle.dead) return idle
      this.all.delete(idle) // died while idle (e.g. the kernel's OOM killer): start another below
    }
    if (this.all.size < this.size) {
      const m = this.spawn()
      await this.whenReady(m)
      return m
    }
    return await new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter)
        if (i >= 0) this.waiters.splice(i, 1)
        reject(new ExecError('EXEC_ABORTED', `aborted while waiting for ${this.init.noun}`))
      }
      const waiter: Waiter<T> = {
        resolve: (m) => {
          signal?.removeEventListener('abort', onAbort)
          resolve(m)
        },
        reject: (err) => {
          signal?.removeEventListener('abort', onAbort)
          reject(err)
        },
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.waiters.push(waiter)
    })
  }

  /** Gives a member back after a job: the next waiter gets it, or it waits idle. */
  release(m: T): void {
    if (m.dead || !this.running || !this.all.has(m) || !this.keep(m)) {
      void this.discard(m)
      return
    }
    const next = this.waiters.shift()
    if (next !== undefined) next.resolve(m)
    else this.idle.push(m)
  }

  /** Destroys a member (stuck, aborted, dead or suspect) and starts its replacement. */
  async discard(m: T): Promise<void> {
    const owned = this.all.delete(m)
    await m.destroy()
    // acquire() may have started a member of its own meanwhile: never run more than `size`
    if (!owned || !this.running || this.all.size >= this.size) return
    const fresh = this.spawn()
    try {
      await this.whenReady(fresh)
      this.release(fresh)
    } catch (err) {
      log.error('a replacement for %s failed to start %o', this.init.noun, { err: String(err) })
      // a waiter must not wait forever for a member that will never come
      if (this.all.size === 0) {
        for (const w of this.waiters.splice(0)) w.reject(err as Error)
      }
    }
  }

  private spawn(): T {
    const m = this.create()
    this.all.add(m)
    return m
  }

  /** Waits for a new member; one that fails to start leaves the pool with an EXEC_CRASHED error. */
  private async whenReady(m: T): Promise<void> {
    try {
      await m.ready
    } catch (err) {
      this.all.delete(m)
      throw new ExecError('EXEC_CRASHED', `${this.init.noun} failed to start: ${String(err)}`, {}, { cause: err })
    }
  }
}
