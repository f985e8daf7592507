// The whole story, end to end: the demo (`npm run demo -- --keep --json`) runs as its own
// process and starts a Hardhat JSON-RPC node and five `hive node start` processes; while it
// keeps them up, this test checks each step's OUTCOME itself, against the chain, the nodes'
// APIs and a separate `hive` CLI process, rather than trusting the demo's report: result
// bytes (re-computed here), balances (exactly the agreed prices less the fee), on-chain channel
// and escrow state, audit anchors, the auditor's verdict and the governed parameter. Then
// Ctrl-C must stop everything cleanly. Every process is killed and the work dir removed even
// when something fails.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'chai'
import { JsonRpcProvider, Network } from 'ethers'
import { HiveApiClient } from '../../cli/client.ts'
import { WasmExecutor, resultOutputCid } from '../../node/exec/index.ts'
import type { JobRecord } from '../../node/market/job-record.ts'
import { cidForBytes, parseCid } from '../../protocol/cid.ts'
import { decodeNpy } from '../../protocol/inference/npy.ts'
import { mlpExpected } from '../../examples/inference/models.ts'
import { outputHashOf } from '../../protocol/payments/commitment.ts'
import type { AuditVerdict } from '../../protocol/audit/verdict.ts'
import { loadDeployment } from '../../node/chain/deployment-schema.ts'
import { connectContracts } from '../../node/chain/contracts.ts'
import type { HiveContracts } from '../../node/chain/contracts.ts'
import { devKey } from '../../cli/devnet/chain.ts'
import { CAST, DEMO_PASSPHRASE } from '../../cli/devnet/demo-context.ts'
import { DEMO_LOG } from '../../cli/devnet/demo.ts'
import { apiTokenPath, readApiToken } from '../../node/api/auth.ts'
import type { DemoReport } from '../../cli/devnet/report.ts'
import { REPO_ROOT, runHive } from '../../cli/devnet/processes.ts'

const REPORT_TIMEOUT_MS = 180_000
const BPS = 10_000n
const CLOSED = 3n // PaymentChannel.ChannelStatus.Closed
const RELEASED = 3n // JobEscrow.EscrowStatus.Released

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

