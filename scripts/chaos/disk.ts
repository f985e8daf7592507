// Chaos scenario 8 (issue 16), the disk half: a paid provider whose data dir sits on a disk that
// goes bad mid-run, once per fault — full (ENOSPC, a real tmpfs), fsync failing (EIO) and writes
// failing (EIO), both from faultfs.py through the kernel's FUSE. Per fault:
//   0. it serves jobs whose max price only its own price fits (so it alone can serve them);
//   1. the disk fails while it runs a job only it can serve (the job's result, commitment and
//      audit writes meet the fault): that job ends at once in a defined state — delivered and
//      paid, or failed with nothing paid — reported apart (`midJob`); the jobs after it go on
//      (others take them) and none is lost;
//   2. the provider notices at its next write, takes no new work (no bid once it knows) and says
//      why (`info().store`: code and message);
//   3. everything its store held when it stopped is on the disk afterwards, value for value, read
//      by opening the LevelDB directly once the fault is gone (nothing acknowledged was lost);
//   4. restarted on the same data dir, it wins a job again.
// Needs root (mounts); otherwise the report says why it was skipped.
import { join } from 'node:path'
import { ClassicLevel } from 'classic-level'
import { STORE_DIRNAME } from '../../node/store.ts'
import { DEFAULT_LIMITS } from '../../node/market/requester.ts'
import { priceSheetFromConfig } from '../../node/market/service.ts'
import { ClearingBook } from '../../protocol/market/clearing-book.ts'
import { priceJob } from '../../protocol/market/pricing.ts'
import { JOB_WALL_TIME_MS } from './job-runner.ts'
import { runJobs } from './job-runner.ts'
import { helloModule } from './held-executor.ts'
import { diskFaultsUnavailable, mountFaultFs, mountSmallTmpfs } from './disk-faults.ts'
import type { FaultyDisk } from './disk-faults.ts'
import type { JobRecord } from '../../node/market/job-record.ts'
import type { HiveNode } from '../../node/node.ts'
import type { PaidFleet } from './paid-fleet.ts'

export type DiskFault = 'full' | 'fsync-eio' | 'write-eio'
export const DISK_FAULTS: readonly DiskFault[] = ['full', 'fsync-eio', 'write-eio']

/** the disk provider's price per unit, HIVE (every other chaos provider asks 0.0005 or more) */
const DISK_PRICE = '0.0002'

/**
 * A max price only the disk provider can meet: the floor of a provider asking 0.0003 per unit
 * for these jobs, with 10 % for the protocol fee. Floors scale with the price per unit, so the
 * disk provider's (0.0002) is below it and the next cheapest one's (0.0005) far above it.
 */
function onlyPrice(wallTimeMs: number): bigint {
  const quote = priceJob({
    sheet: priceSheetFromConfig({ wasm: '0.0003' }, ['wasm']),
    load: 0,
    recentClearings: new ClearingBook(),
    job: { executor: 'wasm', token: '', ...DEFAULT_LIMITS, wallTimeMs, maxPrice: 10n ** 18n },
    now: Date.now(),
  })
  return (BigInt(quote.floor) * 11n) / 10n
}

export interface DiskOptions {
  faults: readonly DiskFault[]
  /** jobs before the fault, during it, and at most this many after the restart until it wins one */
  jobsPerPhase: number
  bidWindowMs: number
  holdMs: number
  /** how long the job the fault lands in runs (the fault comes once the provider accepted it) */
  midJobHoldMs: number
  random: () => number
  say: (text: string) => void
}

export interface DiskFaultReport {
  fault: DiskFault
  /** jobs the provider won before its disk failed (only it could: the max price excluded the others) */
  winsBefore: number
  /** the job it was running when the disk failed (only it could serve it), and how that job ended */
  midJob: {
    /** the fault landed after the provider accepted the job and before its result came */
    faultWhileRunning: boolean
    phase: string
    failure: string | null
    /** the provider's award: delivered (and paid) or not */
    delivered: boolean
    paid: boolean
    /** ms from the fault until the requester's record of the job was final */
    endedAfterFaultMs: number
    /**
     * its escrow on chain 10 s after the job's end at most: paid; refunded (cancelled when the job
     * settled); disputed (the provider's commitment landed on chain before its own store failed,
     * so the requester disputes it); or, a defect, committed or open (locked until its deadline)
     */
    escrow: 'paid' | 'refunded' | 'disputed' | 'committed' | 'open' | 'none'
  }
  /** the store's own words once failing (null: it never noticed) */
  code: string | null
  message: string | null
  /** ms from the fault to the store failing (it notices at its next write) */
  detectedMs: number | null
  /** jobs posted once its store was failing, and the bids it sent for them (must be 0) */
  jobsWhileFailing: number
  bidsWhileFailing: number
  /** key-value pairs its store held when it stopped, and how many of them the disk lacked after */
  entriesHeld: number
  /** absent, or with another value, and no failed write of the node's explains it (must be 0) */
  entriesMissing: number
  /** with the value of a later write the node saw fail: it reached LevelDB's log before fsync failed */
  entriesChangedByFailedWrites: number
  /** restarted on the same data dir with the disk healthy: it won a job only it could serve */
  servedAfterRestart: boolean
}

