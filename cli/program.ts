// `runCli`: the whole `hive` command line as a function, for cli/main.ts, the tests and the demo.
// It loads the command line with import() even where this file itself was loaded with require():
// mocha loads the tests with require() (tsx serves them as CommonJS), while the commands load
// lazily with import(), and a module loaded both ways exists twice. Were the command line in the
// require() copy, the errors the commands throw (import() copy) would fail its `instanceof`
// checks, and exit codes and JSON errors would come out wrong. So it all lives on the import() side.
import type { CliIo } from './context.ts'

/** Runs one command line; returns the exit code instead of exiting, so tests and scripts can call it. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const { runCommandLine } = await import('./command-line.ts')
  return await runCommandLine(argv, io)
}
