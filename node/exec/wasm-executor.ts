// The `wasm` executor: WASI preview 1 commands in pooled worker threads, over an in-memory
// filesystem, with memory, wall-time and output limits. See wasm-module.ts (memory cap),
// wasi-fs.ts and wasi-host.ts (what the module sees) and worker-pool.ts (threads).
import { createHash } from 'node:crypto'
import { logger } from '../log/logger.ts'
import { isValidFileName } from '../../protocol/output-bundle.ts'
import { ExecError } from './errors.ts'
import { ModuleCache, moduleHash, type CompiledModule } from './module-cache.ts'
import { PAGE_BYTES } from './wasm-module.ts'
import { WorkerPool, type JobWorker } from './worker-pool.ts'
import type { ExecJob, ExecLimits, ExecResult, Executor, RunOptions } from './types.ts'
import type { RunRequest } from './worker-protocol.ts'

const log = logger('hive:exec:wasm')

export interface WasmExecutorInit {
  /** A pool shared with other executors (not stopped by this one); otherwise one is created. */
  pool?: WorkerPool
  /** Size of the executor's own pool (ignored with `pool`). */
  poolSize?: number
  /** Workers of its own pool started by start() (default: all); the rest start on first use. */
  prewarm?: number
  maxModuleBytes?: number
  maxInputBytes?: number
  maxOutputFiles?: number
  /**
   * The most limits.outputBytes this executor accepts (default DEFAULT_MAX_OUTPUT_BYTES): the
   * worker may hold that much output (plus the module's linear memory) until the job ends.
   */
  maxOutputBytes?: number
  maxTableElements?: number
  moduleCacheEntries?: number
  /** stderr bytes kept per job (the rest is dropped; stderr is diagnostics only). */
  stderrCap?: number
}

/** Output a job may hold by default: 64 MiB (the protocol allows up to JOB_BOUNDS.outputBytes.max). */
export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024

export const WASM_ISOLATION =
  'WebAssembly (V8) in a worker thread of the provider process; WASI preview 1 over an ' +
  'in-memory filesystem (read-only /input, flat /output): no host' +
  ' path, network, real clock or entropy; linear memory ' +
  'capped by rewriting the module, wall time enforced by terminating the worker, output capped by the bytes ' +
  'its buffers allocate. ' +
  'Not an OS process or kernel boundary: a V8 escape would reach the provider process.'

export class WasmExecutor implements Executor {
  readonly name = 'wasm'
  readonly isolation = WASM_ISOLATION
  readonly maxOutputBytes: number
  private readonly pool: WorkerPool
  private readonly ownsPool: boolean
  private readonly modules: ModuleCache
  private readonly opts: Required<Omit<WasmExecutorInit, 'pool' | 'poolSize' | 'prewarm' | 'maxOutputBytes'>>
  private started = false
  private nextId = 1

  constructor(init: WasmExecutorInit = {}) {
    this.ownsPool = init.pool === undefined
    this.pool = init.pool ?? new WorkerPool({ size: init.poolSize, prewarm: init.prewarm })
    this.opts = {
      maxModuleBytes: init.maxModuleBytes ?? 32 * 1024 * 1024,
      maxInputBytes: init.maxInputBytes ?? 256 * 1024 * 1024,
      maxOutputFiles: init.maxOutputFiles ?? 256,
      maxTableElements: init.maxTableElements ?? 1 << 20,
      moduleCacheEntries: init.moduleCacheEntries ?? 32,
      stderrCap: init.stderrCap ?? 64 * 1024,
    }
    this.maxOutputBytes = init.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES
    this.modules = new ModuleCache({ maxEntries: this.opts.moduleCacheEntries })
  }

  async start(): Promise<void> {
    if (this.started) return
    this.started = true
    await this.pool.start()
  }

  async stop(): Promise<void> {
    if (!this.started) return
    this.started = false
    if (this.ownsPool) await this.pool.stop()
  }

