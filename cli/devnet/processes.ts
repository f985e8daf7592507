// Runs `hive` as real child processes: one-shot commands and long-running `hive node start`
// daemons, with their output in log files. Used by the devnet demo and the e2e tests.
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createWriteStream, existsSync } from 'node:fs'
import type { WriteStream } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { HiveApiClient } from '../client.ts'
import { PACKAGE_ROOT } from '../../node/util/package-root.ts'

export const REPO_ROOT = PACKAGE_ROOT
/**
 * The `hive` launcher people run (package.json "bin"): it finds Node 22 and runs the compiled CLI
 * in dist/ (the sources through tsx when dist/ is older than them), so the demo and the e2e tests
 * run exactly what a user runs. `npm test` rebuilds dist/ first.
 */
export const HIVE_BIN = join(REPO_ROOT, 'cli', 'hive')

/**
 * The environment for child nodes: ours minus HIVE_* (a stray HIVE_BOOTSTRAP must not leak in).
 * Every devnet and e2e node listens on 127.0.0.1, so providers must dial loopback requesters.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HIVE_')) env[k] = v
  return { ...env, HIVE_ALLOW_PRIVATE_ADDRS: 'true', ...extra }
}

/**
 * Brings dist/ up to date (scripts/setup/build.mjs, incremental; the contracts are left to the
 * caller). The launcher runs the TypeScript sources through tsx when dist/ is older than them:
 * correct, but a benchmark of node processes would then measure tsx too (10-15 % of a busy
 * node's CPU), so the benchmarks build first.
 */
export function ensureCliBuilt(): void {
  const build = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'setup', 'build.mjs')], {
    env: { ...process.env, HIVE_BUILD_CONTRACTS: '0' },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  if (build.status !== 0) throw new Error(`building dist/ failed (exit ${String(build.status)}): run npm run build`)
}

export interface HiveRun {
  code: number
  stdout: string
  stderr: string
  ms: number
}

/** Runs one `hive …` command to completion. */
export function runHive(
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<HiveRun> {
  const started = performance.now()
  return new Promise((resolvePromise, reject) => {
    const child = spawn(HIVE_BIN, args, {
      cwd: REPO_ROOT,
      env: childEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c
    })
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolvePromise({ code: code ?? (signal != null ? 128 : 1), stdout, stderr, ms: performance.now() - started })
    })
  })
}

export interface NodeProcessInit {
  name: string
  dataDir: string
  logFile: string
  /** extra arguments after `node start`, e.g. ['--bootstrap', addr] */
  args?: string[]
  env?: Record<string, string>
}

/** A `hive node start` daemon. */
export class NodeProcess {
  readonly name: string
  readonly dataDir: string
  readonly logFile: string
  private readonly init: NodeProcessInit
  private child: ChildProcess | undefined
  private _log: WriteStream | undefined
  private _exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined
  private _exit: { code: number | null; signal: NodeJS.Signals | null } | undefined

  constructor(init: NodeProcessInit) {
    this.name = init.name
    this.dataDir = init.dataDir
    this.logFile = init.logFile
    this.init = init
  }

  get pid(): number | undefined {
    return this.child?.pid
  }
  get exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this._exit
  }
  /** Resolves when the process ends, however it ends (undefined before start()). */
  get exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined {
    return this._exited
  }

  /** The command line that runs this node, for people to copy. */
  get commandLine(): string {
    return ['npx hive', '--data-dir', this.dataDir, 'node start', ...(this.init.args ?? [])].join(' ')
  }

  start(): void {
    if (this.child != null) return
    this._log = createWriteStream(this.logFile, { flags: 'a' })
    const child = spawn(HIVE_BIN, ['--data-dir', this.dataDir, 'node', 'start', ...(this.init.args ?? [])], {
      cwd: REPO_ROOT,
      env: childEnv({ DEBUG: 'hive:*', DEBUG_COLORS: '0', ...this.init.env }),
      stdio: ['ignore', 'pipe', 'pipe'],
      // its own process group: a Ctrl-C in the terminal reaches only our process, which then
      // stops the node once with SIGTERM (a node treats a second signal as "exit now")
      detached: true,
    })
    this.child = child
    // if we exit without stop() (a crash, process.exit), take the node with us
    const reap = (): void => {
      if (this._exit == null) child.kill('SIGKILL')
    }
    process.on('exit', reap)
    child.stdout?.pipe(this._log, { end: false })
    child.stderr?.pipe(this._log, { end: false })
    this._exited = new Promise((ok) => {
      child.on('exit', (code, signal) => {
        process.off('exit', reap)
        this._exit = { code, signal }
        ok(this._exit)
      })
    })
  }

  /** Waits until the node's API answers; fails early if the process dies. */
  async waitForApi(timeoutMs = 30_000): Promise<HiveApiClient> {
    const until = Date.now() + timeoutMs
    let last: unknown
    while (Date.now() < until) {
      if (this._exit != null)
        throw new Error(
          `${this.name} exited (code ${this._exit.code}, signal ` +
            `${this._exit.signal}) before its API came up; see ${this.logFile}`,
        )
      if (existsSync(join(this.dataDir, 'api.json'))) {
        try {
          const client = await HiveApiClient.forDataDir(this.dataDir)
          await client.info()
          return client
        } catch (err) {
          last = err
        }
      }
      await sleep(100)
    }
    throw new Error(
      `${this.name}'s API did not come up within ${timeoutMs} ms ` +
        `(${last instanceof Error ? last.message : 'no api.json'}); see ` +
        `${this.logFile}`,
    )
  }

  /** SIGTERM (or the given signal), then SIGKILL after graceMs. Resolves with how it ended. */
  async stop(
    graceMs = 10_000,
    signal: NodeJS.Signals = 'SIGTERM',
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null; killed: boolean }> {
    const child = this.child
    if (child == null || this._exited == null) return { code: 0, signal: null, killed: false }
    let killed = false
    if (this._exit == null) {
      child.kill(signal)
      const timer = setTimeout(() => {
        killed = true
        child.kill('SIGKILL')
      }, graceMs)
      await this._exited
      clearTimeout(timer)
    }
    const exit = await this._exited
    await new Promise<void>((ok) => {
      if (this._log == null || this._log.closed) ok()
      else this._log.end(() => ok())
    })
    return { ...exit, killed }
  }

  /** Immediate SIGKILL, for test clean-up after a failure. */
  kill(): void {
    if (this.child != null && this._exit == null) this.child.kill('SIGKILL')
  }
}
