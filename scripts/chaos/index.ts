// `npm run chaos -- <scenario> [options]`: one fault scenario of issue 16, run end to end; progress
// on stderr, and as the last stdout line one JSON object with its figures.
//   dead-providers [--providers N] [--k1-jobs N] [--k2-jobs N] [--kill-every N] [--hold-ms MS]
//                  [--concurrency N] [--bid-window MS] [--in-process] [--no-payments] [--seed N]
//   churn [--providers N] [--k1-jobs N] [--k2-jobs N] [--min-gap MS] [--max-gap MS] [--hold-ms MS]
//         [--concurrency N] [--bid-window MS] [--in-process] [--no-payments] [--seed N]
//   requester-churn [--providers N] [--requesters N] [--leaves N] [--min-gap MS] [--max-gap MS] [--hold-ms MS]
//                   [--concurrency N] [--bid-window MS] [--seed N]   (requester processes leave and join)
//   partitions [--providers N] [--cuts MS,MS] [--split-ms MS] [--split-jobs N] [--hold-ms MS]
//              [--recovery-cap MS] [--no-payments] [--seed N]     (in-process: gaters obey one partition table)
//   sybil-flood [--providers N] [--attackers N] [--per-process N] [--rate N] [--attacker-nice N]
//               [--warmup-jobs N] [--quiet-jobs N] [--jobs N] [--min-flood-ms MS] [--hold-ms MS]
//               [--concurrency N] [--attacks gossip,streams,dht] [--seed N]
//   chain-faults [--providers N] [--escrow-jobs N] [--channel-jobs N] [--reorgs N] [--reorg-jobs N]
//                [--outage-ms MS] [--seed N]   (RPC fault proxies, reorgs, an RPC outage during a close)
//   soak [--providers N] [--rate N] [--minutes N] [--bid-window MS] [--max-in-flight N] [--in-process]
//        [--heap-snapshots DIR]
//        (not in npm test)
//   disk-clock [--providers N] [--skew-ms MS] [--k1-jobs N] [--k2-jobs N] [--concurrency N] [--seed N]
//              [--disk-faults full,fsync-eio,write-eio|none] [--disk-jobs N]
//              (clocks 2 min off, corrected by peers; a provider's disk full, fsync or writes failing: root)
//   crash-steps [--hold-ms MS] [--steps a,b] [--no-chain]
//                  (a node of each role dies at each failpoint of node/util/failpoints.ts, with channel
//                  payments on a Hardhat chain; --no-chain: the provider's market steps only, unpaid)
import { runCrashSteps } from './crash-steps.ts'
import { runPaidCrashSteps } from './crash-steps-paid.ts'
import { FAILPOINTS } from '../../node/util/failpoints.ts'
import type { Failpoint } from '../../node/util/failpoints.ts'
import { DEAD_PROVIDERS_DEFAULTS, runDeadProviders } from './dead-providers.ts'
import { CHURN_DEFAULTS, runChurn } from './churn.ts'
import { PARTITIONS_DEFAULTS, runPartitions } from './partitions.ts'
import { REQUESTER_CHURN_DEFAULTS, runRequesterChurn } from './requester-churn.ts'
import { SYBIL_FLOOD_DEFAULTS, runSybilFlood } from './sybil-flood.ts'
import { CHAIN_FAULTS_DEFAULTS, runChainFaults } from './chain-faults.ts'
import { SOAK_DEFAULTS, runSoak } from './soak.ts'
import { DISK_CLOCK_DEFAULTS, runDiskClock } from './disk-clock.ts'
import { DISK_FAULTS } from './disk.ts'
import type { DiskFault } from './disk.ts'

const SCENARIOS = [
  'dead-providers',
  'crash-steps',
  'churn',
  'requester-churn',
  'partitions',
  'sybil-flood',
  'chain-faults',
  'soak',
  'disk-clock',
] as const
const [scenario, ...args] = process.argv.slice(2)

