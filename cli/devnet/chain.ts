// The devnet's chain: a Hardhat JSON-RPC node on 127.0.0.1 (a separate process, as a user would
// run it), the contracts built if needed and deployed with devnetParams, and the demo's accounts
// funded with ETH and HIVE. Same approach as test/support/chain.ts, without test dependencies.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { HDNodeWallet, JsonRpcProvider, Mnemonic, Network, Wallet, parseUnits } from 'ethers'
import { connectContracts } from '../../node/chain/contracts.ts'
import type { HiveContracts } from '../../node/chain/contracts.ts'
import { TxSender } from '../../node/chain/tx.ts'
import { CONTRACT_NAMES } from '../../node/chain/deployment-schema.ts'
import { deployAll } from '../../node/chain/deploy.ts'
import { devnetParams } from '../../node/chain/deploy-params.ts'
import type { Deployment } from '../../node/chain/deployment-schema.ts'
import { REPO_ROOT } from './processes.ts'

/** Hardhat's well-known development mnemonic (public: never for real value). */
export const DEV_MNEMONIC = 'test test test test test test test test test test test junk'
export const DEVNET_CHAIN_ID = 31337

export function devKey(index: number): string {
  return HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(DEV_MNEMONIC), `m/44'/60'/0'/0/${index}`).privateKey
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() => {
        if (typeof addr === 'object' && addr !== null) resolve(addr.port)
        else reject(new Error('no free port'))
      })
    })
  })
}

export async function rpcCall(
  url: string,
  method: string,
  params: unknown[] = [],
  signal?: AbortSignal,
): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    ...(signal !== undefined ? { signal } : {}),
  })
  const body = (await res.json()) as { result?: unknown; error?: { message: string } }
  if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`)
  return body.result
}

export interface HardhatProcess {
  url: string
  port: number
  pid: number
  logFile: string
  stop: () => Promise<void>
}

/** Starts `hardhat node` on 127.0.0.1 in its own process group, output to `logFile`; waits until it answers. */
export async function startHardhat(opts: {
  logFile: string
  port?: number
  timeoutMs?: number
  signal?: AbortSignal
}): Promise<HardhatProcess> {
  const port = opts.port ?? (await freePort())
  const url = `http://127.0.0.1:${port}`
  const log = createWriteStream(opts.logFile, { flags: 'a' })
  const child = spawn(
    join(REPO_ROOT, 'node_modules', '.bin', 'hardhat'),
    ['node', '--hostname', '127.0.0.1', '--port', String(port)],
    {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
    },
  )
  child.stdout.pipe(log, { end: false })
  child.stderr.pipe(log, { end: false })
  let exited = false
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true
      resolve()
    }),
  )
  // if this process dies without stop(), take the chain with it
  const reap = (): void => {
    if (!exited && child.pid !== undefined)
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {
        /* gone */
      }
  }
  process.on('exit', reap)
  const stop = async (): Promise<void> => {
    process.off('exit', reap)
    if (!exited && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM')
      } catch {
        /* gone */
      }
      const killer = setTimeout(reap, 5_000)
      await exit
      clearTimeout(killer)
    }
    await new Promise<void>((resolve) => log.end(() => resolve()))
  }
  const until = Date.now() + (opts.timeoutMs ?? 60_000)
  for (;;) {
    if (exited) {
      await stop()
      throw new Error(`hardhat node exited before answering; see ${opts.logFile}`)
    }
    try {
      await rpcCall(url, 'eth_chainId', [], AbortSignal.timeout(2_000))
      break
    } catch {
      if (Date.now() > until || opts.signal?.aborted === true) {
        await stop()
        throw new Error(`hardhat node did not answer on ${url} in time; see ${opts.logFile}`)
      }
      await sleep(100)
    }
  }
  return { url, port, pid: child.pid!, logFile: opts.logFile, stop }
}

function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n)
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p))
    else if (n.endsWith('.sol')) out.push(p)
  }
  return out
}

const BUILT_ARTIFACTS = [
  'HiveToken',
  'HiveTimelock',
  'HiveGovernor',
  'ProtocolParams',
  'ProviderRegistry',
  'JobEscrow',
  'PaymentChannel',
  'AuditAnchor',
]
const STAMP = join(REPO_ROOT, 'cache', 'hive-devnet-contracts.sha256')

