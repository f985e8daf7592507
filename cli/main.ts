// `hive` as a process: real stdout/stderr/env; exit codes from runCli.
import { runCli } from './program.ts'

let shutdown: AbortController | undefined
function shutdownSignal(): AbortSignal {
  if (shutdown == null) {
    const ac = new AbortController()
    shutdown = ac
    const onSignal = (signal: NodeJS.Signals): void => {
      if (!ac.signal.aborted) {
        ac.abort(signal)
        return
      }
      // a second Ctrl-C while shutting down: the user has waited enough
      process.stderr.write(`hive: ${signal} again, exiting without a clean shutdown\n`)
      process.exit(130)
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  }
  return shutdown.signal
}

// `hive providers --json | head` closes our stdout early: that is the reader's choice, not an error
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw err
})

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => {
    process.stdout.write(text)
  },
  stderr: (text) => {
    process.stderr.write(text)
  },
  env: process.env,
  interactive: process.stderr.isTTY === true,
  shutdownSignal,
})
process.exitCode = code
