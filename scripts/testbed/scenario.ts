// The testbed end to end. The core, shared by a run's scenarios: the internet router, a Hardhat
// chain on the internet segment with the contracts deployed, a bootstrap/relay node and the
// AutoNAT helpers. Per scenario: NAT routers, a requester and three staked providers (each
// `hive node start` in its own namespace, with its own accounts), the NAT proven real, then
// jobs paid by channel; the scenario's one-line report comes from report.ts.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseEther } from 'ethers'
import { devKey } from '../../cli/devnet/chain.ts'
import type { NodeInfo } from '../../node/controller.ts'
import { Agent, nsProbe, startHelper } from './hosts.ts'
import { addScenario, buildCore, ensureMiniupnpd, removeScenario, upnpMappings } from './net.ts'
import { combine, miniupnpdConfig } from './plan.ts'
import type { CorePlan, HostPlan, ScenarioPlan } from './plan.ts'
import { summarise } from './report.ts'
import type { ProbeResult, ScenarioReport } from './report.ts'
import type { JobOutcome } from './jobs.ts'

const PASSPHRASE = 'hive-testbed-passphrase'
const BENCH = '200ms'
const LISTEN_PORT = 4001
const CHAIN_PORT = 8545
const PRICES = ['0.0010', '0.0012', '0.0008']
/**
 * How long the requester collects bids. It closes early once it has enough, so a long window costs
 * nothing on a quiet machine; on this shared 2-core one (load 20-40) bids came 2-3 s after posting.
 */
const BID_WINDOW_MS = 5_000
const BOOTSTRAP_ACCOUNT = 5
/** each scenario's own accounts: requester, then its providers (fresh stakes and channels) */
const accountsOf = (index: number): number[] => [10 + index * 4, 11 + index * 4, 12 + index * 4, 13 + index * 4]

type NodeInfoLike = Pick<NodeInfo, 'peerId' | 'addresses' | 'reach'> & Record<string, unknown>

/** The reachability a node reports on /v1/info (`reach.status`: public, private or unknown). */
export function reportedReachability(info: NodeInfoLike): string | undefined {
  return info.reach?.status
}

/** Runs hive inside a host's namespace (through its agent), a node's data dir, the env nodes get. */
class HiveHost {
  readonly host: HostPlan
  readonly agent: Agent
  readonly dir: string
  readonly env: Record<string, string>
  constructor(host: HostPlan, agent: Agent, dir: string, env: Record<string, string>) {
    this.host = host
    this.agent = agent
    this.dir = dir
    this.env = env
  }

  async hive(args: string[]): Promise<string> {
    const r = await this.agent.req<{ code: number; stdout: string; stderr: string }>('hive', {
      args: ['--data-dir', this.dir, ...args],
      env: this.env,
    })
    if (r.code !== 0)
      throw new Error(
        `${this.host.name}: hive ${args.join(' ')} exited ${r.code}: ${r.stderr.trim().split('\n').at(-1) ?? ''}`,
      )
    return r.stdout
  }

  /** init, chain settings into config.json, the dev key imported (through a 0600 file, removed at once) */
  async prepare(o: {
    role: 'provider' | 'requester'
    account: number
    rpcUrl: string
    deploymentsDir: string
    price?: string
    workDir: string
  }): Promise<void> {
    await this.hive(['init', '--role', o.role, '--benchmark', BENCH, '--json'])
    const cfgFile = join(this.dir, 'config.json')
    const cfg = JSON.parse(readFileSync(cfgFile, 'utf8')) as Record<string, unknown>
    writeFileSync(
      cfgFile,
      JSON.stringify(
        {
          ...cfg,
          rpcUrl: o.rpcUrl,
          deployments: o.deploymentsDir,
          ...(o.price !== undefined ? { prices: { wasm: o.price } } : {}),
        },
        null,
        2,
      ) + '\n',
    )
    const keyFile = join(o.workDir, `.${this.host.name}.key`)
    writeFileSync(keyFile, devKey(o.account) + '\n', { mode: 0o600 })
    try {
      await this.hive(['wallet', 'import', '--key-file', keyFile, '--devnet-kdf', '--json'])
    } finally {
      rmSync(keyFile, { force: true })
    }
  }

