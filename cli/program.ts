// The `hive` command tree. Commands are registered by their own modules; this file holds the
// global options, the error reporting and the exit codes.
import { Command, CommanderError } from 'commander'
import { HiveError } from '../protocol/errors.ts'
import { toJson } from '../node/api/json.ts'
import { makeContext } from './context.ts'
import type { CliIo, CommandContext, GlobalOptions } from './context.ts'
import { EXIT_OK, exitCodeFor } from './errors.ts'
import { registerHwCommand } from './commands/hw.ts'
import { registerInitCommand } from './commands/init.ts'
import { registerJobCommands } from './commands/job.ts'
import { registerNodeCommands } from './commands/node.ts'
import { registerPeersCommand } from './commands/peers.ts'
import { registerProvidersCommand } from './commands/providers.ts'
import { registerChannelCommands } from './commands/channel.ts'
import { registerEscrowCommands } from './commands/escrow.ts'
import { registerSlashCommand } from './commands/slash.ts'
import { registerWalletCommands } from './commands/wallet.ts'
import { registerStakeCommands } from './commands/stake.ts'
import { registerTokenCommands } from './commands/token.ts'
import { registerGovCommands } from './commands/gov.ts'
import { registerDevnetCommands } from './commands/devnet.ts'
import { registerAuditCommands } from './commands/audit.ts'

export const VERSION = '0.1.0'

export function buildProgram (io: CliIo): Command {
  const program = new Command('hive')
    .description('ComputeHive: a peer-to-peer compute market. Each command acts on one node\'s data dir.')
    .version(VERSION, '-V, --version')
    .option('--data-dir <dir>', 'the node\'s data dir (default: $HIVE_DATA_DIR or ~/.hive)')
    .option('--node <dir>', 'talk to the node whose data dir is <dir> (same as --data-dir)')
    .option('--json', 'print exactly one JSON document on stdout')
    .showHelpAfterError('(run the command with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
  // commands registered below inherit the output, exitOverride and help-after-error settings
  const context = (cmd: Command): CommandContext => makeContext(io, cmd.optsWithGlobals<GlobalOptions>())
  registerInitCommand(program, context)
  registerNodeCommands(program, context)
  registerHwCommand(program, context)
  registerPeersCommand(program, context)
  registerProvidersCommand(program, context)
  registerJobCommands(program, context)
  registerChannelCommands(program, context)
  registerEscrowCommands(program, context)
  registerSlashCommand(program, context)
  registerWalletCommands(program, context)
  registerStakeCommands(program, context)
  registerTokenCommands(program, context)
  registerGovCommands(program, context)
  registerDevnetCommands(program, context, runCli) // the demo runs its one-shot commands through it
  registerAuditCommands(program, context)
  return program
}

/** Runs one command line; returns the exit code instead of exiting, so tests and scripts can call it. */
export async function runCli (argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io)
  try {
    await program.parseAsync(argv, { from: 'user' })
    return EXIT_OK
  } catch (err) {
    // commander already printed its own message (unknown option, bad argument, help)
    if (!(err instanceof CommanderError)) reportError(err, io, argv.includes('--json'))
    return exitCodeFor(err)
  }
}

function reportError (err: unknown, io: CliIo, json: boolean): void {
  if (json) {
    const body = err instanceof HiveError
      ? { code: err.code, message: err.message, details: err.details }
      : { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err), details: {} }
    io.stderr(toJson({ error: body }) + '\n')
    return
  }
  const message = err instanceof Error ? err.message : String(err)
  io.stderr(`hive: ${message}\n`)
  if (!(err instanceof HiveError) && err instanceof Error && io.env.HIVE_DEBUG != null) io.stderr(`${err.stack ?? ''}\n`)
}