  async run(job: ExecJob, options: RunOptions = {}): Promise<ExecResult> {
    const { signal, onLog } = options
    if (!this.started || !this.pool.isRunning) throw new ExecError('EXEC_STOPPED', 'the wasm executor is not running')
    const env = checkJob(job, { ...this.opts, maxOutputBytes: this.maxOutputBytes })
    throwIfAborted(signal)
    // only the hash is taken on this thread; checking, rewriting and compiling a module the
    // cache lacks is the worker's, under the wall-time limit (see module-prepare.ts)
    const memoryLimitPages = Math.floor(job.limits.memoryBytes / PAGE_BYTES)
    const hash = moduleHash(job.module)
    const cacheKey = ModuleCache.key(hash, memoryLimitPages)
    const cached = this.modules.get(cacheKey)
    const req: RunRequest = {
      type: 'run',
      id: this.nextId++,
      module:
        cached !== undefined
          ? { compiled: cached.module, growFailedExport: cached.growFailedExport }
          : { bytes: job.module, policy: { memoryLimitPages, maxTableElements: this.opts.maxTableElements } },
      memoryLimitBytes: memoryLimitPages * PAGE_BYTES,
      inputs: job.inputs.map((f) => ({ name: f.name, data: f.data })),
      args: ['job', ...job.args],
      env,
      seed: jobSeed(hash, job.args, env, job.inputs),
      outputBytes: job.limits.outputBytes,
      maxOutputFiles: this.opts.maxOutputFiles,
      stderrCap: this.opts.stderrCap,
      ...(onLog !== undefined ? { liveLog: true } : {}),
    }
    const worker = await this.pool.acquire(signal)
    const result = await this.dispatch(worker, req, job.limits, signal, onLog)
    if (result.compiled !== undefined) this.modules.set(cacheKey, result.compiled)
    return result.result
  }

  private async dispatch(
    worker: JobWorker,
    req: RunRequest,
    limits: ExecLimits,
    signal?: AbortSignal,
    onLog?: RunOptions['onLog'],
  ): Promise<{ result: ExecResult; compiled?: CompiledModule }> {
    const started = performance.now()
    let timer: NodeJS.Timeout | undefined
    let onAbort = (): void => {}
    const interrupted = new Promise<{ stop: 'timeout' | 'abort' }>((resolve) => {
      timer = setTimeout(() => resolve({ stop: 'timeout' }), limits.wallTimeMs)
      onAbort = () => resolve({ stop: 'abort' })
      if (signal?.aborted === true) onAbort()
      signal?.addEventListener('abort', onAbort, { once: true })
    })
    const forward =
      onLog === undefined
        ? undefined
        : (m: { id: number; data: Uint8Array; skipped: number }): void => {
            if (m.id === req.id) onLog({ data: m.data, skipped: m.skipped })
          }
    const outcome = await Promise.race([worker.request(req, forward), interrupted])
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
    const used = Math.round(performance.now() - started)

    if ('stop' in outcome) {
      await worker.destroy() // the module may be spinning: only termination stops it
      void this.pool.discard(worker)
      log('job %d stopped: %s after %d ms', req.id, outcome.stop, used)
      if (outcome.stop === 'abort') throw new ExecError('EXEC_ABORTED', 'the job was aborted', { used })
      throw new ExecError('EXEC_TIMEOUT', `the job ran past its wall-time limit of ${limits.wallTimeMs} ms`, {
        limit: limits.wallTimeMs,
        used,
      })
    }
    if ('death' in outcome) {
      void this.pool.discard(worker)
      if (!this.pool.isRunning) throw new ExecError('EXEC_STOPPED', 'the executor stopped during the job')
      const code = (outcome.death as { code?: unknown }).code
      log.error('job %d: worker died %o', req.id, { code, err: outcome.death.message })
      if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
        throw new ExecError('EXEC_MEMORY_LIMIT', 'the job worker ran out of heap memory', {
          limit: limits.memoryBytes,
          source: 'worker heap',
        })
      }
      throw new ExecError(
        'EXEC_CRASHED',
        `the job worker died: ${outcome.death.message}`,
        { used },
        { cause: outcome.death },
      )
    }
    this.pool.release(worker)
    const reply = outcome.reply
    if (reply.type === 'failed') throw new ExecError(reply.code, reply.message, reply.details)
    if (reply.type !== 'done' || reply.id !== req.id)
      throw new ExecError('EXEC_CRASHED', 'unexpected reply from the job worker')
    return {
      result: {
        exitCode: reply.exitCode,
        stdout: reply.stdout,
        stderr: reply.stderr,
        outputs: reply.outputs,
        metering: reply.metering,
      },
      compiled: reply.compiled,
    }
  }
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted === true) throw new ExecError('EXEC_ABORTED', 'the job was aborted before it ran')
}

