// `npm run testbed -- <scenario|all|clean> [--jobs N] [--jobs-k2 N] [--keep-logs]`
// Issue 13's multi-host testbed: Linux network namespaces as hosts, a router namespace as the
// internet, nftables NAT routers, loss and delay; each scenario prints one JSON line on stdout
// (progress on stderr). Root only. Everything it makes is torn down on exit and on signals;
// `clean` removes what a killed run left behind.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { ensureContractsBuilt } from '../../cli/devnet/chain.ts'
import { REPO_ROOT } from '../../cli/devnet/processes.ts'
import { buildExamples } from '../../examples/build.ts'
import { cleanLeftovers, ensureNft, isRoot, teardownRun } from './net.ts'
import { PROVIDER_COUNT, SCENARIOS, makeCorePlan, makeRunId, makeScenarioPlan } from './plan.ts'
import type { ScenarioName } from './plan.ts'
import { runScenario, startCore } from './scenario.ts'
import type { ScenarioReport } from './report.ts'

/** `all`: every scenario; upnp only where miniupnpd can run (see README) */
export const ALL: readonly ScenarioName[] = ['public', 'nat-easy', 'nat-hard', 'both-nat', 'lossy']

const USAGE = `usage: npm run testbed -- <${SCENARIOS.join('|')}|all|clean>... [--jobs N] [--jobs-k2 N] [--keep-logs]
  all      every scenario in turn
  clean    remove namespaces, processes and routes that killed runs left behind
  --jobs N       k=1 jobs per scenario (default 50)
  --jobs-k2 N    k=2 jobs per scenario (default 10)
  --keep-logs    keep the work dir (logs, data dirs) even when the run succeeds
  --relay-policy market|open   the bootstrap relay's policy (default market, docs/reach.md)`

const log = (s: string): void => {
  process.stderr.write(s + '\n')
}

/** What stops `run` from running here, or undefined. */
export function whyNot(): string | undefined {
  if (process.platform !== 'linux') return 'the testbed needs Linux network namespaces'
  if (!isRoot()) return 'the testbed needs root (ip netns, veth, nftables)'
  if (spawnSync('ip', ['netns', 'list']).status !== 0) return '`ip netns` does not work here'
  return undefined
}

/**
 * Why the testbed cannot run here, after trying what it needs: a namespace made and removed
 * (root in a container may list namespaces but not make them), and nftables, installed from
 * Debian when missing. `npm test` reports its testbed suite skipped with this reason.
 */
export function testbedUnavailable(): string | undefined {
  const why = whyNot()
  if (why !== undefined) return why
  const probe = `hb-probe-${process.pid}`
  const made = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' })
  spawnSync('ip', ['netns', 'delete', probe])
  if (made.status !== 0) return `cannot make a network namespace: ${made.stderr.trim()}`
  try {
    ensureNft(log)
  } catch (err) {
    return (err as Error).message
  }
  return undefined
}

export interface TestbedRun {
  reports: ScenarioReport[]
  failures: string[]
}

