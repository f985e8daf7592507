// The node's component loggers: `logger('hive:market')` with the interface of @libp2p/logger that
// every module already used (`log(fmt, …)`, `log.error(…)`, `log.trace(…)`), so callers changed
// only their import. Until a process installs a sink (`hive node start` does: node/log/setup.ts),
// lines go where they always went: @libp2p/logger, silent unless DEBUG names them. With a sink,
// they go to pino: plain lines at debug, `.error` at error, `.trace` at trace, with the component.
import { inspect } from 'node:util'
import { logger as debugLogger } from '@libp2p/logger'

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error'

/** What a sink receives: a level, the component, the formatted message and structured fields. */
export type LogSink = (level: LogLevel, component: string, message: string, fields?: Record<string, unknown>) => void

export interface Logger {
  (formatter: unknown, ...args: unknown[]): void
  error(formatter: unknown, ...args: unknown[]): void
  trace(formatter: unknown, ...args: unknown[]): void
  enabled: boolean
}

let sink: LogSink | undefined
let levelEnabled: (level: LogLevel) => boolean = () => true

/**
 * Sends every component's lines to `next` (undefined: back to @libp2p/logger). `enabled` says
 * which levels the sink keeps: a line below them is not even formatted (debug lines are many).
 */
export function setLogSink(next: LogSink | undefined, enabled: (level: LogLevel) => boolean = () => true): void {
  sink = next
  levelEnabled = enabled
}

export function logger(component: string): Logger {
  const fallback = debugLogger(component)
  const emit =
    (level: LogLevel, fallbackFn: (formatter: unknown, ...args: unknown[]) => void) =>
    (formatter: unknown, ...args: unknown[]): void => {
      if (sink === undefined) {
        fallbackFn(formatter, ...args)
        return
      }
      if (levelEnabled(level)) sink(level, component, formatLine(formatter, args))
    }
  const log = emit('debug', fallback) as Logger
  log.error = emit('error', fallback.error)
  log.trace = emit('trace', fallback.trace)
  Object.defineProperty(log, 'enabled', { get: () => sink !== undefined || fallback.enabled })
  return log
}

/**
 * printf-style as debug does it, with libp2p's %e (an error: its message, and its stack at the
 * end) and %p/%a/%c/%k (peer ids, addresses, CIDs, keys: their string form).
 */
export function formatLine(formatter: unknown, args: unknown[]): string {
  if (typeof formatter !== 'string') return [formatter, ...args].map((a) => inspect(a, { depth: 3 })).join(' ')
  let i = 0
  const out = formatter.replace(/%([a-zA-Z%])/g, (match, spec: string) => {
    if (spec === '%') return '%'
    if (i >= args.length) return match
    const value = args[i++]
    switch (spec) {
      case 's':
        return String(value)
      case 'd':
      case 'i':
        return String(Number(value))
      case 'e':
        return value instanceof Error ? (value.stack ?? value.message) : String(value)
      case 'o':
      case 'O':
        return inspect(value, { depth: spec === 'o' ? 2 : 4, breakLength: Infinity })
      default:
        return String(value)
    }
  })
  const rest = args.slice(i).map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 2 })))
  return rest.length === 0 ? out : `${out} ${rest.join(' ')}`
}

/** A structured line (fields such as jobId), through the sink when there is one; dropped otherwise. */
export function logStructured(
  level: LogLevel,
  component: string,
  message: string,
  fields: Record<string, unknown>,
): void {
  if (levelEnabled(level)) sink?.(level, component, message, fields)
}
