// `hive devnet mine|time`: move the local devnet's chain forward so that a proposal's whole
// lifecycle (voting delay, voting period, timelock) can be shown in seconds. Chain id 31337 only.
import type { Command } from 'commander'
import { connectRpc, DEVNET_CHAIN_ID } from '../../node/chain/deployments.ts'
import { requireRpcUrl } from '../../node/chain/client.ts'
import { ChainUsageError } from '../../node/chain/errors.ts'
import { HiveError } from '../../protocol/errors.ts'
import type { CommandContext } from '../context.ts'
import type { RunCli } from '../devnet/cli.ts'
import { parseDuration, parsePositiveInt } from '../parse.ts'
import { cliConfig, parseArg } from './wallet.ts'
import type { ChainCliOptions } from './wallet.ts'

async function onDevnet<T>(
  ctx: CommandContext,
  opts: ChainCliOptions,
  what: string,
  fn: (send: (method: string, params: unknown[]) => Promise<unknown>) => Promise<T>,
): Promise<T> {
  const conn = await connectRpc(requireRpcUrl(cliConfig(ctx, opts)))
  try {
    if (conn.chainId !== DEVNET_CHAIN_ID) {
      throw new ChainUsageError(
        'NOT_A_DEVNET',
        `refusing to ${what} on chain ${conn.chainId} (${conn.url}): \`hive devnet\`` +
          ` works only on the local devnet (chain id ${DEVNET_CHAIN_ID})`,
        { chainId: conn.chainId },
      )
    }
    return await fn(async (method, params) => (await conn.provider.send(method, params)) as unknown)
  } finally {
    conn.provider.destroy()
  }
}

async function latest(
  send: (method: string, params: unknown[]) => Promise<unknown>,
): Promise<{ number: number; timestamp: number }> {
  const b = (await send('eth_getBlockByNumber', ['latest', false])) as { number: string; timestamp: string }
  return { number: Number(BigInt(b.number)), timestamp: Number(BigInt(b.timestamp)) }
}

export function registerDevnetCommands(
  devnet: Command,
  context: (cmd: Command) => CommandContext,
  runCli: RunCli,
): void {
  devnet
    .option('--keep', 'leave the network up and print the commands to talk to it (Ctrl-C stops it)')
    .option('--spawn-cli', 'run each one-shot `hive` command of the demo as its own process')
    .addHelpText(
      'after',
      '\nWithout a subcommand: starts a Hardhat JSON-RPC node, deploys the contracts, runs a requester,' +
        ' three\nproviders and an auditor as `hive node start` processes, and walks through jobs, payments,' +
        ' audit\nand governance (cli/devnet/demo.ts). --json prints its report as one JSON document.',
    )
    .action(async (opts: { keep?: boolean; spawnCli?: boolean }, cmd: Command) => {
      const ctx = context(cmd)
      // loaded only when asked for: no other command needs the demo's modules
      const { runDemo } = await import('../devnet/demo.ts')
      const code = await runDemo({ keep: opts.keep === true, json: ctx.json, spawnCli: opts.spawnCli === true }, runCli)
      if (code !== 0)
        throw new HiveError(
          'DEVNET_FAILED',
          code === 130
            ? 'the devnet demo was interrupted'
            : 'the devnet demo failed (the step and its logs are named above)',
          { exitCode: code },
        )
    })
  devnet
    .command('mine <blocks>')
    .description('mine empty blocks')
    .option('--rpc-url <url>', 'the devnet JSON-RPC endpoint (default: rpcUrl / $HIVE_RPC_URL)')
    .action(async (blocksText: string, opts: ChainCliOptions, cmd: Command) => {
      const ctx = context(cmd)
      const blocks = parseArg('<blocks>', () => parsePositiveInt(blocksText))
      const after = await onDevnet(ctx, opts, 'mine blocks', async (send) => {
        await send('hardhat_mine', ['0x' + blocks.toString(16)])
        return await latest(send)
      })
      if (ctx.json) {
        ctx.printJson({ mined: blocks, block: after.number, timestamp: after.timestamp })
        return
      }
      ctx.say(
        `mined ${blocks} block(s); now at block ${after.number}, chain time` +
          ` ${new Date(after.timestamp * 1000).toISOString()}`,
      )
    })
  devnet
    .command('time <duration>')
    .description("move the chain's clock forward (e.g. 30s, 2m, 1d) and mine a block at the new time")
    .option('--rpc-url <url>', 'the devnet JSON-RPC endpoint (default: rpcUrl / $HIVE_RPC_URL)')
    .action(async (durationText: string, opts: ChainCliOptions, cmd: Command) => {
      const ctx = context(cmd)
      const seconds = Math.ceil(parseArg('<duration>', () => parseDuration(durationText)) / 1000)
      const after = await onDevnet(ctx, opts, 'move time', async (send) => {
        await send('evm_increaseTime', [seconds])
        await send('evm_mine', [])
        return await latest(send)
      })
      if (ctx.json) {
        ctx.printJson({ advancedSeconds: seconds, block: after.number, timestamp: after.timestamp })
        return
      }
      ctx.say(
        `advanced the clock by ${seconds} s; block ${after.number} at` +
          ` ${new Date(after.timestamp * 1000).toISOString()}`,
      )
    })
}