const invalid = (message: string, details: Record<string, string | number> = {}): ExecError =>
  new ExecError('EXEC_INVALID_JOB', message, details)

/** Validates the job and returns its environment as sorted 'KEY=value' entries. */
interface JobCaps {
  maxModuleBytes: number
  maxInputBytes: number
  maxOutputBytes: number
}

function checkJob(job: ExecJob, opts: JobCaps): string[] {
  const { memoryBytes, wallTimeMs, outputBytes } = job.limits
  for (const [name, v] of Object.entries({ memoryBytes, wallTimeMs, outputBytes })) {
    if (!Number.isSafeInteger(v) || v <= 0)
      throw invalid(`limits.${name} must be a positive integer`, { [name]: String(v) })
  }
  if (memoryBytes > 65536 * PAGE_BYTES) throw invalid('limits.memoryBytes is over 4 GiB', { memoryBytes })
  if (outputBytes > opts.maxOutputBytes) {
    throw invalid("limits.outputBytes is over this executor's cap", { outputBytes, limit: opts.maxOutputBytes })
  }
  if (job.module.length > opts.maxModuleBytes)
    throw invalid('module too large', { size: job.module.length, limit: opts.maxModuleBytes })
  const names = new Set<string>()
  let inputBytes = 0
  for (const f of job.inputs) {
    if (!isValidFileName(f.name)) throw invalid(`invalid input file name ${JSON.stringify(f.name.slice(0, 80))}`)
    if (names.has(f.name)) throw invalid(`duplicate input file name ${JSON.stringify(f.name)}`)
    names.add(f.name)
    inputBytes += f.data.length
  }
  if (inputBytes > opts.maxInputBytes)
    throw invalid('inputs too large', { size: inputBytes, limit: opts.maxInputBytes })
  for (const a of job.args)
    if (typeof a !== 'string' || a.includes('\0')) throw invalid('arguments must be strings without NUL')
  const env = Object.entries(job.env ?? {}).map(([k, v]) => {
    if (k === '' || k.includes('=') || k.includes('\0') || typeof v !== 'string' || v.includes('\0')) {
      throw invalid(`invalid environment variable ${JSON.stringify(k.slice(0, 80))}`)
    }
    return `${k}=${v}`
  })
  return env.sort()
}

/** The random_get key: a function of everything the job is, so every provider gets the same bytes. */
function jobSeed(moduleHash: Uint8Array, args: string[], env: string[], inputs: ExecJob['inputs']): Uint8Array {
  const h = createHash('sha256').update('hive/exec/seed/1\0').update(moduleHash)
  const field = (bytes: Uint8Array | string): void => {
    const b = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes
    const len = Buffer.alloc(4)
    len.writeUInt32BE(b.length)
    h.update(len).update(b)
  }
  field(String(args.length))
  args.forEach(field)
  field(String(env.length))
  env.forEach(field)
  const sorted = [...inputs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  field(String(sorted.length))
  for (const f of sorted) {
    field(f.name)
    field(createHash('sha256').update(f.data).digest())
  }
  return new Uint8Array(h.digest())
}
