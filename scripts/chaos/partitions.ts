// Chaos scenario 4 (issue 16), partitions: in-process nodes whose connection gaters obey one
// partition table (node/p2p/partition.ts), so that the harness can cut links and heal them.
//   1. For each cut length (10 s and 60 s by default): a k = 1 job is awarded, and its provider is
//      cut off from the requester mid-run (both sides refuse to connect, open connections hung
//      up). The job must complete elsewhere; once the cut heals, the report says how long the
//      provider took to be back in the requester's connections and in its jobs-topic view.
//   2. The network split in halves (the requester with half the providers, the other half alone)
//      for `splitMs` while jobs run, then healed: the jobs must complete (on the requester's half),
//      and the report says how long after the heal the providers' gossip meshes were back to
//      their size before the split, every provider of the far half was in its jobs-topic view again,
//      and a DHT lookup from the far half found a peer of the near half.
// Jobs are paid by escrow on a Hardhat chain; `doublePaid` is counted from the chain.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { WorkerPool } from '../../node/exec/index.ts'
import { runCpuBenchmark } from '../../node/hardware/index.ts'
import { PartitionTable } from '../../node/p2p/partition.ts'
import { classJobTopics } from '../../protocol/topics.ts'
import { DEFAULT_SETTINGS } from '../../node/config.ts'
import { settledPayouts } from './dead-providers.ts'
import { Fleet } from './fleet.ts'
import { helloModule } from './held-executor.ts'
import { describeFailure, jobFigures, runJobs } from './job-runner.ts'
import { startPaidChain } from './paid-chain.ts'
import { startChaosRequester } from './requester-node.ts'
import { seededRandom } from './stats.ts'
import type { HiveNode } from '../../node/node.ts'
import type { JobRecord } from '../../node/market/job-record.ts'
import type { PaidChain } from './paid-chain.ts'
import type { PayoutCheck } from './payout-check.ts'
import type { ChaosRequester } from './requester-node.ts'

export interface PartitionsOptions {
  providers: number
  /** how long each mid-job cut lasts */
  cutsMs: number[]
  splitMs: number
  /** jobs posted while the network is split (k = 1; a fifth of them k = 2) */
  splitJobs: number
  holdMs: number
  bidWindowMs: number
  /** how long to wait for a recovery before calling it not recovered */
  recoveryCapMs: number
  payments: 'escrow' | 'off'
  seed: number
  say?: (text: string) => void
}

export interface CutResult {
  cutMs: number
  /** the cut job: completed on another provider? */
  completed: boolean
  /** cut -> the award revoked */
  detectionMs: number | null
  jobMs: number
  /** heal -> a connection between the requester and the cut provider again (null: not within the cap) */
  reconnectMs: number | null
  /** heal -> the cut provider back among the requester's jobs-topic subscribers */
  topicMs: number | null
}

export interface PartitionsReport {
  scenario: 'partitions'
  mode: 'in-process'
  providers: number
  jobs: number
  completed: number
  lostJobs: number
  failures: Record<string, number>
  doublePaid: number | null
  noncesBackwards: number | null
  payments: 'escrow' | 'off'
  chain?: Omit<PayoutCheck, 'doublePaid'>
  cuts: CutResult[]
  split: {
    splitMs: number
    jobs: number
    completed: number
    /** the providers' jobs-topic mesh links (summed) before the split, and at their fewest during it */
    meshBefore: number
    meshDuring: number
    /** heal -> the providers' mesh links back to their number before the split */
    meshRecoveryMs: number | null
    /** the providers' mesh links when the recovery wait ended */
    meshAfter: number
    /** heal -> every far-half provider among the requester's jobs-topic subscribers again */
    topicRecoveryMs: number | null
    /** heal -> a DHT lookup from a far-half provider returns a near-half peer */
    dhtRecoveryMs: number | null
  }
  recoveryCapMs: number
  durationMs: number
  cpuScore: number
}

export const PARTITIONS_DEFAULTS: PartitionsOptions = {
  providers: 10,
  cutsMs: [10_000, 60_000],
  splitMs: 30_000,
  splitJobs: 20,
  holdMs: 3_000,
  bidWindowMs: 3_000,
  recoveryCapMs: 120_000,
  payments: 'escrow',
  seed: 16,
}

const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

/** ms from now until `check` holds (polled every 100 ms), or null when it did not within `capMs` */
async function timeUntil(check: () => boolean | Promise<boolean>, capMs: number): Promise<number | null> {
  const t0 = Date.now()
  while (Date.now() - t0 <= capMs) {
    if (await check()) return Date.now() - t0
    await sleep(100)
  }
  return null
}

