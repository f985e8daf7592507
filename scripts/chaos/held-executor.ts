// A job "of a few seconds" without burning the CPU the chaos runs share: this executor holds each
// job for the time its first argument asks (`hold=<ms>`), abortably, then runs the module with
// the real executor and the remaining arguments. What liveness cares about (a provider busy on
// an award for seconds, then answering) is all there; 20 providers on a shared 2-core machine
// spinning real CPU-bound jobs would measure the machine, not the market.
import type { ExecJob, ExecResult, Executor, RunOptions } from '../../node/exec/index.ts'

const HOLD = /^hold=(\d{1,7})$/

export class HeldExecutor implements Executor {
  readonly name: string
  readonly isolation: string
  readonly maxOutputBytes: number
  private readonly inner: Executor
  private readonly onHold?: (job: ExecJob) => void

  /** `onHold`: told as a held job starts its hold (its inputs are in: the run is under way) */
  constructor(inner: Executor, opts: { onHold?: (job: ExecJob) => void } = {}) {
    this.inner = inner
    this.onHold = opts.onHold
    this.name = inner.name
    this.isolation = inner.isolation
    this.maxOutputBytes = inner.maxOutputBytes
  }

  async start(): Promise<void> {
    await this.inner.start()
  }
  async stop(): Promise<void> {
    await this.inner.stop()
  }

  async run(job: ExecJob, options: RunOptions = {}): Promise<ExecResult> {
    const m = HOLD.exec(job.args[0] ?? '')
    if (m !== null) {
      this.onHold?.(job)
      await hold(Number(m[1]), options.signal)
    }
    return await this.inner.run(m === null ? job : { ...job, args: job.args.slice(1) }, options)
  }
}

async function hold(ms: number, signal: AbortSignal | undefined): Promise<void> {
  signal?.throwIfAborted()
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(t)
      reject(signal?.reason ?? new Error('aborted'))
    }
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** A WASI command that prints `text` and exits 0 (what chaos jobs run after their hold). */
export function helloWat(text: string): string {
  const bytes = new TextEncoder().encode(text)
  const data = Array.from(bytes, (b) => `\\${b.toString(16).padStart(2, '0')}`).join('')
  return `(module
    (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 64) "${data}")
    (func (export "_start")
      (i32.store (i32.const 0) (i32.const 64))
      (i32.store (i32.const 4) (i32.const ${bytes.length}))
      (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`
}

/** The hello module's bytes (compiled with wabt, a dev dependency). */
export async function helloModule(text = 'done\n'): Promise<Uint8Array> {
  const { default: wabtInit } = await import('wabt')
  const w = await wabtInit()
  const mod = w.parseWat('hello.wat', helloWat(text))
  try {
    return new Uint8Array(mod.toBinary({}).buffer)
  } finally {
    mod.destroy()
  }
}
