// One connection to ComputeHive on chain: RPC, verified deployment, contracts and (with a
// wallet) the account's transaction sender. The CLI opens one per command; the node one for
// its lifetime (ChainService); payments and audit build on it.
import { parseUnits } from 'ethers'
import type { JsonRpcProvider, Wallet } from 'ethers'
import { connectContracts } from './contracts.ts'
import type { HiveContracts } from './contracts.ts'
import { connectRpc, loadVerifiedDeployment } from './deployments.ts'
import type { Deployment } from './deployment-schema.ts'
import { ChainUsageError, WalletError } from './errors.ts'
import { TxSender } from './tx.ts'
import type { TxSenderOptions } from './tx.ts'

/** The config keys the chain layer reads (node/config.ts). */
export interface ChainSettings {
  rpcUrl: string
  deployments: string
  maxFeeGwei: number
  confirmations: number
}

export interface OpenChainOptions {
  settings: ChainSettings
  /** an unlocked wallet: the client then has a TxSender for it */
  wallet?: Wallet
  /** sender tuning (replacement timeout, polling, tip floor), mostly for tests */
  tx?: Partial<Pick<TxSenderOptions, 'replaceAfterMs' | 'pollMs' | 'timeoutMs' | 'minPriorityFeePerGas'>>
  rpcTimeoutMs?: number
  pollingIntervalMs?: number
}

export interface ChainClient {
  readonly url: string
  readonly chainId: number
  readonly provider: JsonRpcProvider
  readonly deployment: Deployment
  /** read-only contracts (connected to the provider) */
  readonly contracts: HiveContracts
  /** the wallet, connected to the provider (undefined without one) */
  readonly wallet?: Wallet
  readonly sender?: TxSender
  /** stops the provider's polling and timers */
  close(): void
}

export function requireRpcUrl(settings: Pick<ChainSettings, 'rpcUrl'>): string {
  if (settings.rpcUrl === '') {
    throw new ChainUsageError(
      'NO_RPC_URL',
      'no Ethereum RPC is configured: set rpcUrl in config.json, HIVE_RPC_URL, or --rpc-url (e.g. http://127.0.0.1:8545 for the devnet)',
      {},
    )
  }
  return settings.rpcUrl
}

/**
 * Connects and verifies the deployment (see loadVerifiedDeployment for the refusals). Throws
 * ChainUsageError NO_RPC_URL, ChainError RPC_UNREACHABLE / DEPLOYMENT_MISSING /
 * CONTRACT_MISSING / CONTRACT_WRONG_VERSION.
 */
export async function openChain(opts: OpenChainOptions): Promise<ChainClient> {
  const url = requireRpcUrl(opts.settings)
  const conn = await connectRpc(url, { timeoutMs: opts.rpcTimeoutMs, pollingIntervalMs: opts.pollingIntervalMs })
  try {
    const deployment = await loadVerifiedDeployment(conn, opts.settings.deployments)
    const contracts = connectContracts(deployment, conn.provider)
    const wallet = opts.wallet?.connect(conn.provider)
    const sender =
      wallet === undefined
        ? undefined
        : await TxSender.create({
            signer: wallet,
            provider: conn.provider,
            chainId: conn.chainId,
            maxFeePerGas: parseUnits(String(opts.settings.maxFeeGwei), 'gwei'),
            confirmations: opts.settings.confirmations,
            ...opts.tx,
          })
    return {
      url,
      chainId: conn.chainId,
      provider: conn.provider,
      deployment,
      contracts,
      ...(wallet !== undefined ? { wallet, sender } : {}),
      close: () => conn.provider.destroy(),
    }
  } catch (err) {
    conn.provider.destroy()
    throw err
  }
}

/** The sender, or a clear error when the client was opened without a wallet. */
export function requireSender(client: ChainClient): TxSender {
  if (client.sender === undefined)
    throw new WalletError('NO_WALLET', 'this needs the wallet unlocked (create one with `hive wallet create`)', {})
  return client.sender
}
