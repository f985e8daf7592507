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
import { WarmPool, type PoolMember } from '../warm-pool.ts'
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
export class InferenceChild implements PoolMember {
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
    this.proc.ref() // so that destroy() sees the exit even when nothing else holds the event loop
    this.proc.kill('SIGKILL')
  }

  /** Kills the child; resolves once it has exited. */
  async destroy(): Promise<void> {
    this.kill()
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return
    await new Promise<void>((resolve) => this.proc.once('exit', () => resolve()))
  }
}

/** Warm inference children (../warm-pool.ts); one grown past its budget is replaced after its job. */
export class ChildPool extends WarmPool<InferenceChild> {
  private readonly childInit: Required<Omit<ChildPoolInit, 'size' | 'prewarm'>>
  /** What the first child reported at start (backends, GPU providers). */
  firstReady: ChildReady | undefined
  /** Children started over the pool's life (tests check replacement). */
  spawned = 0

  constructor(init: ChildPoolInit) {
    const size = Math.max(1, init.size ?? 1)
    // at least one child at start: it reports the backends and GPU providers
    super({ size, prewarm: Math.max(1, init.prewarm ?? size), noun: 'an inference child' })
    this.childInit = {
      ceilingBytes: init.ceilingBytes,
      sessions: init.sessions ?? 4,
      maxGrowthBytes: init.maxGrowthBytes ?? 2 * 1024 ** 3,
      prlimit: init.prlimit ?? 'prlimit',
      probeGpu: init.probeGpu ?? true,
    }
  }

  /** Process ids of the live children (operators' tools and tests). */
  get pids(): number[] {
    return this.members.flatMap((c) => (c.pid === undefined ? [] : [c.pid]))
  }

  override async start(): Promise<void> {
    await super.start()
    this.firstReady ??= await this.members[0]?.ready
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

  protected create(): InferenceChild {
    this.spawned++
    return new InferenceChild(this.childInit)
  }

  protected override keep(c: InferenceChild): boolean {
    if (c.state.vmBytes - c.startVmBytes <= this.childInit.maxGrowthBytes) return true
    log('inference child %d grew to %d bytes: replacing it', c.pid, c.state.vmBytes)
    return false
  }
}
