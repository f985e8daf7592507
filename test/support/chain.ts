// Shared test harness: a real Hardhat JSON-RPC node on 127.0.0.1 (a separate process, as a user
// would run it), ComputeHive deployed on it with devnetParams, and helpers to fund accounts,
// delegate votes and move time. A test file leases the process's shared chain (reverted to its
// post-deployment state, see startDevChain), so a file's chain costs a revert instead of ~10 s:
//
//   let chain: DevChain
//   before(async function () { this.timeout(90_000); chain = await startDevChain() })
//   after(async () => { await chain?.stop() })
//
// See test/support/README.md.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { HDNodeWallet, JsonRpcProvider, Mnemonic, Network, Wallet, parseUnits } from 'ethers'
import { deployAll } from '../../node/chain/deploy.ts'
import { devnetParams } from '../../node/chain/deploy-params.ts'
import type { DeployParams } from '../../node/chain/deploy-params.ts'
import type { Deployment } from '../../node/chain/deployment-schema.ts'
import { connectContracts } from '../../node/chain/contracts.ts'
import type { HiveContracts } from '../../node/chain/contracts.ts'
import type { ChainSettings } from '../../node/chain/client.ts'
import { TxSender } from '../../node/chain/tx.ts'
import type { SentTx } from '../../node/chain/tx.ts'

const root = resolve(import.meta.dirname, '..', '..')

/** Hardhat's well-known development mnemonic: its accounts hold 10,000 ETH each. Never for real value. */
export const DEV_MNEMONIC = 'test test test test test test test test test test test junk'
export const DEVNET_CHAIN_ID = 31337

/** Hardhat dev account `index` (0 is the deployer, who holds the whole HIVE supply after startDevChain). */
export function devAccount(index: number, provider?: JsonRpcProvider): Wallet {
  const hd = HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(DEV_MNEMONIC), `m/44'/60'/0'/0/${index}`)
  return new Wallet(hd.privateKey, provider)
}

export async function freePort(): Promise<number> {
  return await new Promise((ok, fail) => {
    const srv = createServer()
    srv.once('error', fail)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() => {
        if (typeof addr === 'object' && addr !== null) ok(addr.port)
        else fail(new Error('no port'))
      })
    })
  })
}

export interface HardhatNode {
  url: string
  port: number
  /** everything the node printed so far (for failure reports) */
  output: () => string
  stop: () => Promise<void>
}

export async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  const body = (await res.json()) as { result?: unknown; error?: { message: string } }
  if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`)
  return body.result
}

/** Starts `hardhat node` on 127.0.0.1 (free port unless given) and waits until it answers (~10 s). */
export async function startHardhatNode(
  opts: { port?: number; timeoutMs?: number; unref?: boolean } = {},
): Promise<HardhatNode> {
  const port = opts.port ?? (await freePort())
  const url = `http://127.0.0.1:${port}`
  // its own process group, so stop() ends hardhat and anything it spawned with one signal
  const child: ChildProcess = spawn(
    join(root, 'node_modules', '.bin', 'hardhat'),
    ['node', '--hostname', '127.0.0.1', '--port', String(port)],
    {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
    },
  )
  let output = ''
  const keep = (b: Buffer): void => {
    output = (output + b.toString()).slice(-20_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  if (opts.unref === true) {
    // a process-long chain must not keep the test process alive: it is killed on exit instead
    child.unref()
    for (const s of [child.stdout, child.stderr]) (s as unknown as { unref?: () => void } | null)?.unref?.()
  }
  let exited = false
  const exit = new Promise<void>((ok) =>
    child.once('exit', () => {
      exited = true
      ok()
    }),
  )
  const stop = async (): Promise<void> => {
    if (exited || child.pid === undefined) return
    try {
      process.kill(-child.pid, 'SIGTERM')
    } catch {
      return
    }
    const killer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        /* gone */
      }
    }, 5_000)
    await exit
    clearTimeout(killer)
  }
  const until = Date.now() + (opts.timeoutMs ?? 60_000)
  for (;;) {
    if (exited) throw new Error(`hardhat node exited before answering:\n${output}`)
    try {
      await rpc(url, 'eth_chainId')
      break
    } catch {
      if (Date.now() > until) {
        await stop()
        throw new Error(`hardhat node did not answer on ${url} in time:\n${output}`)
      }
      await new Promise((r) => setTimeout(r, 200))
    }
  }
  return { url, port, output: () => output, stop }
}

