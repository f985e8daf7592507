// Step 4: audit. Every node that took part anchors its log's Merkle root on-chain
// (`hive audit anchor`); the auditor, which took part in no job, verifies both jobs
// (`hive audit verify --job`): it fetches the requester's and providers' entries with inclusion
// proofs over the network and checks them against the anchors and against each other.
import { roundTokenAmount, table } from '../format.ts'
import type { AnchorResult } from '../../node/audit/anchorer.ts'
import type { AuditVerdict } from '../../protocol/audit/verdict.ts'
import { CliFailure, hiveJson } from './cli.ts'
import { byRole, person } from './demo-context.ts'
import type { DemoContext } from './demo-context.ts'
import type { Step } from './steps.ts'

export const auditStep: Step<DemoContext> = {
  name: 'audit: nodes anchor their logs on-chain; an auditor that took no part verifies both jobs',
  run: async (ctx) => {
    const anchoring = [person(ctx, 'requester'), ...byRole(ctx, 'provider')]
    const anchored = await Promise.all(
      anchoring.map(async (p) => {
        ctx.say(`$ ${ctx.cli.show(p.dir, ['audit', 'anchor'])}`)
        return { p, r: await hiveJson<AnchorResult>(ctx.cli, p.dir, ['audit', 'anchor']) }
      }),
    )
    for (const { p, r } of anchored) {
      if (r.treeSize === 0)
        throw new Error(`${p.name}'s audit log is empty: it took part in a job, so it should hold entries`)
      ctx.report.anchors.push({ name: p.name, address: p.address, root: r.root, size: r.treeSize, tx: r.txHash ?? '' })
      ctx.say(
        `${p.name.padEnd(10)} ${r.anchored ? 'anchored' : 'already anchored'} ` +
          `${r.treeSize} entries, root ` +
          `${r.root.slice(0, 18)}…${
            r.txHash !== undefined ? ` (tx ${r.txHash.slice(0, 12)}…, block` + ` ${r.blockNumber ?? '?'})` : ''
          }`,
      )
    }

    const auditor = person(ctx, 'auditor')
    for (const job of ctx.report.jobs) {
      const args = ['audit', 'verify', '--job', job.jobId]
      ctx.say(`$ ${ctx.cli.show(auditor.dir, args)}`)
      const r = await ctx.cli.run(auditor.dir, [...args, '--json'], { timeoutMs: 60_000 })
      let verdict: AuditVerdict | undefined
      try {
        verdict = JSON.parse(r.stdout) as AuditVerdict
      } catch {
        /* no verdict: the command failed before */
      }
      if (verdict === undefined) throw new CliFailure(ctx.cli.show(auditor.dir, args), r)
      ctx.say(compactVerdict(ctx, verdict))
      const named = (status: string): string[] =>
        verdict.rows
          .filter((row) => row.status === status)
          .map((row) => `${row.check}${row.code !== undefined ? ` (${row.code})` : ''}`)
      const problems = [...named('FAIL'), ...named('UNAVAILABLE'), ...named('PENDING')]
      ctx.report.audit.push({
        jobId: job.jobId,
        ok: verdict.outcome === 'VERIFIED',
        rows: verdict.rows.length,
        passed: verdict.rows.filter((row) => row.status === 'PASS').length,
        warnings: named('WARN'),
        problems,
      })
      if (verdict.outcome !== 'VERIFIED' || r.code !== 0)
        throw new Error(
          `the auditor's verdict on ${job.label} is ${verdict.outcome}: ${problems.slice(0, 5).join('; ')}`,
        )
    }
    const paid = ctx.report.jobs.flatMap((j) => j.winners).reduce((sum, w) => sum + BigInt(w.price), 0n)
    return (
      `${anchored.length} logs anchored; both jobs VERIFIED by the auditor ` +
      `(${ctx.report.audit.map((a) => a.rows).join(' and ')} checks; ` +
      `${roundTokenAmount(paid)} HIVE of payments proven)`
    )
  },
}

/** The verdict per participant (the full table of every check is `hive audit verify` without --json). */
function compactVerdict(ctx: DemoContext, v: AuditVerdict): string {
  const rows = v.peers.map((p) => {
    const mine = v.rows.filter((r) => r.subject === p.peerId)
    const count = (status: string): number => mine.filter((r) => r.status === status).length
    const name = ctx.people.find((x) => x.peerId === p.peerId)?.name ?? p.peerId
    return [
      name,
      p.role,
      p.latestAnchor !== undefined ? `#${p.latestAnchor.index} (${p.latestAnchor.treeSize} entries)` : '-',
      p.entries,
      count('PASS'),
      count('FAIL'),
      count('UNAVAILABLE') + count('PENDING'),
    ]
  })
  const jobRows = v.rows.filter((r) => r.subject === 'job')
  const cross =
    jobRows.length === 0
      ? ''
      : `\ncross-checks between the logs (same job, matching result, payment as ` +
        `agreed): ${jobRows.filter((r) => r.status === 'PASS').length} of ` +
        `${jobRows.length} passed`
  const passed = v.rows.filter((r) => r.status === 'PASS').length
  const warnings = v.rows
    .filter((r) => r.status === 'WARN')
    .map((r) => `${r.check}${r.code !== undefined ? ` (${r.code})` : ''}`)
  const head = table(['participant', 'role', 'latest anchor', 'entries', 'passed', 'failed', 'not shown'], rows)
  return (
    `${head}${cross}\n${v.outcome}: ${passed} of ${v.rows.length} checks ` +
    `passed${warnings.length > 0 ? `; warnings (compatible with an honest run): ${warnings.join(', ')}` : ''}`
  )
}
