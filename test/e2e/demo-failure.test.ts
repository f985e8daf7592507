// The demo's failure handling, with real failures: a node process that dies under it, and a
// Ctrl-C in the middle of a step. Either way the demo names the step, keeps the logs, stops
// every process it started and exits non-zero.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'chai'
import type { DemoReport } from '../../cli/devnet/report.ts'
import { REPO_ROOT } from '../../cli/devnet/processes.ts'

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
const killGroup = (pid: number): void => {
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      /* gone */
    }
  }
}

/** Processes whose command line names `dir` (a node started for it, announced or not). Linux /proc. */
function processesMentioning(dir: string): number[] {
  const out: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir)) out.push(Number(entry))
    } catch {
      /* gone meanwhile */
    }
  }
  return out
}

interface DemoRun {
  code: number | null
  stdout: string
  stderr: string
  pids: Set<number>
  workDir?: string
}

/**
 * Runs the demo with --json; `onLine` sees each progress line and may act on it (kill a node,
 * interrupt the demo). Whatever happens, every process the demo announced is killed afterwards.
 */
async function runDemo(
  onLine: (line: string, demo: { pid: number; signal: (s: NodeJS.Signals) => void }) => void,
  timeoutMs = 150_000,
): Promise<DemoRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', join('scripts', 'devnet.ts'), '--json'], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const run: DemoRun = { code: null, stdout: '', stderr: '', pids: new Set() }
  let partial = ''
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    run.stdout += c
  })
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    run.stderr += c
    partial += c
    const lines = partial.split('\n')
    partial = lines.pop()!
    for (const line of lines) {
      for (const m of line.matchAll(/\(pid (\d+)/g)) run.pids.add(Number(m[1]))
      const w = /^W=(\S+)/.exec(line)
      if (w !== null) run.workDir = w[1]
      onLine(line, { pid: child.pid!, signal: (s) => child.kill(s) })
    }
  })
  const timer = setTimeout(() => killGroup(child.pid!), timeoutMs)
  run.code = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  clearTimeout(timer)
  return run
}

async function cleanUp(run: DemoRun | undefined): Promise<void> {
  if (run === undefined) return
  for (const pid of run.pids) if (alive(pid)) killGroup(pid)
  if (run.workDir !== undefined) for (const pid of processesMentioning(run.workDir)) killGroup(pid)
  if (run.workDir !== undefined) await rm(run.workDir, { recursive: true, force: true })
}

describe('e2e: the demo fails cleanly', function () {
  this.timeout(200_000)
  let run: DemoRun | undefined
  afterEach(async () => {
    await cleanUp(run)
    run = undefined
  })

  it('a node that dies: names the step, keeps the logs, stops the rest and exits 1', async () => {
    let killed: number | undefined
    run = await runDemo((line) => {
      const m = /^\s+requester is up \(pid (\d+)/.exec(line)
      if (m !== null && killed === undefined) {
        killed = Number(m[1])
        process.kill(killed, 'SIGKILL')
      }
    })
    expect(killed, 'the requester was seen starting').to.be.a('number')
    expect(run.code, run.stderr.slice(-3000)).to.equal(1)
    const report = JSON.parse(run.stdout) as DemoReport
    expect(report.ok).to.equal(false)
    expect(report.failedStep, 'the step that failed').to.match(/^(nodes|jobs):/)
    expect(run.stderr).to.include(`demo failed at step "${report.failedStep!}"`)
    expect(run.stderr).to.include(`logs kept in ${report.logDir}`)
    const logs = readdirSync(report.logDir)
    for (const f of ['hardhat.log', 'requester.log', 'provider-1.log']) expect(logs, 'logs kept').to.include(f)
    expect(existsSync(join(report.workDir, 'requester', 'config.json')), 'data dirs kept beside the logs').to.equal(
      true,
    )
    for (const pid of run.pids) expect(alive(pid), `pid ${pid} stopped`).to.equal(false)
    expect(processesMentioning(report.workDir), 'no process left for the work dir').to.deep.equal([])
    const steps = report.steps.map((s) => [s.name.split(':')[0], s.ok])
    expect(steps.at(-1)![1]).to.equal(false)
    expect(steps.slice(0, -1).every(([, ok]) => ok)).to.equal(true)
  })

  it('Ctrl-C in the middle of a step: everything stops at once, the step is named, exit 130', async () => {
    let interruptedAt = 0
    run = await runDemo((line, demo) => {
      // while the providers are starting
      if (interruptedAt === 0 && /^\s+requester is up/.test(line)) {
        interruptedAt = Date.now()
        demo.signal('SIGINT')
      }
    })
    expect(interruptedAt, 'interrupted').to.be.greaterThan(0)
    expect(run.code, run.stderr.slice(-3000)).to.equal(130)
    expect(Date.now() - interruptedAt, "stopped within the nodes' grace period").to.be.below(20_000)
    const report = JSON.parse(run.stdout) as DemoReport
    expect(report.failedStep).to.match(/^nodes:/)
    expect(run.stderr).to.include('demo interrupted at step "nodes:')
    for (const pid of run.pids) expect(alive(pid), `pid ${pid} stopped`).to.equal(false)
    expect(processesMentioning(report.workDir), 'no process left for the work dir').to.deep.equal([])
    expect(readdirSync(report.logDir)).to.include('requester.log')
  })
})