export interface DevChain extends HardhatNode {
  provider: JsonRpcProvider
  chainId: number
  deployment: Deployment
  /** a temp folder holding <chainId>.json; removed by stop() */
  deploymentsDir: string
  /** chain settings for loadConfig flags / openChain: this RPC and deployments folder */
  settings: ChainSettings
  contracts: HiveContracts
  /** account 0: deployed everything and holds the HIVE supply */
  deployer: Wallet
  account: (index: number) => Wallet
  /** raw JSON-RPC call (evm_mine, evm_increaseTime, hardhat_setBalance …) */
  rpc: (method: string, params?: unknown[]) => Promise<unknown>
  /** sends HIVE from the deployer */
  giveHive: (to: string, amount: bigint) => Promise<SentTx>
  /** sets an address's ETH balance (no transaction) */
  setEth: (to: string, amount: bigint) => Promise<void>
  /** a TxSender for `wallet` on this chain (one per account!) */
  senderFor: (wallet: Wallet, opts?: { maxFeeGwei?: number; replaceAfterMs?: number }) => Promise<TxSender>
  /** moves the chain's clock forward and mines a block */
  increaseTime: (seconds: number) => Promise<void>
  mine: (blocks?: number) => Promise<void>
  now: () => Promise<number>
}

/** Options of startDevChain. */
export interface DevChainOptions {
  /** devnetParams overrides */
  params?: Partial<DeployParams>
  /** a fixed port: implies a chain of the caller's own */
  port?: number
  /**
   * A Hardhat process of the caller's own instead of a lease on the process's shared chain: for a
   * test that stops or restarts the chain, or changes what evm_revert does not restore.
   */
  own?: boolean
}

/**
 * A Hardhat node with ComputeHive deployed (devnetParams unless overridden).
 *
 * By default this is a lease on the chain this test process shares (shared-chain.ts): the state
 * is reverted to right after the deployment, the clock reset to the wall clock, and the deployment
 * for these params is reused (deployed once per process). Starting a chain and deploying costs
 * ~10 s per test file; a lease costs a revert. A second lease while one is held, `port` or `own`
 * (or HIVE_TEST_OWN_CHAIN=1 for the whole run) start a separate Hardhat process as before.
 */
export async function startDevChain(opts: DevChainOptions = {}): Promise<DevChain> {
  if (opts.port === undefined && opts.own !== true && process.env.HIVE_TEST_OWN_CHAIN !== '1') {
    const lease = await leaseSharedChain(opts.params ?? {})
    if (lease !== undefined) return lease
  }
  return await startOwnDevChain(opts)
}

async function startOwnDevChain(opts: DevChainOptions): Promise<DevChain> {
  const node = await startHardhatNode({ port: opts.port })
  const deploymentsDir = mkdtempSync(join(tmpdir(), 'hive-deployments-'))
  const provider = devnetProvider(node.url)
  try {
    const deployment = await deployAll({
      signer: devAccount(0, provider),
      params: { ...devnetParams, ...opts.params },
      deploymentsDir,
    })
    return await devChainOn(node, provider, deployment, deploymentsDir, async () => {
      await node.stop()
    })
  } catch (err) {
    provider.destroy()
    await node.stop()
    rmSync(deploymentsDir, { recursive: true, force: true })
    throw err
  }
}

function devnetProvider(url: string): JsonRpcProvider {
  return new JsonRpcProvider(url, Network.from(DEVNET_CHAIN_ID), {
    staticNetwork: Network.from(DEVNET_CHAIN_ID),
    pollingInterval: 100,
  })
}

/**
 * The DevChain helpers over a running node and a deployment; stop() destroys the provider, runs
 * `release` (ends the process, or gives a lease back) and removes the deployments folder.
 */
export async function devChainOn(
  node: HardhatNode,
  provider: JsonRpcProvider,
  deployment: Deployment,
  deploymentsDir: string,
  release: () => Promise<void>,
): Promise<DevChain> {
  const deployer = devAccount(0, provider)
  const contracts = connectContracts(deployment, provider)
  const call = async (method: string, params: unknown[] = []): Promise<unknown> => await rpc(node.url, method, params)
  const senders = new Map<string, TxSender>()
  const senderFor = async (
    wallet: Wallet,
    o: { maxFeeGwei?: number; replaceAfterMs?: number } = {},
  ): Promise<TxSender> => {
    const key = `${wallet.address}/${o.maxFeeGwei ?? ''}/${o.replaceAfterMs ?? ''}`
    let s = senders.get(key)
    if (s === undefined) {
      s = await TxSender.create({
        signer: wallet.connect(provider),
        provider,
        chainId: DEVNET_CHAIN_ID,
        maxFeePerGas: parseUnits(String(o.maxFeeGwei ?? 1000), 'gwei'),
        pollMs: 50,
        ...(o.replaceAfterMs !== undefined ? { replaceAfterMs: o.replaceAfterMs } : {}),
      })
      senders.set(key, s)
    }
    return s
  }
  return {
    ...node,
    provider,
    chainId: DEVNET_CHAIN_ID,
    deployment,
    deploymentsDir,
    settings: { rpcUrl: node.url, deployments: deploymentsDir, maxFeeGwei: 1000, confirmations: 1 },
    contracts,
    deployer,
    account: (i) => devAccount(i, provider),
    rpc: call,
    giveHive: async (to, amount) => await (await senderFor(deployer)).call(contracts.token, 'transfer', [to, amount]),
    setEth: async (to, amount) => {
      await call('hardhat_setBalance', [to, '0x' + amount.toString(16)])
    },
    senderFor,
    increaseTime: async (seconds) => {
      await call('evm_increaseTime', [seconds])
      await call('evm_mine')
    },
    mine: async (blocks = 1) => {
      await call('hardhat_mine', ['0x' + blocks.toString(16)])
    },
    now: async () => Number((await provider.getBlock('latest'))!.timestamp),
    stop: async () => {
      provider.destroy()
      try {
        await release()
      } finally {
        rmSync(deploymentsDir, { recursive: true, force: true })
      }
    },
  }
}

