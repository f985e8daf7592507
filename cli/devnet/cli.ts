// How the demo runs `hive` one-shot commands: exactly the CLI a person types, either in this
// process (runCli with its own environment: the same code path without paying two seconds of
// process start-up per command, which matters on a small machine) or as child processes. The
// daemons (`hive node start`) are always separate processes (processes.ts).
// runCli is handed in by the caller (program.ts or scripts/devnet.ts): the demo is one of the
// CLI's commands, so importing the program from here would be an import cycle.
import { relative } from 'node:path'
import type { CliIo } from '../context.ts'
import { childEnv, runHive } from './processes.ts'

/** cli/program.ts's runCli */
export type RunCli = (argv: string[], io: CliIo) => Promise<number>

export interface CliResult {
  code: number
  stdout: string
  stderr: string
  ms: number
}

export interface HiveCli {
  /** `hive --node <dir> …args` (no dir: a command without a node, e.g. a --rpc-url one) */
  run: (dir: string | undefined, args: string[], options?: { timeoutMs?: number }) => Promise<CliResult>
  /** the command line a person would type, with the work dir shortened to $W */
  show: (dir: string | undefined, args: string[]) => string
  /** a path as the demo prints it ($W/…) */
  path: (p: string) => string
}

export class CliFailure extends Error {
  readonly result: CliResult
  readonly command: string
  constructor(command: string, result: CliResult) {
    super(`\`${command}\` exited ${result.code}: ${lastError(result)}`)
    this.name = 'CliFailure'
    this.result = result
    this.command = command
  }
}

/** The useful line of a failed command's stderr (its JSON error's message, or the last line). */
function lastError(r: CliResult): string {
  const lines = r.stderr
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '')
  const last = lines.at(-1) ?? '(no output)'
  try {
    const body = JSON.parse(last) as { error?: { code?: string; message?: string } }
    if (body.error?.message !== undefined) return `${body.error.code ?? 'ERROR'}: ${body.error.message}`
  } catch {
    /* not JSON */
  }
  return last
}

const quote = (a: string): string => (/^[\w@%+=:,./$…-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)

export function createCli(opts: {
  workDir: string
  env: Record<string, string>
  mode: 'in-process' | 'spawn'
  runCli: RunCli
}): HiveCli {
  const shown = (p: string): string => {
    const rel = relative(opts.workDir, p)
    return rel.startsWith('..') ? p : rel === '' ? '$W' : `$W/${rel}`
  }
  const show = (dir: string | undefined, args: string[]): string => {
    const parts = [
      'npx hive',
      ...(dir !== undefined ? ['--node', shown(dir)] : []),
      ...args.map((a) => (a.startsWith(opts.workDir) ? shown(a) : quote(a))),
    ]
    return parts.join(' ')
  }
  const argv = (dir: string | undefined, args: string[]): string[] => [
    ...(dir !== undefined ? ['--node', dir] : []),
    ...args,
  ]
  if (opts.mode === 'spawn') {
    return {
      show,
      path: shown,
      run: async (dir, args, o = {}) =>
        await runHive(argv(dir, args), { env: opts.env, timeoutMs: o.timeoutMs ?? 60_000 }),
    }
  }
  const env = childEnv(opts.env) as Record<string, string | undefined>
  return {
    show,
    path: shown,
    run: async (dir, args) => {
      const t0 = performance.now()
      let stdout = ''
      let stderr = ''
      const code = await opts.runCli(argv(dir, args), {
        stdout: (t) => {
          stdout += t
        },
        stderr: (t) => {
          stderr += t
        },
        env,
        interactive: false,
        shutdownSignal: () => new AbortController().signal,
      })
      return { code, stdout, stderr, ms: performance.now() - t0 }
    },
  }
}

/** Runs a `--json` command that must succeed; returns its parsed JSON. */
export async function hiveJson<T>(
  cli: HiveCli,
  dir: string | undefined,
  args: string[],
  options?: { timeoutMs?: number },
): Promise<T> {
  const full = [...args, '--json']
  const r = await cli.run(dir, full, options)
  if (r.code !== 0) throw new CliFailure(cli.show(dir, args), r)
  try {
    return JSON.parse(r.stdout) as T
  } catch {
    throw new CliFailure(cli.show(dir, args), {
      ...r,
      stderr: `${r.stderr}\nstdout is not one JSON document: ${r.stdout.slice(0, 200)}`,
    })
  }
}
