// What every command gets: where to write, which data dir it acts on, JSON or human output.
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { UsageError } from '../protocol/errors.ts'
import { toJson } from '../node/api/json.ts'

export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  env: Readonly<Record<string, string | undefined>>
  /** stderr is a terminal: spinners allowed */
  interactive: boolean
  /**
   * Aborted on SIGINT/SIGTERM. Only long-running commands call it: installing the handlers
   * replaces the default "die on Ctrl-C" of every other command.
   */
  shutdownSignal: () => AbortSignal
}

export interface GlobalOptions {
  dataDir?: string
  node?: string
  json?: boolean
}

export interface CommandContext {
  io: CliIo
  dataDir: string
  json: boolean
  /** prints the one JSON document of a --json run */
  printJson: (value: unknown) => void
  /** a human line on stdout; nothing in --json mode */
  say: (text: string) => void
  /** a note for people on stderr (also in --json mode, where stdout is reserved) */
  note: (text: string) => void
}

/** --node <dir> and --data-dir <dir> name the same thing; HIVE_DATA_DIR, then ~/.hive, otherwise. */
export function resolveDataDir(opts: GlobalOptions, env: CliIo['env']): string {
  if (opts.node != null && opts.dataDir != null && resolve(opts.node) !== resolve(opts.dataDir)) {
    throw new UsageError(
      'CONFLICTING_DATA_DIR',
      `--node ${opts.node} and --data-dir ${opts.dataDir} name different nodes: give only one`,
    )
  }
  const chosen = opts.node ?? opts.dataDir ?? env.HIVE_DATA_DIR
  if (chosen != null && chosen.trim() === '')
    throw new UsageError('EMPTY_DATA_DIR', 'the data dir is empty: pass --data-dir <dir> or unset HIVE_DATA_DIR')
  return resolve(chosen ?? join(env.HOME ?? homedir(), '.hive'))
}

export function makeContext(io: CliIo, opts: GlobalOptions): CommandContext {
  const json = opts.json === true
  return {
    io,
    dataDir: resolveDataDir(opts, io.env),
    json,
    printJson: (value) => io.stdout(toJson(value, 2) + '\n'),
    say: (text) => {
      if (!json) io.stdout(text + '\n')
    },
    note: (text) => io.stderr(text + '\n'),
  }
}
