// `npm test`: the contract build, the CLI build, static checks, then every mocha suite; ends with one line
// `N passed, N failed[, N skipped]` summed over all of them, and a non-zero exit on any failure.
// Usage: npm test [-- <suite>...] [-- --grep <pattern>] [-- --jobs <n>]
// suites: checks contracts protocol node security e2e browser testbed
//
// After the two builds, the checks and the suites run as jobs, two at a time (HIVE_TEST_JOBS or
// --jobs; 1 = one after the other): each job is its own process tree with its own Hardhat chain
// (test/support/chain.ts), free ports and temp folders, so jobs share nothing. Most of a test's
// time is waiting on timers, peers and the chain, so two jobs on a 2-core machine take little
// more than the longer one. The longest suite (node) is split in two jobs by file. One job's
// output is shown live; the others' is held and printed whole when they end, so it never
// interleaves.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

interface Counts {
  passed: number
  failed: number
  skipped: number
  /** milliseconds per test file (scripts/test/count-reporter.cjs) */
  files?: Record<string, number>
  /** the failed tests (scripts/test/count-reporter.cjs) */
  failures?: Array<{ title: string; file: string; error: string }>
}

/** How many of the slowest test files the run lists at its end (where the suite's time goes). */
const SLOWEST = 15

const root = resolve(import.meta.dirname, '..', '..')
const SUITES: Record<string, { timeoutMs: number }> = {
  contracts: { timeoutMs: 60_000 },
  protocol: { timeoutMs: 20_000 },
  node: { timeoutMs: 120_000 },
  // attack tests against the wire protocols and the chain (test/security/README.md maps them)
  security: { timeoutMs: 180_000 },
  e2e: { timeoutMs: 300_000 },
  // issue 17's dashboard in Debian's Chromium (playwright-core) against an in-process devnet;
  // installs chromium when missing and root, skipped with the reason otherwise
  browser: { timeoutMs: 180_000 },
  // issue 13's namespace testbed, short version (public, nat-easy, both-nat): root only, skipped
  // with the reason elsewhere; it builds what it needs and tears its namespaces down itself
  testbed: { timeoutMs: 900_000 },
}
const CHECKS: Array<[string, string, string[]]> = [
  ['typecheck (tsc --noEmit)', 'tsc', ['--noEmit']],
  // the dashboard's browser code (DOM types, Preact JSX): its own tsconfig
  ['typecheck the dashboard (tsc -p ui)', 'tsc', ['-p', 'ui/tsconfig.json']],
  // one formatter for every source file (.prettierrc.json); `npm run format` rewrites them
  ['format (prettier --check)', 'prettier', ['--check', '.', '--log-level', 'warn']],
  ['lint TypeScript (eslint)', 'eslint', ['.']],
  // layers and import cycles, type-only imports included: the rules and why are in the config
  [
    'layering and import cycles (dependency-cruiser)',
    'depcruise',
    [
      '--config',
      '.dependency-cruiser.cjs',
      'protocol',
      'node',
      'cli',
      'scripts',
      'test',
      'ui',
      'sdk',
      'examples/build.ts',
      'examples/sdk',
    ],
  ],
  ['lint Solidity (solhint)', 'solhint', ['contracts/**/*.sol']],
]

/**
 * Where a job's output goes: straight to the terminal while the job holds it, else into a buffer
 * that is printed whole when the job gets the terminal (scripts/test/run.ts header).
 */
class Output {
  private held: Buffer[] = []
  private live = false
  ended = false

  write(chunk: Buffer | string): void {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    if (this.live) process.stdout.write(b)
    else this.held.push(b)
  }

  /** Prints what was held and shows the rest live. */
  goLive(): void {
    for (const b of this.held) process.stdout.write(b)
    this.held = []
    this.live = true
  }
}

