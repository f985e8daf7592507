// `hive` as a process: real stdout/stderr/env; exit codes from runCli.
import { runCli } from './program.ts'

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => { process.stdout.write(text) },
  stderr: (text) => { process.stderr.write(text) },
  env: process.env,
  interactive: process.stderr.isTTY === true,
})
process.exitCode = code
