// Chaos scenario 6 (issue 16), sybil flood: honest nodes in this process (a requester and a few
// providers, in-process), hostile peers in processes of their own (sybil-attacker.ts, `perProcess`
// peers each). First a quiet run of jobs; then the attackers start (garbage, oversized and
// replayed gossip on the jobs topic at `ratePerSec` in total, streams opened on every direct
// protocol and never finished, garbage DHT records) and the honest jobs run again. The report:
// honest completion, placement p99 under the flood over the quiet run's (`placementP99Ratio`),
// how many attackers the requester's gossipsub scores put below the graylist threshold, how many
// job messages the attackers still received in the flood's last 10 s, and from a node after that
// node hung up on them, and this process's RSS growth over the flood. Payments are off (what is
// measured is the network, not settlement): `doublePaid` comes from the requester's records.
//
// On loopback, gossipsub's IP-colocation penalty is whitelisted (DEFAULT_COLOCATION_WHITELIST),
// so what graylists an attacker here is its invalid messages alone.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { setPriority, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { WorkerPool } from '../../node/exec/index.ts'
import { runCpuBenchmark } from '../../node/hardware/index.ts'
import { GOSSIP_SCORE_THRESHOLDS } from '../../node/p2p/constants.ts'
import { quarantineOf } from '../../node/p2p/create.ts'
import { classJobTopics } from '../../protocol/topics.ts'
import { DEFAULT_SETTINGS } from '../../node/config.ts'
import { Fleet } from './fleet.ts'
import { jobFigures, runJobs } from './job-runner.ts'
import { startChaosRequester } from './requester-node.ts'
import { percentile, seededRandom } from './stats.ts'
import type { JobRecord } from '../../node/market/job-record.ts'
import type { ChaosRequester } from './requester-node.ts'

const ATTACKER = resolve(import.meta.dirname, 'sybil-attacker.ts')
const ROOT = resolve(import.meta.dirname, '..', '..')

export interface SybilFloodOptions {
  providers: number
  attackers: number
  /** hostile peers per attacker process */
  perProcess: number
  /** hostile gossip messages per second, all attackers together */
  ratePerSec: number
  /**
   * the attacker processes' nice value (default 19). On a real network attackers run on their own
   * machines; here they share this one's cores with the honest nodes, and at nice 0 the placement
   * ratio measured how much CPU they took (2.2x and 5.3x in two runs), not what the flood costs
   * the honest nodes. The report gives the rate they reached (`attemptedPerSec`); 0 to compare.
   */
  attackerNice?: number
  quietJobs: number
  /**
   * jobs run and not counted before the quiet run (default 0): the first jobs of a fresh network
   * pay for discovery, first connections and caches, and the quiet p99 of 50 jobs is their worst
   * one (1.7 s in one run, against 0.3 s under the flood)
   */
  warmupJobs?: number
  floodJobs: number
  holdMs: number
  concurrency: number
  bidWindowMs: number
  /** which attacks to run (default all) */
  attacks?: Array<'gossip' | 'streams' | 'dht'>
  /** the flood lasts at least this long, jobs or not (short runs: the cuts must come while jobs run) */
  minFloodMs?: number
  seed: number
  say?: (text: string) => void
}

export interface SybilFloodReport {
  scenario: 'sybil-flood'
  mode: 'in-process'
  providers: number
  attackers: number
  ratePerSec: number
  attackerNice: number
  /** gossip publishes the attackers attempted per second over the flood (ratePerSec is the aim) */
  attemptedPerSec: number
  jobs: number
  completed: number
  lostJobs: number
  failures: Record<string, number>
  doublePaid: number
  noncesBackwards: number | null
  payments: 'off'
  quietPlacementP99Ms: number | null
  floodPlacementP99Ms: number | null
  placementP99Ratio: number | null
  /** attackers whose score at the requester or some provider is below the graylist threshold */
  graylistedAttackers: number
  /** attackers whose score at the requester or some provider is negative at all */
  penalisedAttackers: number
  /** attackers some honest node hung up on and refuses (graylisted, or a frame over the limit) */
  quarantinedAttackers: number
  /** attackers still connected to the requester at the end */
  attackersConnected: number
  /** job messages the attackers received in the flood's last 10 s (0: no longer sent our gossip) */
  attackerJobMessagesLast10s: number
  /** job messages a flooded node (the requester, two providers) sent an attacker after it hung up
   * on that attacker (plus 1 s for messages in flight), or, where it never did, in the flood's
   * last 10 s: 0 means a quarantined attacker hears nothing more from the node that cut it off */
  attackerJobMessagesFromTargetsAfterCut: number
  /** from the flood's start to the last time a flooded node hung up on an attacker (null: never) */
  lastCutMs: number | null
  attackerCounts: Record<string, number>
  rssGrowthMb: number
  /** the JS heap in use after a full GC, flood end minus flood start: what the flood left alive
   * (RSS also holds what the allocator keeps after freeing, and the 200 flood jobs' own growth) */
  heapGrowthMb: number
  /** where honest work is lost (profiling): this process's event-loop delay p99 per phase, the
   * providers' gossip verdicts and the nodes' reqresp outcomes over the flood */
  diagnostics: {
    eventLoopP99Ms: { quiet: number; flood: number }
    providerGossip: Record<string, number>
    reqresp: Record<string, Record<string, number>>
    /** honest nodes some honest node quarantined, or scored below 0 (both should be 0) */
    honestQuarantined: number
    honestPenalised: number
    /** flood jobs by how many providers the requester's direct push reached ("lost/2": lost, pushed to 2) */
    pushedTo: Record<string, number>
  }
  durationMs: number
  cpuScore: number
}

