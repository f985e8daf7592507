// A small pool of warm inference child processes. Starting one costs a Node start plus loading
// onnxruntime (a few hundred ms); a warm child with the model's session cached runs a small
// model in milliseconds, so children are reused and replaced only when killed (wall time,
// abort), dead, or grown too large. Each child runs under `prlimit --as=<ceiling>`; before every
// job its soft limit is lowered to what it uses now plus the job's memory (`prlimit --pid`).
import { spawn, execFile, type ChildProcess } from 'node:child_process'
import type { Socket } from 'node:net'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { logger } from '../../log/logger.ts'
import { ExecError } from '../errors.ts'
import type { ChildReady, ChildReply, ChildRun, ChildState } from './child-protocol.ts'

const log = logger('hive:exec:onnx')
const execFileAsync = promisify(execFile)
// onnx-child.ts beside the sources, onnx-child.js beside the build in dist/
const CHILD_PATH = fileURLToPath(new URL(`./onnx-child${extname(import.meta.url)}`, import.meta.url))

export interface ChildPoolInit {
  /** Children that may run at once (default 1). */
  size?: number
  /** Children started (and awaited) by start() (default: size). */
  prewarm?: number
  /** Hard address-space limit of every child (bytes): no job can raise its soft limit above it. */
  ceilingBytes: number
  /** Sessions a child keeps (LRU). */
  sessions?: number
  /** A child whose address space grew this much over its start is replaced after its job. */
  maxGrowthBytes?: number
  /** Path of prlimit (util-linux). */
  prlimit?: string
  /** Probe GPU execution providers at start (default true). */
  probeGpu?: boolean
}

type Outcome = { reply: ChildReply } | { death: { code: number | null; signal: NodeJS.Signals | null; stderr: string } }

const STDERR_TAIL = 4096

/** One inference child; runs one request at a time. */
export class InferenceChild {
  readonly proc: ChildProcess
  readonly ready: Promise<ChildReady>
  dead = false
  state: ChildState = { vmBytes: 0, sessions: [] }
  startVmBytes = 0
  /** The soft address-space limit last set, to skip a prlimit call when it is unchanged. */
  softLimit = 0
  private settle: ((o: Outcome) => void) | null = null
  private stderrTail = ''