// ---- the process's shared chain -------------------------------------------------------------
// One Hardhat process per test process (a mocha run of a suite), started on the first lease and
// killed when the process exits. Every deployment a lease asked for stays on the chain (each
// params set is deployed once, side by side at different addresses); `snapshot` is taken after
// the newest one and every lease reverts to it, so each test file starts from that state.

interface SharedChain {
  node: HardhatNode
  /** params key → the folder holding that deployment's 31337.json */
  dirs: Map<string, string>
  deployments: Map<string, Deployment>
  snapshot?: string
}

let shared: Promise<SharedChain> | undefined
let leased = false

function paramsKey(params: Partial<DeployParams>): string {
  const keys = Object.keys(params).sort() as Array<keyof DeployParams>
  return JSON.stringify(
    keys.map((k) => [k, params[k]]),
    (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v),
  )
}

async function sharedChain(): Promise<SharedChain> {
  shared ??= (async () => {
    const node = await startHardhatNode({ unref: true })
    const chain: SharedChain = { node, dirs: new Map(), deployments: new Map() }
    process.once('exit', () => {
      void node.stop() // sends SIGTERM to the process group synchronously
      for (const dir of chain.dirs.values()) rmSync(dir, { recursive: true, force: true })
    })
    return chain
  })()
  // a failed start is not cached: the next lease tries again
  shared.catch(() => {
    shared = undefined
  })
  return await shared
}

/** A lease on the shared chain, or undefined when it is held already (the caller starts its own). */
async function leaseSharedChain(params: Partial<DeployParams>): Promise<DevChain | undefined> {
  if (leased) return undefined
  leased = true
  const provider = { current: undefined as JsonRpcProvider | undefined }
  try {
    const chain = await sharedChain()
    const call = async (method: string, args: unknown[] = []): Promise<unknown> =>
      await rpc(chain.node.url, method, args)
    if (chain.snapshot !== undefined) {
      if ((await call('evm_revert', [chain.snapshot])) !== true)
        throw new Error('evm_revert of the shared chain failed')
      chain.snapshot = undefined
    }
    // what evm_revert leaves alone: the mining mode, and the clock's offset (evm_increaseTime of
    // the previous file). Setting the next block's time to now resets that offset.
    await call('evm_setAutomine', [true])
    await call('evm_setIntervalMining', [0])
    const latest = (await call('eth_getBlockByNumber', ['latest', false])) as { timestamp: string }
    const at = Math.max(Number(BigInt(latest.timestamp)) + 1, Math.floor(Date.now() / 1000))
    await call('evm_setNextBlockTimestamp', [at])
    await call('evm_mine')
    provider.current = devnetProvider(chain.node.url)
    const key = paramsKey(params)
    let deployment = chain.deployments.get(key)
    if (deployment === undefined) {
      const dir = mkdtempSync(join(tmpdir(), 'hive-deployments-'))
      chain.dirs.set(key, dir)
      deployment = await deployAll({
        signer: devAccount(0, provider.current),
        params: { ...devnetParams, ...params },
        deploymentsDir: dir,
      })
      chain.deployments.set(key, deployment)
    }
    chain.snapshot = (await call('evm_snapshot')) as string
    // the lease's own folder: a test may write next to the deployment file
    const deploymentsDir = mkdtempSync(join(tmpdir(), 'hive-deployments-'))
    const file = `${DEVNET_CHAIN_ID}.json`
    copyFileSync(join(chain.dirs.get(key)!, file), join(deploymentsDir, file))
    const node: HardhatNode = { ...chain.node, stop: async () => {} }
    return await devChainOn(node, provider.current, deployment, deploymentsDir, async () => {
      leased = false
    })
  } catch (err) {
    provider.current?.destroy()
    leased = false
    throw err
  }
}