describe('e2e: the demo, the whole story as separate processes', function () {
  this.timeout(REPORT_TIMEOUT_MS + 60_000)
  let demo: ChildProcess
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  let stderr = ''
  let report: DemoReport
  let provider: JsonRpcProvider
  let contracts: HiveContracts
  let requesterApi: HiveApiClient
  let records: Map<string, JobRecord>
  let keepLogs = false
  let startedAt = 0
  let reportAt = 0
  const pids = new Set<number>() // every process the demo said it started: killed in after() if still there

  const who = (name: string): DemoReport['participants'][number] => {
    const p = report.participants.find((x) => x.name === name)
    if (p === undefined) throw new Error(`no participant ${name} in the report`)
    return p
  }
  const api = async (name: string): Promise<HiveApiClient> => await HiveApiClient.forDataDir(who(name).dataDir)
  const balanceAt = async (address: string, blockTag: number | 'latest'): Promise<bigint> =>
    await contracts.token.balanceOf.staticCall(address, { blockTag })

  before(async function () {
    this.timeout(REPORT_TIMEOUT_MS + 30_000)
    // the demo's own entry point, in its own process group (the nodes it starts are in theirs)
    startedAt = Date.now()
    demo = spawn(process.execPath, ['--import', 'tsx', join('scripts', 'devnet.ts'), '--keep', '--json'], {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    exited = new Promise((resolve) => demo.once('exit', (code, signal) => resolve({ code, signal })))
    let stdout = ''
    demo.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
      // pids as the demo announces them: cleaned up even if it never gets to print its report
      for (const m of chunk.matchAll(/\(pid (\d+)/g)) pids.add(Number(m[1]))
    })
    report = await new Promise<DemoReport>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no report from the demo after ${REPORT_TIMEOUT_MS / 1000} s; its output:\n${stderr.slice(-6000)}`,
            ),
          ),
        REPORT_TIMEOUT_MS,
      )
      demo.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk
        try {
          const r = JSON.parse(stdout) as DemoReport
          reportAt = Date.now()
          clearTimeout(timer)
          resolve(r)
        } catch {
          /* not complete yet */
        }
      })
      void exited.then(({ code, signal }) => {
        clearTimeout(timer)
        reject(new Error(`the demo exited (${code ?? signal}) before its report; its output:\n${stderr.slice(-6000)}`))
      })
    })
    if (report.hardhatPid !== undefined) pids.add(report.hardhatPid)
    for (const p of report.participants) if (p.pid !== undefined) pids.add(p.pid)
    expect(report.ok, `the demo failed at "${report.failedStep ?? ''}":\n${stderr.slice(-6000)}`).to.equal(true)

    const network = Network.from(report.chainId)
    provider = new JsonRpcProvider(report.rpcUrl, network, { staticNetwork: network })
    const deployment = loadDeployment(join(report.deploymentsDir, `${report.chainId}.json`))!
    contracts = connectContracts(deployment, provider)
    requesterApi = await api('requester')
    records = new Map()
    for (const j of report.jobs)
      records.set(j.jobId, await requesterApi.call('jobs.get', { params: { jobId: j.jobId } }))
  })

  afterEach(function () {
    if (this.currentTest?.state === 'failed') keepLogs = true
  })

  after(async function () {
    this.timeout(60_000)
    provider?.destroy()
    if (demo !== undefined && demo.exitCode === null && demo.signalCode === null) {
      demo.kill('SIGINT')
      const stopped = await Promise.race([
        exited,
        new Promise((resolve) => setTimeout(() => resolve(undefined), 30_000)),
      ])
      if (stopped === undefined) killGroup(demo.pid!)
    }
    for (const pid of pids) if (alive(pid)) killGroup(pid)
    if (keepLogs && report !== undefined) {
      for (const f of existsSync(report.logDir) ? readdirSync(report.logDir) : []) {
        if (f !== 'hardhat.log')
          console.error(`--- ${f} (tail) ---\n${readFileSync(join(report.logDir, f), 'utf8').slice(-3000)}`)
      }
      console.error(`--- demo (tail) ---\n${stderr.slice(-4000)}`)
    }
    if (report?.workDir !== undefined) await rm(report.workDir, { recursive: true, force: true })
  })

  it(
    'ran every step within 90 s, each node its own process with' + ' its own data dir, peer key and encrypted wallet',
    async () => {
      expect(report.steps.map((s) => [s.name.split(':')[0], s.ok])).to.deep.equal([
        ['chain', true],
        ['nodes', true],
        ['jobs', true],
        ['audit', true],
        ['governance', true],
        ['summary', true],
      ])
      expect(report.totalMs, 'the whole demo').to.be.below(90_000)
      const nodes = report.participants.filter((p) => p.role !== 'holder')
      expect(nodes.map((p) => p.role).sort()).to.deep.equal([
        'auditor',
        'provider',
        'provider',
        'provider',
        'requester',
      ])
      expect(new Set(nodes.map((p) => p.pid)).size).to.equal(5)
      expect(new Set(report.participants.map((p) => p.peerId)).size).to.equal(report.participants.length)
      for (const p of nodes) {
        expect(alive(p.pid!), `${p.name} (pid ${p.pid}) is running`).to.equal(true)
        const info = await (await api(p.name)).info()
        expect(info.peerId).to.equal(p.peerId)
        expect(info.dataDir).to.equal(p.dataDir)
        const keystore = JSON.parse(readFileSync(join(p.dataDir, 'wallet.json'), 'utf8')) as {
          address: string
          crypto?: { kdf: string }
          Crypto?: { kdf: string }
        }
        expect((keystore.crypto ?? keystore.Crypto)?.kdf, 'an encrypted keystore').to.equal('scrypt')
        expect(keystore.address.toLowerCase().replace(/^0x/, '')).to.equal(p.address.toLowerCase().slice(2))
        const key = devKey(CAST.find((c) => c.name === p.name)!.account)
        expect(readFileSync(join(p.dataDir, 'wallet.json'), 'utf8'), 'no plaintext key').to.not.include(key.slice(2))
      }
    },
  )

  it(
    'discovery: `hive providers --executor wasm` from the requester finds' +
      ' the three providers, each bound to its staked address',
    async () => {
      const run = await runHive(['--node', who('requester').dataDir, 'providers', '--executor', 'wasm', '--json'], {
        timeoutMs: 60_000,
      })
      expect(run.code, run.stderr).to.equal(0)
      const found = (
        JSON.parse(run.stdout) as { providers: Array<{ peerId: string; address?: string; executors: string[] }> }
      ).providers
      for (const p of report.participants.filter((x) => x.role === 'provider')) {
        const view = found.find((f) => f.peerId === p.peerId)
        expect(view, `${p.name} found`).to.not.equal(undefined)
        expect(view!.executors).to.include('wasm')
        expect(view!.address?.toLowerCase(), `${p.name}'s profile names its wallet`).to.equal(p.address.toLowerCase())
        expect((await contracts.registry.stakeOf.staticCall(p.address)) > 0n, `${p.name} staked`).to.equal(true)
      }
      expect(found.map((f) => f.peerId)).to.not.include(who('requester').peerId)
    },
  )

  it(
    "result bytes: every job's output is what its module" + ' computes, re-run here on the same module and input',
    async () => {
      const ex = new WasmExecutor({ poolSize: 1 })
      await ex.start()
      try {
        expect(report.jobs.map((j) => j.label)).to.have.length(4)
        for (const job of report.jobs) {
          const r = records.get(job.jobId)!
          expect(r.phase, job.label).to.equal('completed')
          expect(r.outputCid).to.equal(job.outputCid)
          // the inference job is checked below against the values its weights give
          if (r.executor === 'onnx') continue
          const name = job.resultDir.split('/').at(-1)!
          const module = new Uint8Array(readFileSync(join(REPO_ROOT, 'examples', 'build', `${name}.wasm`)))
          expect((await cidForBytes(module)).toString(), `${name} module`).to.equal(r.moduleCid)
          const inputs = r.inputs.map((i) => ({
            name: i.name,
            data: new Uint8Array(readFileSync(join(report.workDir, 'inputs', i.name))),
          }))
          for (const [k, i] of inputs.entries())
            expect((await cidForBytes(i.data)).toString(), `input ${i.name}`).to.equal(r.inputs[k].cid)
          const local = await ex.run({ module, inputs, args: r.args, limits: r.limits })
          expect((await resultOutputCid(local)).toString(), `${job.label}: output CID computed here`).to.equal(
            job.outputCid,
          )
          expect(readFileSync(join(job.resultDir, 'stdout'), 'utf8')).to.equal(
            Buffer.from(local.stdout).toString('utf8'),
          )
          for (const f of local.outputs)
            expect(
              Buffer.compare(readFileSync(join(job.resultDir, f.name)), Buffer.from(f.data)),
              `${name}/${f.name}`,
            ).to.equal(0)
        }
      } finally {
        await ex.stop()
      }
      // and checked without the module at all: wc's counts, and the image's checksum
      const readme = readFileSync(join(report.workDir, 'inputs', 'README.md'))
      const text = readme.toString('latin1')
      const counts = readFileSync(join(report.jobs[0].resultDir, 'counts.txt'), 'utf8')
      const row = counts
        .split('\n')
        .find((l) => l.trim().endsWith('README.md'))!
        .trim()
        .split(/\s+/)
      expect(row.slice(0, 3).map(Number)).to.deep.equal([
        text.split('\n').length - 1,
        text.split(/[ \t\n\v\f\r]+/).filter((w) => w !== '').length,
        readme.length,
      ])
      const pgm = readFileSync(join(report.jobs[1].resultDir, 'mandelbrot.pgm'))
      const header = /^P5\n320 240\n255\n/.exec(pgm.toString('latin1', 0, 20))
      expect(header, 'a 320x240 8-bit PGM').to.not.equal(null)
      let fnv = 2166136261
      for (const b of pgm.subarray(header![0].length)) fnv = Math.imul(fnv ^ b, 16777619) >>> 0
      expect(report.jobs[1].stdout).to.include(`pixel checksum ${fnv}`)
      // the inference job (issue 18): the MLP's outputs are what its fixed weights give
      const mlp = report.jobs.find((j) => records.get(j.jobId)?.executor === 'onnx')!
      const expected = mlpExpected()
      const f32 = (name: string): number[] => {
        const a = decodeNpy(new Uint8Array(readFileSync(join(mlp.resultDir, name))))
        return [...new Float32Array(a.data.buffer, a.data.byteOffset, a.data.byteLength / 4)]
      }
      expect(f32('y.npy')).to.deep.equal(expected.y.flat())
      expect(f32('total.npy')).to.deep.equal([expected.total])
    },
  )

  it(
    'balances: each provider received exactly the agreed prices less' +
      ' the protocol fee, and the requester paid them',
    async () => {
      const before = report.balances.before!.block
      const feeBps = await contracts.params.protocolFeeBps.staticCall()
      const earned = new Map<string, bigint>()
      let paid = 0n
      let fees = 0n
      for (const r of records.values()) {
        for (const a of r.awards.filter((x) => x.status === 'delivered')) {
          const name = report.participants.find((p) => p.peerId === a.provider)!.name
          const fee = (BigInt(a.price) * feeBps) / BPS
          earned.set(name, (earned.get(name) ?? 0n) + BigInt(a.price) - fee)
          paid += BigInt(a.price)
          fees += fee
        }
      }
      expect(earned.size, 'providers that earned').to.be.at.least(2)
      for (const p of report.participants.filter((x) => x.role === 'provider')) {
        const staked = await contracts.registry.stakeOf.staticCall(p.address)
        const now = await balanceAt(p.address, 'latest')
        expect(now, `${p.name}'s HIVE`).to.equal(
          (await balanceAt(p.address, before)) - staked + (earned.get(p.name) ?? 0n),
        )
      }
      const requester = who('requester')
      expect(await balanceAt(requester.address, 'latest'), 'the requester paid the agreed prices, no more').to.equal(
        (await balanceAt(requester.address, before)) - paid,
      )
      const treasury = await contracts.params.treasury.staticCall()
      expect(
        (await balanceAt(treasury, 'latest')) - (await balanceAt(treasury, before)),
        'fees in the treasury',
      ).to.equal(fees)
      // settlement only credits (pull payments): every node withdrew its own, nothing is left owed
      const hive = await contracts.token.getAddress()
      for (const p of report.participants) {
        for (const ledger of [contracts.escrow, contracts.channel]) {
          expect(await ledger.credits.staticCall(hive, p.address), `${p.name}'s credit left`).to.equal(0n)
        }
      }
    },
  )

  it(
    'on-chain settlement: channels closed at the voucher amounts,' +
      " escrows released with the verified output's hash",
    async () => {
      const channelJob = report.jobs.find((j) => j.payment === 'channel')!
      expect(report.channels).to.have.length(channelJob.winners.length)
      for (const c of report.channels) {
        const onChain = (await contracts.channel.channel.staticCall(c.channelId)) as {
          status: bigint
          deposit: bigint
          provider: string
          requester: string
          feeBps: bigint
        }
        expect(onChain.status, `channel ${c.channelId}`).to.equal(CLOSED)
        expect(onChain.provider).to.equal(who(c.provider).address)
        expect(onChain.requester).to.equal(who('requester').address)
        const [closed] = await contracts.channel.queryFilter(
          contracts.channel.filters.ChannelClosed(c.channelId),
          report.balances.before!.block,
        )
        const { payout, fee, refund } = closed.args
        const price = BigInt(channelJob.winners.find((w) => w.name === c.provider)!.price)
        expect(payout + fee, 'settled at the voucher amount').to.equal(price)
        expect(fee).to.equal((price * onChain.feeBps) / BPS)
        expect(refund).to.equal(onChain.deposit - price)
      }
      const escrowJobs = report.jobs.filter((j) => j.payment === 'escrow')
      expect(report.escrows.map((e) => e.jobId).sort()).to.deep.equal(escrowJobs.map((j) => j.jobId).sort())
      for (const e of report.escrows) {
        const onChain = (await contracts.escrow.escrow.staticCall(e.escrowId)) as {
          status: bigint
          amount: bigint
          resultHash: string
          provider: string
        }
        const job = escrowJobs.find((j) => j.jobId === e.jobId)!
        expect(onChain.status).to.equal(RELEASED)
        expect(onChain.provider).to.equal(who(job.winners[0].name).address)
        expect(onChain.amount).to.equal(BigInt(job.winners[0].price))
        expect(onChain.resultHash).to.equal(outputHashOf(parseCid(job.outputCid)))
      }
    },
  )

  it("anchors: AuditAnchor holds each participating node's root, the same root the node reports", async () => {
    expect(report.anchors.map((a) => a.name).sort()).to.deep.equal([
      'provider-1',
      'provider-2',
      'provider-3',
      'requester',
    ])
    for (const a of report.anchors) {
      const count = Number(await contracts.anchor.anchorCount.staticCall(a.address))
      expect(count, `${a.name}'s anchors`).to.be.at.least(1)
      const all = await Promise.all(
        Array.from(
          { length: count },
          async (_, i) =>
            (await contracts.anchor.anchorAt.staticCall(a.address, i)) as {
              root: string
              treeSize: bigint
            },
        ),
      )
      const mine = all.find((x) => Number(x.treeSize) === a.size)
      expect(mine, `${a.name}'s anchor of ${a.size} entries`).to.not.equal(undefined)
      expect(mine!.root.replace(/^0x/, '')).to.equal(a.root.replace(/^0x/, ''))
      const status = await (await api(a.name)).call('audit.status')
      expect(status.anchoring?.address).to.equal(a.address)
      expect(status.size).to.be.at.least(a.size)
    }
  })

  it(
    'audit verdict: the auditor, which took part in no job,' + ' verifies both jobs again from a separate CLI process',
    async () => {
      const auditor = who('auditor')
      for (const job of report.jobs.slice(0, 2)) {
        const run = await runHive(['--node', auditor.dataDir, 'audit', 'verify', '--job', job.jobId, '--json'], {
          timeoutMs: 60_000,
        })
        expect(run.code, run.stderr).to.equal(0)
        const v = JSON.parse(run.stdout) as AuditVerdict
        expect(v.outcome).to.equal('VERIFIED')
        expect(v.rows.filter((r) => r.status === 'FAIL' || r.status === 'UNAVAILABLE')).to.deep.equal([])
        const peers = new Set(v.peers.map((p) => p.peerId))
        expect(peers.has(who('requester').peerId), "the requester's log was checked").to.equal(true)
        for (const w of job.winners) expect(peers.has(w.peerId), `${w.name}'s log was checked`).to.equal(true)
        expect(peers.has(auditor.peerId), 'the auditor took no part').to.equal(false)
      }
      // the audit step verifies every job of the jobs step: the word count, the image, the inference
      expect(report.audit.map((a) => a.ok)).to.deep.equal([true, true, true])
    },
  )

  it(
    'governance: the minimum stake changed on-chain, every node sees' +
      ' it, and the provider below it stopped bidding',
    async () => {
      const g = report.governance!
      const onChain = await contracts.params.minProviderStake.staticCall()
      expect(onChain).to.equal(BigInt(g.newValue))
      expect(onChain).to.be.greaterThan(BigInt(g.oldValue))
      const holder = who('holder-1')
      const shown = await runHive(['--node', holder.dataDir, 'gov', 'show', g.proposalId, '--json'], {
        timeoutMs: 60_000,
      })
      expect(shown.code, shown.stderr).to.equal(0)
      expect((JSON.parse(shown.stdout) as { state: string }).state).to.equal('executed')
      for (const p of report.participants.filter((x) => x.role !== 'holder')) {
        const view = await (await api(p.name)).call('chain.params')
        expect(BigInt(view.params.minProviderStake), `${p.name}'s live view`).to.equal(onChain)
      }
      for (const p of report.participants.filter((x) => x.role === 'provider')) {
        const staked = await contracts.registry.stakeOf.staticCall(p.address)
        const s = await (await api(p.name)).call('chain.stake')
        expect(s.eligible, `${p.name} (staked ${staked}) may bid`).to.equal(staked >= onChain)
        if (!s.eligible) expect(s.reason).to.equal('BELOW_MINIMUM')
      }
      expect(g.stoppedBidding.map((s) => s.name)).to.deep.equal(['provider-3'])
      const probe = records.get(g.probe!.jobId)!
      const bidders = probe.bids.map((b) => report.participants.find((p) => p.peerId === b.provider)!.name)
      expect(bidders).to.not.include('provider-3')
      expect(bidders.length).to.be.at.least(1)
      expect(probe.phase).to.equal('completed')
    },
  )

  it(
    "logs: the demo's own pino log and every node's log carry" + ' neither the wallet passphrase nor an API token',
    async () => {
      expect(existsSync(join(report.logDir, DEMO_LOG)), 'the demo logs through pino').to.equal(true)
      const files = readdirSync(report.logDir).map((f) => join(report.logDir, f))
      for (const p of report.participants) {
        const logs = join(p.dataDir, 'logs')
        if (existsSync(logs)) files.push(...readdirSync(logs).map((f) => join(logs, f)))
      }
      const secrets = [DEMO_PASSPHRASE]
      for (const p of report.participants)
        if (existsSync(apiTokenPath(p.dataDir))) secrets.push((await readApiToken(p.dataDir)).token)
      expect(secrets.length, 'the passphrase and the nodes’ tokens').to.be.at.least(2)
      for (const f of files) {
        const text = readFileSync(f, 'utf8')
        for (const secret of secrets) expect(text.includes(secret), `a secret in ${f}`).to.equal(false)
      }
    },
  )

  it('Ctrl-C stops every process cleanly and leaves only the results', async function () {
    this.timeout(60_000)
    const interruptedAt = Date.now()
    demo.kill('SIGINT')
    const { code } = await exited
    const stopMs = Date.now() - interruptedAt
    expect(code, stderr.slice(-2000)).to.equal(0)
    // the whole run as a person sees it: start-up, every step, and the teardown
    expect(reportAt - startedAt + stopMs, 'wall time of the whole demo (ms)').to.be.below(90_000)
    for (const pid of pids) expect(alive(pid), `pid ${pid} stopped`).to.equal(false)
    const left = readdirSync(report.workDir)
    expect(left).to.deep.equal(['results'])
    await fetch(report.rpcUrl).then(
      () => {
        throw new Error('the chain still answers')
      },
      () => {},
    )
  })
})