/** Jobs' outputs in start order; the first one that has not ended is shown live. */
const outputs: Output[] = []
function showNext(): void {
  while (outputs.length > 0) {
    const first = outputs[0]!
    first.goLive()
    if (!first.ended) return
    outputs.shift()
  }
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, out?: Output): Promise<number> {
  return new Promise((ok) => {
    const child = spawn(cmd, args, {
      cwd: root,
      stdio: out === undefined ? 'inherit' : ['ignore', 'pipe', 'pipe'],
      // a job's mocha writes into a pipe: keep the spec reporter's colours when we show them on a terminal
      env: { ...process.env, ...(out !== undefined && process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}), ...env },
    })
    if (out !== undefined) {
      child.stdout?.on('data', (b: Buffer) => out.write(b))
      child.stderr?.on('data', (b: Buffer) => out.write(b))
    }
    child.on('exit', (code, signal) => ok(code ?? (signal != null ? 1 : 0)))
    child.on('error', () => ok(127))
  })
}

function findFiles(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return []
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...findFiles(p, suffix))
    else if (name.endsWith(suffix)) out.push(p)
  }
  return out.sort()
}

const argv = process.argv.slice(2)
const valueOf = (flag: string): string | undefined => {
  const at = argv.indexOf(flag)
  return at >= 0 ? argv[at + 1] : undefined
}
const grep = valueOf('--grep')
const jobs = Math.max(1, Number(valueOf('--jobs') ?? process.env.HIVE_TEST_JOBS ?? 2) || 1)
const wanted = argv.filter((a, i) => !a.startsWith('--') && !['--grep', '--jobs'].includes(argv[i - 1] ?? ''))
for (const w of wanted) {
  if (w !== 'checks' && !(w in SUITES)) {
    console.error(`unknown suite "${w}"; choose from: checks ${Object.keys(SUITES).join(' ')}`)
    process.exit(2)
  }
}
const selected = (name: string): boolean => wanted.length === 0 || wanted.includes(name)

const total: Counts = { passed: 0, failed: 0, skipped: 0 }
const fileMs = new Map<string, number>()
const failures: string[] = []
/** Each failed test with its file and first error line, repeated at the end where a CI log's tail shows it. */
const failedTests: string[] = []
const tmp = mkdtempSync(join(tmpdir(), 'hive-test-'))
const started = Date.now()

// the contracts first: `hardhat build` also generates the TypeChain bindings the typecheck needs
// (types/ethers-contracts, not committed), and the node, security and e2e suites deploy them
const needsContracts = ['checks', 'contracts', 'node', 'security', 'e2e', 'browser'].some(selected)
if (needsContracts) {
  console.log('\n== build contracts (hardhat build, TypeChain bindings)')
  const code = await run('hardhat', ['build', '--quiet'])
  if (code !== 0) {
    total.failed++
    failures.push('hardhat build')
  }
}

// the e2e tests run `hive` as a user does, i.e. the compiled CLI in dist/: rebuild it first so
// that it cannot lag behind the sources (incremental: seconds when little changed)
if (selected('checks') || selected('e2e')) {
  console.log('\n== build the CLI (tsc -p tsconfig.build.json into dist/)')
  const code = await run(process.execPath, [join(root, 'scripts/setup/build.mjs')], { HIVE_BUILD_CONTRACTS: '0' })
  if (code === 0) total.passed++
  else {
    total.failed++
    failures.push('CLI build')
  }
}

/** A unit of the run: the static checks, or a mocha process over some of a suite's files. */
interface Job {
  name: string
  run: (out: Output) => Promise<void>
}
const queue: Job[] = []

if (selected('checks')) {
  queue.push({
    name: 'checks',
    run: async (out) => {
      for (const [label, cmd, args] of CHECKS) {
        if (cmd === 'solhint' && findFiles(join(root, 'contracts'), '.sol').length === 0) continue
        out.write(`\n== ${label}\n`)
        const code = await run(cmd, args, {}, out)
        if (code === 0) total.passed++
        else {
          total.failed++
          failures.push(label)
        }
      }
    },
  })
}

/** Suites long enough to be split over several mocha processes (files dealt round-robin). */
const SPLIT: Record<string, number> = { node: 2 }