export const SYBIL_FLOOD_DEFAULTS: SybilFloodOptions = {
  providers: 8,
  attackers: 50,
  perProcess: 10,
  ratePerSec: 200,
  quietJobs: 50,
  warmupJobs: 10,
  floodJobs: 200,
  // the flood goes on this long, jobs or not: with the attackers at nice 19 the 200 jobs took 8 s,
  // too short for their scores to fall below the graylist threshold, and "the flood's last 10 s"
  // was all of it
  minFloodMs: 60_000,
  holdMs: 200,
  concurrency: 8,
  bidWindowMs: 5_000,
  seed: 16,
}

interface AttackerProcess {
  child: ChildProcess
  ids: string[]
  /** what the process printed on SIGTERM */
  report: Promise<AttackerReport>
}

interface AttackerReport {
  counts: Record<string, number>
  /** job messages a target relayed to an attacker: [received at, target, attacker] */
  fromTargets: Array<[number, string, string]>
}

/** a message in flight when its sender hung up may still arrive this long after */
const CUT_GRACE_MS = 1_000

/**
 * Job messages a flooded node sent an attacker after it had hung up on that attacker (`cutAt`,
 * keyed `${target} ${attacker}`, plus the grace), or, for a pair never cut, after `windowStart`.
 */
function messagesAfterCut(
  fromTargets: ReadonlyArray<readonly [number, string, string]>,
  cutAt: ReadonlyMap<string, number>,
  windowStart: number,
): number {
  return fromTargets.filter(([at, target, attacker]) => {
    const cut = cutAt.get(`${target} ${attacker}`)
    return cut === undefined ? at >= windowStart : at > cut + CUT_GRACE_MS
  }).length
}

async function startAttackers(
  n: number,
  config: {
    count: number
    targets: string[]
    topics: string[]
    ratePerSec: number
    oversizeBytes: number
    attacks?: string[]
    honest: string[]
  },
  nice: number,
): Promise<AttackerProcess> {
  const child = spawn(process.execPath, ['--import=tsx', ATTACKER, JSON.stringify({ ...config })], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  if (nice !== 0 && child.pid !== undefined) setPriority(child.pid, nice)
  const lines = createInterface({ input: child.stdout! })
  const queue: string[] = []
  const waiters: Array<(line: string) => void> = []
  lines.on('line', (line) => {
    const w = waiters.shift()
    if (w !== undefined) w(line)
    else queue.push(line)
  })
  const next = async (): Promise<string> =>
    queue.length > 0 ? queue.shift()! : await new Promise<string>((resolve) => waiters.push(resolve))
  const ready = await Promise.race([
    next(),
    new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`attacker process ${n} exited with ${String(code)}`))),
    ),
  ])
  const ids = (JSON.parse(ready) as { ready: string[] }).ready
  const report = next().then((line) => JSON.parse(line) as AttackerReport)
  return { child, ids, report }
}

function pushHistogram(records: JobRecord[], events: ChaosRequester['events']): Record<string, number> {
  const pushed = new Map<string, number>()
  for (const e of events) if (e.type === 'job:posted') pushed.set(e.jobId, e.pushedTo)
  const out: Record<string, number> = {}
  for (const r of records) {
    const key = `${r.phase === 'completed' ? 'done' : 'lost'}/${pushed.get(r.jobId) ?? '?'}`
    out[key] = (out[key] ?? 0) + 1
  }
  return out
}

function placementMs(r: JobRecord): number | undefined {
  const accepted = r.awards.map((a) => a.acceptedAt).filter((t): t is number => t !== undefined)
  return accepted.length === 0 ? undefined : Math.min(...accepted) - r.postedAt
}