export interface DiskReport {
  faults: DiskFaultReport[]
  records: JobRecord[]
}

/** The disk half, on a paid fleet already running; `{ skipped }` where the mounts cannot be made. */
export async function runDisk(
  scene: PaidFleet,
  root: string,
  opts: DiskOptions,
): Promise<DiskReport | { skipped: string }> {
  const why = diskFaultsUnavailable()
  if (why !== undefined) return { skipped: why }
  const records: JobRecord[] = []
  const faults: DiskFaultReport[] = []
  for (const [i, fault] of opts.faults.entries()) {
    const dir = join(root, `disk-${fault}`)
    const disk: FaultyDisk = fault === 'full' ? mountSmallTmpfs(dir) : await mountFaultFs(dir)
    try {
      faults.push(await oneFault(scene, disk, fault, 1000 + i, opts, records))
    } finally {
      await disk.unmount()
    }
  }
  return { faults, records }
}

async function oneFault(
  scene: PaidFleet,
  disk: FaultyDisk,
  fault: DiskFault,
  walletIndex: number,
  opts: DiskOptions,
  records: JobRecord[],
): Promise<DiskFaultReport> {
  const { fleet, req } = scene
  const dataDir = join(disk.path, 'provider')
  const spawn = async (): Promise<{ id: string; node: HiveNode }> => {
    const m = await fleet.spawn({ dataDir, walletIndex, price: DISK_PRICE })
    return { id: m.peerId, node: fleet.nodesById.get(m.peerId)! }
  }
  // `only`: a max price only this provider's price fits, so it serves the job (or nobody does);
  // otherwise any provider may, and every one is pushed the job (so this one tries to bid)
  const jobs = async (n: number, only: boolean): Promise<JobRecord[]> => {
    const r = await runJobs({
      requester: req.requester,
      k1Jobs: n,
      k2Jobs: 0,
      holdMs: opts.holdMs,
      concurrency: 1,
      bidWindowMs: opts.bidWindowMs,
      maxBidders: 64,
      ...(only ? { maxPrice: onlyPrice(JOB_WALL_TIME_MS) } : {}),
      payment: 'escrow',
      timeoutMs: 90_000,
      random: opts.random,
      say: opts.say,
    })
    records.push(...r)
    return r
  }
  const won = (r: JobRecord, id: string): boolean =>
    r.phase === 'completed' && r.awards.some((a) => a.provider === id && a.status === 'delivered')

  let p = await spawn()
  const failedWrites = keysOfFailedWrites(p.node.store.root)
  opts.say(`disk ${fault}: provider ${p.id.slice(-6)} on ${disk.path}`)
  const before = await jobs(opts.jobsPerPhase, true)
  const winsBefore = before.filter((r) => won(r, p.id)).length

  // the fault lands while the provider runs a job only it can serve: its result, commitment and
  // audit writes come after it
  const mid = await req.requester.post({
    module: await helloModule('done\n'),
    args: [`hold=${opts.midJobHoldMs}`],
    maxPrice: onlyPrice(JOB_WALL_TIME_MS),
    bidWindowMs: opts.bidWindowMs,
    timeoutMs: 90_000,
    limits: { wallTimeMs: JOB_WALL_TIME_MS },
    payment: 'escrow',
  })
  const accepted = await until(() => req.running.has(`${mid.jobId}/${p.id}`), opts.midJobHoldMs + 30_000)
  const failedAt = Date.now()
  disk.fail(fault === 'fsync-eio' ? 'fsync' : 'write')
  const stillRunning = req.running.has(`${mid.jobId}/${p.id}`)
  // not among the run's jobs: only this provider could serve it, so failing is one right end
  const midRecord = await req.requester.wait(mid.jobId)
  const midAward = midRecord.awards.find((a) => a.provider === p.id)
  const midJob: DiskFaultReport['midJob'] = {
    faultWhileRunning: accepted && stillRunning,
    phase: midRecord.phase,
    failure: midRecord.failure?.reason ?? null,
    delivered: midAward?.status === 'delivered',
    paid: midAward?.paidAt !== undefined,
    endedAfterFaultMs: Date.now() - failedAt,
    escrow: 'none',
  }
  const escrowState = async (): Promise<DiskFaultReport['midJob']['escrow']> => {
    const e = (await scene.paid.escrows()).find((x) => x.jobId === mid.jobId)
    if (e === undefined) return 'none'
    if (e.paid > 0n) return 'paid'
    if (e.refunded) return 'refunded'
    return e.disputed ? 'disputed' : e.committed ? 'committed' : 'open'
  }
  const settledBy = Date.now() + 10_000
  for (;;) {
    midJob.escrow = await escrowState()
    if (!['committed', 'open'].includes(midJob.escrow) || Date.now() > settledBy) break
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  opts.say(`disk ${fault}: the job it was running when the disk failed: ${JSON.stringify(midJob)}`)
  let failingSince: number | undefined
  const failing = (): boolean => {
    if (p.node.info().store?.ok === false) failingSince ??= Date.now()
    return failingSince !== undefined
  }
  const watch = setInterval(failing, 20)
  // jobs until the provider has noticed (at its next write), then as many again: those posted
  // once it knew must get no bid from it
  let bidsWhileFailing = 0
  let jobsWhileFailing = 0
  const during: JobRecord[] = []
  try {
    for (let i = 0; i < 3 * opts.jobsPerPhase && jobsWhileFailing < opts.jobsPerPhase; i++) {
      const knew = failing()
      const [r] = await jobs(1, false)
      during.push(r)
      if (!knew) continue
      jobsWhileFailing++
      bidsWhileFailing += r.bids.filter((b) => b.provider === p.id).length
    }
  } finally {
    clearInterval(watch)
  }
  const store = p.node.info().store
  opts.say(
    `disk ${fault}: ${during.filter((r) => r.phase === 'completed').length}/${during.length} jobs completed` +
      ` meanwhile; the provider says ${store?.ok === false ? `${store.code}: ${store.message}` : 'nothing'}`,
  )

  // what the store holds as it stops, against what the disk has once healthy
  const held = await dump(p.node.store.root)
  await fleet.leave(p.id)
  disk.fail('ok')
  const onDisk = new ClassicLevel<string, Uint8Array>(join(dataDir, STORE_DIRNAME), {
    keyEncoding: 'utf8',
    valueEncoding: 'view',
  })
  let entriesMissing = 0
  let entriesChangedByFailedWrites = 0
  try {
    const after = await dump(onDisk)
    for (const [k, v] of held) {
      if (after.get(k) === v) continue
      // a write LevelDB failed after its record reached the log (fsync failing): the node was
      // told it failed, and the log replay at the next open applies it anyway. Not a loss: what
      // was acknowledged was overwritten only by a later write of the node's own.
      if (failedWrites.has(k)) entriesChangedByFailedWrites++
      else entriesMissing++
    }
  } finally {
    await onDisk.close()
  }
  opts.say(
    `disk ${fault}: ${held.size} entries held; on the disk after, ${entriesMissing} missing or changed,` +
      ` ${entriesChangedByFailedWrites} changed by a write that had failed`,
  )

  p = await spawn()
  let servedAfterRestart = false
  for (let i = 0; i < opts.jobsPerPhase && !servedAfterRestart; i++)
    servedAfterRestart = (await jobs(1, true)).some((r) => won(r, p.id))
  await fleet.leave(p.id)
  return {
    fault,
    winsBefore,
    midJob,
    code: store?.ok === false ? (store.code ?? null) : null,
    message: store?.ok === false ? (store.message ?? null) : null,
    detectedMs: failingSince === undefined ? null : failingSince - failedAt,
    jobsWhileFailing,
    bidsWhileFailing,
    entriesHeld: held.size,
    entriesMissing,
    entriesChangedByFailedWrites,
    servedAfterRestart,
  }
}

/**
 * The root keys of every put, del or batch on `root` that failed, from now on (sublevels write
 * through the root's methods with their prefixed keys; a root batch op names its sublevel).
 */
function keysOfFailedWrites(root: ClassicLevel<string, Uint8Array>): Set<string> {
  const keys = new Set<string>()
  const db = root as unknown as Record<'put' | 'del' | 'batch', (...args: unknown[]) => unknown>
  const keysOf = (name: string, args: unknown[]): string[] => {
    if (name !== 'batch') return [String(args[0])]
    const ops = (Array.isArray(args[0]) ? args[0] : []) as Array<{ key: unknown; sublevel?: { prefix: string } }>
    return ops.map((op) => (op.sublevel?.prefix ?? '') + String(op.key))
  }
  for (const name of ['put', 'del', 'batch'] as const) {
    const original = db[name].bind(root)
    db[name] = (...args: unknown[]): unknown => {
      if (name === 'batch' && args.length === 0) return original()
      return (original(...args) as Promise<unknown>).catch((err: unknown) => {
        for (const k of keysOf(name, args)) keys.add(k)
        throw err
      })
    }
  }
  return keys
}

/** resolves true once `ok()` holds, false after `ms` */
async function until(ok: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms
  while (!ok()) {
    if (Date.now() > end) return false
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return true
}

/** every key and value (hex) of a LevelDB, sublevels included */
async function dump(db: ClassicLevel<string, Uint8Array>): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for await (const [k, v] of db.iterator({ keyEncoding: 'utf8', valueEncoding: 'view' }))
    out.set(k, Buffer.from(v).toString('hex'))
  return out
}