function num(name: string, fallback: number, min = 0): number {
  const i = args.indexOf(`--${name}`)
  if (i < 0) return fallback
  const n = Number(args[i + 1])
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} needs a whole number >= ${min}, got ${String(args[i + 1])}`)
    process.exit(2)
  }
  return n
}

function diskFaults(fallback: readonly DiskFault[]): readonly DiskFault[] {
  const i = args.indexOf('--disk-faults')
  if (i < 0) return fallback
  const given = String(args[i + 1])
  if (given === 'none') return []
  const list = given.split(',')
  const bad = list.filter((f) => !(DISK_FAULTS as readonly string[]).includes(f))
  if (bad.length > 0 || list.length === 0) {
    console.error(`--disk-faults takes a list of ${DISK_FAULTS.join(', ')} (or none); unknown: ${bad.join(', ')}`)
    process.exit(2)
  }
  return list as DiskFault[]
}

const say = (text: string): void => {
  process.stderr.write(`[chaos ${scenario}] ${text}\n`)
}

if (scenario === 'dead-providers') {
  const d = DEAD_PROVIDERS_DEFAULTS
  const result = await runDeadProviders({
    providers: num('providers', d.providers, 2),
    k1Jobs: num('k1-jobs', d.k1Jobs),
    k2Jobs: num('k2-jobs', d.k2Jobs),
    killEvery: num('kill-every', d.killEvery, 1),
    holdMs: num('hold-ms', d.holdMs),
    concurrency: num('concurrency', d.concurrency, 1),
    bidWindowMs: num('bid-window', d.bidWindowMs, 1),
    mode: args.includes('--in-process') ? 'in-process' : 'process',
    payments: args.includes('--no-payments') ? 'off' : 'escrow',
    seed: num('seed', d.seed),
    say,
  })
  process.stdout.write(JSON.stringify(result) + '\n')
  process.exit(result.lostJobs === 0 && result.doublePaid === 0 ? 0 : 1)
} else if (scenario === 'churn') {
  const d = CHURN_DEFAULTS
  const result = await runChurn({
    providers: num('providers', d.providers, 2),
    k1Jobs: num('k1-jobs', d.k1Jobs),
    k2Jobs: num('k2-jobs', d.k2Jobs),
    minGapMs: num('min-gap', d.minGapMs, 1),
    maxGapMs: num('max-gap', d.maxGapMs, 1),
    holdMs: num('hold-ms', d.holdMs),
    concurrency: num('concurrency', d.concurrency, 1),
    bidWindowMs: num('bid-window', d.bidWindowMs, 1),
    mode: args.includes('--in-process') ? 'in-process' : 'process',
    payments: args.includes('--no-payments') ? 'off' : 'escrow',
    seed: num('seed', d.seed),
    say,
  })
  process.stdout.write(JSON.stringify(result) + '\n')
  process.exit(result.lostJobs === 0 && result.doublePaid === 0 ? 0 : 1)
} else if (scenario === 'requester-churn') {
  const d = REQUESTER_CHURN_DEFAULTS
  const result = await runRequesterChurn({
    providers: num('providers', d.providers, 1),
    requesters: num('requesters', d.requesters, 1),
    leaves: num('leaves', d.leaves, 1),
    minGapMs: num('min-gap', d.minGapMs, 1),
    maxGapMs: num('max-gap', d.maxGapMs, 1),
    holdMs: num('hold-ms', d.holdMs),
    concurrency: num('concurrency', d.concurrency, 1),
    bidWindowMs: num('bid-window', d.bidWindowMs, 1),
    seed: num('seed', d.seed),
    say,
  })
  process.stdout.write(JSON.stringify(result) + '\n')
  const ok =
    result.lostJobs === 0 &&
    result.doublePaid === 0 &&
    result.afterChurn.completed === result.afterChurn.jobs &&
    result.afterChurn.providersBidding === result.providers
  process.exit(ok ? 0 : 1)
} else if (scenario === 'partitions') {
  const d = PARTITIONS_DEFAULTS
  const i = args.indexOf('--cuts')
  const cutsMs =
    i < 0
      ? d.cutsMs
      : String(args[i + 1])
          .split(',')
          .map(Number)
  if (cutsMs.some((n) => !Number.isInteger(n) || n < 0)) {
    console.error('--cuts needs whole numbers of ms, e.g. 10000,60000')
    process.exit(2)
  }
  const result = await runPartitions({
    providers: num('providers', d.providers, 2),
    cutsMs,
    splitMs: num('split-ms', d.splitMs),
    splitJobs: num('split-jobs', d.splitJobs),
    holdMs: num('hold-ms', d.holdMs),
    bidWindowMs: num('bid-window', d.bidWindowMs, 1),
    recoveryCapMs: num('recovery-cap', d.recoveryCapMs, 1),
    payments: args.includes('--no-payments') ? 'off' : 'escrow',
    seed: num('seed', d.seed),
    say,
  })
  process.stdout.write(JSON.stringify(result) + '\n')
  process.exit(result.lostJobs === 0 && result.doublePaid === 0 ? 0 : 1)
} else if (scenario === 'sybil-flood') {
  const d = SYBIL_FLOOD_DEFAULTS
  const result = await runSybilFlood({
    providers: num('providers', d.providers, 1),
    attackers: num('attackers', d.attackers, 1),
    perProcess: num('per-process', d.perProcess, 1),
    ratePerSec: num('rate', d.ratePerSec, 1),
    attackerNice: Math.min(19, num('attacker-nice', 19)),
    quietJobs: num('quiet-jobs', d.quietJobs, 1),
    warmupJobs: num('warmup-jobs', d.warmupJobs ?? 0),
    minFloodMs: num('min-flood-ms', d.minFloodMs ?? 0),
    floodJobs: num('jobs', d.floodJobs, 1),
    holdMs: num('hold-ms', d.holdMs),
    concurrency: num('concurrency', d.concurrency, 1),
    bidWindowMs: num('bid-window', d.bidWindowMs, 1),
    ...(args.includes('--attacks')
      ? { attacks: String(args[args.indexOf('--attacks') + 1]).split(',') as Array<'gossip' | 'streams' | 'dht'> }
      : {}),
    seed: num('seed', d.seed),
    say,
  })
  process.stdout.write(JSON.stringify(result) + '\n')
  process.exit(result.lostJobs === 0 && result.doublePaid === 0 ? 0 : 1)
} else if (scenario === 'soak') {
  const d = SOAK_DEFAULTS
  const result = await runSoak({
    ...d,
    providers: num('providers', d.providers, 1),
    mode: args.includes('--in-process') ? 'in-process' : 'process',
    // jobs a second may be a fraction (a loaded machine carries less than one)
    rate: args.includes('--rate') ? Number(args[args.indexOf('--rate') + 1]) || d.rate : d.rate,
    minutes: num('minutes', d.minutes, 1),
    bidWindowMs: num('bid-window', d.bidWindowMs, 1),
    maxInFlight: num('max-in-flight', d.maxInFlight, 1),
    ...(args.includes('--heap-snapshots') ? { heapSnapshots: String(args[args.indexOf('--heap-snapshots') + 1]) } : {}),
    say,
  })
  process.stdout.write(JSON.stringify(result) + '\n')
  process.exit(result.lostJobs === 0 && result.doublePaid === 0 ? 0 : 1)
} else if (scenario === 'disk-clock') {
  const d = DISK_CLOCK_DEFAULTS
  const result = await runDiskClock({
    ...d,
    providers: num('providers', d.providers, 2),
    skewMs: num('skew-ms', d.skewMs),
    k1Jobs: num('k1-jobs', d.k1Jobs),
    k2Jobs: num('k2-jobs', d.k2Jobs),
    concurrency: num('concurrency', d.concurrency, 1),
    seed: num('seed', d.seed),
    diskFaults: diskFaults(d.diskFaults),
    diskJobs: num('disk-jobs', d.diskJobs, 1),
    say,
  })
  process.stdout.write(JSON.stringify(result) + '\n')
  const corrected = result.clocks.every((c) => c.correctedWithinMs !== null)
  const diskOk = Array.isArray(result.disk)
    ? result.disk.every(
        (f) => f.code !== null && f.bidsWhileFailing === 0 && f.entriesMissing === 0 && f.servedAfterRestart,
      )
    : true
  process.exit(result.lostJobs === 0 && result.doublePaid === 0 && corrected && diskOk ? 0 : 1)
} else if (scenario === 'chain-faults') {
  const d = CHAIN_FAULTS_DEFAULTS
  const result = await runChainFaults({
    ...d,
    providers: num('providers', d.providers, 1),
    flakyEscrowJobs: num('escrow-jobs', d.flakyEscrowJobs),
    flakyChannelJobs: num('channel-jobs', d.flakyChannelJobs),
    reorgs: num('reorgs', d.reorgs),
    reorgJobs: num('reorg-jobs', d.reorgJobs),
    outageMs: num('outage-ms', d.outageMs),
    seed: num('seed', d.seed),
    say,
  })
  process.stdout.write(JSON.stringify(result) + '\n')
  const ok =
    result.lostJobs === 0 &&
    result.doublePaid === 0 &&
    result.anchorsResubmitted === result.anchorsDropped &&
    (result.watchtowerMarginMs ?? 0) > 0
  process.exit(ok ? 0 : 1)
} else if (scenario === 'crash-steps' && !args.includes('--no-chain')) {
  const i = args.indexOf('--steps')
  const steps = i < 0 ? undefined : (args[i + 1] ?? '').split(',')
  const unknown = steps?.filter((s) => !(FAILPOINTS as readonly string[]).includes(s)) ?? []
  if (unknown.length > 0) {
    console.error(`--steps: unknown failpoint(s) ${unknown.join(', ')}; known: ${FAILPOINTS.join(', ')}`)
    process.exit(2)
  }
  const result = await runPaidCrashSteps({
    holdMs: num('hold-ms', 1_000),
    ...(steps !== undefined ? { steps: steps as Failpoint[] } : {}),
    say,
  })
  process.stdout.write(JSON.stringify(result) + '\n')
  process.exit(result.lostJobs === 0 && result.doublePaid === 0 && result.noncesBackwards === 0 ? 0 : 1)
} else if (scenario === 'crash-steps') {
  const result = await runCrashSteps({ holdMs: num('hold-ms', 2_000), say })
  process.stdout.write(JSON.stringify(result) + '\n')
  process.exit(result.lostJobs === 0 && result.doublePaid === 0 ? 0 : 1)
} else {
  console.error(
    `usage: npm run chaos -- <scenario> [options]\nscenarios: ${SCENARIOS.join(', ')}` +
      ' (options: see the head of scripts/chaos/index.ts)',
  )
  process.exit(2)
}
