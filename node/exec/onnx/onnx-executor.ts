// The `onnx` executor: ONNX models run by onnxruntime-node in pooled child processes (see
// child-pool.ts and onnx-child.ts). A job is the model (ExecJob.module), one `<input>.npy` per
// input tensor (ExecJob.inputs) and the requested output names (ExecJob.args, empty = all); the
// result is one `<output>.npy` per output, sorted, and a JSON summary on stdout.
//
// ONNX Runtime parses and computes natively, so a worker thread would cap nothing: the child's
// address space is limited with prlimit, its threads by the session options and the math
// libraries' environment, its wall time by SIGKILL. The model is checked in this process first
// (protocol/inference/onnx-model.ts: custom ops, external data, size bounds) so that such models
// never reach the native parser at all.
import { createHash } from 'node:crypto'
import { availableParallelism } from 'node:os'
import { logger } from '../../log/logger.ts'
import { isValidFileName } from '../../../protocol/output-bundle.ts'
import { checkOnnxModel, type OnnxModelProblem } from '../../../protocol/inference/onnx-model.ts'
import { ExecError, type ExecErrorCode } from '../errors.ts'
import { DEFAULT_MAX_OUTPUT_BYTES } from '../wasm-executor.ts'
import { ChildPool, type InferenceChild } from './child-pool.ts'
import { checkChildReply } from './child-reply.ts'
import type { ExecJob, ExecResult, Executor, RunOptions } from '../types.ts'
import type { ChildRun } from './child-protocol.ts'

const log = logger('hive:exec:onnx')
const GiB = 1024 ** 3
const MiB = 1024 ** 2

export interface OnnxExecutorInit {
  /** Inference children that may run at once (default 1). */
  poolSize?: number
  /** Children started by start() (default: poolSize). */
  prewarm?: number
  /** Largest model accepted (bytes; default 256 MiB). */
  maxModelBytes?: number
  /** Largest sum of input files (bytes; default 256 MiB). */
  maxInputBytes?: number
  /** The most limits.outputBytes accepted (default DEFAULT_MAX_OUTPUT_BYTES, 64 MiB). */
  maxOutputBytes?: number
  /** The most limits.memoryBytes accepted (default 4 GiB). */
  maxMemoryBytes?: number
  /** The most limits.threads accepted (default min(4, cores)). */
  maxThreads?: number
  /** Sessions each child caches, by model sha-256 and thread count (default 4). */
  sessionsPerChild?: number
  /**
   * Address space added to each job's memory limit for the runtime's own needs during the job
   * (thread stacks and malloc arenas of new threads, the .npy copies; default 256 MiB).
   */
  runtimeSlackBytes?: number
  /** Address-space growth (cached sessions) after which a child is replaced (default 2 GiB). */
  maxChildGrowthBytes?: number
  /** Probe GPU execution providers when the first child starts (default true). */
  probeGpu?: boolean
  /** prlimit binary (default `prlimit` on PATH). */
  prlimit?: string
}

export const ONNX_ISOLATION =
  'A separate OS process per inference child (onnxruntime-node, CPU execution provider), started ' +
  'without the provider environment: address space capped with prlimit --as (the job memory limit plus ' +
  'the runtime), intra-op threads capped by the session options (inter-op 1, sequential) and ' +
  'OMP/MKL/OpenBLAS thread variables, killed with SIGKILL at the wall-time limit. Models declaring ' +
  'custom-op domains or external data files are refused before the runtime parses them. ' +
  'No seccomp filter, namespaces or chroot: a model that exploited the native parser would run with ' +
  "the provider user's rights (its files and network)."

const invalid = (message: string, details: Record<string, string | number> = {}): ExecError =>
  new ExecError('EXEC_INVALID_JOB', message, details)

const MODEL_CODES: Record<OnnxModelProblem['code'], ExecErrorCode> = {
  MODEL_INVALID: 'EXEC_INVALID_MODULE',
  MODEL_TOO_COMPLEX: 'EXEC_INVALID_MODULE',
  MODEL_CUSTOM_OP: 'EXEC_MODEL_CUSTOM_OP',
  MODEL_EXTERNAL_DATA: 'EXEC_MODEL_EXTERNAL_DATA',
}

/** stderr text of a dead child that says an allocation failed (V8 or native). */
const OOM_PATTERN = /out of memory|bad_alloc|allocation failed|failed to allocate|cannot allocate/i

