// Issue 17: `hive job logs <id> [--follow] [--json]` against a running requester's local API:
// --follow prints a job's stderr as it comes and exits 0 when the job is verified, non-zero when
// it fails; the snapshot route (GET /v1/jobs/:id/logs) and the event stream's job filter.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { runCli } from '../../../cli/program.ts'
import { createNodeApi } from '../../../node/api/index.ts'
import { initDataDir } from '../../../node/config.ts'
import { WasmExecutor, WorkerPool } from '../../../node/exec/index.ts'
import { marketService } from '../../../node/market/service.ts'
import { slowStderrWat, STDOUT_MARKER } from '../../support/log-modules.ts'
import { startTestNode } from '../../support/node.ts'
import { waitFor } from '../../support/wait.ts'
import { jobSubscribers } from '../../support/topics.ts'
import { wat } from '../exec/wat.ts'
import type { ApiServer } from '../../../node/api/index.ts'
import type { HiveNode } from '../../../node/node.ts'
import type { MarketService } from '../../../node/market/service.ts'

const HIVE = 10n ** 18n

async function hive(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(args, {
    stdout: (t) => {
      stdout += t
    },
    stderr: (t) => {
      stderr += t
    },
    env: { HOME: '/nonexistent-home' },
    interactive: false,
    shutdownSignal: () => new AbortController().signal,
  })
  return { code, stdout, stderr }
}

describe('cli: hive job logs (issue 17)', function () {
  this.timeout(120_000)
  let root: string
  let pool: WorkerPool
  let requester: HiveNode
  let provider: HiveNode
  let api: ApiServer
  let dataDir: string

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hive-joblogs-cli-'))
    pool = new WorkerPool({ size: 1 })
    dataDir = join(root, 'requester')
    await initDataDir(dataDir)
    requester = await startTestNode('requester', {
      root,
      roles: 'requester',
      libp2pDatastore: 'memory',
      services: { market: marketService() },
    })
    provider = await startTestNode('provider', {
      root,
      roles: 'provider',
      bootstrap: requester,
      libp2pDatastore: 'memory',
      services: { market: marketService({ executors: { wasm: new WasmExecutor({ pool }) } }) },
    })
    api = createNodeApi(requester, { dataDir, host: '127.0.0.1', port: 0 })
    requester.routes(api.routes)
    await api.start()
    const pubsub = requester.libp2p.services.pubsub
    await waitFor(() => jobSubscribers(pubsub).some((id) => id.equals(provider.peerId)), {
      what: 'the provider in the jobs topic',
    })
  })

  after(async () => {
    await api?.stop().catch(() => {})
    for (const n of [requester, provider]) await n?.stop().catch(() => {})
    await pool?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  const post = async (module: Uint8Array): Promise<string> =>
    (
      await (requester.services.market as MarketService).requester!.post({
        module,
        maxPrice: HIVE,
        bidWindowMs: 500,
        timeoutMs: 100_000,
        limits: { wallTimeMs: 90_000 },
        policy: { reserve: 0 },
      })
    ).jobId

  it('--follow prints the stderr lines as they come and exits 0 once the job is verified; stdout never', async () => {
    const jobId = await post(await wat(slowStderrWat(3, 200_000_000n)))
    const r = await hive(['--data-dir', dataDir, 'job', 'logs', jobId, '--follow'])
    expect(r.code, r.stderr).to.equal(0)
    expect(r.stdout).to.equal('line 0\nline 1\nline 2\nprogress: 1\n')
    expect(r.stderr).to.include(`job ${jobId} verified`)
    expect(r.stdout + r.stderr).to.not.include(STDOUT_MARKER)

    const snap = await hive(['--data-dir', dataDir, '--json', 'job', 'logs', jobId])
    expect(snap.code, snap.stderr).to.equal(0)
    const parsed = JSON.parse(snap.stdout) as { phase: string; logs: Array<{ provider: string; text: string }> }
    expect(parsed.phase).to.equal('completed')
    expect(parsed.logs.map((l) => [l.provider, l.text])).to.deep.equal([
      [provider.peerId.toString(), 'line 0\nline 1\nline 2\nprogress: 1\n'],
    ])
    const other = await hive(['--data-dir', dataDir, '--json', 'job', 'logs', jobId, '--provider', 'nobody'])
    expect((JSON.parse(other.stdout) as { logs: unknown[] }).logs).to.deep.equal([])
  })

  it('--follow exits non-zero when the job fails, after printing what the job wrote', async () => {
    const trap = await wat(`(module
      (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 64) "about to fail\\n")
      (func (export "_start")
        (i32.store (i32.const 0) (i32.const 64))
        (i32.store (i32.const 4) (i32.const 14))
        (drop (call $w (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 8)))
        unreachable))`)
    const jobId = await post(trap)
    const r = await hive(['--data-dir', dataDir, 'job', 'logs', jobId, '--follow'])
    expect(r.code, JSON.stringify(r)).to.not.equal(0)
    expect(r.stdout, JSON.stringify(r)).to.equal('about to fail\n')
    expect(r.stderr, JSON.stringify(r)).to.match(/job [0-9a-f]{64} failed: JOB_EXEC_TRAPPED/)
  })
})
