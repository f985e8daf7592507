// Shared test harness: a real Hardhat JSON-RPC node on 127.0.0.1 (a separate process, as a user
// would run it), ComputeHive deployed on it with devnetParams, and helpers to fund accounts,
// delegate votes and move time. One chain per test file keeps suites fast:
//
//   let chain: DevChain
//   before(async function () { this.timeout(90_000); chain = await startDevChain() })
//   after(async () => { await chain?.stop() })
//
// See test/support/README.md.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
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

async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
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
export async function startHardhatNode(opts: { port?: number; timeoutMs?: number } = {}): Promise<HardhatNode> {
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

/** A Hardhat node with ComputeHive deployed (devnetParams unless overridden). */
export async function startDevChain(opts: { params?: Partial<DeployParams>; port?: number } = {}): Promise<DevChain> {
  const node = await startHardhatNode({ port: opts.port })
  const deploymentsDir = mkdtempSync(join(tmpdir(), 'hive-deployments-'))
  try {
    const provider = new JsonRpcProvider(node.url, Network.from(DEVNET_CHAIN_ID), {
      staticNetwork: Network.from(DEVNET_CHAIN_ID),
      pollingInterval: 100,
    })
    const deployer = devAccount(0, provider)
    const deployment = await deployAll({
      signer: deployer,
      params: { ...devnetParams, ...opts.params },
      deploymentsDir,
    })
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
        await node.stop()
        rmSync(deploymentsDir, { recursive: true, force: true })
      },
    }
  } catch (err) {
    await node.stop()
    rmSync(deploymentsDir, { recursive: true, force: true })
    throw err
  }
}