  /**
   * `hive node start` on this host's address. A public host knows its address (a server's
   * operator passes --announce and --reachability public): libp2p would otherwise advertise a
   * public listen address only once AutoNAT confirmed it. A NATed host announces nothing: AutoNAT and relays find its
   * reach.
   */
  async start(extra: string[], logDir: string): Promise<NodeInfoLike> {
    const own = `/ip4/${this.host.addr}/tcp/${LISTEN_PORT}`
    const args = [
      '--listen',
      own,
      ...(this.host.nat === undefined ? ['--announce', own, '--reachability', 'public'] : []),
      '--no-mdns',
      '--benchmark',
      BENCH,
      ...extra,
    ]
    return await this.agent.req<NodeInfoLike>('startNode', {
      dataDir: this.dir,
      args,
      env: this.env,
      logFile: join(logDir, `${this.host.name}.log`),
      timeoutMs: 120_000,
    })
  }

  async call<T>(key: string, input?: unknown): Promise<T> {
    return await this.agent.req<T>('call', { dataDir: this.dir, key, ...(input !== undefined ? { input } : {}) })
  }
}

export interface Core {
  plan: CorePlan
  workDir: string
  rpcUrl: string
  deploymentsDir: string
  chain: Agent
  bootstrapAddr: string
  helperAddrs: string[]
  stop: () => Promise<void>
}

const nodeEnv = (delayMs: number): Record<string, string> => ({
  HIVE_PASSPHRASE: PASSPHRASE,
  // the market's debug lines (a failed push, a dial) are what explain a lost job; a run that
  // loses none deletes its logs. HIVE_TESTBED_DEBUG adds namespaces (e.g. libp2p:kad-dht*)
  HIVE_LOG_LEVEL: 'debug',
  DEBUG: ['hive:*', process.env.HIVE_TESTBED_DEBUG].filter((x) => x !== undefined && x !== '').join(','),
  DEBUG_COLORS: '0',
  ...(delayMs > 0 ? { HIVE_TESTBED_DELAY_MS: String(delayMs) } : {}),
})

