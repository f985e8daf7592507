// The `hive` command tree. Commands are listed in commands/index.ts and registered by their own
// modules, loaded only when they run; this file holds the global options, the error reporting
// and the exit codes.
import { Command, CommanderError, Help } from 'commander'
import { HiveError } from '../protocol/errors.ts'
import { toJson } from '../node/api/json.ts'
import { makeContext } from './context.ts'
import type { CliIo, CommandContext, GlobalOptions } from './context.ts'
import { EXIT_OK, exitCodeFor } from './errors.ts'
import { COMMANDS, commandFor } from './commands/index.ts'

export const VERSION = '0.1.0'

/**
 * The command tree for one argument list. Only the command that runs is loaded and registered
 * in full; the others stay a name and a description (all `hive --help` and commander's "unknown
 * command" suggestions need), so starting `hive` costs one command's imports, not fifteen.
 */
export async function buildProgram(io: CliIo, argv: readonly string[]): Promise<Command> {
  const program = new Command('hive')
    .description("ComputeHive: a peer-to-peer compute market. Each command acts on one node's data dir.")
    .version(VERSION, '-V, --version')
    .option('--data-dir <dir>', "the node's data dir (default: $HIVE_DATA_DIR or ~/.hive)")
    .option('--node <dir>', 'talk to the node whose data dir is <dir> (same as --data-dir)')
    .option('--json', 'print exactly one JSON document on stdout')
    .showHelpAfterError('(run the command with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
  // commands registered below inherit the output, exitOverride and help-after-error settings
  const context = (cmd: Command): CommandContext => makeContext(io, cmd.optsWithGlobals<GlobalOptions>())
  // a command not loaded has no options registered yet: the list says whether it takes some
  const takesOptions = new Set(COMMANDS.filter((c) => c.options === true).map((c) => c.name))
  program.configureHelp({
    subcommandTerm(cmd: Command): string {
      const term = Help.prototype.subcommandTerm.call(this, cmd)
      const unloaded = cmd.parent === program && cmd.options.length === 0 && takesOptions.has(cmd.name())
      return unloaded ? `${term} [options]` : term
    },
  })
  const running = commandFor(argv)
  for (const entry of COMMANDS) {
    const command = program.command(entry.name).description(entry.description)
    if (entry === running) (await entry.load())(command, context, runCommandLine)
  }
  return program
}

/** Runs one command line; returns the exit code (runCli in program.ts is the entry point). */
export async function runCommandLine(argv: string[], io: CliIo): Promise<number> {
  try {
    const program = await buildProgram(io, argv)
    await program.parseAsync(argv, { from: 'user' })
    return EXIT_OK
  } catch (err) {
    // commander already printed its own message (unknown option, bad argument, help)
    if (!(err instanceof CommanderError)) reportError(err, io, argv.includes('--json'))
    return exitCodeFor(err)
  }
}

function reportError(err: unknown, io: CliIo, json: boolean): void {
  if (json) {
    const body =
      err instanceof HiveError
        ? { code: err.code, message: err.message, details: err.details }
        : { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err), details: {} }
    io.stderr(toJson({ error: body }) + '\n')
    return
  }
  const message = err instanceof Error ? err.message : String(err)
  io.stderr(`hive: ${message}\n`)
  if (!(err instanceof HiveError) && err instanceof Error && io.env.HIVE_DEBUG != null)
    io.stderr(`${err.stack ?? ''}\n`)
}
