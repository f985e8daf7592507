// The chain as a one-shot command opens it (`hive stake`, `hive token`, `hive gov` …): the
// settings of a data dir (config.json, environment, flags on top) and, when a transaction is
// sent, that data dir's wallet unlocked with $HIVE_PASSPHRASE or a prompt. Here and not in a
// command file, so every command and the SDK open the chain the same way.
import type { Wallet } from 'ethers'
import { loadConfig } from '../config.ts'
import type { HiveConfig } from '../config.ts'
import { openChain } from './client.ts'
import type { ChainClient } from './client.ts'
import { readPassphrase } from './passphrase.ts'
import { readWalletAddress, unlockWallet } from './wallet.ts'

export interface LocalChainInput {
  dataDir: string
  env: Readonly<Record<string, string | undefined>>
  /** --rpc-url and --deployments given to the command; config.json and the environment otherwise */
  rpcUrl?: string
  deployments?: string
}

export function localChainConfig(input: LocalChainInput): HiveConfig {
  const flags = {
    ...(input.rpcUrl !== undefined ? { rpcUrl: input.rpcUrl } : {}),
    ...(input.deployments !== undefined ? { deployments: input.deployments } : {}),
  }
  return loadConfig({ dataDir: input.dataDir, env: input.env, flags })
}

/** The data dir's wallet, unlocked with $HIVE_PASSPHRASE or a prompt. */
export async function unlockLocalWallet(input: Pick<LocalChainInput, 'dataDir' | 'env'>): Promise<Wallet> {
  readWalletAddress(input.dataDir) // NO_WALLET / permissions before asking anything
  return await unlockWallet(input.dataDir, await readPassphrase({ env: input.env }))
}

/** Opens the chain; with `wallet`, unlocked and with its sender. Close it in a finally. */
export async function openLocalChain(input: LocalChainInput, need: { wallet: boolean }): Promise<ChainClient> {
  const config = localChainConfig(input)
  const wallet = need.wallet ? await unlockLocalWallet(input) : undefined
  return await openChain({ settings: config, ...(wallet !== undefined ? { wallet } : {}) })
}
