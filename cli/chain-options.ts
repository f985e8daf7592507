// What the chain commands (wallet, token, stake, gov, devnet) share: their --rpc-url and
// --deployments flags, turned into node/chain's LocalChainInput, and how they print and parse.
// Opening the chain itself is node/chain/local.ts.
import type { Wallet } from 'ethers'
import { InvalidArgumentError } from 'commander'
import type { Command } from 'commander'
import { localChainConfig, openLocalChain, unlockLocalWallet } from '../node/chain/local.ts'
import type { LocalChainInput } from '../node/chain/local.ts'
import type { ChainClient } from '../node/chain/client.ts'
import type { HiveConfig } from '../node/config.ts'
import { UsageError } from '../protocol/errors.ts'
import type { CommandContext } from './context.ts'
import { hiveAmount } from './format.ts'

export interface ChainCliOptions {
  rpcUrl?: string
  deployments?: string
}

/** --rpc-url and --deployments on a chain command (otherwise config.json / HIVE_RPC_URL / HIVE_DEPLOYMENTS). */
export function addChainOptions(cmd: Command): Command {
  return cmd
    .option('--rpc-url <url>', 'Ethereum JSON-RPC endpoint (default: rpcUrl in config.json or $HIVE_RPC_URL)')
    .option(
      '--deployments <path>',
      "deployments file or folder (default: the package's deployments/ or $HIVE_DEPLOYMENTS)",
    )
}

function localInput(ctx: CommandContext, opts: ChainCliOptions): LocalChainInput {
  return {
    dataDir: ctx.dataDir,
    env: ctx.io.env,
    ...(opts.rpcUrl !== undefined ? { rpcUrl: opts.rpcUrl } : {}),
    ...(opts.deployments !== undefined ? { deployments: opts.deployments } : {}),
  }
}

export function cliConfig(ctx: CommandContext, opts: ChainCliOptions): HiveConfig {
  return localChainConfig(localInput(ctx, opts))
}

/** Unlocks the data dir's wallet with HIVE_PASSPHRASE or a prompt. */
export async function unlockCliWallet(ctx: CommandContext): Promise<Wallet> {
  return await unlockLocalWallet({ dataDir: ctx.dataDir, env: ctx.io.env })
}

/** Opens the chain for a command; with `wallet`, unlocked and with its sender. Close it in a finally. */
export async function openCliChain(
  ctx: CommandContext,
  opts: ChainCliOptions,
  need: { wallet: boolean },
): Promise<ChainClient> {
  return await openLocalChain(localInput(ctx, opts), need)
}

/** Rounded for people (cli/format.ts); messages that compare two amounts print them exactly instead. */
export const hive = (units: bigint): string => hiveAmount(units)

/**
 * Runs an option parser on a positional argument: its InvalidArgumentError becomes a UsageError (exit 2, message
 * shown).
 */
export function parseArg<T>(what: string, parse: () => T): T {
  try {
    return parse()
  } catch (err) {
    if (err instanceof InvalidArgumentError) throw new UsageError('BAD_ARGUMENT', `${what}: ${err.message}`, {})
    throw err
  }
}