export async function runSybilFlood(opts: SybilFloodOptions): Promise<SybilFloodReport> {
  const say = opts.say ?? (() => {})
  const cpuScore = runCpuBenchmark().score
  const started = Date.now()
  const root = mkdtempSync(join(tmpdir(), 'hive-chaos-sybil-'))
  const random = seededRandom(opts.seed)
  const pool = new WorkerPool({ size: 2 })
  let req: ChaosRequester | undefined
  let fleet: Fleet | undefined
  const attackers: AttackerProcess[] = []
  let watchCuts: NodeJS.Timeout | undefined
  try {
    req = await startChaosRequester({ root, dhtServer: true })
    await pool.start()
    const f = new Fleet({ root, requester: req.node, mode: 'in-process', pool })
    fleet = f
    say(`starting ${opts.providers} providers (in-process)`)
    for (let i = 0; i < opts.providers; i++) await f.spawn()
    const jobs = async (n: number): Promise<JobRecord[]> =>
      await runJobs({
        requester: req!.requester,
        k1Jobs: n,
        k2Jobs: 0,
        holdMs: opts.holdMs,
        concurrency: opts.concurrency,
        bidWindowMs: opts.bidWindowMs,
        random,
        say,
      })
    if ((opts.warmupJobs ?? 0) > 0) {
      say(`warm-up: ${opts.warmupJobs} jobs (not counted)`)
      await jobs(opts.warmupJobs ?? 0)
    }
    say(`quiet run: ${opts.quietJobs} jobs`)
    const loop = monitorEventLoopDelay({ resolution: 10 })
    loop.enable()
    const quiet = await jobs(opts.quietJobs)
    const quietLoopP99 = loop.percentile(99) / 1e6
    loop.reset()
    const rssBefore = process.memoryUsage().rss
    const heapBefore = settledHeap()

    const topics = classJobTopics('wasm', DEFAULT_SETTINGS.jobShards)
    const targetNodes = [req.node, ...[...f.nodesById.values()].slice(0, 2)]
    const targets = targetNodes.map((n) => n.libp2p.getMultiaddrs()[0].toString())
    const processes = Math.ceil(opts.attackers / opts.perProcess)
    const nice = opts.attackerNice ?? 19
    say(`starting ${opts.attackers} attackers in ${processes} processes, ${opts.ratePerSec} msg/s in total`)
    for (let i = 0; i < processes; i++) {
      const count = Math.min(opts.perProcess, opts.attackers - i * opts.perProcess)
      attackers.push(
        await startAttackers(
          i,
          {
            count,
            targets,
            topics,
            ratePerSec: (opts.ratePerSec * count) / opts.attackers,
            oversizeBytes: 300 * 1024,
            honest: [req.node, ...f.nodesById.values()].map((n) => n.peerId.toString()),
            ...(opts.attacks !== undefined ? { attacks: opts.attacks } : {}),
          },
          nice,
        ),
      )
    }
    const attackerIds = attackers.flatMap((a) => a.ids)
    // when each flooded node first refused each attacker (polled: up to one interval late)
    const cutAt = new Map<string, number>()
    watchCuts = setInterval(() => {
      for (const n of targetNodes) {
        const q = quarantineOf(n.libp2p)
        const target = n.peerId.toString()
        for (const id of attackerIds)
          if (!cutAt.has(`${target} ${id}`) && q?.has(id) === true) cutAt.set(`${target} ${id}`, Date.now())
      }
    }, 200)
    say(`flood run: ${opts.floodJobs} jobs`)
    const floodStarted = Date.now()
    const flood = await jobs(opts.floodJobs)
    const rest = (opts.minFloodMs ?? 0) - (Date.now() - floodStarted)
    if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest))
    const floodEnded = Date.now()
    const floodMs = floodEnded - floodStarted
    clearInterval(watchCuts)
    const rssAfter = process.memoryUsage().rss
    const heapAfter = settledHeap()
    const floodLoopP99 = loop.percentile(99) / 1e6
    loop.disable()
    const providerGossip: Record<string, number> = {}
    const reqresp: Record<string, Record<string, number>> = {}
    for (const n of [req.node, ...f.nodesById.values()]) {
      const market = n.services.market as { provider?: { gossipStats: () => Record<string, number> } } | undefined
      for (const [k, v] of Object.entries(market?.provider?.gossipStats() ?? {}))
        providerGossip[k] = (providerGossip[k] ?? 0) + v
      for (const [protocol, outcomes] of Object.entries(n.counters.snapshot()))
        for (const [k, v] of Object.entries(outcomes)) (reqresp[protocol] ??= {})[k] = (reqresp[protocol][k] ?? 0) + v
    }

    // scored where the attackers' gossip is validated: at the providers and at the requester (it
    // joins the job topics it posts on); an attacker's score is its lowest at any of them
    // (gossipsub keeps a disconnected peer's score for an hour)
    const scorers = [req.node, ...f.nodesById.values()].map(
      (n) => n.libp2p.services.pubsub as unknown as { getScore: (id: string) => number },
    )
    const scores = attackerIds.map((id) => Math.min(...scorers.map((p) => p.getScore(id))))
    const quarantines = [req.node, ...f.nodesById.values()].map((n) => quarantineOf(n.libp2p))
    const quarantined = attackerIds.filter((id) => quarantines.some((q) => q?.has(id) === true)).length
    const honestIds = [req.node, ...f.nodesById.values()].map((n) => n.peerId.toString())
    const honestQuarantined = honestIds.filter((id) => quarantines.some((q) => q?.has(id) === true)).length
    const honestPenalised = honestIds.filter((id) => scorers.some((p) => p.getScore(id) < 0)).length
    const connected = new Set(req.node.libp2p.getConnections().map((c) => c.remotePeer.toString()))
    for (const a of attackers) a.child.kill('SIGTERM')
    const counts: Record<string, number> = {}
    const reports = await Promise.all(attackers.map(async (a) => await a.report))
    for (const r of reports) for (const [k, v] of Object.entries(r.counts)) counts[k] = (counts[k] ?? 0) + v
    const afterCut = messagesAfterCut(
      reports.flatMap((r) => r.fromTargets),
      cutAt,
      floodEnded - 10_000,
    )
    const lastCut = cutAt.size === 0 ? null : Math.max(...cutAt.values()) - floodStarted
    const all = [...quiet, ...flood]
    const figures = jobFigures(all)
    const p99 = (rs: JobRecord[]): number | null =>
      percentile(
        rs.map(placementMs).filter((t): t is number => t !== undefined),
        99,
      )
    const quietP99 = p99(quiet)
    const floodP99 = p99(flood)
    let doublePaid = 0
    for (const r of all) {
      const delivered = r.awards.filter((a) => a.status === 'delivered' && a.outputCid === r.outputCid)
      if (delivered.length > r.redundancy || delivered.some((a) => a.revokedAt !== undefined)) doublePaid++
    }
    return {
      scenario: 'sybil-flood',
      mode: 'in-process',
      providers: opts.providers,
      attackers: attackerIds.length,
      ratePerSec: opts.ratePerSec,
      attackerNice: nice,
      attemptedPerSec: Math.round(
        (((counts.garbage ?? 0) + (counts.oversized ?? 0) + (counts.replayed ?? 0) + (counts.publishErrors ?? 0)) *
          1_000) /
          floodMs,
      ),
      jobs: figures.jobs,
      completed: figures.completed,
      lostJobs: figures.lostJobs,
      failures: figures.failures,
      doublePaid,
      noncesBackwards: null,
      payments: 'off',
      quietPlacementP99Ms: quietP99,
      floodPlacementP99Ms: floodP99,
      placementP99Ratio:
        quietP99 === null || floodP99 === null || quietP99 === 0 ? null : Math.round((floodP99 / quietP99) * 100) / 100,
      graylistedAttackers: scores.filter((s) => s < GOSSIP_SCORE_THRESHOLDS.graylistThreshold).length,
      penalisedAttackers: scores.filter((s) => s < 0).length,
      quarantinedAttackers: quarantined,
      attackersConnected: attackerIds.filter((id) => connected.has(id)).length,
      attackerJobMessagesLast10s: counts.jobMessagesLast10s ?? 0,
      attackerJobMessagesFromTargetsAfterCut: afterCut,
      lastCutMs: lastCut,
      attackerCounts: counts,
      rssGrowthMb: Math.round((rssAfter - rssBefore) / 1024 / 1024),
      heapGrowthMb: Math.round((heapAfter - heapBefore) / 1024 / 1024),
      diagnostics: {
        eventLoopP99Ms: { quiet: Math.round(quietLoopP99), flood: Math.round(floodLoopP99) },
        providerGossip,
        reqresp,
        honestQuarantined,
        honestPenalised,
        pushedTo: pushHistogram(flood, req.events),
      },
      durationMs: Date.now() - started,
      cpuScore,
    }
  } finally {
    clearInterval(watchCuts)
    for (const a of attackers) a.child.kill('SIGKILL')
    await fleet?.stop()
    await req?.stop()
    await pool.stop()
    rmSync(root, { recursive: true, force: true })
  }
}

/** the JS heap in use after two full collections (gc exposed at run time for this measurement) */
function settledHeap(): number {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  gc()
  gc()
  return process.memoryUsage().heapUsed
}
