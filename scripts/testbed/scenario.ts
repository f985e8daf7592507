// One testbed scenario end to end: the network (net.ts), a Hardhat chain on the internet segment,
// the contracts deployed, a bootstrap/relay node, AutoNAT helpers, a requester and three staked
// providers (each `hive node start` in its own namespace), the NAT proven real, then jobs paid by
// channel; returns the scenario's one-line report (report.ts).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseEther } from 'ethers'
import { devKey } from '../../cli/devnet/chain.ts'
import { Agent, nsProbe, startHelper } from './hosts.ts'
import type { ChildProcess } from 'node:child_process'
import { buildNetwork, teardownNetwork } from './net.ts'
import type { HostPlan, TestbedPlan } from './plan.ts'
import { summarise } from './report.ts'
import type { ScenarioReport, ProbeResult } from './report.ts'
import type { JobOutcome } from './jobs.ts'

const PASSPHRASE = 'hive-testbed-passphrase'
const BENCH = '200ms'
const LISTEN_PORT = 4001
const CHAIN_PORT = 8545
const ACCOUNTS: Record<string, { account: number, hive: string, price?: string }> = {
  requester: { account: 1, hive: parseEther('1000').toString() },
  'provider-1': { account: 2, hive: parseEther('500').toString(), price: '0.0010' },
  'provider-2': { account: 3, hive: parseEther('500').toString(), price: '0.0012' },
  'provider-3': { account: 4, hive: parseEther('500').toString(), price: '0.0008' },
  bootstrap: { account: 5, hive: '0' },
}

export interface ScenarioOptions {
  plan: TestbedPlan
  workDir: string
  jobs: number
  jobsK2: number
  modulePath: string
  log: (s: string) => void
  signal: AbortSignal
}

interface NodeInfoLike { peerId: string, addresses: string[], reachability?: unknown, [k: string]: unknown }

/** The reachability a node reports on /v1/info, whatever shape the reach code gives it. */
export function reportedReachability (info: NodeInfoLike): string | undefined {
  const r = info.reachability
  if (typeof r === 'string') return r
  if (typeof r === 'object' && r !== null) {
    const o = r as Record<string, unknown>
    for (const k of ['status', 'state', 'reachability']) if (typeof o[k] === 'string') return o[k] as string
  }
  return undefined
}

