// Chaos scenario 2 (issue 16), crash at every step, with channel payments on a real Hardhat chain:
// every node is a process of its own (paid-child.ts); for each failpoint of each role
// (node/util/failpoints.ts) a node that dies there (SIGKILL to itself) is started again on its own
// data dir, and the run checks that
// - every job ends in a defined state: completed and paid once, or failed and unpaid;
// - no voucher nonce goes back, on either side, across the restarts;
// - every channel closes on chain (ChannelClosed) at the highest voucher the provider acknowledged,
//   and pays its provider no more than the prices of the jobs it was paid for (doublePaid).
// Provider steps: the failpoint is switched on at run time in the provider(s) that can reach it
// (the one awarded the job: nobody else works on it), off again in the others as soon as one died;
// a job is posted again (at most `attempts` times) until one did. The dead provider is started
// again on its data dir, and at the end every provider settles its channels (closeWithVoucher).
// Requester steps: the requester is started with the failpoint on, posts a job (or, for mid-close,
// closes its channels) and dies; restarted, it retries its unacknowledged vouchers and takes up
// the job where it was (an award running or a result in: RequesterJob.resume), whose end the run
// waits for.
import { createServer } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Wallet, parseEther } from 'ethers'
import { runCpuBenchmark } from '../../node/hardware/index.ts'
import { failpointsOf } from '../../node/util/failpoints.ts'
import type { Failpoint } from '../../node/util/failpoints.ts'
import { startDevChain } from '../../test/support/chain.ts'
import type { DevChain } from '../../test/support/chain.ts'
import { PaidProcess } from './paid-process.ts'
import type { ChannelRow, ChildSpec, JobSummary } from './paid-summary.ts'

export interface PaidStepOutcome {
  role: 'provider' | 'requester'
  step: Failpoint
  /** the node really died at the failpoint */
  crashed: boolean
  /** the jobs posted for this step and how each ended */
  jobs: Array<{ jobId: string; phase: string; failure?: string; paid: number }>
  ms: number
}

export interface PaidCrashReport {
  scenario: 'crash-steps'
  payments: 'channel'
  jobs: number
  completed: number
  /** failed and unpaid (a defined end: the requester keeps its money) */
  failedUnpaid: number
  /** not final, or failed although a provider was paid for it */
  lostJobs: number
  paidButFailed: number
  doublePaid: number
  noncesBackwards: number
  channels: number
  channelsClosedOnChain: number
  channelsAtHighestAck: number
  crashStepsCovered: { provider: number; requester: number }
  steps: PaidStepOutcome[]
  /** per channel: the nonce it closed at on chain, the highest acknowledged, what it paid on chain */
  channelDetail: Array<{ provider: string; nonce: number; highestAck: number; paid: string }>
  /** per provider: the prices of the jobs the requester's records say it was paid for */
  owedTo: Record<string, string>
  durationMs: number
  cpuScore: number
}

export interface PaidCrashOptions {
  holdMs: number
  /** default: every failpoint of both roles */
  steps?: readonly Failpoint[]
  /** provider steps: jobs posted at most this often until the victim is awarded one (default 4) */
  attempts?: number
  say?: (text: string) => void
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const a = s.address()
      s.close(() => {
        resolve(typeof a === 'object' && a !== null ? a.port : 0)
      })
    })
  })
}

