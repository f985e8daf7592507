// `npm run demo` / `hive devnet`: the whole story on an embedded devnet, as named, timed steps.
// On success it tears everything down and returns 0; on a failure it names the step, keeps the
// logs and returns 1; with --keep the network stays up (and the commands to talk to it are
// printed) until Ctrl-C. --json prints the report (report.ts) as one JSON document on stdout,
// with the progress on stderr.
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { toJson } from '../../node/api/json.ts'
import { createCli } from './cli.ts'
import type { RunCli } from './cli.ts'
import { DEMO_PASSPHRASE } from './demo-context.ts'
import type { DemoContext, DemoOptions } from './demo-context.ts'
import { demoSteps } from './demo-steps.ts'
import { stopPeers } from './network.ts'
import { emptyReport } from './report.ts'
import { keepInstructions, summaryText } from './summary.ts'
import { consoleStepUi, runSteps } from './steps.ts'

export const DEMO_USAGE =
  'usage: npm run demo -- [--keep] [--json] [--spawn-cli]\n' +
  '  --keep       leave the network up and print the commands to talk to it (Ctrl-C stops it)\n' +
  '  --json       print the report as one JSON document on stdout (progress goes to stderr)\n' +
  '  --spawn-cli  run each one-shot `hive` command as its own process (slower; the nodes always are)'

export interface DemoIo {
  stdout: NodeJS.WriteStream
  stderr: NodeJS.WriteStream
}

export function parseDemoArgs(argv: string[]): DemoOptions | { usage: string; code: number } {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        keep: { type: 'boolean' },
        json: { type: 'boolean' },
        'spawn-cli': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    })
    if (values.help === true) return { usage: DEMO_USAGE, code: 0 }
    return { keep: values.keep === true, json: values.json === true, spawnCli: values['spawn-cli'] === true }
  } catch (err) {
    return { usage: `${(err as Error).message}\n${DEMO_USAGE}`, code: 2 }
  }
}

export async function runDemo(
  options: DemoOptions,
  runCli: RunCli,
  io: DemoIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const t0 = performance.now()
  const workDir = await mkdtemp(join(tmpdir(), 'hive-devnet-'))
  // the demo's own lines (its steps, the in-process `hive` commands) go through pino like a node's,
  // with the same redaction, into logs/demo.log beside the nodes' logs; the console shows them only
  // when HIVE_LOG_LEVEL asks (the demo's story is on stdout)
  const { parseLogLevel, setupLogging } = await import('../../node/log/setup.ts')
  const asked = process.env.HIVE_LOG_LEVEL
  const level = asked !== undefined && asked !== '' ? parseLogLevel(asked) : undefined
  const logging = await setupLogging({
    dataDir: workDir,
    file: join('logs', DEMO_LOG),
    level: level ?? 'debug',
    consoleLevel: level ?? 'silent',
  })
  logging.bind({ process: 'demo' })
  try {
    return await demoIn(workDir, t0, options, runCli, io)
  } finally {
    await logging.close()
  }
}

/** the demo's own log file, in its logs folder */
export const DEMO_LOG = 'demo.log'

async function demoIn(workDir: string, t0: number, options: DemoOptions, runCli: RunCli, io: DemoIo): Promise<number> {
  const logDir = join(workDir, 'logs')
  const resultsDir = join(workDir, 'results')
  await mkdir(logDir, { recursive: true })
  await mkdir(resultsDir, { recursive: true })
  const human = options.json ? io.stderr : io.stdout
  const print = (text: string): void => {
    human.write(text + '\n')
  }
  const interrupt = new AbortController()
  const fault = new AbortController()
  const stepSignal = AbortSignal.any([interrupt.signal, fault.signal])
  const env = { HIVE_PASSPHRASE: DEMO_PASSPHRASE }
  const report = emptyReport(workDir)
  Object.assign(report, { logDir, resultsDir })
  const ctx: DemoContext = {
    workDir,
    logDir,
    resultsDir,
    deploymentsDir: join(workDir, 'deployments'),
    options,
    signal: stepSignal,
    cli: createCli({ workDir, env, mode: options.spawnCli ? 'spawn' : 'in-process', runCli }),
    env,
    people: [],
    processes: [],
    pending: new Map(),
    report,
    say: print,
    fault: (err) => {
      if (report.ok)
        print(`\nwarning: ${err.message}`) // the story is over (--keep): say so, keep serving
      else if (!fault.signal.aborted) fault.abort(err)
    },
    stopping: false,
  }
  const onSignal = (): void => {
    if (interrupt.signal.aborted) return
    print('\ninterrupted: stopping the network …')
    interrupt.abort(new Error('interrupted by a signal'))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  print(`ComputeHive devnet: a chain and five nodes on 127.0.0.1\nW=${workDir}\n`)
  const outcomes = await runSteps(demoSteps(), ctx, consoleStepUi(human), stepSignal)
  const failed = outcomes.find((o) => !o.ok)
  report.steps = outcomes.map((o) => ({
    name: o.name,
    ms: Math.round(o.ms),
    ok: o.ok,
    ...(o.summary !== undefined ? { summary: o.summary } : {}),
    ...(o.ok ? {} : { error: o.error instanceof Error ? o.error.message : String(o.error) }),
  }))
  report.ok = failed === undefined
  if (failed !== undefined) report.failedStep = failed.name
  report.totalMs = Math.round(performance.now() - t0)

  print('\n' + summaryText(report))
  if (report.ok) {
    if (options.keep && !interrupt.signal.aborted) {
      print('\n' + keepInstructions(ctx))
      if (options.json) io.stdout.write(toJson(report, 2) + '\n')
      await new Promise<void>((resolve) => interrupt.signal.addEventListener('abort', () => resolve(), { once: true }))
    }
  }

  const unclean = await teardown(ctx)
  process.off('SIGINT', onSignal)
  process.off('SIGTERM', onSignal)
  if (options.json && !(report.ok && options.keep)) io.stdout.write(toJson(report, 2) + '\n')

  if (failed !== undefined || unclean.length > 0) {
    if (failed !== undefined) {
      const why = failed.error instanceof Error ? failed.error.message : String(failed.error)
      io.stderr.write(
        `\ndemo ${interrupt.signal.aborted ? 'interrupted' : 'failed'} at step "${failed.name}": ${why}\n`,
      )
    }
    if (unclean.length > 0) io.stderr.write(`did not stop cleanly: ${unclean.join(', ')}\n`)
    io.stderr.write(`logs kept in ${logDir} (each node's data dir is beside them in ${workDir})\n`)
    return failed !== undefined && interrupt.signal.aborted ? 130 : 1
  }
  // the results are small and worth looking at; everything else goes
  for (const entry of await readdir(workDir))
    if (entry !== 'results') await rm(join(workDir, entry), { recursive: true, force: true })
  print(`everything stopped cleanly; the jobs' results are kept in ${resultsDir}`)
  return 0
}

/** Stops every node (SIGTERM, then SIGKILL after a grace period) and the chain; returns what did not stop cleanly. */
async function teardown(ctx: DemoContext): Promise<string[]> {
  ctx.stopping = true
  const unclean = await stopPeers(ctx.processes.map((p) => ({ name: p.name, process: p })))
  ctx.chain?.close()
  await ctx.hardhat?.stop()
  return unclean
}
