// `npm run bench -- cli [--runs N]`
// How fast `hive` answers, run as a newcomer's shell runs it: the file node_modules/.bin/hive,
// with the PATH the shell had before npm added node_modules/.bin to it (so the PATH's `node` is
// the machine's, e.g. Node 20, and the launcher must find Node 22 by itself), and no npm_* or
// HIVE_* variables. Rebuilds dist/ first (not timed), so the compiled CLI is what is measured.
// Times `hive --version`, `hive --help` and `hive job list` (against a `hive node start` on a
// temporary data dir without a chain, started here and stopped afterwards), each the median of
// N runs (default 10) after one untimed run that warms the page cache. Prints one JSON line.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { delimiter, join, sep } from 'node:path'
import { runCpuBenchmark } from '../../node/hardware/benchmark.ts'
import { NodeProcess, REPO_ROOT, ensureCliBuilt } from '../../cli/devnet/processes.ts'

const args = process.argv.slice(2)
const runsAt = args.indexOf('--runs')
const RUNS = runsAt >= 0 ? Number(args[runsAt + 1]) : 10
if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error(`--runs needs a whole number of 1 or more, got ${String(args[runsAt + 1])}`)
  process.exit(2)
}
const say = (text: string): void => {
  process.stderr.write(text + '\n')
}
const round1 = (x: number): number => Math.round(x * 10) / 10

/** node_modules/.bin/hive when it is this checkout's launcher; else cli/hive itself (and why). */
function launcher(): string {
  const own = join(REPO_ROOT, 'cli', 'hive')
  const bin = join(REPO_ROOT, 'node_modules', '.bin', 'hive')
  if (!existsSync(bin)) {
    say(`${bin} is missing (\`npm install\` or \`node scripts/setup/link-bin.mjs\` adds it): timing ${own}`)
    return own
  }
  if (realpathSync(bin) !== realpathSync(own)) {
    // a node_modules shared between checkouts links to another checkout's launcher
    say(`${bin} is the launcher of ${realpathSync(bin)}, not of this checkout: timing ${own}`)
    return own
  }
  return bin
}

/** The environment of a shell that never ran npm: PATH without node_modules/.bin, no npm_* or HIVE_*. */
function newcomerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('npm_') && !k.startsWith('HIVE_') && k !== 'NODE_OPTIONS') env[k] = v
  }
  env.PATH = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((p) => !p.includes(`${sep}node_modules${sep}`))
    .join(delimiter)
  return env
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

const bin = launcher()
const env = newcomerEnv()

/** Median wall time of `hive …args`, in ms; every run must exit 0. */
function time(label: string, hiveArgs: string[]): number {
  const once = (): number => {
    const t0 = performance.now()
    const r = spawnSync(bin, hiveArgs, { env, encoding: 'utf8', timeout: 60_000 })
    const ms = performance.now() - t0
    if (r.status !== 0)
      throw new Error(`hive ${hiveArgs.join(' ')} exited ${String(r.status ?? r.signal)}: ${r.stderr}`)
    return ms
  }
  once()
  const samples = Array.from({ length: RUNS }, once)
  say(`${label}: median ${round1(median(samples))} ms of ${RUNS} (${samples.map((s) => Math.round(s)).join(', ')})`)
  return round1(median(samples))
}

const loadStart = loadavg()[0]
say('building dist/ (not timed) …')
ensureCliBuilt()
const nodeOnPath = spawnSync('node', ['--version'], { env, encoding: 'utf8' })
say(`timing ${bin}; the PATH's node is ${nodeOnPath.stdout?.trim() || 'missing'}`)

const dir = mkdtempSync(join(tmpdir(), 'hive-bench-cli-'))
const dataDir = join(dir, 'node')
let node: NodeProcess | undefined
try {
  const versionMs = time('hive --version', ['--version'])
  const helpMs = time('hive --help', ['--help'])
  const init = spawnSync(bin, ['--data-dir', dataDir, 'init', '--json'], { env, encoding: 'utf8' })
  if (init.status !== 0) throw new Error(`hive init failed: ${init.stderr}`)
  node = new NodeProcess({
    name: 'bench-node',
    dataDir,
    logFile: join(dir, 'node.log'),
    args: ['--role', 'requester', '--no-mdns', '--benchmark', '200ms'],
  })
  node.start()
  await node.waitForApi(60_000)
  const jobListMs = time('hive job list', ['--data-dir', dataDir, 'job', 'list'])
  await node.stop()
  node = undefined
  const cpuScore = runCpuBenchmark().score
  console.log(
    JSON.stringify({
      versionMs,
      helpMs,
      jobListMs,
      cpuScore,
      runs: RUNS,
      launcher: bin,
      nodeOnPath: nodeOnPath.stdout?.trim() ?? null,
      // other work on the machine skews every figure here: say how busy it was
      loadAvg1m: { start: round1(loadStart), end: round1(loadavg()[0]) },
    }),
  )
} catch (err) {
  say(`benchmark failed: ${(err as Error).stack ?? String(err)}`)
  process.exitCode = 1
} finally {
  await node?.stop()
  rmSync(dir, { recursive: true, force: true })
}