export async function runScenario (o: ScenarioOptions): Promise<ScenarioReport> {
  const { plan, workDir, log } = o
  const logDir = join(workDir, 'logs')
  mkdirSync(logDir, { recursive: true })
  const agents: Agent[] = []
  const helpers: ChildProcess[] = []
  const host = (name: string): HostPlan => plan.hosts.find((h) => h.name === name)!
  const t0 = Date.now()
  try {
    log(`[${plan.scenario}] network: ${plan.hosts.length} hosts, ${plan.nats.length} NAT routers (${plan.nats.map((n) => `${n.name} ${n.kind}`).join(', ') || 'none'})`)
    buildNetwork(plan)
    const agentOf = (name: string): Agent => {
      const a = new Agent(name, host(name).ns, join(logDir, `${name}-agent.log`))
      agents.push(a)
      return a
    }
    const chainAgent = agentOf('chain')
    const hiveNames = ['bootstrap', 'requester', 'provider-1', 'provider-2', 'provider-3']
    const ag = Object.fromEntries(hiveNames.map((n) => [n, agentOf(n)])) as Record<string, Agent>
    const helperAddrs = plan.hosts.filter((h) => h.role === 'helper').map((h) => {
      const s = startHelper(h.ns, h.addr, join(logDir, `${h.name}.log`))
      helpers.push(s.child)
      return s.addr
    })

    const env: Record<string, string> = { HIVE_PASSPHRASE: PASSPHRASE, DEBUG: 'hive:*', DEBUG_COLORS: '0', ...(plan.delayMs > 0 ? { HIVE_TESTBED_DELAY_MS: String(plan.delayMs) } : {}) }
    const dirOf = (n: string): string => join(workDir, n)
    const hive = async (n: string, args: string[]): Promise<string> => {
      const r = await ag[n].req<{ code: number, stdout: string, stderr: string }>('hive', { args: ['--data-dir', dirOf(n), ...args], env })
      if (r.code !== 0) throw new Error(`${n}: hive ${args.join(' ')} exited ${r.code}: ${r.stderr.trim().split('\n').at(-1) ?? ''}`)
      return r.stdout
    }
    // data dirs and wallets need no chain: made while the chain starts
    const chainHost = host('chain')
    const rpcUrl = `http://${chainHost.addr}:${CHAIN_PORT}`
    const deploymentsDir = join(workDir, 'deployments')
    const prepared = Promise.all(hiveNames.map(async (n) => {
      const role = n.startsWith('provider') ? 'provider' : 'requester'
      await hive(n, ['init', '--role', role, '--benchmark', BENCH, '--json'])
      const cfgFile = join(dirOf(n), 'config.json')
      const cfg = JSON.parse(readFileSync(cfgFile, 'utf8')) as Record<string, unknown>
      const price = ACCOUNTS[n].price
      writeFileSync(cfgFile, JSON.stringify({ ...cfg, rpcUrl, deployments: deploymentsDir, ...(price !== undefined ? { prices: { wasm: price } } : {}) }, null, 2) + '\n')
      const keyFile = join(workDir, `.${n}.key`)
      writeFileSync(keyFile, devKey(ACCOUNTS[n].account) + '\n', { mode: 0o600 })
      try {
        await hive(n, ['wallet', 'import', '--key-file', keyFile, '--devnet-kdf', '--json'])
      } finally { rmSync(keyFile, { force: true }) }
    }))
    prepared.catch(() => {})
    await chainAgent.req<{ url: string }>('hardhat', { host: chainHost.addr, port: CHAIN_PORT, logFile: join(logDir, 'hardhat.log') })
    await chainAgent.req('deploy', { url: rpcUrl, deploymentsDir, fund: Object.values(ACCOUNTS) })
    log(`[${plan.scenario}] chain at ${rpcUrl}, contracts deployed (${((Date.now() - t0) / 1000).toFixed(1)} s)`)
    await prepared
    await Promise.all(hiveNames.filter((n) => n.startsWith('provider')).map(async (n) => await hive(n, ['stake', 'deposit', '300', '--json'])))
    log(`[${plan.scenario}] data dirs, wallets, stakes ready (${((Date.now() - t0) / 1000).toFixed(1)} s)`)

    // a public host knows its address (a server's operator passes --announce); libp2p would
    // otherwise advertise a public listen address only once AutoNAT has confirmed it. A NATed
    // host announces nothing: what it can be reached at is for AutoNAT and relays to find out.
    const listen = (n: string): string[] => {
      const own = `/ip4/${host(n).addr}/tcp/${LISTEN_PORT}`
      return ['--listen', own, ...(host(n).nat === undefined ? ['--announce', own] : []), '--no-mdns', '--benchmark', BENCH]
    }
    const start = async (n: string, extra: string[]): Promise<NodeInfoLike> =>
      await ag[n].req<NodeInfoLike>('startNode', { dataDir: dirOf(n), args: [...listen(n), ...extra], env, logFile: join(logDir, `${n}.log`), timeoutMs: 90_000 })
    const boot = await start('bootstrap', ['--dht-mode', 'server'])
    const bootAddr = `/ip4/${host('bootstrap').addr}/tcp/${LISTEN_PORT}/p2p/${boot.peerId}`
    const helperList = await Promise.all(helperAddrs)
    const bootstrapList = [bootAddr, ...helperList].join(',')
    const dhtMode = (n: string): string => (host(n).nat !== undefined ? 'client' : 'server')
    const startedAt: Record<string, number> = {}
    const infos: Record<string, NodeInfoLike> = {}
    await Promise.all(['requester', 'provider-1', 'provider-2', 'provider-3'].map(async (n) => {
      startedAt[n] = Date.now()
      infos[n] = await start(n, ['--bootstrap', bootstrapList, '--dht-mode', dhtMode(n)])
    }))
    const providers = ['provider-1', 'provider-2', 'provider-3']
    log(`[${plan.scenario}] nodes up (${((Date.now() - t0) / 1000).toFixed(1)} s); waiting until the requester finds the providers`)

    // the NAT is real: a dial from outside to a NATed provider fails, while the same listener
    // answers from its own LAN (so the failure is the NAT's doing, not a dead listener)
    const natProbes: ProbeResult[] = []
    for (const n of providers.filter((p) => host(p).nat !== undefined).slice(0, 1)) {
      const h = host(n)
      const nat = plan.nats.find((x) => x.name === h.nat)!
      const fromLan = await nsProbe(nat.ns, h.addr, LISTEN_PORT)
      const fromPublicHost = await nsProbe(host('bootstrap').ns, h.addr, LISTEN_PORT)
      const fromInet = await nsProbe(plan.inetNs, h.addr, LISTEN_PORT)
      const toRouter = await nsProbe(host('bootstrap').ns, nat.wanAddr, LISTEN_PORT)
      natProbes.push({ target: n, fromLan, fromPublicHost, fromInet, toRouter })
    }

    const until = Date.now() + 120_000
    for (;;) {
      const r = await ag.requester.req<{ providers: Array<{ peerId: string }> }>('call', { dataDir: dirOf('requester'), key: 'node.providers', input: { query: { executor: 'wasm' } } })
      const missing = providers.filter((p) => !r.providers.some((x) => x.peerId === infos[p].peerId))
      if (missing.length === 0) break
      if (Date.now() > until || o.signal.aborted) throw new Error(`the requester does not find ${missing.join(', ')} after 120 s`)
      await sleep(500)
    }
    log(`[${plan.scenario}] requester finds all providers (${((Date.now() - t0) / 1000).toFixed(1)} s)`)

    // reachability as the providers report it on /v1/info (the reach code), until known or 60 s
    const reach: Record<string, { status?: string, knownMs?: number }> = {}
    const reachUntil = Date.now() + 60_000
    for (const n of providers) reach[n] = {}
    for (;;) {
      for (const n of providers) {
        if (reach[n].knownMs !== undefined) continue
        const info = await ag[n].req<NodeInfoLike>('call', { dataDir: dirOf(n), key: 'node.info' })
        const s = reportedReachability(info)
        reach[n].status = s
        if (s !== undefined && s !== 'unknown') reach[n].knownMs = Date.now() - startedAt[n]
      }
      const pending = providers.filter((n) => reach[n].knownMs === undefined)
      if (pending.length === 0 || Date.now() > reachUntil || providers.every((n) => reach[n].status === undefined)) break
      await sleep(500)
    }

    log(`[${plan.scenario}] ${o.jobs} jobs k=1 and ${o.jobsK2} k=2`)
    const outcomes = await ag.requester.req<JobOutcome[]>('jobs', {
      dataDir: dirOf('requester'), modulePath: o.modulePath, jobs: o.jobs, jobsK2: o.jobsK2, concurrency: 4,
      maxPrice: parseEther('1').toString(), timeoutMs: 120_000, bidWindowMs: 2_000,
    })
    // what each provider holds: the cumulative amount of its best voucher per channel (the voucher
    // follows verification, give it a moment to arrive)
    const held: Record<string, bigint> = {}
    const idByName = Object.fromEntries(providers.map((n) => [infos[n].peerId, n]))
    const owed = (peerId: string): bigint => outcomes.flatMap((x) => x.winners).filter((w) => w.provider === peerId).reduce((s, w) => s + BigInt(w.price), 0n)
    const heldUntil = Date.now() + 20_000
    for (;;) {
      for (const n of providers) {
        const r = await ag[n].req<{ channels: Array<{ role: string, cumulativeAmount: string }> }>('call', { dataDir: dirOf(n), key: 'payments.channels' })
        held[n] = r.channels.filter((c) => c.role === 'provider').reduce((s, c) => s + BigInt(c.cumulativeAmount), 0n)
      }
      if (providers.every((n) => held[n] >= owed(infos[n].peerId)) || Date.now() > heldUntil) break
      await sleep(500)
    }
    const infoAfter: Record<string, NodeInfoLike> = {}
    for (const n of ['requester', ...providers]) infoAfter[n] = await ag[n].req<NodeInfoLike>('call', { dataDir: dirOf(n), key: 'node.info' })
    writeFileSync(join(workDir, 'outcomes.json'), JSON.stringify({ outcomes, held: Object.fromEntries(Object.entries(held).map(([k, v]) => [k, v.toString()])), reach, natProbes, infoAfter }, null, 2))
    return summarise({
      scenario: plan.scenario,
      jobs: o.jobs,
      jobsK2: o.jobsK2,
      outcomes,
      held: Object.fromEntries(Object.entries(held).map(([n, v]) => [infos[n].peerId, v])),
      natScenario: plan.nats.length > 0,
      natProbes,
      natedProviders: providers.filter((n) => host(n).nat !== undefined).map((n) => ({ name: n, status: reach[n].status, knownMs: reach[n].knownMs })),
      reachKnownMs: providers.map((n) => reach[n].knownMs),
      infos: Object.values(infoAfter),
      names: idByName,
    })
  } finally {
    await Promise.all(agents.map(async (a) => { await a.close() }))
    for (const h of helpers) h.kill('SIGTERM')
    teardownNetwork(plan)
  }
}