async function until<T>(what: string, check: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await check()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

export async function runPaidCrashSteps(opts: PaidCrashOptions): Promise<PaidCrashReport> {
  const say = opts.say ?? (() => {})
  const cpuScore = runCpuBenchmark().score
  const started = Date.now()
  const steps = opts.steps ?? [...failpointsOf('provider'), ...failpointsOf('requester')]
  const attempts = opts.attempts ?? 4
  const root = mkdtempSync(join(tmpdir(), 'hive-chaos-crash-paid-'))
  let chain: DevChain | undefined
  const procs = new Set<PaidProcess>()
  const outcomes: PaidStepOutcome[] = []
  let noncesBackwards = 0
  /** highest nonce seen per channel, per side, across every sample */
  const seen = new Map<string, bigint>()
  /** the highest voucher a provider acknowledged (stored), per channel */
  const highestAck = new Map<string, bigint>()
  /** provider address -> peer id */
  const peerOf = new Map<string, string>()
  try {
    chain = await startDevChain({ params: { protocolFeeBps: 0n } })
    const c = chain
    await c.giveHive(c.account(1).address, parseEther('1000'))
    let account = 2
    const spec = (role: ChildSpec['role'], name: string, extra: Partial<ChildSpec> = {}): ChildSpec => ({
      role,
      dataDir: join(root, name),
      bootstrap: [],
      rpcUrl: c.settings.rpcUrl!,
      deployments: c.settings.deployments!,
      key: c.account(role === 'requester' ? 1 : account++).privateKey,
      ...extra,
    })
    const track = (p: PaidProcess): PaidProcess => {
      procs.add(p)
      void p.exited.then(() => procs.delete(p))
      return p
    }
    let requester = track(await PaidProcess.start(spec('requester', 'requester', { port: await freePort() })))
    const providers: PaidProcess[] = []
    const startProvider = async (name: string, price: string, failpoints = ''): Promise<PaidProcess> => {
      const s = spec('provider', name, { price, bootstrap: requester.addrs })
      const p = track(await PaidProcess.start(s, failpoints))
      peerOf.set(new Wallet(s.key).address.toLowerCase(), p.peerId)
      return p
    }
    const waitMesh = async (n: number): Promise<void> => {
      await until(
        `${n} providers on the requester's jobs topic`,
        async () => ((await requester.call<{ count: number }>({ cmd: 'subscribers' })).count >= n ? true : undefined),
        120_000,
      )
    }
    /** samples every live node's vouchers: counts nonces that went back, keeps the highest acknowledged */
    const sample = async (): Promise<void> => {
      for (const p of [requester, ...providers].filter((x) => x.alive)) {
        const rows = (await p.call<{ channels: ChannelRow[] }>({ cmd: 'vouchers' }).catch(() => ({ channels: [] })))
          .channels
        for (const r of rows) {
          const key = `${p.spec.role}/${r.channelId}`
          const nonce = BigInt(r.nonce)
          if (nonce < (seen.get(key) ?? 0n)) noncesBackwards++
          if (nonce > (seen.get(key) ?? 0n)) seen.set(key, nonce)
          const acked = p.spec.role === 'provider' || r.acked
          if (acked && nonce > (highestAck.get(r.channelId) ?? 0n)) highestAck.set(r.channelId, nonce)
        }
      }
    }
    const restartRequester = async (failpoints = ''): Promise<void> => {
      await requester.kill()
      const s = { ...requester.spec, bootstrap: providers.filter((p) => p.alive).flatMap((p) => p.addrs) }
      requester = track(await PaidProcess.start(s, failpoints))
      await waitMesh(providers.filter((p) => p.alive).length)
    }
    const post = async (): Promise<string> =>
      (await requester.call<{ jobId: string }>({ cmd: 'post', holdMs: opts.holdMs, bidWindowMs: 3_000 })).jobId

    // distinct prices; the one awarded a job is the one a provider step kills
    for (const [i, price] of ['0.001', '0.002', '0.003'].entries())
      providers.push(await startProvider(`provider-${i + 1}`, price))
    await waitMesh(providers.length)

    for (const step of steps) {
      const t0 = Date.now()
      const role = step.startsWith('requester:') ? 'requester' : 'provider'
      say(`step ${step}`)
      const jobIds: string[] = []
      let crashed = false
      if (role === 'provider') {
        const live = (): PaidProcess[] => providers.filter((p) => p.alive)
        const arm = async (ps: PaidProcess[], on: boolean): Promise<void> => {
          await Promise.all(ps.map(async (p) => await p.call({ cmd: 'arm', failpoints: [step], on }).catch(() => {})))
        }
        /** the provider that died, started again on its own data dir, in its place in the fleet */
        const bringBack = async (dead: PaidProcess): Promise<void> => {
          providers[providers.indexOf(dead)] = track(await dead.restart())
          await waitMesh(live().length)
          // vouchers the dead provider never acknowledged go again to the restarted one
          await requester.call({ cmd: 'retry' }).catch(() => {})
        }
        for (let i = 0; i < attempts && !crashed; i++) {
          const died = Promise.race(live().map(async (p) => await p.exited.then(() => p)))
          if (step === 'provider:mid-close') {
            // the provider holding the most recent voucher closes its channel and dies on the way
            await sample()
            const paid = []
            for (const p of live()) {
              const rows = (await p.call<{ channels: ChannelRow[] }>({ cmd: 'vouchers' })).channels
              if (rows.some((r) => r.status !== 'closed' && BigInt(r.nonce) > 0n)) paid.push(p)
            }
            if (paid.length === 0) {
              const jobId = await post()
              jobIds.push(jobId)
              await requester.call({ cmd: 'wait', jobId }).catch(() => {})
              continue
            }
            await arm([paid[0]], true)
            await paid[0].call({ cmd: 'close' }).catch(() => {})
            const dead = await Promise.race([died, sleep(10_000, undefined)])
            crashed = dead !== undefined
            if (dead !== undefined) await bringBack(dead)
            continue
          }
          // after-bid: one bidder, taken in turn (every bidder would die); later steps: whoever
          // the job is awarded to is the only provider that reaches them, so all are armed and the
          // others disarmed as soon as one died (before any re-award)
          const armed = step === 'provider:after-bid' ? [live()[i % live().length]] : live()
          await arm(armed, true)
          const jobId = await post()
          jobIds.push(jobId)
          const end = requester.call({ cmd: 'wait', jobId })
          const dead = await Promise.race([end.then(() => undefined).catch(() => undefined), died])
          await arm(live(), false)
          crashed = dead !== undefined
          if (dead !== undefined) await bringBack(dead)
          await end.catch(() => {})
        }
        await arm(live(), false)
      } else if (step === 'requester:mid-close') {
        // pay every provider at least once more, then close every channel and die on the way
        jobIds.push(await post())
        await requester.call({ cmd: 'wait', jobId: jobIds[0] }).catch(() => {})
        await sample()
        await restartRequester(step)
        await requester.call({ cmd: 'close' }).catch(() => {})
        crashed = await Promise.race([requester.exited.then(() => true), sleep(10_000, false)])
        await restartRequester()
      } else {
        await restartRequester(step)
        let jobId: string | undefined
        try {
          jobId = await post()
          await Promise.race([requester.call({ cmd: 'wait', jobId }).catch(() => {}), requester.exited])
        } catch {
          /* died inside post (after-post) */
        }
        // a failpoint that fires a moment after its step (failpointSoon) may come after the job's end
        crashed = !requester.alive || (await Promise.race([requester.exited.then(() => true), sleep(2_000, false)]))
        await restartRequester()
        await requester.call({ cmd: 'retry' }).catch(() => {})
        if (jobId === undefined) {
          // the post's own reply died with it: the job is the one the restarted requester knows and we do not
          const known = new Set(outcomes.flatMap((o) => o.jobs.map((j) => j.jobId)))
          const all = (await requester.call<{ records: JobSummary[] }>({ cmd: 'jobs' })).records
          jobId = all.find((r) => !known.has(r.jobId))?.jobId
        }
        // a job with work under way when the requester died goes on after its restart: its end
        if (jobId !== undefined) {
          jobIds.push(jobId)
          await requester.call({ cmd: 'wait', jobId }).catch(() => {})
        }
      }
      await sample()
      const records = (await requester.call<{ records: JobSummary[] }>({ cmd: 'jobs' })).records
      const jobs = jobIds.map((id) => {
        const r = records.find((x) => x.jobId === id)
        return {
          jobId: id,
          phase: r?.phase ?? 'unknown',
          ...(r?.failure !== undefined ? { failure: r.failure } : {}),
          paid: r?.awards.filter((a) => a.paid).length ?? 0,
        }
      })
      outcomes.push({ role, step, crashed, jobs, ms: Date.now() - t0 })
      say(
        `  ${step}: crashed ${crashed},` +
          ` ${jobs.map((j) => `${j.phase}${j.failure ? ` (${j.failure})` : ''}`).join(', ')}`,
      )
    }

    // the end: the honest providers settle their channels at their best vouchers
    await sample()
    for (const p of providers.filter((x) => x.alive)) await p.call({ cmd: 'close' }).catch(() => {})
    const records = (await requester.call<{ records: JobSummary[] }>({ cmd: 'jobs' })).records
    const channelRows = (await requester.call<{ channels: ChannelRow[] }>({ cmd: 'vouchers' })).channels
    const contract = c.contracts.channel
    const closed = await until(
      'every channel closed on chain',
      async () => {
        const evs = await contract.queryFilter(contract.filters.ChannelClosed(), 0, 'latest')
        const ids = new Set(evs.map((e) => e.args.channelId.toLowerCase()))
        return channelRows.every((r) => ids.has(r.channelId.toLowerCase())) ? evs : undefined
      },
      90_000,
    ).catch(async () => await contract.queryFilter(contract.filters.ChannelClosed(), 0, 'latest'))
    const byChannel = new Map(closed.map((e) => [e.args.channelId.toLowerCase(), e]))
    let atHighest = 0
    const channelDetail: PaidCrashReport['channelDetail'] = []
    /** per provider peer: what the chain paid it over all its channels */
    const paidTo = new Map<string, bigint>()
    for (const r of channelRows) {
      const ev = byChannel.get(r.channelId.toLowerCase())
      if (ev === undefined) continue
      if (ev.args.nonce === (highestAck.get(r.channelId) ?? 0n)) atHighest++
      const peer = peerOf.get(r.provider.toLowerCase()) ?? r.provider
      const paid = ev.args.payout + ev.args.fee
      paidTo.set(peer, (paidTo.get(peer) ?? 0n) + paid)
      channelDetail.push({
        provider: peer,
        nonce: Number(ev.args.nonce),
        highestAck: Number(highestAck.get(r.channelId) ?? 0n),
        paid: paid.toString(),
      })
    }
    // what the chain paid each provider vs the prices of the jobs the requester's records say it
    // paid it for, each once: more means a job paid twice (or paid for and recorded as unpaid)
    let doublePaid = 0
    const owedTo: Record<string, string> = {}
    for (const [peer, paid] of paidTo) {
      const owed = records
        .flatMap((j) => j.awards.filter((a) => a.paid && a.provider === peer).map((a) => BigInt(a.price)))
        .reduce((a, b) => a + b, 0n)
      owedTo[peer] = owed.toString()
      if (paid > owed) doublePaid++
    }
    const all = outcomes.flatMap((o) => o.jobs)
    const completed = all.filter((j) => j.phase === 'completed').length
    const paidButFailed = all.filter((j) => j.phase === 'failed' && j.paid > 0).length
    const failedUnpaid = all.filter((j) => j.phase === 'failed' && j.paid === 0).length
    return {
      scenario: 'crash-steps',
      payments: 'channel',
      jobs: all.length,
      completed,
      failedUnpaid,
      lostJobs: all.length - completed - failedUnpaid,
      paidButFailed,
      doublePaid,
      noncesBackwards,
      channels: channelRows.length,
      channelsClosedOnChain: channelRows.filter((r) => byChannel.has(r.channelId.toLowerCase())).length,
      channelsAtHighestAck: atHighest,
      crashStepsCovered: {
        provider: outcomes.filter((o) => o.role === 'provider' && o.crashed).length,
        requester: outcomes.filter((o) => o.role === 'requester' && o.crashed).length,
      },
      steps: outcomes,
      channelDetail,
      owedTo,
      durationMs: Date.now() - started,
      cpuScore,
    }
  } finally {
    for (const p of procs) await p.kill()
    await chain?.stop()
    rmSync(root, { recursive: true, force: true })
  }
}

async function sleep<T>(ms: number, value: T): Promise<T> {
  return await new Promise((resolve) => setTimeout(() => resolve(value), ms))
}
