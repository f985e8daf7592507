// Chaos scenario 2 (issue 16), crash at every step, the provider's market steps so far: for each
// failpoint of node/util/failpoints.ts, a provider process that dies (SIGKILL to itself) at that
// step wins a k = 1 job (it bids cheapest), and is restarted afterwards. The job must end in a
// defined state: completed by another provider, the dead one's award revoked or dropped, its slot
// accepted once. Payment steps (voucher signed / acknowledged, channel close) and the requester's
// steps are not covered yet: they need a chain, and a requester restart fails its open jobs
// (REQUESTER_RESTARTED) by design.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../node/config.ts'
import { createHiveNode } from '../../node/create.ts'
import { marketService } from '../../node/market/service.ts'
import { runCpuBenchmark } from '../../node/hardware/index.ts'
import type { Failpoint } from '../../node/util/failpoints.ts'
import { Fleet } from './fleet.ts'
import { CHAOS_HARDWARE } from './hardware.ts'
import { helloModule } from './held-executor.ts'
import type { JobEvent } from '../../node/market/events.ts'

/** the provider's market steps: the ones this payment-free form covers (crash-steps-paid.ts: all) */
const MARKET_STEPS: readonly Failpoint[] = [
  'provider:after-bid',
  'provider:after-accept',
  'provider:mid-fetch',
  'provider:mid-run',
  'provider:after-result',
]

export interface CrashStepOutcome {
  step: string
  phase: string
  failure?: string
  /** how the requester let go of the crashed provider's award */
  how: string
  /** post -> end */
  ms: number
  /** the crashed provider's process really died at its failpoint */
  crashed: boolean
}

export interface CrashStepsReport {
  scenario: 'crash-steps'
  jobs: number
  completed: number
  lostJobs: number
  doublePaid: number
  noncesBackwards: number | null
  payments: 'off'
  crashStepsCovered: { provider: number; requester: number }
  steps: CrashStepOutcome[]
  durationMs: number
  cpuScore: number
}

export async function runCrashSteps(opts: {
  holdMs: number
  steps?: readonly Failpoint[]
  say?: (text: string) => void
}): Promise<CrashStepsReport> {
  const say = opts.say ?? (() => {})
  const cpuScore = runCpuBenchmark().score
  const started = Date.now()
  const root = mkdtempSync(join(tmpdir(), 'hive-chaos-crash-'))
  const events: JobEvent[] = []
  const requesterNode = await createHiveNode(
    loadConfig({
      dataDir: join(root, 'requester'),
      flags: { listen: ['/ip4/127.0.0.1/tcp/0'], roles: 'requester', mdns: false, allowPrivateAddrs: true },
    }),
    {
      hardware: CHAOS_HARDWARE,
      libp2pDatastore: 'memory',
      services: {
        market: marketService({
          onEvent: (e) => {
            events.push(e)
          },
        }),
      },
    },
  )
  await requesterNode.start()
  const requester = requesterNode.services.market!.requester!
  const fleet = new Fleet({ root, requester: requesterNode, mode: 'process' })
  const steps: CrashStepOutcome[] = []
  let doublePaid = 0
  try {
    // two honest providers, dearer than the one that crashes
    await fleet.spawn({ price: '0.002' })
    await fleet.spawn({ price: '0.003' })
    const module = await helloModule('done\n')
    for (const step of opts.steps ?? MARKET_STEPS) {
      say(`step ${step}`)
      const victim = await fleet.spawn({ price: '0.001', env: { HIVE_FAILPOINTS: step } })
      const t0 = Date.now()
      const { jobId } = await requester.post({
        module,
        args: [`hold=${opts.holdMs}`],
        maxPrice: 10n ** 18n,
        bidWindowMs: 3_000,
        timeoutMs: 90_000,
        limits: { wallTimeMs: 30_000 },
        // no early award: the award waits for the window's close, when the cheapest (crashing) bid is surely in
        // and on price alone: a fresh victim has no reputation yet, which the selection rule would weigh
        policy: { reserve: 16, weights: { price: 1, reputation: 0, stake: 0, benchmark: 0, latency: 0 } },
        // every provider may bid (no bid lottery, issue 14): the scenario picks its victims among
        // the bidders, and a fresh provider must be able to win at once
        maxBidders: 0,
      })
      const record = await requester.wait(jobId)
      const exit = fleet.exits.get(victim.peerId)
      const crashed =
        exit === undefined
          ? false
          : await Promise.race([
              exit.then(() => true),
              new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5_000)),
            ])
      const first = record.awards.find((a) => a.provider === victim.peerId)
      const how =
        first === undefined
          ? 'never awarded'
          : first.revokedAt !== undefined
            ? 'revoked'
            : (first.failure ?? first.status)
      steps.push({
        step,
        phase: record.phase,
        ...(record.failure !== undefined ? { failure: record.failure.reason } : {}),
        how,
        ms: Date.now() - t0,
        crashed,
      })
      const accepted = record.awards.filter((a) => a.status === 'delivered' && a.outputCid === record.outputCid)
      if (accepted.length > record.redundancy || accepted.some((a) => a.revokedAt !== undefined)) doublePaid++
      // the crashed provider comes back (a new process on a new data dir) before the next step
      await fleet.kill(victim.peerId)
      await fleet.spawn({ price: '0.004' })
    }
  } finally {
    await fleet.stop()
    await requesterNode.stop().catch(() => {})
    rmSync(root, { recursive: true, force: true })
  }
  const completed = steps.filter((s) => s.phase === 'completed').length
  return {
    scenario: 'crash-steps',
    jobs: steps.length,
    completed,
    lostJobs: steps.length - completed,
    doublePaid,
    noncesBackwards: null,
    payments: 'off',
    crashStepsCovered: { provider: steps.filter((s) => s.crashed).length, requester: 0 },
    steps,
    durationMs: Date.now() - started,
    cpuScore,
  }
}
