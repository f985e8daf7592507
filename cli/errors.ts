// How the CLI ends: distinct exit codes so scripts can tell a typo from a missing node.
import { CommanderError } from 'commander'
import { HiveError, UsageError } from '../protocol/errors.ts'

export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2
export const EXIT_NO_NODE = 3

/** No node answers for a data dir: not started, crashed, or another data dir. */
export class NodeNotRunningError extends HiveError {
  static override name = 'NodeNotRunningError'

  constructor(dataDir: string, reason: string, options?: { cause?: unknown; initialised?: boolean }) {
    const fix =
      options?.initialised === false
        ? `create and start one with \`hive init --data-dir ${dataDir}\` then \`hive node start --data-dir ${dataDir}\``
        : `start one with \`hive node start --data-dir ${dataDir}\``
    super(
      'NODE_NOT_RUNNING',
      `no node is running for data dir ${dataDir} (${reason}): ${fix}`,
      { dataDir, reason },
      options,
    )
  }
}

/** The node answered with an error. */
export class ApiRequestError extends HiveError {
  static override name = 'ApiRequestError'
  readonly status: number

  constructor(status: number, code: string, message: string, details: HiveError['details'] = {}) {
    super(code, message, details)
    this.status = status
  }
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE
  if (err instanceof UsageError) return EXIT_USAGE
  if (err instanceof NodeNotRunningError) return EXIT_NO_NODE
  return EXIT_FAILURE
}
