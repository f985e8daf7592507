// The harness's handles on processes inside namespaces: an agent (agent.ts) per host that runs
// hive nodes, and the AutoNAT helpers. Every one is started with `ip netns exec`, so nothing the
// testbed runs ever sends from the root namespace.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { REPO_ROOT } from '../../cli/devnet/processes.ts'

const NODE22 = join(REPO_ROOT, 'node_modules', '.bin', 'node')

/** The PATH for children: Node 22 first (cli/hive finds it anyway; tsx and hardhat need it). */
function env(): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${join(REPO_ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}` }
}

export class Agent {
  readonly ns: string
  readonly name: string
  private readonly child: ChildProcess
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; op: string }
  >()
  private next = 1
  readonly ready: Promise<void>

  constructor(name: string, ns: string, logFile: string) {
    this.name = name
    this.ns = ns
    this.child = spawn(
      'ip',
      ['netns', 'exec', ns, NODE22, '--import', 'tsx', join(REPO_ROOT, 'scripts/testbed/agent.ts')],
      {
        cwd: REPO_ROOT,
        env: env(),
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    )
    const log = createWriteStream(logFile, { flags: 'a' })
    this.child.stderr?.pipe(log)
    let readyOk: () => void = () => {}
    let readyFail: (e: Error) => void = () => {}
    this.ready = new Promise<void>((resolve, reject) => {
      readyOk = resolve
      readyFail = reject
    })
    this.ready.catch(() => {})
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      let msg: { id: number; ok: boolean; result?: unknown; error?: string }
      try {
        msg = JSON.parse(line) as typeof msg
      } catch {
        log.write(`stdout: ${line}\n`)
        return
      }
      if (msg.id === 0) {
        readyOk()
        return
      }
      const p = this.pending.get(msg.id)
      if (p === undefined) return
      this.pending.delete(msg.id)
      if (msg.ok) p.resolve(msg.result)
      else p.reject(new Error(`${this.name}: ${p.op}: ${msg.error ?? 'failed'}`))
    })
    this.child.on('exit', (code, signal) => {
      const err = new Error(`${this.name}'s agent exited (${code ?? signal}); see ${logFile}`)
      readyFail(err)
      for (const p of this.pending.values()) p.reject(err)
      this.pending.clear()
    })
  }

  async req<T>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    await this.ready
    const id = this.next++
    return await new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, op })
      this.child.stdin!.write(JSON.stringify({ ...args, id, op }) + '\n')
    })
  }

  /** Asks the agent to stop its children, then closes its stdin (it exits by itself). */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()))
    try {
      await Promise.race([this.req('stop'), exited])
    } catch {
      /* gone */
    }
    this.child.stdin?.end()
    const t = setTimeout(() => this.child.kill('SIGKILL'), 5_000)
    await exited
    clearTimeout(t)
  }
}

/** Starts an AutoNAT helper in `ns` at `ip`; resolves with its dialable multiaddr. */
export function startHelper(ns: string, ip: string, logFile: string): { child: ChildProcess; addr: Promise<string> } {
  const child = spawn(
    'ip',
    ['netns', 'exec', ns, NODE22, '--import', 'tsx', join(REPO_ROOT, 'scripts/testbed/autonat-helper.ts'), ip],
    {
      cwd: REPO_ROOT,
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  child.stderr?.pipe(createWriteStream(logFile, { flags: 'a' }))
  const addr = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (l) => resolve(l.trim()))
    child.once('exit', (c) => reject(new Error(`AutoNAT helper in ${ns} exited (${c}); see ${logFile}`)))
  })
  addr.catch(() => {})
  return { child, addr }
}

/** A one-off command inside a namespace (e.g. a probe from the inet router); resolves with stdout. */
export async function nsRun(ns: string, args: string[]): Promise<{ code: number; stdout: string }> {
  return await new Promise((resolve) => {
    const child = spawn('ip', ['netns', 'exec', ns, ...args], {
      cwd: REPO_ROOT,
      env: env(),
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c
    })
    child.on('close', (code) => resolve({ code: code ?? 1, stdout }))
  })
}

/** A TCP connect from inside `ns` with plain Node (no tsx): connected or why not. */
export async function nsProbe(
  ns: string,
  host: string,
  port: number,
  timeoutMs = 3_000,
): Promise<{ connected: boolean; error?: string }> {
  const script =
    `const s=require('net').connect({host:${JSON.stringify(host)},port:${port}});` +
    `const t=setTimeout(()=>{console.log(JSON.stringify({connected:false,error:'no` +
    ` answer in ${timeoutMs} ms'}));process.exit(0)},${timeoutMs});` +
    "s.on('connect',()=>{console.log(JSON.stringify({connected:true}));process.exit(0)});" +
    "s.on('error',(e)=>{console.log(JSON.stringify({connected:false,error:e.code||e.message}));process.exit(0)})"
  const r = await nsRun(ns, [NODE22, '-e', script])
  try {
    return JSON.parse(r.stdout) as { connected: boolean; error?: string }
  } catch {
    return { connected: false, error: `probe failed (exit ${r.code})` }
  }
}
