// One paid node process of a chaos run (paid-child.ts), seen from the harness: start it, send it
// commands, follow its job events, and see it die (a failpoint) or kill it (SIGKILL).
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import type { ChildCommand, ChildSpec } from './paid-summary.ts'
import { nodeChildArgs, nodeChildEnv } from './node-process.ts'

const CHILD = resolve(import.meta.dirname, 'paid-child.ts')
const ROOT = resolve(import.meta.dirname, '..', '..')

type Line = { ev: string; id?: number; error?: string; [k: string]: unknown }

export class PaidProcess {
  readonly spec: ChildSpec
  readonly failpoints: string
  peerId = ''
  addrs: string[] = []
  /** the job events a requester printed (type, jobId, provider …) */
  readonly events: Array<{ type: string; jobId: string; provider?: string }> = []
  /** resolves when the process is gone, with whether a failpoint (SIGKILL to itself) ended it */
  exited!: Promise<{ signal: string | null }>
  private child!: ChildProcess
  private seq = 0
  private readonly pending = new Map<number, { resolve: (l: Line) => void; reject: (e: Error) => void }>()
  private gone = false

  private constructor(spec: ChildSpec, failpoints: string) {
    this.spec = spec
    this.failpoints = failpoints
  }

  static async start(spec: ChildSpec, failpoints = ''): Promise<PaidProcess> {
    const p = new PaidProcess(spec, failpoints)
    await p.launch()
    return p
  }

  get alive(): boolean {
    return !this.gone
  }

  private async launch(): Promise<void> {
    this.child = spawn(process.execPath, nodeChildArgs(CHILD), {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
      env: nodeChildEnv({ HIVE_CHAOS_CHILD: JSON.stringify(this.spec), HIVE_FAILPOINTS: this.failpoints }),
    })
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (_code, signal) => {
        this.gone = true
        for (const p of this.pending.values()) p.reject(new Error(`${this.spec.role} process died (${signal})`))
        this.pending.clear()
        resolve({ signal })
      })
    })
    const ready = new Promise<Line>((resolve, reject) => {
      void this.exited.then(() => {
        reject(new Error(`${this.spec.role} process exited before starting`))
      })
      createInterface({ input: this.child.stdout! }).on('line', (text) => {
        let line: Line
        try {
          line = JSON.parse(text) as Line
        } catch {
          return
        }
        if (line.ev === 'ready') resolve(line)
        else if (line.ev === 'job') this.events.push(line.event as PaidProcess['events'][number])
        else if (line.ev === 'reply' && line.id !== undefined) {
          const p = this.pending.get(line.id)
          this.pending.delete(line.id)
          if (line.error !== undefined) p?.reject(new Error(line.error))
          else p?.resolve(line)
        }
      })
    })
    const r = await ready
    this.peerId = r.peerId as string
    this.addrs = r.addrs as string[]
  }

  /** one command; rejects when the process dies first */
  async call<T = Line>(c: ChildCommand): Promise<T> {
    if (this.gone) throw new Error(`${this.spec.role} process is gone`)
    const id = this.seq++
    const answer = new Promise<Line>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
    })
    this.child.stdin!.write(JSON.stringify({ id, ...c }) + '\n')
    return (await answer) as T
  }

  async kill(): Promise<void> {
    if (this.gone) return
    this.child.kill('SIGKILL')
    await this.exited
  }

  /** a clean leave: SIGTERM (the node stops, then the process exits); SIGKILL after 15 s */
  async leave(): Promise<void> {
    if (this.gone) return
    this.child.kill('SIGTERM')
    const hard = setTimeout(() => this.child.kill('SIGKILL'), 15_000)
    await this.exited
    clearTimeout(hard)
  }

  /** the same node (data dir, key, port) again, with other failpoints (none: a plain restart) */
  async restart(failpoints = ''): Promise<PaidProcess> {
    await this.kill()
    return await PaidProcess.start(this.spec, failpoints)
  }
}