  constructor(init: Required<Omit<ChildPoolInit, 'size' | 'prewarm'>>) {
    // the child sees none of the provider's environment: only thread caps for the math
    // libraries (ORT's own pools are capped by the session options)
    const env: NodeJS.ProcessEnv = {
      OMP_NUM_THREADS: '1',
      OMP_THREAD_LIMIT: '1',
      MKL_NUM_THREADS: '1',
      OPENBLAS_NUM_THREADS: '1',
      UV_THREADPOOL_SIZE: '2',
      MALLOC_ARENA_MAX: '2', // glibc reserves 64 MiB of address space per thread arena otherwise
      HIVE_ONNX_SESSIONS: String(init.sessions),
      HIVE_ONNX_PROBE_GPU: init.probeGpu ? '1' : '0',
    }
    // no wasm trap handler: its guard regions reserve ~10 GiB of address space per wasm memory
    // (Node's own type stripper is wasm), which no useful `--as` limit leaves room for
    const nodeArgs = [
      '--disable-warning=ExperimentalWarning',
      '--disable-wasm-trap-handler',
      '--max-old-space-size=256',
      CHILD_PATH,
    ]
    this.proc = spawn(init.prlimit, [`--as=${init.ceilingBytes}`, '--', process.execPath, ...nodeArgs], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      env,
      cwd: '/',
    })
    // an idle pool must not keep the provider process alive: the channel is referenced only
    // while the child starts or runs a job
    this.proc.unref()
    this.proc.stderr?.setEncoding('utf8')
    this.proc.stderr?.on('data', (s: string) => {
      this.stderrTail = (this.stderrTail + s).slice(-STDERR_TAIL)
    })
    ;(this.proc.stderr as Socket | null)?.unref() // a pipe is a socket: it must not hold the loop either
    let onReady: (r: ChildReady) => void = () => {}
    let onFail: (err: Error) => void = () => {}
    this.ready = new Promise<ChildReady>((resolve, reject) => {
      onReady = resolve
      onFail = reject
    })
    this.ready.catch(() => {}) // observed through acquire()
    this.proc.on('message', (msg: ChildReply) => {
      this.state = { vmBytes: msg.vmBytes, sessions: msg.sessions }
      if (msg.type === 'ready') {
        this.proc.channel?.unref()
        this.startVmBytes = msg.vmBytes
        onReady(msg)
        return
      }
      const settle = this.settle
      this.settle = null
      settle?.({ reply: msg })
    })
    const die = (code: number | null, signal: NodeJS.Signals | null): void => {
      this.dead = true // 'error' and 'exit' may both come: settling twice is a no-op
      const stderr = this.stderrTail
      onFail(new Error(`inference child exited (${signal ?? code}): ${stderr.slice(-400)}`))
      const settle = this.settle
      this.settle = null
      settle?.({ death: { code, signal, stderr } })
    }
    this.proc.on('exit', die)
    this.proc.on('error', (err) => {
      this.stderrTail += String(err)
      die(null, null)
    })
  }

  get pid(): number | undefined {
    return this.proc.pid
  }

  /** Sends one job; resolves with the reply or the child's death. */
  request(req: ChildRun): Promise<Outcome> {
    if (this.dead) return Promise.resolve({ death: { code: null, signal: null, stderr: 'child is dead' } })
    if (this.settle !== null) throw new Error('inference child is busy')
    this.proc.channel?.ref()
    return new Promise<Outcome>((resolve) => {
      this.settle = (o) => {
        this.proc.channel?.unref()
        resolve(o)
      }
      this.proc.send(req)
    })
  }

  kill(): void {
    this.dead = true
    this.proc.ref() // so that exited() sees the exit even when nothing else holds the event loop
    this.proc.kill('SIGKILL')
  }

  /** Resolves when the process has exited (after kill()). */
  async exited(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return
    await new Promise<void>((resolve) => this.proc.once('exit', () => resolve()))
  }
}

interface Waiter {
  resolve: (c: InferenceChild) => void
  reject: (err: Error) => void
}

export class ChildPool {
  readonly size: number
  private readonly prewarm: number
  private readonly childInit: Required<Omit<ChildPoolInit, 'size' | 'prewarm'>>
  private readonly idle: InferenceChild[] = []
  private readonly all = new Set<InferenceChild>()
  private readonly waiters: Waiter[] = []
  private running = false
  /** What the first child reported at start (backends, GPU providers). */
  firstReady: ChildReady | undefined
  /** Children started over the pool's life (tests check replacement). */
  spawned = 0

  constructor(init: ChildPoolInit) {
    this.size = Math.max(1, init.size ?? 1)
    this.prewarm = Math.min(this.size, Math.max(0, init.prewarm ?? this.size))
    this.childInit = {
      ceilingBytes: init.ceilingBytes,
      sessions: init.sessions ?? 4,
      maxGrowthBytes: init.maxGrowthBytes ?? 2 * 1024 ** 3,
      prlimit: init.prlimit ?? 'prlimit',
      probeGpu: init.probeGpu ?? true,
    }
  }

  get isRunning(): boolean {
    return this.running
  }

  /** Process ids of the live children (operators' tools and tests). */
  get pids(): number[] {
    return [...this.all].flatMap((c) => (c.pid === undefined || c.dead ? [] : [c.pid]))
  }

  async start(): Promise<void> {
    if (this.running) return
    this.running = true
    const fresh: InferenceChild[] = []
    while (this.all.size < Math.max(1, this.prewarm)) fresh.push(this.spawn())
    await Promise.all(
      fresh.map(async (c) => {
        try {
          this.firstReady ??= await c.ready
        } catch (err) {
          this.all.delete(c)
          throw new ExecError('EXEC_CRASHED', `an inference child failed to start: ${String(err)}`, {}, { cause: err })
        }
        this.release(c)
      }),
    )
  }

