// The providers of a chaos run: in processes of their own (killed with SIGKILL, as a crash or an
// OOM kill would), or in this process for the short forms in `npm test` (killed by stopping the
// node at once: its connections close as a dead process's would). Either way a killed provider is
// replaced by a new one, so the fleet keeps its size through the run.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { DEFAULT_SETTINGS, loadConfig } from '../../node/config.ts'
import { createHiveNode } from '../../node/create.ts'
import { WasmExecutor } from '../../node/exec/index.ts'
import { marketService } from '../../node/market/service.ts'
import { openChain } from '../../node/chain/client.ts'
import { paymentsService } from '../../node/payments/service.ts'
import { classJobTopics } from '../../protocol/topics.ts'
import { CHAOS_HARDWARE } from './hardware.ts'
import { HeldExecutor } from './held-executor.ts'
import { nodeChildArgs, nodeChildEnv } from './node-process.ts'
import type { WorkerPool } from '../../node/exec/index.ts'
import type { HiveNode } from '../../node/node.ts'
import type { ChainSettings } from '../../node/chain/client.ts'
import type { Wallet } from 'ethers'
import type { PartitionTable } from '../../node/p2p/partition.ts'

const CHILD = resolve(import.meta.dirname, 'provider-child.ts')
const ROOT = resolve(import.meta.dirname, '..', '..')

export interface FleetMember {
  peerId: string
  /** the provider's process id (process mode), for sampling its memory and descriptors */
  pid?: number
  /** SIGKILL (a process) or an immediate stop (in-process); resolves once it is gone */
  kill: () => Promise<void>
  /** a clean leave: SIGTERM (the process stops its node, then exits) or a stop; resolves once it is gone */
  leave: () => Promise<void>
}

export interface FleetInit {
  root: string
  /** the requester every provider bootstraps to */
  requester: HiveNode
  mode: 'process' | 'in-process'
  /** in-process: the WASM worker pool the providers share */
  pool?: WorkerPool
  /** payments on: the chain, and the funded dev wallet of the n-th provider started */
  paid?: { settings: ChainSettings; wallet: (n: number) => Promise<Wallet> }
  /** in-process: the partition every provider's connection gater obeys (chaos partitions) */
  partition?: PartitionTable
  /** in-process, paid: payments options on top of CHAOS_PAYMENT_OPTIONS */
  paymentOptions?: { hivePerEth?: string }
}

/** What a paid provider's payments service is told (fast polls: the chain mines at once). */
export const CHAOS_PAYMENT_OPTIONS = { pollMs: 200, windowBits: 8 } as const

export class Fleet {
  readonly members = new Map<string, FleetMember>()
  /** paid runs: each provider's payout address -> its peer id (killed ones included) */
  readonly peerByAddress = new Map<string, string>()
  /** in-process: each running provider's node by peer id */
  readonly nodesById = new Map<string, HiveNode>()
  private readonly init: FleetInit
  private readonly children = new Set<ChildProcess>()
  private readonly nodes = new Set<HiveNode>()
  private seq = 0

  constructor(init: FleetInit) {
    this.init = init
  }

  /**
   * starts `n` providers four at a time: all at once, their starts (tsx compiling, libp2p,
   * LevelDB) starve each other
   */
  async spawnMany(n: number): Promise<void> {
    let toStart = n
    await Promise.all(
      Array.from({ length: Math.min(4, n) }, async () => {
        while (toStart > 0) {
          toStart--
          await this.spawn()
        }
      }),
    )
  }