function mochaJob(suite: string, name: string, files: string[], timeoutMs: number): Job {
  return {
    name,
    run: async (out) => {
      out.write(`\n== suite ${name} (${files.length} files)\n`)
      const countsFile = join(tmp, `${name.replace(/\W/g, '_')}.json`)
      const args = [
        '--import=tsx',
        '--reporter',
        join(root, 'scripts/test/count-reporter.cjs'),
        '--timeout',
        String(timeoutMs),
        '--exit',
        ...(grep != null ? ['--grep', grep] : []),
        ...files,
      ]
      const code = await run('mocha', args, { HIVE_TEST_COUNTS: countsFile }, out)
      const c: Counts = existsSync(countsFile)
        ? (JSON.parse(readFileSync(countsFile, 'utf8')) as Counts)
        : { passed: 0, failed: 1, skipped: 0 } // the runner died before reporting: count it as a failure
      if (code !== 0 && c.failed === 0) c.failed = 1
      total.passed += c.passed
      total.failed += c.failed
      total.skipped += c.skipped
      for (const [file, ms] of Object.entries(c.files ?? {})) fileMs.set(file, (fileMs.get(file) ?? 0) + ms)
      if (c.failed > 0) failures.push(`suite ${name} (${c.failed} failed)`)
      for (const f of c.failures ?? []) failedTests.push(`${f.file}: ${f.title}\n      ${f.error}`)
    },
  }
}

for (const [suite, { timeoutMs }] of Object.entries(SUITES)) {
  if (!selected(suite)) continue
  const files = findFiles(join(root, 'test', suite), '.test.ts')
  if (files.length === 0) {
    console.log(`\n== suite ${suite}: no tests yet`)
    continue
  }
  const parts = Math.min(jobs > 1 ? (SPLIT[suite] ?? 1) : 1, files.length)
  for (let p = 0; p < parts; p++) {
    const mine = files.filter((_f, i) => i % parts === p)
    queue.push(mochaJob(suite, parts > 1 ? `${suite} ${p + 1}/${parts}` : suite, mine, timeoutMs))
  }
}

// the longest jobs first, so that the last one to start is a short one
const ORDER = ['node', 'e2e', 'security', 'checks', 'browser', 'contracts', 'testbed', 'protocol']
queue.sort((a, b) => ORDER.indexOf(a.name.split(' ')[0]!) - ORDER.indexOf(b.name.split(' ')[0]!))
const jobMs: Array<[string, number]> = []
await Promise.all(
  Array.from({ length: Math.min(jobs, queue.length) }, async () => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
      const out = new Output()
      outputs.push(out)
      showNext()
      const t0 = Date.now()
      try {
        await job.run(out)
      } catch (err) {
        total.failed++
        failures.push(`${job.name} (${(err as Error).message})`)
      }
      jobMs.push([job.name, Date.now() - t0])
      out.ended = true
      showNext()
    }
  }),
)
rmSync(tmp, { recursive: true, force: true })

if (fileMs.size > 0) {
  const slowest = [...fileMs].sort((a, b) => b[1] - a[1]).slice(0, SLOWEST)
  console.log(`\nslowest test files (tests and hooks; ${fileMs.size} files):`)
  for (const [file, ms] of slowest) console.log(`${(ms / 1000).toFixed(1).padStart(8)} s  ${file}`)
}
const secs = (ms: number): string => `${(ms / 1000).toFixed(0)} s`
console.log(`\njobs (${jobs} at a time): ${jobMs.map(([n, ms]) => `${n} ${secs(ms)}`).join(', ')}`)
console.log(`wall time ${secs(Date.now() - started)}`)
if (failures.length > 0) console.log(`\nfailed: ${failures.join('; ')}`)
for (const t of failedTests) console.log(`  ✗ ${t}`)
console.log(`\n${total.passed} passed, ${total.failed} failed${total.skipped > 0 ? `, ${total.skipped} skipped` : ''}`)
process.exit(total.failed > 0 ? 1 : 0)