/** Runs scenarios one after another; each prints its JSON line through `emit`. */
export async function runTestbed(
  names: ScenarioName[],
  opts: {
    jobs: number
    jobsK2: number
    keepLogs: boolean
    relayPolicy?: 'market' | 'open'
    emit: (line: string) => void
  },
): Promise<TestbedRun> {
  ensureNft(log)
  log('build: CLI (dist/), contracts, example modules')
  if (spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/setup/build.mjs')], { stdio: 'inherit' }).status !== 0)
    throw new Error('CLI build failed')
  const workRoot = mkdtempSync(join(tmpdir(), 'hive-testbed-'))
  await ensureContractsBuilt(join(workRoot, 'hardhat-build.log'))
  const modules = await buildExamples()
  const reports: ScenarioReport[] = []
  const failures: string[] = []
  const runId = makeRunId(process.pid * 4096 + (Date.now() & 0xfff))
  const core = makeCorePlan(runId, 1000 + (process.pid % 100_000))
  const abort = new AbortController()
  const onSignal = (sig: NodeJS.Signals): void => {
    log(`\n${sig}: tearing the testbed down`)
    abort.abort()
    teardownRun(core)
    process.exit(130)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  process.on('SIGHUP', onSignal)
  // a crash anywhere still takes the namespaces down (teardownRun is idempotent)
  const onExit = (): void => {
    teardownRun(core)
  }
  process.on('exit', onExit)
  const tAll = Date.now()
  try {
    const started = await startCore(core, workRoot, log, opts.relayPolicy)
    try {
      for (const [i, name] of names.entries()) {
        const plan = makeScenarioPlan(core, name, i)
        const t0 = Date.now()
        try {
          const report = await runScenario({
            core: started,
            plan,
            index: i,
            jobs: opts.jobs,
            jobsK2: opts.jobsK2,
            modulePath: modules.primes,
            log,
            signal: abort.signal,
          })
          reports.push(report)
          opts.emit(JSON.stringify(report))
          log(`[${name}] done in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
        } catch (err) {
          failures.push(`${name}: ${(err as Error).message}`)
          // still one line per scenario: what stopped it, never a silent gap
          opts.emit(
            JSON.stringify({
              scenario: name,
              jobs: opts.jobs,
              jobsK2: opts.jobsK2,
              completed: 0,
              lost: opts.jobs + opts.jobsK2,
              error: (err as Error).message,
            }),
          )
          log(`[${name}] FAILED after ${((Date.now() - t0) / 1000).toFixed(1)} s: ${(err as Error).message}`)
        }
      }
    } finally {
      await started.stop()
    }
  } catch (err) {
    failures.push(`core: ${(err as Error).message}`)
    log(`core FAILED: ${(err as Error).message}`)
  } finally {
    teardownRun(core)
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    process.off('SIGHUP', onSignal)
    process.off('exit', onExit)
  }
  log(
    `testbed: ${names.length} scenario(s) in` +
      ` ${((Date.now() - tAll) / 1000).toFixed(1)} ` +
      `s${failures.length > 0 ? `; failed: ${failures.join('; ')}` : ''}`,
  )
  // kept when a scenario failed, lost a job or did not find every provider: its logs and
  // outcomes.json say why
  const clean = reports.every((r) => r.lost === 0 && r.providersFound === PROVIDER_COUNT)
  if (failures.length === 0 && clean && !opts.keepLogs) rmSync(workRoot, { recursive: true, force: true })
  else log(`logs and data dirs kept in ${workRoot}`)
  return { reports, failures }
}

async function main(): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        jobs: { type: 'string' },
        'jobs-k2': { type: 'string' },
        'relay-policy': { type: 'string' },
        'keep-logs': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (err) {
    log(`${(err as Error).message}\n${USAGE}`)
    return 2
  }
  const what = parsed.positionals
  if (parsed.values.help === true || what.length === 0) {
    log(USAGE)
    return what.length === 0 ? 2 : 0
  }
  const unknown = what.filter((w) => w !== 'all' && w !== 'clean' && !(SCENARIOS as readonly string[]).includes(w))
  if (unknown.length > 0) {
    log(`unknown scenario "${unknown.join(', ')}"\n${USAGE}`)
    return 2
  }
  const why = whyNot()
  if (why !== undefined) {
    log(`testbed: ${why}`)
    return 2
  }
  if (what.includes('clean')) {
    cleanLeftovers(log)
    return 0
  }
  const names: ScenarioName[] = what.includes('all') ? [...ALL] : (what as ScenarioName[])
  const count = (v: string | undefined, d: number): number =>
    v === undefined ? d : Math.max(0, Number.parseInt(v, 10) || 0)
  const { failures } = await runTestbed(names, {
    jobs: count(parsed.values.jobs, 50),
    jobsK2: count(parsed.values['jobs-k2'], 10),
    keepLogs: parsed.values['keep-logs'] === true,
    relayPolicy: parsed.values['relay-policy'] === 'open' ? 'open' : 'market',
    emit: (line) => {
      process.stdout.write(line + '\n')
    },
  })
  return failures.length === 0 ? 0 : 1
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main()