  async stop(): Promise<void> {
    this.running = false
    for (const w of this.waiters.splice(0)) w.reject(new ExecError('EXEC_STOPPED', 'the executor stopped'))
    const children = [...this.all]
    this.all.clear()
    this.idle.length = 0
    for (const c of children) c.kill()
    await Promise.all(children.map(async (c) => await c.exited()))
  }

  async acquire(signal?: AbortSignal): Promise<InferenceChild> {
    if (!this.running) throw new ExecError('EXEC_STOPPED', 'the onnx executor is not running')
    for (let idle = this.idle.pop(); idle !== undefined; idle = this.idle.pop()) {
      if (!idle.dead) return idle
      this.all.delete(idle) // died while idle (e.g. the kernel's OOM killer): start another below
    }
    if (this.all.size < this.size) {
      const c = this.spawn()
      try {
        await c.ready
      } catch (err) {
        this.all.delete(c)
        throw new ExecError('EXEC_CRASHED', `an inference child failed to start: ${String(err)}`, {}, { cause: err })
      }
      return c
    }
    return await new Promise<InferenceChild>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter)
        if (i >= 0) this.waiters.splice(i, 1)
        reject(new ExecError('EXEC_ABORTED', 'aborted while waiting for an inference child'))
      }
      const waiter: Waiter = {
        resolve: (c) => {
          signal?.removeEventListener('abort', onAbort)
          resolve(c)
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

  /** Lowers (or raises, up to the ceiling) the child's soft address-space limit for one job. */
  async limitMemory(c: InferenceChild, jobMemoryBytes: number, slackBytes: number): Promise<number> {
    // rounded up to 64 MiB so that the same job on the same child keeps its limit: a prlimit run
    // costs a few milliseconds, most of a warm small job's overhead
    const step = 64 * 1024 * 1024
    const wanted = Math.ceil((c.state.vmBytes + jobMemoryBytes + slackBytes) / step) * step
    const soft = Math.min(this.childInit.ceilingBytes, wanted)
    if (soft === c.softLimit || c.pid === undefined) return soft
    await execFileAsync(this.childInit.prlimit, [`--pid=${c.pid}`, `--as=${soft}:${this.childInit.ceilingBytes}`])
    c.softLimit = soft
    return soft
  }

  /** Gives a healthy child back; one grown past its budget (cached sessions, arenas) is replaced. */
  release(c: InferenceChild): void {
    if (c.dead || !this.running || !this.all.has(c)) {
      void this.discard(c)
      return
    }
    if (c.state.vmBytes - c.startVmBytes > this.childInit.maxGrowthBytes) {
      log('inference child %d grew to %d bytes: replacing it', c.pid, c.state.vmBytes)
      void this.discard(c)
      return
    }
    const next = this.waiters.shift()
    if (next !== undefined) next.resolve(c)
    else this.idle.push(c)
  }

  /** Kills a child (stuck, aborted, dead or suspect) and starts its replacement. */
  async discard(c: InferenceChild): Promise<void> {
    const owned = this.all.delete(c)
    c.kill()
    await c.exited()
    // acquire() may have started a child of its own meanwhile: never run more than `size`
    if (!owned || !this.running || this.all.size >= this.size) return
    const fresh = this.spawn()
    try {
      await fresh.ready
      this.release(fresh)
    } catch (err) {
      this.all.delete(fresh)
      log.error('replacement inference child failed to start %o', { err: String(err) })
      // a waiter must not wait forever for a child that will never come
      for (const w of this.waiters.splice(0))
        w.reject(new ExecError('EXEC_CRASHED', 'no inference child could be started'))
    }
  }

  private spawn(): InferenceChild {
    const c = new InferenceChild(this.childInit)
    this.spawned++
    this.all.add(c)
    return c
  }
}