  /** starts one more provider and resolves once the requester sees it in the wasm jobs topic */
  async spawn(
    opts: {
      env?: Record<string, string>
      price?: string
      /** in-process: the system clock the provider corrects by its peers' (a skewed one, disk-clock) */
      systemClock?: () => number
      /** in-process: every peer to dial at start (default: the requester) */
      bootstrap?: string[]
      /** in-process: the data dir (default: a new one under the fleet's root); a restart reuses one */
      dataDir?: string
      /** paid: the dev wallet to use (default: the n-th); a restart on the same data dir reuses its own */
      walletIndex?: number
    } = {},
  ): Promise<FleetMember> {
    const n = this.seq++
    // distinct prices spread the awards over the fleet
    const price = opts.price ?? (0.001 + (n % 20) * 0.00005).toFixed(5)
    const wallet = await this.init.paid?.wallet(opts.walletIndex ?? n)
    const member =
      this.init.mode === 'process'
        ? await this.spawnProcess(n, price, wallet, opts.env)
        : await this.spawnInProcess(n, price, wallet, opts)
    this.members.set(member.peerId, member)
    if (wallet !== undefined) this.peerByAddress.set(wallet.address, member.peerId)
    const pubsub = this.init.requester.libp2p.services.pubsub
    // generous: twenty node processes starting at once on a loaded 2-core machine take a while
    const until = Date.now() + 180_000
    // any shard of the class (a provider joins only some; the default shard count is the fleet's)
    const topics = classJobTopics('wasm', DEFAULT_SETTINGS.jobShards)
    const joined = (): boolean =>
      topics.some((t) => pubsub.getSubscribers(t).some((p) => p.toString() === member.peerId))
    while (!joined()) {
      if (Date.now() > until) throw new Error(`provider ${member.peerId} never joined the jobs topic`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    return member
  }

  /** kills `peerId`'s provider and removes it from the fleet */
  async kill(peerId: string): Promise<void> {
    const m = this.members.get(peerId)
    if (m === undefined) return
    this.members.delete(peerId)
    await m.kill()
  }

  /** stops `peerId`'s provider cleanly and removes it from the fleet */
  async leave(peerId: string): Promise<void> {
    const m = this.members.get(peerId)
    if (m === undefined) return
    this.members.delete(peerId)
    await m.leave()
  }

  async stop(): Promise<void> {
    for (const c of this.children) c.kill('SIGKILL')
    for (const n of this.nodes) await n.stop().catch(() => {})
    this.members.clear()
  }

  private bootstrap(): string[] {
    return this.init.requester.libp2p.getMultiaddrs().map(String)
  }

  /** the process's exit, for a member that may die by itself (a failpoint) */
  readonly exits = new Map<string, Promise<void>>()

  private async spawnProcess(
    n: number,
    price: string,
    wallet: Wallet | undefined,
    env: Record<string, string> = {},
  ): Promise<FleetMember> {
    // a paid child opens the chain with this dev key (Hardhat's public test keys, never real value)
    const chain =
      wallet !== undefined && this.init.paid !== undefined
        ? { CHAOS_CHAIN: JSON.stringify({ settings: this.init.paid.settings, key: wallet.privateKey }) }
        : {}
    const child = spawn(
      process.execPath,
      nodeChildArgs(CHILD, [join(this.init.root, `provider-${n}`), price, ...this.bootstrap()]),
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
        env: nodeChildEnv({ ...chain, ...env }),
      },
    )
    this.children.add(child)
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => {
        this.children.delete(child)
        resolve()
      })
    })
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve)
      child.once('exit', (code) => {
        reject(new Error(`provider process ${n} exited with ${String(code)} before starting`))
      })
    })
    const { peerId } = JSON.parse(line) as { peerId: string }
    this.exits.set(peerId, exited)
    return {
      peerId,
      ...(child.pid !== undefined ? { pid: child.pid } : {}),
      kill: async () => {
        child.kill('SIGKILL')
        await exited
      },
      leave: async () => {
        child.kill('SIGTERM')
        const hard = setTimeout(() => child.kill('SIGKILL'), 15_000)
        await exited
        clearTimeout(hard)
      },
    }
  }

  private async spawnInProcess(
    n: number,
    price: string,
    wallet: Wallet | undefined,
    opts: { systemClock?: () => number; bootstrap?: string[]; dataDir?: string } = {},
  ): Promise<FleetMember> {
    const config = loadConfig({
      dataDir: opts.dataDir ?? join(this.init.root, `provider-${n}`),
      flags: {
        listen: ['/ip4/127.0.0.1/tcp/0'],
        bootstrap: opts.bootstrap ?? this.bootstrap(),
        roles: 'provider',
        mdns: false,
        prices: { wasm: price },
        allowPrivateAddrs: true,
        // every node of this process shares its event loop: one node's lag would be every provider's
        maxLoopLagMs: 0,
      },
    })
    const executor = new HeldExecutor(
      new WasmExecutor(this.init.pool !== undefined ? { pool: this.init.pool } : { poolSize: 1 }),
    )
    const client =
      wallet !== undefined && this.init.paid !== undefined
        ? await openChain({ settings: this.init.paid.settings, wallet, tx: { pollMs: 50 }, pollingIntervalMs: 100 })
        : undefined
    const self: { id?: string } = {}
    const node = await createHiveNode(config, {
      hardware: CHAOS_HARDWARE,
      storeCacheSize: 1024 * 1024,
      libp2pDatastore: 'memory',
      ...(opts.systemClock !== undefined ? { systemClock: opts.systemClock } : {}),
      ...(this.init.partition !== undefined ? { connectionGater: this.init.partition.gaterFor(() => self.id) } : {}),
      services: {
        market: marketService({ executors: { wasm: executor } }),
        ...(client !== undefined
          ? {
              payments: paymentsService({
                chain: client,
                options: { ...CHAOS_PAYMENT_OPTIONS, ...this.init.paymentOptions },
              }),
            }
          : {}),
      },
    })
    self.id = node.peerId.toString()
    await node.start()
    this.nodes.add(node)
    this.nodesById.set(self.id, node)
    const stop = async (): Promise<void> => {
      this.nodes.delete(node)
      this.nodesById.delete(node.peerId.toString())
      await node.stop()
      client?.close()
    }
    return { peerId: node.peerId.toString(), kill: stop, leave: stop }
  }
}
