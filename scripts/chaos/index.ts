// `npm run chaos -- <scenario> [options]`: one fault scenario of issue 16, run end to end; progress
// on stderr, and as the last stdout line one JSON object with its figures.
//   dead-providers [--providers N] [--k1-jobs N] [--k2-jobs N] [--kill-every N] [--hold-ms MS]
//                  [--concurrency N] [--bid-window MS] [--in-process] [--no-payments] [--seed N]
//   crash-steps [--hold-ms MS]      (a provider dies at each failpoint of node/util/failpoints.ts)
import { runCrashSteps } from './crash-steps.ts'
import { DEAD_PROVIDERS_DEFAULTS, runDeadProviders } from './dead-providers.ts'

const SCENARIOS = ['dead-providers', 'crash-steps'] as const
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
} else if (scenario === 'crash-steps') {
  const result = await runCrashSteps({ holdMs: num('hold-ms', 2_000), say })
  process.stdout.write(JSON.stringify(result) + '\n')
  process.exit(result.lostJobs === 0 && result.doublePaid === 0 ? 0 : 1)
} else {
  console.error(
    `usage: npm run chaos -- <scenario> [options]\nscenarios: ${SCENARIOS.join(', ')} (the others of issue 16 are not built yet)`,
  )
  process.exit(2)
}