function connected(a: HiveNode, b: string): boolean {
  return a.libp2p.getConnections().some((c) => c.remotePeer.toString() === b && c.status === 'open')
}

async function hangUp(a: HiveNode, b: HiveNode): Promise<void> {
  await a.libp2p.hangUp(b.peerId).catch(() => {})
  await b.libp2p.hangUp(a.peerId).catch(() => {})
}

export async function runPartitions(opts: PartitionsOptions): Promise<PartitionsReport> {
  const say = opts.say ?? (() => {})
  const cpuScore = runCpuBenchmark().score
  const started = Date.now()
  const root = mkdtempSync(join(tmpdir(), 'hive-chaos-part-'))
  const random = seededRandom(opts.seed)
  const partition = new PartitionTable()
  let paid: PaidChain | undefined
  const pool = new WorkerPool({ size: 2 })
  let req: ChaosRequester | undefined
  let fleet: Fleet | undefined
  try {
    if (opts.payments === 'escrow') paid = await startPaidChain(root, say)
    const me: { id?: string } = {}
    req = await startChaosRequester({
      root,
      ...(paid !== undefined ? { paid } : {}),
      connectionGater: partition.gaterFor(() => me.id),
      dhtServer: true,
    })
    me.id = req.node.peerId.toString()
    await pool.start()
    const f = new Fleet({
      root,
      requester: req.node,
      mode: 'in-process',
      pool,
      partition,
      ...(paid !== undefined ? { paid: { settings: paid.settings, wallet: paid.providerWallet } } : {}),
    })
    fleet = f
    say(`starting ${opts.providers} providers (in-process)`)
    for (let i = 0; i < opts.providers; i++) await f.spawn()
    const requesterNode = req.node
    const requester = req.requester
    // job topics are sharded (a provider joins some shards): "on the jobs topic" means on any of them
    const topics = classJobTopics('wasm', DEFAULT_SETTINGS.jobShards)
    const pubsub = requesterNode.libp2p.services.pubsub
    const subscribed = (peer: string): boolean =>
      topics.some((t) => pubsub.getSubscribers(t).some((p) => p.toString() === peer))
    // the providers' jobs-topic meshes, summed (the requester publishes without joining the mesh);
    // gossipsub has getMeshPeers, the pubsub interface the node's services are typed with does not
    const meshSize = (): number =>
      [...f.nodesById.values()].reduce(
        (n, node) =>
          n +
          topics.reduce(
            (m, t) =>
              m +
              (node.libp2p.services.pubsub as unknown as { getMeshPeers: (t: string) => string[] }).getMeshPeers(t)
                .length,
            0,
          ),
        0,
      )
    const module = await helloModule('done\n')
    const records: JobRecord[] = []
    const payment = paid !== undefined ? { payment: 'escrow' as const } : {}

    // --- 1. a provider cut off from the requester mid-job ---
    const cuts: CutResult[] = []
    for (const cutMs of opts.cutsMs) {
      const { jobId } = await requester.post({
        module,
        args: [`hold=${opts.holdMs}`],
        maxPrice: 10n ** 18n,
        redundancy: 1,
        bidWindowMs: opts.bidWindowMs,
        timeoutMs: 120_000,
        limits: { wallTimeMs: 60_000 },
        ...payment,
      })
      const posted = Date.now()
      const done = requester.wait(jobId)
      let ended = false
      void done.then(() => (ended = true))
      let award: { provider: string } | undefined
      await timeUntil(
        () => ended || (award = [...req!.running.values()].find((a) => a.jobId === jobId)) !== undefined,
        120_000,
      )
      if (award === undefined) {
        // the job ended (or never got an award) before anyone could be cut off: say so, go on
        const record = await done
        records.push(record)
        say(`the job of the ${cutMs} ms cut ended before it could be cut: ${describeFailure(record)}`)
        cuts.push({
          cutMs,
          completed: record.phase === 'completed',
          detectionMs: null,
          jobMs: (record.completedAt ?? Date.now()) - posted,
          reconnectMs: null,
          topicMs: null,
        })
        continue
      }
      const victim = award.provider
      // mid-run: a third of the hold in
      await sleep(opts.holdMs / 3)
      const cutAt = Date.now()
      partition.cut(me.id, victim)
      const victimNode = f.nodesById.get(victim)
      if (victimNode !== undefined) await hangUp(requesterNode, victimNode)
      say(`cut ${victim.slice(-6)} off the requester for ${cutMs} ms`)
      const record = await done
      records.push(record)
      const revoked = req.events.find((e) => e.type === 'job:revoked' && e.jobId === jobId && e.provider === victim)
      const left = cutMs - (Date.now() - cutAt)
      if (left > 0) await sleep(left)
      partition.heal(me.id, victim)
      // nothing of ours dials a healed peer on purpose: whatever reconnects is the node's own doing
      const [reconnectMs, topicMs] = await Promise.all([
        timeUntil(() => connected(requesterNode, victim), opts.recoveryCapMs),
        timeUntil(() => subscribed(victim), opts.recoveryCapMs),
      ])
      cuts.push({
        cutMs,
        completed: record.phase === 'completed',
        detectionMs: revoked === undefined ? null : revoked.at - cutAt,
        jobMs: (record.completedAt ?? Date.now()) - posted,
        reconnectMs,
        topicMs,
      })
      say(`cut of ${cutMs} ms: ${JSON.stringify(cuts.at(-1))}`)
    }

    // --- 2. the network split in halves, then healed ---
    const ids = [...f.members.keys()]
    const near = ids.slice(0, Math.ceil(ids.length / 2))
    const far = ids.slice(near.length)
    const meshBefore = meshSize()
    partition.split([me.id, ...near], far)
    for (const a of [requesterNode, ...near.map((id) => f.nodesById.get(id)!)])
      for (const b of far.map((id) => f.nodesById.get(id)!)) await hangUp(a, b)
    say(`split: requester + ${near.length} providers | ${far.length} providers, for ${opts.splitMs} ms`)
    const splitAt = Date.now()
    let meshDuring = meshBefore
    const watch = setInterval(() => {
      meshDuring = Math.min(meshDuring, meshSize())
    }, 200)
    const k2 = Math.floor(opts.splitJobs / 5)
    const splitRecords = await runJobs({
      requester,
      k1Jobs: opts.splitJobs - k2,
      k2Jobs: k2,
      holdMs: opts.holdMs,
      concurrency: 4,
      bidWindowMs: opts.bidWindowMs,
      ...payment,
      random,
      say,
    })
    records.push(...splitRecords)
    const left = opts.splitMs - (Date.now() - splitAt)
    if (left > 0) await sleep(left)
    clearInterval(watch)
    partition.heal()
    say('healed')
    const farNodes = far.map((id) => f.nodesById.get(id)!)
    const nearSet = new Set([me.id, ...near])
    const key = randomBytes(32)
    const [meshRecoveryMs, topicRecoveryMs, dhtRecoveryMs] = await Promise.all([
      timeUntil(() => meshSize() >= meshBefore, opts.recoveryCapMs),
      timeUntil(() => far.every(subscribed), opts.recoveryCapMs),
      timeUntil(async () => {
        try {
          for await (const e of farNodes[0].libp2p.services.dht.getClosestPeers(key, {
            signal: AbortSignal.timeout(5_000),
          }))
            if (e.name === 'FINAL_PEER' && nearSet.has(e.peer.id.toString())) return true
        } catch {
          // a lookup that fails or times out is a lookup that did not find the near half
        }
        return false
      }, opts.recoveryCapMs),
    ])
    const figures = jobFigures(records)
    const payouts = paid === undefined ? undefined : await settledPayouts(paid, records, f.peerByAddress, say)
    const { doublePaid, ...chain } = payouts ?? { doublePaid: null }
    return {
      scenario: 'partitions',
      mode: 'in-process',
      providers: opts.providers,
      jobs: figures.jobs,
      completed: figures.completed,
      lostJobs: figures.lostJobs,
      failures: figures.failures,
      doublePaid,
      noncesBackwards: null,
      payments: opts.payments,
      ...(payouts !== undefined ? { chain: chain as Omit<PayoutCheck, 'doublePaid'> } : {}),
      cuts,
      split: {
        splitMs: opts.splitMs,
        jobs: splitRecords.length,
        completed: splitRecords.filter((r) => r.phase === 'completed').length,
        meshBefore,
        meshDuring,
        meshRecoveryMs,
        meshAfter: meshSize(),
        topicRecoveryMs,
        dhtRecoveryMs,
      },
      recoveryCapMs: opts.recoveryCapMs,
      durationMs: Date.now() - started,
      cpuScore,
    }
  } finally {
    await fleet?.stop()
    await req?.stop()
    await paid?.stop()
    await pool.stop()
    rmSync(root, { recursive: true, force: true })
  }
}