/** Builds and starts the core. On a failure the caller's teardownRun removes what exists. */
export async function startCore(
  plan: CorePlan,
  workDir: string,
  log: (s: string) => void,
  relayPolicy: 'market' | 'open' = 'market',
): Promise<Core> {
  const t0 = Date.now()
  const logDir = join(workDir, 'logs')
  mkdirSync(logDir, { recursive: true })
  buildCore(plan)
  const host = (name: string): HostPlan => plan.hosts.find((h) => h.name === name)!
  const agents: Agent[] = []
  const helpers: ChildProcess[] = []
  const stop = async (): Promise<void> => {
    await Promise.all(
      agents.map(async (a) => {
        await a.close()
      }),
    )
    for (const h of helpers) h.kill('SIGTERM')
  }
  try {
    const chain = new Agent('chain', host('chain').ns, join(logDir, 'chain-agent.log'))
    agents.push(chain)
    const bootAgent = new Agent('bootstrap', host('bootstrap').ns, join(logDir, 'bootstrap-agent.log'))
    agents.push(bootAgent)
    const helperAddrs = plan.hosts
      .filter((h) => h.role === 'helper')
      .map((h) => {
        const s = startHelper(h.ns, h.addr, join(logDir, `${h.name}.log`))
        helpers.push(s.child)
        return s.addr
      })
    const rpcUrl = `http://${host('chain').addr}:${CHAIN_PORT}`
    const deploymentsDir = join(workDir, 'deployments')
    const boot = new HiveHost(host('bootstrap'), bootAgent, join(workDir, 'bootstrap'), nodeEnv(0))
    const prepared = boot.prepare({ role: 'requester', account: BOOTSTRAP_ACCOUNT, rpcUrl, deploymentsDir, workDir })
    prepared.catch(() => {})
    await chain.req('hardhat', { host: host('chain').addr, port: CHAIN_PORT, logFile: join(logDir, 'hardhat.log') })
    await chain.req('deploy', { url: rpcUrl, deploymentsDir, fund: [{ account: BOOTSTRAP_ACCOUNT, hive: '0' }] })
    log(`core: chain at ${rpcUrl}, contracts deployed (${((Date.now() - t0) / 1000).toFixed(1)} s)`)
    await prepared
    // the bootstrap node is the public relay (market policy: it serves providers it knows from
    // their DHT profiles, docs/reach.md)
    const info = await boot.start(['--dht-mode', 'server', '--relay-server', '--relay-policy', relayPolicy], logDir)
    const bootstrapAddr = `/ip4/${host('bootstrap').addr}/tcp/${LISTEN_PORT}/p2p/${info.peerId}`
    const addrs = await Promise.all(helperAddrs)
    log(`core: bootstrap node and ${addrs.length} AutoNAT helpers up (${((Date.now() - t0) / 1000).toFixed(1)} s)`)
    return { plan, workDir, rpcUrl, deploymentsDir, chain, bootstrapAddr, helperAddrs: addrs, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

export interface ScenarioOptions {
  core: Core
  plan: ScenarioPlan
  index: number
  jobs: number
  jobsK2: number
  modulePath: string
  log: (s: string) => void
  signal: AbortSignal
}

export async function runScenario(o: ScenarioOptions): Promise<ScenarioReport> {
  const { core, log } = o
  const plan = combine(core.plan, o.plan)
  const name = plan.scenario
  const workDir = join(core.workDir, `${o.plan.tag}-${name}`)
  const logDir = join(workDir, 'logs')
  mkdirSync(logDir, { recursive: true })
  const host = (n: string): HostPlan => o.plan.hosts.find((h) => h.name === n)!
  const t0 = Date.now()
  const since = (): string => `${((Date.now() - t0) / 1000).toFixed(1)} s`
  const nodes: Record<string, HiveHost> = {}
  try {
    log(
      `[${name}] ${o.plan.hosts.length} hosts, NAT routers:` +
        ` ${plan.nats.map((n) => `${n.name} (${n.kind})`).join(', ') || 'none'}` +
        `${plan.lossPercent > 0 ? `, ${plan.lossPercent}% loss` : ''}` +
        `${plan.delayMs > 0 ? `, ${plan.delayMs} ms delay each way` : ''}`,
    )
    addScenario(core.plan, o.plan)
    for (const nat of plan.nats.filter((n) => n.kind === 'upnp')) {
      if (!ensureMiniupnpd(log)) throw new Error('miniupnpd-nftables could not be installed')
      const conf = join(workDir, `miniupnpd-${nat.name}.conf`)
      writeFileSync(conf, miniupnpdConfig(nat, randomUUID()))
      const upnpLog = createWriteStream(join(logDir, `miniupnpd-${nat.name}.log`))
      // -d: stay in the foreground (debug output); it dies with its namespace at teardown
      const child = spawn(
        'ip',
        [
          'netns',
          'exec',
          nat.ns,
          '/usr/sbin/miniupnpd',
          '-f',
          conf,
          '-d',
          '-P',
          join(workDir, `miniupnpd-${nat.name}.pid`),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      )
      child.stdout.pipe(upnpLog)
      child.stderr.pipe(upnpLog)
    }
    const names = ['requester', 'provider-1', 'provider-2', 'provider-3']
    const providers = names.slice(1)
    const accounts = accountsOf(o.index)
    for (const n of names) {
      const h = host(n)
      nodes[n] = new HiveHost(
        h,
        new Agent(n, h.ns, join(logDir, `${n}-agent.log`)),
        join(workDir, n),
        nodeEnv(plan.delayMs),
      )
    }
    const fund = names.map((n, i) => ({
      account: accounts[i],
      hive: parseEther(n === 'requester' ? '1000' : '500').toString(),
    }))
    await Promise.all([
      core.chain.req('fund', { url: core.rpcUrl, deploymentsDir: core.deploymentsDir, fund }),
      ...names.map(async (n, i) => {
        await nodes[n].prepare({
          role: n === 'requester' ? 'requester' : 'provider',
          account: accounts[i],
          rpcUrl: core.rpcUrl,
          deploymentsDir: core.deploymentsDir,
          workDir,
          ...(i > 0 ? { price: PRICES[i - 1] } : {}),
        })
      }),
    ])
    await Promise.all(providers.map(async (n) => await nodes[n].hive(['stake', 'deposit', '300', '--json'])))
    log(`[${name}] data dirs, wallets, stakes ready (${since()})`)

    const bootstrapList = [core.bootstrapAddr, ...core.helperAddrs].join(',')
    // a NATed node is left to the reach code (auto: the DHT in client mode once it knows it is private)
    const dhtMode = (n: string): string[] => (host(n).nat !== undefined ? [] : ['--dht-mode', 'server'])
    const startedAt: Record<string, number> = {}
    const infos: Record<string, NodeInfoLike> = {}
    await Promise.all(
      names.map(async (n) => {
        startedAt[n] = Date.now()
        infos[n] = await nodes[n].start(
          [
            '--bootstrap',
            bootstrapList,
            ...dhtMode(n),
            ...(plan.nats.some((x) => x.kind === 'upnp') ? ['--upnp'] : []),
          ],
          logDir,
        )
      }),
    )
    log(`[${name}] nodes up (${since()})`)
    // from now on, how long until each provider knows its reachability (from its own start)
    const reach: Record<string, { status?: string; knownMs?: number }> = Object.fromEntries(
      providers.map((n) => [n, {}]),
    )
    let reachPolling = true
    const reachPoller = (async () => {
      while (reachPolling) {
        for (const n of providers) {
          if (reach[n].knownMs !== undefined) continue
          const info = await nodes[n].call<NodeInfoLike>('node.info')
          const s = reportedReachability(info)
          reach[n].status = s
          // `since`: when the node's status last changed, i.e. when it learnt it (the node's clock is ours)
          if (s !== undefined && s !== 'unknown') reach[n].knownMs = (info.reach?.since ?? Date.now()) - startedAt[n]
        }
        await sleep(250)
      }
    })()
    reachPoller.catch(() => {})

    // the NAT is real: a dial from outside to a NATed provider fails, while the same listener
    // answers from its own LAN (so the failure is the NAT's doing, not a dead listener)
    const natProbes: ProbeResult[] = []
    for (const n of providers.filter((p) => host(p).nat !== undefined).slice(0, 1)) {
      const h = host(n)
      const nat = plan.nats.find((x) => x.name === h.nat)!
      const bootNs = core.plan.hosts.find((x) => x.role === 'bootstrap')!.ns
      natProbes.push({
        target: n,
        fromLan: await nsProbe(nat.ns, h.addr, LISTEN_PORT),
        fromPublicHost: await nsProbe(bootNs, h.addr, LISTEN_PORT),
        fromInet: await nsProbe(plan.inetNs, h.addr, LISTEN_PORT),
        toRouter: await nsProbe(bootNs, nat.wanAddr, LISTEN_PORT),
      })
    }

    // discovery by capability (the DHT): a provider the requester cannot find is reported, and the
    // jobs are posted anyway (gossip and direct pushes may still reach it): the figures then say
    // what works, never a stop with no line
    const until = Date.now() + 120_000
    let found: string[] = []
    for (;;) {
      const r = await nodes.requester.call<{ providers: Array<{ peerId: string }> }>('node.providers', {
        query: { executor: 'wasm' },
      })
      found = providers.filter((p) => r.providers.some((x) => x.peerId === infos[p].peerId))
      if (found.length === providers.length || Date.now() > until || o.signal.aborted) break
      await sleep(500)
    }
    if (found.length < providers.length)
      log(
        `[${name}] the requester finds ${found.length} of` +
          ` ${providers.length} providers after 120 s; posting the jobs` +
          ` anyway`,
      )
    else log(`[${name}] requester finds all providers (${since()})`)

    // reachability as the providers report it: the poller started with the nodes; give it until 60 s
    // after discovery to conclude (status stays unknown: reachabilityKnownMs is null)
    const reachUntil = Date.now() + 60_000
    while (providers.some((n) => reach[n].knownMs === undefined) && Date.now() < reachUntil && !o.signal.aborted)
      await sleep(500)
    reachPolling = false
    await reachPoller

    log(`[${name}] ${o.jobs} jobs k=1 and ${o.jobsK2} k=2`)
    const outcomes = await nodes.requester.agent.req<JobOutcome[]>('jobs', {
      dataDir: nodes.requester.dir,
      modulePath: o.modulePath,
      jobs: o.jobs,
      jobsK2: o.jobsK2,
      concurrency: 4,
      maxPrice: parseEther('1').toString(),
      timeoutMs: 120_000,
      bidWindowMs: BID_WINDOW_MS,
    })
    // a lost job says why on the run's own log (CI keeps nothing else of a failed run)
    for (const lost of outcomes.filter((x) => !x.completed))
      log(
        `[${name}] job ${lost.n} (k=${lost.k}) lost: ${lost.error ?? '?'}` +
          (lost.awards ?? [])
            .map((a) => ` | ${a.provider.slice(-6)} ${a.status}${a.failure ? ` ${a.failure}` : ''}`)
            .join(''),
      )
    // what each provider holds: the cumulative amount of its best voucher per channel (the voucher
    // follows verification: give the last ones a moment to arrive)
    const held: Record<string, bigint> = {}
    const owed = (peerId: string): bigint =>
      outcomes
        .flatMap((x) => x.winners)
        .filter((w) => w.provider === peerId)
        .reduce((s, w) => s + BigInt(w.price), 0n)
    const heldUntil = Date.now() + 20_000
    for (;;) {
      for (const n of providers) {
        const r = await nodes[n].call<{ channels: Array<{ role: string; cumulativeAmount: string }> }>(
          'payments.channels',
        )
        held[infos[n].peerId] = r.channels
          .filter((c) => c.role === 'provider')
          .reduce((s, c) => s + BigInt(c.cumulativeAmount), 0n)
      }
      if (providers.every((n) => held[infos[n].peerId] >= owed(infos[n].peerId)) || Date.now() > heldUntil) break
      await sleep(500)
    }
    const infoAfter: Record<string, NodeInfoLike> = {}
    for (const n of names) infoAfter[n] = await nodes[n].call<NodeInfoLike>('node.info')
    writeFileSync(
      join(workDir, 'outcomes.json'),
      JSON.stringify(
        {
          outcomes,
          held: Object.fromEntries(Object.entries(held).map(([k, v]) => [k, v.toString()])),
          reach,
          natProbes,
          infoAfter,
        },
        null,
        2,
      ),
    )
    const peers: Record<string, unknown> = {}
    for (const n of names) peers[n] = await nodes[n].call('node.peers')
    writeFileSync(join(workDir, 'peers.json'), JSON.stringify(peers, null, 2))
    const mappings = plan.nats.filter((n) => n.kind === 'upnp').map((n) => upnpMappings(n.ns))
    return summarise({
      ...(mappings.length > 0 ? { upnpMappings: mappings.reduce((a, b) => a + b, 0) } : {}),
      providersFound: found.length,
      scenario: name,
      jobs: o.jobs,
      jobsK2: o.jobsK2,
      outcomes,
      held,
      natScenario: plan.nats.length > 0,
      natProbes,
      natedProviders: providers.filter((n) => host(n).nat !== undefined).map((n) => ({ name: n, ...reach[n] })),
      natKinds: plan.nats.map((n) => n.kind),
      reachKnownMs: providers.map((n) => reach[n].knownMs),
      infos: providers.map((n) => infoAfter[n]),
    })
  } finally {
    await Promise.all(
      Object.values(nodes).map(async (n) => {
        await n.agent.close()
      }),
    )
    removeScenario(core.plan, o.plan)
  }
}
