// Connecting to the chain and trusting a deployment: the RPC must answer, the chain id must have
// a deployments file, and every contract must exist at its address and report the version() this
// code was written for. Anything else refuses with a message that says what to fix.
import { existsSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Network } from 'ethers'
import type { JsonRpcProvider } from 'ethers'
import { RetryingJsonRpcProvider } from './retrying-provider.ts'
import { logger } from '../log/logger.ts'
import { CONTRACT_NAMES, EXPECTED_VERSIONS, loadDeployment } from './deployment-schema.ts'
import type { ContractName, Deployment } from './deployment-schema.ts'
import { PACKAGE_ROOT } from '../util/package-root.ts'
import { bindContract } from './contracts.ts'
import type { IVersioned } from './typechain.ts'
import { ChainError, shortReason } from './errors.ts'

const log = logger('hive:chain:deployments')

/** The deployments/ folder shipped with this package. */
export const DEFAULT_DEPLOYMENTS_DIR = join(PACKAGE_ROOT, 'deployments')

/** Chain ids where `hive devnet …` may rewrite time and blocks. */
export const DEVNET_CHAIN_ID = 31337

export interface RpcConnection {
  provider: JsonRpcProvider
  chainId: number
  url: string
}

async function rpcChainId(url: string, timeoutMs: number): Promise<number> {
  let body: { result?: unknown; error?: { message?: string } }
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(timeoutMs),
    })
    if (!res.ok) throw new Error(`HTTP ${res.status}`)
    body = (await res.json()) as typeof body
  } catch (err) {
    throw new ChainError(
      'RPC_UNREACHABLE',
      `the Ethereum RPC at ${url} does not answer (${shortReason(err)}): start ` +
        `the chain (e.g. \`npx hardhat node\` or \`npm run demo\`) or set rpcUrl ` +
        `(HIVE_RPC_URL)`,
      { url },
      { cause: err },
    )
  }
  if (typeof body.result !== 'string')
    throw new ChainError(
      'RPC_UNREACHABLE',
      `${url} is not an Ethereum JSON-RPC endpoint (eth_chainId: ${body.error?.message ?? 'no result'})`,
      { url },
    )
  return Number(BigInt(body.result))
}

/**
 * Connects to a JSON-RPC endpoint: asks its chain id first (a provider that cannot reach its
 * node would otherwise retry forever in the background) and pins the network to it.
 */
export async function connectRpc(
  url: string,
  options: { timeoutMs?: number; pollingIntervalMs?: number } = {},
): Promise<RpcConnection> {
  const chainId = await rpcChainId(url, options.timeoutMs ?? 5_000)
  const provider = new RetryingJsonRpcProvider(url, Network.from(chainId), {
    staticNetwork: Network.from(chainId),
    pollingInterval: options.pollingIntervalMs ?? (chainId === DEVNET_CHAIN_ID ? 250 : 4_000),
  })
  return { provider, chainId, url }
}

/** `path` is a deployments file, or a folder holding `<chainId>.json`. */
export function deploymentFile(path: string | undefined, chainId: number): string {
  const p = resolve(path === undefined || path === '' ? DEFAULT_DEPLOYMENTS_DIR : path)
  return existsSync(p) && statSync(p).isDirectory() ? join(p, `${chainId}.json`) : p
}

const VERSION_ABI = ['function version() view returns (string)']

/**
 * Reads the deployment for the provider's chain and checks it against the chain. Throws
 * ChainError DEPLOYMENT_MISSING, DEPLOYMENT_WRONG_CHAIN, CONTRACT_MISSING or
 * CONTRACT_WRONG_VERSION (the message lists every contract that failed).
 */
export async function loadVerifiedDeployment(
  conn: Pick<RpcConnection, 'provider' | 'chainId'>,
  path?: string,
): Promise<Deployment> {
  const file = deploymentFile(path, conn.chainId)
  let deployment: Deployment | undefined
  try {
    deployment = loadDeployment(file)
  } catch (err) {
    throw new ChainError(
      'DEPLOYMENT_UNREADABLE',
      `${file} is not a valid deployments file (${shortReason(err)})`,
      { file },
      { cause: err },
    )
  }
  if (deployment === undefined) {
    throw new ChainError(
      'DEPLOYMENT_MISSING',
      `no ComputeHive deployment for chain ${conn.chainId}: ${file} does not ` +
        `exist. Deploy with \`npx tsx scripts/deploy.ts --devnet --rpc <url>\` ` +
        `(devnet) or point deployments (HIVE_DEPLOYMENTS) at the right file`,
      { chainId: conn.chainId, file },
    )
  }
  if (Number(deployment.chainId) !== conn.chainId) {
    throw new ChainError(
      'DEPLOYMENT_WRONG_CHAIN',
      `${file} is for chain ${deployment.chainId} but the RPC serves chain ` +
        `${conn.chainId}: use the file for this chain`,
      { file, fileChainId: deployment.chainId, chainId: conn.chainId },
    )
  }
  const problems = await Promise.all(
    CONTRACT_NAMES.map(async (name) => await checkContract(conn.provider, deployment, name)),
  )
  const failed = problems.filter((p): p is { code: string; text: string } => p !== undefined)
  if (failed.length > 0) {
    const code = failed.some((f) => f.code === 'CONTRACT_MISSING') ? 'CONTRACT_MISSING' : 'CONTRACT_WRONG_VERSION'
    throw new ChainError(
      code,
      `the deployment in ${file} does not match chain ${conn.chainId}: ` +
        `${failed.map((f) => f.text).join('; ')}. Redeploy (\`npx tsx ` +
        `scripts/deploy.ts --rpc <url>\` reuses what is still right) or use a ` +
        `node version made for these contracts`,
      { file, chainId: conn.chainId, contracts: failed.length },
    )
  }
  log('deployment verified %o', { chainId: conn.chainId, file })
  return deployment
}

async function checkContract(
  provider: JsonRpcProvider,
  deployment: Deployment,
  name: ContractName,
): Promise<{ code: string; text: string } | undefined> {
  const rec = deployment.contracts?.[name]
  const expected = EXPECTED_VERSIONS[name]
  if (rec?.address == null) return { code: 'CONTRACT_MISSING', text: `${name} is not in the file` }
  if ((await provider.getCode(rec.address)) === '0x')
    return { code: 'CONTRACT_MISSING', text: `no contract at ${name}'s address ${rec.address}` }
  let actual: string
  try {
    actual = await bindContract<IVersioned>(rec.address, VERSION_ABI, provider).version.staticCall()
  } catch {
    return { code: 'CONTRACT_WRONG_VERSION', text: `${name} at ${rec.address} has no version() (expected ${expected})` }
  }
  if (actual !== expected)
    return {
      code: 'CONTRACT_WRONG_VERSION',
      text: `${name} at ${rec.address} is version ${actual}, expected ${expected}`,
    }
  return undefined
}
