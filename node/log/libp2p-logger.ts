// The logger libp2p's components get (issue 14: cost per stream).
//
// libp2p gives every stream its own scoped loggers (yamux per stream, multistream-select per
// negotiation, the connection per stream): @libp2p/logger builds each from three `debug` instances,
// each of which asks the terminal whether stderr is a TTY (a system call) and scans the enabled
// namespaces — 2 % of a job's CPU in the market benchmark, for loggers that print nothing unless
// DEBUG names a libp2p namespace. When DEBUG names none (unset, or only the node's own `hive:*`
// namespaces), libp2p gets one silent logger whose scopes are itself; otherwise libp2p's own, as
// before, so `DEBUG=libp2p:*` (and the testbed's HIVE_TESTBED_DEBUG) still print everything.
import { defaultLogger } from '@libp2p/logger'
import type { ComponentLogger, Logger } from '@libp2p/interface'

const noop = (): void => {}

const SILENT: Logger = Object.assign(noop.bind(null), {
  error: noop,
  trace: noop,
  enabled: false,
  newScope: (): Logger => SILENT,
})

/** whether a DEBUG value may enable a namespace outside the node's own `hive:` ones */
export function debugNamesLibp2p(debug: string | undefined): boolean {
  const patterns = (debug ?? '').split(/[\s,]+/).filter((p) => p !== '' && !p.startsWith('-'))
  return patterns.some((p) => !p.startsWith('hive:'))
}

/** libp2p's default logger when DEBUG may name its namespaces, else one that costs nothing */
export function libp2pLogger(debug: string | undefined = process.env.DEBUG): ComponentLogger {
  if (debugNamesLibp2p(debug)) return defaultLogger()
  return { forComponent: () => SILENT }
}
