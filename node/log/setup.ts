// Process-wide logging for `hive node start` and the demo (`npm run demo`, `hive devnet`), issue
// 17: pino, JSON lines when stderr is not a terminal (for journald, Docker, log shippers),
// readable lines on a terminal (pino-pretty), and always JSON into a size-rotated file in the
// data dir (<dataDir>/logs/hive.log; the demo's is logs/demo.log in its work dir). Every line
// carries the node's peer id once it is known; job events carry their job id. Field names that
// hold secrets are redacted as a second line of defence: no code path should log one at all
// (test/node/log/no-secrets.test.ts greps a whole run for them).
import { join } from 'node:path'
import { pino } from 'pino'
import { RotatingFile } from './rotating-file.ts'
import { setLogSink } from './logger.ts'
import type { LogLevel } from './logger.ts'
import type { Logger as Pino } from 'pino'
import type { Writable } from 'node:stream'

export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error']
export const LOG_FILE = join('logs', 'hive.log')

/** Keys whose values never reach a log line, wherever they sit in a logged object. */
const REDACT = [
  'passphrase',
  'password',
  'privateKey',
  'token',
  'apiToken',
  'authorization',
  'mnemonic',
  'secret',
  '*.passphrase',
  '*.password',
  '*.privateKey',
  '*.token',
  '*.authorization',
  '*.mnemonic',
  '*.secret',
]

export interface LoggingInit {
  dataDir: string
  level: LogLevel
  /** stderr's kind decides the format; tests pass their own stream */
  pretty?: boolean
  console?: Writable
  /** rotation (default 10 MiB, keep 5) */
  maxBytes?: number
  keep?: number
  /** the log file, relative to dataDir (default LOG_FILE) */
  file?: string
  /** what reaches the console (default: `level`; 'silent': the file only). Not below `level`. */
  consoleLevel?: LogLevel | 'silent'
}

export interface Logging {
  readonly pino: Pino
  readonly file: string
  /** adds fields to every later line (the peer id, once the node has one) */
  bind(fields: Record<string, unknown>): void
  close(): Promise<void>
}

export async function setupLogging(init: LoggingInit): Promise<Logging> {
  const file = new RotatingFile({
    path: join(init.dataDir, init.file ?? LOG_FILE),
    ...(init.maxBytes !== undefined ? { maxBytes: init.maxBytes } : {}),
    ...(init.keep !== undefined ? { keep: init.keep } : {}),
  })
  const pretty = init.consoleLevel !== 'silent' && (init.pretty ?? process.stderr.isTTY === true)
  let console: Writable = init.console ?? process.stderr
  if (pretty && init.console === undefined) {
    const { default: pinoPretty } = await import('pino-pretty')
    console = pinoPretty({ destination: 2, colorize: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' })
  }
  const consoleLevel = init.consoleLevel ?? init.level
  const root = pino(
    { level: init.level, base: {}, redact: { paths: REDACT, censor: '[redacted]' } },
    pino.multistream([
      ...(consoleLevel !== 'silent' ? [{ level: consoleLevel, stream: console }] : []),
      { level: init.level, stream: file },
    ]),
  )
  let current: Pino = root
  setLogSink(
    (level, component, message, fields) => {
      current[level]({ component, ...fields }, message)
    },
    (level) => root.isLevelEnabled(level),
  )
  return {
    pino: root,
    file: file.path,
    bind: (fields) => {
      current = current.child(fields)
    },
    close: async () => {
      setLogSink(undefined)
      await new Promise<void>((resolve) => file.end(() => resolve()))
    },
  }
}

export function parseLogLevel(text: string): LogLevel {
  const level = text.trim().toLowerCase() as LogLevel
  if (!LOG_LEVELS.includes(level)) throw new Error(`log level must be one of ${LOG_LEVELS.join(', ')}`)
  return level
}
