// Chaos scenario 8 (issue 16), disk and clock. The clock half: the requester's system clock runs
// 2 minutes behind, one provider's
// 2 minutes ahead and another's 2 minutes behind, among providers on the right time; jobs paid by
// escrow on a Hardhat chain. Each node corrects its clock by its peers' median
// (node/p2p/clock-sync.ts, protocol/clock-offset.ts); the skewed providers are the cheapest, so
// they are the ones awarded most. The disk half (disk.ts) follows on the same network: a provider
// whose data dir fills up, or whose fsync or writes fail with EIO. Double payments are counted
// from the escrow contract's events over both halves.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCpuBenchmark } from '../../node/hardware/index.ts'
import { CLOCK_SYNC } from '../../protocol/clock-offset.ts'
import { settledPayouts } from './dead-providers.ts'
import { jobFigures, runJobs } from './job-runner.ts'
import { startPaidFleet } from './paid-fleet.ts'
import { seededRandom } from './stats.ts'
import { DISK_FAULTS, runDisk } from './disk.ts'
import type { DiskFault, DiskFaultReport } from './disk.ts'
import type { JobRecord } from '../../node/market/job-record.ts'
import type { HiveNode } from '../../node/node.ts'
import type { PayoutCheck } from './payout-check.ts'

export interface DiskClockOptions {
  /** providers on the right time (two skewed ones are added) */
  providers: number
  /** how far the skewed clocks are off, ms */
  skewMs: number
  k1Jobs: number
  k2Jobs: number
  concurrency: number
  holdMs: number
  bidWindowMs: number
  seed: number
  /** the disk half's faults, in order (none: the clock half only) */
  diskFaults: readonly DiskFault[]
  /** disk half: jobs before each fault and during it */
  diskJobs: number
  say?: (text: string) => void
}

export const DISK_CLOCK_DEFAULTS: DiskClockOptions = {
  providers: 3,
  skewMs: 2 * 60_000,
  k1Jobs: 24,
  k2Jobs: 6,
  concurrency: 3,
  holdMs: 100,
  bidWindowMs: 2_000,
  seed: 8,
  diskFaults: DISK_FAULTS,
  diskJobs: 3,
}

export interface DiskClockReport {
  scenario: 'disk-clock'
  jobs: number
  completed: number
  lostJobs: number
  failures: Record<string, number>
  doublePaid: number
  skewMs: number
  /**
   * each skewed node: how far its system clock is off, the correction it found, from how many
   * peers, and how long after its start its clock was within the dead band of right (null: never)
   */
  clocks: Array<{ node: string; skewMs: number; offsetMs: number; peers: number; correctedWithinMs: number | null }>
  /** jobs one of the skewed providers delivered a winning output for */
  skewedProviderWins: number
  jobP50Ms: number | null
  jobP95Ms: number | null
  chain: Omit<PayoutCheck, 'doublePaid'>
  /** per fault, or why the disk half could not run here (not root, no FUSE) */
  disk: DiskFaultReport[] | { skipped: string }
  durationMs: number
  cpuScore: number
}

export async function runDiskClock(opts: DiskClockOptions): Promise<DiskClockReport> {
  const say = opts.say ?? (() => {})
  const cpuScore = runCpuBenchmark().score
  const started = Date.now()
  const root = mkdtempSync(join(tmpdir(), 'hive-chaos-disk-clock-'))
  const behindClock = (): number => Date.now() - opts.skewMs
  const scene = await startPaidFleet(root, say, { systemClock: behindClock })
  try {
    const { paid, req, fleet } = scene
    say(`starting ${opts.providers} providers on the right time`)
    await fleet.spawnMany(opts.providers)
    // the skewed providers dial every node so far (a node asks the peers it is connected to), and
    // undercut the others so that they are awarded
    const everyone = (): string[] => [req.node, ...fleet.nodesById.values()].flatMap((n) => n.info().addresses)
    say(`starting a provider ${opts.skewMs} ms ahead and one ${opts.skewMs} ms behind`)
    const ahead = await fleet.spawn({
      systemClock: () => Date.now() + opts.skewMs,
      bootstrap: everyone(),
      price: '0.0005',
    })
    const behind = await fleet.spawn({ systemClock: behindClock, bootstrap: everyone(), price: '0.0006' })
    const skewed: Array<{ name: string; node: HiveNode; skewMs: number }> = [
      { name: 'requester', node: req.node, skewMs: -opts.skewMs },
      { name: 'provider-ahead', node: fleet.nodesById.get(ahead.peerId)!, skewMs: opts.skewMs },
      { name: 'provider-behind', node: fleet.nodesById.get(behind.peerId)!, skewMs: -opts.skewMs },
    ]
    const corrected = new Map<string, number>()
    const until = Date.now() + 60_000
    while (corrected.size < skewed.length && Date.now() < until) {
      for (const s of skewed) {
        const c = s.node.clock.status()
        if (!corrected.has(s.name) && Math.abs(c.offsetMs + s.skewMs) < CLOCK_SYNC.deadbandMs)
          corrected.set(s.name, Date.now() - s.node.info().startedAt)
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    say(`clocks corrected: ${corrected.size}/${skewed.length}`)

    const records = await runJobs({
      requester: req.requester,
      k1Jobs: opts.k1Jobs,
      k2Jobs: opts.k2Jobs,
      holdMs: opts.holdMs,
      concurrency: opts.concurrency,
      bidWindowMs: opts.bidWindowMs,
      payment: 'escrow',
      timeoutMs: 90_000,
      random: seededRandom(opts.seed),
      say,
    })
    const all: JobRecord[] = [...records]
    let disk: DiskFaultReport[] | { skipped: string } = { skipped: 'no disk faults asked for' }
    if (opts.diskFaults.length > 0) {
      say(`disk half: ${opts.diskFaults.join(', ')}`)
      const d = await runDisk(scene, root, {
        faults: opts.diskFaults,
        jobsPerPhase: opts.diskJobs,
        bidWindowMs: opts.bidWindowMs,
        holdMs: opts.holdMs,
        midJobHoldMs: 2_000,
        random: seededRandom(opts.seed + 1),
        say,
      })
      if ('skipped' in d) say(`disk half skipped: ${d.skipped}`)
      else all.push(...d.records)
      disk = 'skipped' in d ? d : d.faults
    }
    const payouts = await settledPayouts(paid, all, fleet.peerByAddress, say)
    const skewedIds = new Set([ahead.peerId, behind.peerId])
    const { doublePaid, ...chain } = payouts
    return {
      scenario: 'disk-clock',
      ...jobFigures(all),
      doublePaid,
      skewMs: opts.skewMs,
      clocks: skewed.map((s) => {
        const c = s.node.clock.status()
        return {
          node: s.name,
          skewMs: s.skewMs,
          offsetMs: c.offsetMs,
          peers: c.peers,
          correctedWithinMs: corrected.get(s.name) ?? null,
        }
      }),
      skewedProviderWins: records.filter(
        (r) =>
          r.phase === 'completed' &&
          r.awards.some((a) => skewedIds.has(a.provider) && a.status === 'delivered' && a.outputCid === r.outputCid),
      ).length,
      chain,
      disk,
      durationMs: Date.now() - started,
      cpuScore,
    }
  } finally {
    await scene.stop()
    rmSync(root, { recursive: true, force: true })
  }
}