/** A hash of what the build depends on: every contract source and the Hardhat config. */
function sourcesHash(): string {
  const h = createHash('sha256')
  for (const f of [...sourceFiles(join(REPO_ROOT, 'contracts')), join(REPO_ROOT, 'hardhat.config.ts')]) {
    h.update(f.slice(REPO_ROOT.length)).update('\0').update(readFileSync(f)).update('\0')
  }
  return h.digest('hex')
}

/**
 * Whether `hardhat build` must run: an artifact is missing, or the sources differ from the last
 * build this script saw. Compared by content, not mtime: Hardhat leaves unchanged artifacts
 * untouched, so a touched source would otherwise look newer forever (and a no-op build costs
 * seconds).
 */
export function contractsNeedBuild(): boolean {
  const base = join(REPO_ROOT, 'artifacts', 'contracts')
  if (!existsSync(base)) return true
  const present = new Set<string>()
  const walk = (dir: string): void => {
    for (const n of readdirSync(dir)) {
      const p = join(dir, n)
      if (statSync(p).isDirectory()) walk(p)
      else if (n.endsWith('.json')) present.add(n.slice(0, -'.json'.length))
    }
  }
  walk(base)
  if (BUILT_ARTIFACTS.some((n) => !present.has(n))) return true
  return !existsSync(STAMP) || readFileSync(STAMP, 'utf8').trim() !== sourcesHash()
}

/** Runs `hardhat build --quiet` when the artifacts are missing or stale; returns whether it built. */
export async function ensureContractsBuilt(logFile: string): Promise<boolean> {
  if (!contractsNeedBuild()) return false
  const hash = sourcesHash()
  const log = createWriteStream(logFile, { flags: 'a' })
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(join(REPO_ROOT, 'node_modules', '.bin', 'hardhat'), ['build', '--quiet'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
    })
    child.stdout.pipe(log, { end: false })
    child.stderr.pipe(log, { end: false })
    child.on('error', reject)
    child.on('close', (c) => resolve(c ?? 1))
  })
  await new Promise<void>((resolve) => log.end(() => resolve()))
  if (code !== 0) throw new Error(`hardhat build exited ${code}; see ${logFile}`)
  mkdirSync(join(REPO_ROOT, 'cache'), { recursive: true })
  writeFileSync(STAMP, hash + '\n')
  return true
}

export interface DeployedChain {
  url: string
  provider: JsonRpcProvider
  deployment: Deployment
  /** the folder holding <chainId>.json, for HIVE_DEPLOYMENTS / config.json */
  deploymentsDir: string
  contracts: HiveContracts
  deployer: Wallet
  /** one TxSender per account (the chain layer's rule) */
  sender: (wallet: Wallet) => Promise<TxSender>
  rpc: (method: string, params?: unknown[]) => Promise<unknown>
  close: () => void
}

/** Deploys ComputeHive with devnetParams into `deploymentsDir`; account 0 deploys and holds the HIVE supply. */
export async function deployDevnet(url: string, deploymentsDir: string): Promise<DeployedChain> {
  const network = Network.from(DEVNET_CHAIN_ID)
  // ethers polls every 4 s by default: far too slow for a chain that mines on every transaction
  const provider = new JsonRpcProvider(url, network, { staticNetwork: network, pollingInterval: 50 })
  const deployer = new Wallet(devKey(0), provider)
  const deployment = await deployAll({ signer: deployer, params: devnetParams, deploymentsDir })
  for (const name of CONTRACT_NAMES)
    if (deployment.contracts[name] === undefined) throw new Error(`deployment lacks ${name}`)
  const senders = new Map<string, Promise<TxSender>>()
  const sender = async (wallet: Wallet): Promise<TxSender> => {
    let s = senders.get(wallet.address)
    if (s === undefined) {
      s = TxSender.create({
        signer: wallet.connect(provider),
        provider,
        chainId: DEVNET_CHAIN_ID,
        maxFeePerGas: parseUnits('1000', 'gwei'),
        pollMs: 25,
      })
      senders.set(wallet.address, s)
    }
    return await s
  }
  return {
    url,
    provider,
    deployment,
    deploymentsDir,
    contracts: connectContracts(deployment, provider),
    deployer,
    sender,
    rpc: async (method, params = []) => await rpcCall(url, method, params),
    close: () => {
      provider.destroy()
    },
  }
}
