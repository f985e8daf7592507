// A small pool of job workers. Starting a worker costs tens of milliseconds; a pooled one
// runs a tiny job in well under one, so workers are reused across jobs and replaced only
// when one is terminated (timeout, abort) or dies. Several executors (e.g. many providers
// in one benchmark process) may share one pool.
import { availableParallelism } from 'node:os'
import { extname } from 'node:path'
import { Worker, type ResourceLimits } from 'node:worker_threads'
import { logger } from '../log/logger.ts'
import { ExecError } from './errors.ts'
import type { RunLog, RunRequest, WorkerReply } from './worker-protocol.ts'

const log = logger('hive:exec:pool')
// wasm-worker.ts beside the sources, wasm-worker.js beside the build in dist/
const WORKER_URL = new URL(`./wasm-worker${extname(import.meta.url)}`, import.meta.url)

export interface WorkerPoolInit {
  /** Workers that may run at once (default: min(2, available cores)). */
  size?: number
  /** Workers started (and awaited) by start(); the rest start on demand. Default: size. */
  prewarm?: number
  /** V8 heap limits of each worker; job memory itself is capped by the module rewrite. */
  resourceLimits?: ResourceLimits
}

type Settle = (outcome: { reply: Exclude<WorkerReply, RunLog> } | { death: Error }) => void

/** One worker thread; runs one request at a time. */
export class JobWorker {
  readonly thread: Worker
  readonly ready: Promise<void>
  dead = false
  private settle: Settle | null = null
  /** the running request's live-log listener (RunLog messages come before its reply) */
  private onLog: ((msg: RunLog) => void) | null = null

  constructor(resourceLimits: ResourceLimits) {
    // execArgv: [] so the worker never inherits a loader (tsx) from the parent: Node strips
    // the types of the worker's .ts files itself, identically under mocha, tsx or node
    this.thread = new Worker(WORKER_URL, { execArgv: [], resourceLimits })
    this.thread.unref() // an idle pool must not keep the process alive; a running job's timer does
    let onReady: () => void = () => {}
    let onFail: (err: Error) => void = () => {}
    this.ready = new Promise<void>((resolve, reject) => {
      onReady = resolve
      onFail = reject
    })
    this.ready.catch(() => {}) // observed through acquire(); avoid an unhandled rejection
    this.thread.on('message', (msg: WorkerReply) => {
      if (msg.type === 'ready') {
        onReady()
        return
      }
      if (msg.type === 'log') {
        try {
          this.onLog?.(msg)
        } catch (err) {
          log.error('live log listener failed %o', { err: String(err) })
        }
        return
      }
      const settle = this.settle
      this.settle = null
      this.onLog = null
      settle?.({ reply: msg })
    })
    const die = (err: Error): void => {
      if (this.dead) return
      this.dead = true
      onFail(err)
      const settle = this.settle
      this.settle = null
      this.onLog = null
      settle?.({ death: err })
    }
    this.thread.on('error', die)
    this.thread.on('exit', (code) => die(new Error(`worker exited with code ${code}`)))
  }

  /** Sends one job; resolves with its reply or with the worker's death. */
  request(
    req: RunRequest,
    onLog?: (msg: RunLog) => void,
  ): Promise<{ reply: Exclude<WorkerReply, RunLog> } | { death: Error }> {
    if (this.dead) return Promise.resolve({ death: new Error('worker is dead') })
    if (this.settle !== null) throw new Error('worker is busy')
    return new Promise((resolve) => {
      this.settle = resolve
      this.onLog = onLog ?? null
      this.thread.postMessage(req)
    })
  }

  async terminate(): Promise<void> {
    this.dead = true
    await this.thread.terminate()
  }
}

interface Waiter {
  resolve: (w: JobWorker) => void
  reject: (err: Error) => void
}

export class WorkerPool {
  readonly size: number
  private readonly prewarm: number
  private readonly resourceLimits: ResourceLimits
  private readonly idle: JobWorker[] = []
  private readonly all = new Set<JobWorker>()
  private readonly waiters: Waiter[] = []
  private running = false

  constructor(init: WorkerPoolInit = {}) {
    this.size = Math.max(1, init.size ?? Math.min(2, availableParallelism()))
    this.prewarm = Math.min(this.size, Math.max(0, init.prewarm ?? this.size))
    this.resourceLimits = init.resourceLimits ?? {
      maxOldGenerationSizeMb: 128,
      maxYoungGenerationSizeMb: 16,
      stackSizeMb: 4,
    }
  }

  get isRunning(): boolean {
    return this.running
  }

  /** Starts `prewarm` workers and waits until they are ready. Idempotent. */
  async start(): Promise<void> {
    if (this.running) return
    this.running = true
    const spawned: JobWorker[] = []
    while (this.all.size < this.prewarm) spawned.push(this.spawn())
    await Promise.all(
      spawned.map(async (w) => {
        await w.ready
        this.release(w)
      }),
    )
  }

  /** Terminates every worker; jobs waiting for one fail with EXEC_STOPPED. Idempotent. */
  async stop(): Promise<void> {
    this.running = false
    for (const w of this.waiters.splice(0)) w.reject(new ExecError('EXEC_STOPPED', 'the executor stopped'))
    const workers = [...this.all]
    this.all.clear()
    this.idle.length = 0
    await Promise.all(workers.map(async (w) => await w.terminate()))
  }

  /** A ready worker for one job; give it back with release() or discard(). */
  async acquire(signal?: AbortSignal): Promise<JobWorker> {
    if (!this.running) throw new ExecError('EXEC_STOPPED', 'the executor is not running')
    const idle = this.idle.pop()
    if (idle !== undefined) return idle
    if (this.all.size < this.size) {
      const w = this.spawn()
      try {
        await w.ready
      } catch (err) {
        this.all.delete(w)
        throw new ExecError('EXEC_CRASHED', `a job worker failed to start: ${String(err)}`, {}, { cause: err })
      }
      return w
    }
    return await new Promise<JobWorker>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (w) => {
          signal?.removeEventListener('abort', onAbort)
          resolve(w)
        },
        reject: (err) => {
          signal?.removeEventListener('abort', onAbort)
          reject(err)
        },
      }
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter)
        if (i >= 0) this.waiters.splice(i, 1)
        waiter.reject(new ExecError('EXEC_ABORTED', 'aborted while waiting for a worker'))
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.waiters.push(waiter)
    })
  }

  /** Returns a healthy worker after a job. */
  release(w: JobWorker): void {
    if (w.dead || !this.running || !this.all.has(w)) {
      void this.discard(w)
      return
    }
    const next = this.waiters.shift()
    if (next !== undefined) next.resolve(w)
    else this.idle.push(w)
  }

  /** Terminates a worker (stuck, aborted or dead) and starts its replacement. */
  async discard(w: JobWorker): Promise<void> {
    const owned = this.all.delete(w)
    await w.terminate()
    if (!owned || !this.running) return
    const fresh = this.spawn()
    try {
      await fresh.ready
      this.release(fresh)
    } catch (err) {
      this.all.delete(fresh)
      log.error('replacement worker failed to start %o', { err: String(err) })
    }
  }

  private spawn(): JobWorker {
    const w = new JobWorker(this.resourceLimits)
    this.all.add(w)
    return w
  }
}
