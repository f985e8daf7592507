// A small pool of job workers (warm-pool.ts). Starting a worker costs tens of milliseconds; a
// pooled one runs a tiny job in well under one. Several executors (e.g. many providers in one
// benchmark process) may share one pool.
import { availableParallelism } from 'node:os'
import { extname } from 'node:path'
import { Worker, type ResourceLimits } from 'node:worker_threads'
import { logger } from '../log/logger.ts'
import { WarmPool, type PoolMember } from './warm-pool.ts'
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
export class JobWorker implements PoolMember {
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

  async destroy(): Promise<void> {
    this.dead = true
    await this.thread.terminate()
  }
}

export class WorkerPool extends WarmPool<JobWorker> {
  private readonly resourceLimits: ResourceLimits

  constructor(init: WorkerPoolInit = {}) {
    const size = Math.max(1, init.size ?? Math.min(2, availableParallelism()))
    super({ size, prewarm: Math.max(0, init.prewarm ?? size), noun: 'a job worker' })
    this.resourceLimits = init.resourceLimits ?? {
      maxOldGenerationSizeMb: 128,
      maxYoungGenerationSizeMb: 16,
      stackSizeMb: 4,
    }
  }

  protected create(): JobWorker {
    return new JobWorker(this.resourceLimits)
  }
}