export class OnnxExecutor implements Executor {
  readonly name = 'onnx'
  readonly isolation = ONNX_ISOLATION
  readonly maxOutputBytes: number
  readonly maxMemoryBytes: number
  readonly maxThreads: number
  private readonly maxModelBytes: number
  private readonly maxInputBytes: number
  private readonly slack: number
  private readonly pool: ChildPool
  /** Model check verdicts by sha-256: a model used by many jobs is decoded once. */
  private readonly checked = new Map<string, OnnxModelProblem | null>()
  private started = false
  private nextId = 1

  constructor(init: OnnxExecutorInit = {}) {
    this.maxOutputBytes = init.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES
    this.maxMemoryBytes = init.maxMemoryBytes ?? 4 * GiB
    this.maxThreads = init.maxThreads ?? Math.min(4, availableParallelism())
    this.maxModelBytes = init.maxModelBytes ?? 256 * MiB
    this.maxInputBytes = init.maxInputBytes ?? 256 * MiB
    this.slack = init.runtimeSlackBytes ?? 256 * MiB
    const growth = init.maxChildGrowthBytes ?? 2 * GiB
    this.pool = new ChildPool({
      size: init.poolSize ?? 1,
      prewarm: init.prewarm,
      // a backstop over the per-job soft limit: the child itself (V8 reservations and the runtime:
      // about 1 GiB of address space at start from dist/, over 5 GiB from sources, where Node's
      // wasm type stripper reserves its memory), its cached sessions, and the largest job
      ceilingBytes: 8 * GiB + growth + this.maxMemoryBytes + this.slack,
      maxGrowthBytes: growth,
      sessions: init.sessionsPerChild ?? 4,
      prlimit: init.prlimit,
      probeGpu: init.probeGpu,
    })
  }

  /** GPU execution providers that initialised in the first child (empty on CPU-only builds). */
  get gpuProviders(): string[] {
    return this.pool.firstReady?.gpuProviders ?? []
  }

  /** Backends onnxruntime-node lists (whether or not their libraries are present). */
  get backends(): string[] {
    return this.pool.firstReady?.backends ?? []
  }

  /** Inference children started so far (a killed or dead one is replaced by a new one). */
  get childrenStarted(): number {
    return this.pool.spawned
  }

  /** Process ids of the inference children now running. */
  get childPids(): number[] {
    return this.pool.pids
  }

  async start(): Promise<void> {
    if (this.started) return
    this.started = true
    try {
      await this.pool.start()
    } catch (err) {
      this.started = false
      await this.pool.stop()
      throw err
    }
  }

  async stop(): Promise<void> {
    if (!this.started) return
    this.started = false
    await this.pool.stop()
  }

  async run(job: ExecJob, options: RunOptions = {}): Promise<ExecResult> {
    const { signal } = options
    if (!this.started || !this.pool.isRunning) throw new ExecError('EXEC_STOPPED', 'the onnx executor is not running')
    const threads = this.checkJob(job)
    if (signal?.aborted === true) throw new ExecError('EXEC_ABORTED', 'the job was aborted before it ran')
    const hash = createHash('sha256').update(job.module).digest('hex')
    this.checkModel(hash, job.module)
    const child = await this.pool.acquire(signal)
    const sessionKey = `${hash}:${threads}`
    const req: ChildRun = {
      type: 'run',
      id: this.nextId++,
      sessionKey,
      model: child.state.sessions.includes(sessionKey) ? undefined : job.module,
      threads,
      inputs: job.inputs.map((f) => ({ name: f.name, data: f.data })),
      outputs: [...job.args],
      outputBytes: job.limits.outputBytes,
    }
    try {
      await this.pool.limitMemory(child, job.limits.memoryBytes, this.slack)
    } catch (err) {
      void this.pool.discard(child)
      throw new ExecError('EXEC_CRASHED', `could not limit the inference child: ${String(err)}`, {}, { cause: err })
    }
    return await this.dispatch(child, req, job, signal)
  }

