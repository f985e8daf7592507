// `hive wallet`, `hive wallet create`, `hive wallet import`: the node's Ethereum account. Also
// the glue every chain command shares (config, RPC, deployment, passphrase), exported below.
import { mkdirSync, readFileSync } from 'node:fs'
import { formatEther } from 'ethers'
import type { Command } from 'commander'
import { promptHidden, readPassphrase } from '../../node/chain/passphrase.ts'
import { readStake } from '../../node/chain/staking.ts'
import type { StakeInfo } from '../../node/chain/staking.ts'
import { DEVNET_KDF, createWallet, importWallet, readWalletAddress, walletExists } from '../../node/chain/wallet.ts'
import { UsageError } from '../../protocol/errors.ts'
import { addChainOptions, cliConfig, hive, openCliChain } from '../chain-options.ts'
import type { ChainCliOptions } from '../chain-options.ts'
import { HiveClient } from '../client.ts'
import type { CommandContext } from '../context.ts'
import { roundTokenAmount } from '../format.ts'

// shared with the other chain commands from ../chain-options.ts; re-exported for devnet.ts
// until the devnet runner's move (issue 12 item 5) lands, then it imports them from there
export { cliConfig, parseArg } from '../chain-options.ts'
export type { ChainCliOptions } from '../chain-options.ts'

export function registerWalletCommands(wallet: Command, context: (cmd: Command) => CommandContext): void {
  addChainOptions(wallet)
    .addHelpText(
      'after',
      '\nThe passphrase comes from $HIVE_PASSPHRASE or a prompt, never from a flag or config file.\n\n' +
        'Examples:\n  hive wallet create\n  hive wallet import --key-file key.txt\n  hive wallet --json',
    )
    .action(async (opts: ChainCliOptions, cmd: Command) => {
      await showWallet(context(cmd), opts)
    })

  wallet
    .command('create')
    .description('create a new account, stored encrypted in <dataDir>/wallet.json (mode 0600)')
    .option('--devnet-kdf', 'a weak, fast key derivation (scrypt N=4096): ONLY for the local devnet and tests')
    .action(async (opts: { devnetKdf?: boolean }, cmd: Command) => {
      const ctx = context(cmd)
      refuseExisting(ctx)
      const passphrase = await readPassphrase({ env: ctx.io.env, confirm: true, prompt: 'new wallet passphrase' })
      mkdirSync(ctx.dataDir, { recursive: true, mode: 0o700 })
      const made = await createWallet(ctx.dataDir, passphrase, opts.devnetKdf === true ? { kdf: DEVNET_KDF } : {})
      report(ctx, made, 'created', opts.devnetKdf === true)
    })

  wallet
    .command('import')
    .description('store an existing private key, encrypted (read from a file or stdin, never from an argument)')
    .option('--key-file <file>', 'file holding the hex private key; "-" or none: stdin')
    .option('--devnet-kdf', 'a weak, fast key derivation (scrypt N=4096): ONLY for the local devnet and tests')
    .action(async (opts: { keyFile?: string; devnetKdf?: boolean }, cmd: Command) => {
      const ctx = context(cmd)
      refuseExisting(ctx)
      const key = await readKey(opts.keyFile)
      const passphrase = await readPassphrase({ env: ctx.io.env, confirm: true, prompt: 'new wallet passphrase' })
      mkdirSync(ctx.dataDir, { recursive: true, mode: 0o700 })
      const made = await importWallet(ctx.dataDir, key, passphrase, opts.devnetKdf === true ? { kdf: DEVNET_KDF } : {})
      report(ctx, made, 'imported', opts.devnetKdf === true)
    })
}

function refuseExisting(ctx: CommandContext): void {
  if (walletExists(ctx.dataDir)) {
    throw new UsageError(
      'WALLET_EXISTS',
      `${ctx.dataDir} already has a wallet (${readWalletAddress(ctx.dataDir)}); it was left untouched`,
      { dataDir: ctx.dataDir },
    )
  }
}

function report(ctx: CommandContext, made: { address: string; path: string }, verb: string, devnetKdf: boolean): void {
  if (ctx.json) {
    ctx.printJson({ address: made.address, path: made.path, devnetKdf })
    return
  }
  ctx.say(
    `${verb} wallet ${made.address}\nkeystore ${made.path} (encrypted; keep` +
      ` a backup and the passphrase: neither can be recovered)`,
  )
  if (devnetKdf) ctx.note('note: weak key derivation (--devnet-kdf): use this wallet on the local devnet only')
}

async function readKey(file: string | undefined): Promise<string> {
  if (file !== undefined && file !== '-') return readFileSync(file, 'utf8')
  if (process.stdin.isTTY === true) return await promptHidden('private key (hex): ', process.stdin, process.stderr)
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

interface WalletView {
  address: string
  chainId: number | null
  rpcUrl: string | null
  eth: bigint | null
  hive: bigint | null
  stake: Omit<StakeInfo, 'address'> | null
  /** from the running node's payments service; null when unknown */
  openChannels: number | null
}

async function showWallet(ctx: CommandContext, opts: ChainCliOptions): Promise<void> {
  const address = readWalletAddress(ctx.dataDir)
  const config = cliConfig(ctx, opts)
  const view: WalletView = {
    address,
    chainId: null,
    rpcUrl: null,
    eth: null,
    hive: null,
    stake: null,
    openChannels: await openChannels(ctx),
  }
  if (config.rpcUrl !== '') {
    const client = await openCliChain(ctx, opts, { wallet: false })
    try {
      const [eth, balance, stake] = await Promise.all([
        client.provider.getBalance(address),
        client.contracts.token.balanceOf.staticCall(address),
        readStake(client, address),
      ])
      const { address: _a, ...rest } = stake
      Object.assign(view, { chainId: client.chainId, rpcUrl: client.url, eth, hive: balance, stake: rest })
    } finally {
      client.close()
    }
  }
  if (ctx.json) {
    ctx.printJson(view)
    return
  }
  const lines = [`address   ${address}`]
  if (view.chainId === null)
    lines.push('chain     none configured (set rpcUrl in config.json, HIVE_RPC_URL or --rpc-url to see balances)')
  else {
    const s = view.stake!
    lines.push(
      `chain     ${view.chainId} (${view.rpcUrl})`,
      `ETH       ${formatEther(view.eth!)}`,
      `HIVE      ${roundTokenAmount(view.hive!)}`,
    )
    lines.push(
      `stake     ${hive(s.bonded)} bonded, ${s.status}${s.slashed ? ' (slashed)' : ''} (minimum` +
        ` ${hive(s.minStake)})${
          s.unbonding > 0n
            ? `; ${hive(s.unbonding)} unbonding until` + ` ${new Date(s.unbondingEndsAt * 1000).toISOString()}`
            : ''
        }`,
    )
  }
  lines.push(
    `channels  ${
      view.openChannels === null
        ? 'unknown (no running node reports' + ' payment channels)'
        : `${view.openChannels} open`
    }`,
  )
  ctx.say(lines.join('\n'))
}

/** The running node's open channel count (payments report it through ChainService), or null. */
async function openChannels(ctx: CommandContext): Promise<number | null> {
  try {
    const client = await HiveClient.forDataDir(ctx.dataDir)
    const summary = await client.call('chain.wallet')
    return summary.openChannels
  } catch {
    return null
  }
}