  private async dispatch(
    child: InferenceChild,
    req: ChildRun,
    job: ExecJob,
    signal?: AbortSignal,
  ): Promise<ExecResult> {
    const { wallTimeMs, memoryBytes } = job.limits
    const started = performance.now()
    let timer: NodeJS.Timeout | undefined
    let onAbort = (): void => {}
    const interrupted = new Promise<{ stop: 'timeout' | 'abort' }>((resolve) => {
      timer = setTimeout(() => resolve({ stop: 'timeout' }), wallTimeMs)
      onAbort = () => resolve({ stop: 'abort' })
      if (signal?.aborted === true) onAbort()
      signal?.addEventListener('abort', onAbort, { once: true })
    })
    const outcome = await Promise.race([child.request(req), interrupted])
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
    const used = Math.round(performance.now() - started)

    if ('stop' in outcome) {
      child.kill() // native code may be deep in a kernel: only SIGKILL stops it
      void this.pool.discard(child)
      log('job %d stopped: %s after %d ms', req.id, outcome.stop, used)
      if (outcome.stop === 'abort') throw new ExecError('EXEC_ABORTED', 'the job was aborted', { used })
      throw new ExecError('EXEC_TIMEOUT', `the job ran past its wall-time limit of ${wallTimeMs} ms`, {
        limit: wallTimeMs,
        used,
      })
    }
    if ('death' in outcome) {
      void this.pool.discard(child)
      if (!this.pool.isRunning) throw new ExecError('EXEC_STOPPED', 'the executor stopped during the job')
      const { code, signal: sig, stderr } = outcome.death
      log.error('job %d: inference child died %o', req.id, { code, signal: sig, stderr: stderr.slice(-400) })
      if (OOM_PATTERN.test(stderr)) {
        throw new ExecError('EXEC_MEMORY_LIMIT', 'the inference child ran out of memory under the job limit', {
          limit: memoryBytes,
          source: 'address space',
        })
      }
      throw new ExecError('EXEC_CRASHED', `the inference child died (${sig ?? code})`, { used })
    }
    const checked = checkChildReply(outcome.reply, req)
    if ('broken' in checked) {
      void this.pool.discard(child)
      log.error('job %d: the inference child broke the protocol: %s', req.id, checked.broken)
      throw new ExecError('EXEC_CRASHED', `the inference child broke the protocol: ${checked.broken}`)
    }
    if (!checked.ok) {
      const f = checked.failure
      if (f.recycle) void this.pool.discard(child)
      else this.pool.release(child)
      const details = f.code === 'EXEC_MEMORY_LIMIT' ? { ...f.details, limit: memoryBytes } : f.details
      throw new ExecError(f.code as ExecErrorCode, f.message, details)
    }
    this.pool.release(child)
    return checked.result
  }

  /** Refuses a malformed job or one over this executor's caps; returns the thread count. */
  private checkJob(job: ExecJob): number {
    const { memoryBytes, wallTimeMs, outputBytes } = job.limits
    for (const [name, v] of Object.entries({ memoryBytes, wallTimeMs, outputBytes })) {
      if (!Number.isSafeInteger(v) || v <= 0) throw invalid(`limits.${name} must be a positive integer`)
    }
    const threads = job.limits.threads ?? 1
    if (!Number.isSafeInteger(threads) || threads < 1 || threads > this.maxThreads)
      throw invalid(`limits.threads must be an integer from 1 to ${this.maxThreads}`, { threads: String(threads) })
    if (memoryBytes > this.maxMemoryBytes)
      throw invalid("limits.memoryBytes is over this executor's cap", { memoryBytes, limit: this.maxMemoryBytes })
    if (outputBytes > this.maxOutputBytes)
      throw invalid("limits.outputBytes is over this executor's cap", { outputBytes, limit: this.maxOutputBytes })
    if (job.module.length > this.maxModelBytes)
      throw invalid('model too large', { size: job.module.length, limit: this.maxModelBytes })
    if (job.env !== undefined && Object.keys(job.env).length > 0)
      throw invalid('an onnx job has no environment variables')
    const names = new Set<string>()
    let inputBytes = 0
    for (const f of job.inputs) {
      if (!isValidFileName(f.name) || !f.name.endsWith('.npy'))
        throw invalid(`input files are <tensor>.npy, not ${JSON.stringify(f.name.slice(0, 80))}`)
      if (names.has(f.name)) throw invalid(`duplicate input file ${JSON.stringify(f.name)}`)
      names.add(f.name)
      inputBytes += f.data.length
    }
    if (inputBytes > this.maxInputBytes)
      throw invalid('inputs too large', { size: inputBytes, limit: this.maxInputBytes })
    const outputs = new Set<string>()
    for (const a of job.args) {
      if (typeof a !== 'string' || !isValidFileName(`${a}.npy`))
        throw invalid(
          `requested outputs are tensor names usable as file names, not ${JSON.stringify(String(a).slice(0, 80))}`,
        )
      if (outputs.has(a)) throw invalid(`output ${JSON.stringify(a)} requested twice`)
      outputs.add(a)
    }
    return threads
  }

  private checkModel(hash: string, model: Uint8Array): void {
    let problem = this.checked.get(hash)
    if (problem === undefined) {
      const verdict = checkOnnxModel(model)
      problem = verdict.ok ? null : verdict.problem
      this.checked.set(hash, problem)
      if (this.checked.size > 256) this.checked.delete(this.checked.keys().next().value as string)
    }
    if (problem !== null) throw new ExecError(MODEL_CODES[problem.code], problem.message, problem.details)
  }
}
