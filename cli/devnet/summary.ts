// Step 6 and what is printed at the end: balances after (and gas spent since the funding), then
// a summary of every step with its duration, who won at what price, the results, balances
// before and after, the audit verdict and the governance change; and the `--keep` instructions.
import { formatEther } from 'ethers'
import { formatDuration, roundTokenAmount, table } from '../format.ts'
import { snapshotBalances, TREASURY } from './balances.ts'
import { settleCredits } from './credits.ts'
import { nodesOf } from './demo-context.ts'
import type { DemoContext } from './demo-context.ts'
import type { DemoReport } from './report.ts'
import type { Step } from './steps.ts'

export const summaryStep: Step<DemoContext> = {
  name: 'summary: balances after, gas spent',
  run: async (ctx) => {
    const before = ctx.report.balances.before
    if (before === undefined) throw new Error('no balances were recorded before the jobs')
    const fees = await settleCredits(ctx)
    if (fees !== 0n)
      ctx.say(
        `every node withdrew its credits; ${roundTokenAmount(fees)} HIVE of fees swept into the treasury (withdrawFor)`,
      )
    const after = await snapshotBalances(ctx)
    ctx.report.balances.after = after
    for (const [name, b] of Object.entries(after.byName)) {
      const was = before.byName[name]
      if (was !== undefined && name !== TREASURY) ctx.report.gas[name] = (BigInt(was.eth) - BigInt(b.eth)).toString()
    }
    const gas = Object.values(ctx.report.gas).reduce((s, g) => s + BigInt(g), 0n)
    return `balances at blocks ${before.block} and ${after.block}; ${formatEther(gas).slice(0, 10)} ETH of gas in all`
  },
}

const hive = (units: string | bigint): string => roundTokenAmount(BigInt(units))
const signed = (units: bigint): string => (units > 0n ? `+${hive(units)}` : units < 0n ? `-${hive(-units)}` : '0')

export function summaryText(r: DemoReport): string {
  const out: string[] = []
  out.push(
    table(
      ['#', 'step', 'time', 'outcome'],
      r.steps.map((s, i) => [
        i + 1,
        s.name.split(':')[0],
        formatDuration(s.ms),
        s.ok ? wrap(s.summary ?? 'ok', 90) : `FAILED: ${wrap(s.error ?? '', 90)}`,
      ]),
    ),
  )
  if (r.jobs.length > 0) {
    out.push('jobs')
    out.push(
      table(
        ['job', 'paid by', 'k', 'bids', 'won by (price in HIVE)', 'result', 'time'],
        r.jobs.map((j) => [
          j.label,
          j.payment,
          j.redundancy,
          j.bids,
          j.winners.map((w) => `${w.name} ${hive(w.price)}`).join('\n'),
          wrap(
            `${j.stdout.trim()}${
              j.files.some((f) => f !== 'stdout')
                ? `\n-> ${j.files
                    .filter((f) => f !== 'stdout')
                    .map((f) => `${j.resultDir}/${f}`)
                    .join(', ')}`
                : ''
            }`,
            60,
          ),
          formatDuration(j.ms),
        ]),
      ),
    )
  }
  const { before, after } = r.balances
  if (before !== undefined && after !== undefined) {
    out.push(`balances (HIVE) at block ${before.block} (after funding) and block ${after.block} (now)`)
    out.push(
      table(
        ['who', 'HIVE before', 'HIVE after', 'staked', 'change (incl. stake)', 'gas (ETH)'],
        Object.keys(after.byName).map((name) => {
          const b = before.byName[name]
          const a = after.byName[name]
          const change = BigInt(a.hive) + BigInt(a.staked) - (BigInt(b.hive) + BigInt(b.staked))
          return [
            name,
            hive(b.hive),
            hive(a.hive),
            hive(a.staked),
            signed(change),
            r.gas[name] !== undefined ? formatEther(BigInt(r.gas[name])).slice(0, 10) : '-',
          ]
        }),
      ),
    )
  }
  if (r.channels.length > 0 || r.escrows.length > 0) {
    const lines = [
      ...r.channels.map(
        (c) =>
          `channel ${c.channelId.slice(0, 10)}… to ${c.provider}: ${hive(c.paid)} ` +
          `of ${hive(c.deposit)} HIVE paid by voucher, ${c.status}`,
      ),
      ...r.escrows.map((e) => `escrow ${e.escrowId.slice(0, 10)}… to ${e.provider}: ${hive(e.amount)} HIVE ${e.state}`),
    ]
    out.push(`settlement (the protocol fee goes to the treasury)\n  ${lines.join('\n  ')}`)
  }
  if (r.audit.length > 0) {
    out.push(
      `audit: ` +
        `${r.anchors.map((a) => `${a.name} anchored ${a.size} entries`).join(', ')}\n ` +
        ` ` +
        `${r.audit
          .map(
            (a) =>
              `job ${a.jobId.slice(0, 12)}…: ${a.ok ? 'VERIFIED' : 'NOT VERIFIED'} by the auditor` +
              ` (${a.passed} of ${a.rows} checks` +
              ` passed${
                a.warnings.length > 0
                  ? `, ${a.warnings.length} benign` + ` warning${a.warnings.length === 1 ? '' : 's'}`
                  : ''
              }${a.problems.length > 0 ? `; ${a.problems.join('; ')}` : ''})`,
          )
          .join('\n  ')}`,
    )
  }
  const g = r.governance
  if (g !== undefined) {
    out.push(
      `governance: ${g.change}\n  executed in block ${g.executedBlock}; seen ` +
        `by ${g.seenBy.map((s) => `${s.name} (${s.ms} ms)`).join(', ')}\n  ` +
        `${g.stoppedBidding
          .map((s) => `${s.name} stopped bidding` + ` (${s.reason}) after ${s.ms} ms`)
          .join('; ')}${g.probe !== undefined ? `; the next job's bidders: ${g.probe.bidders.join(', ')}` : ''}`,
    )
  }
  out.push(`total ${formatDuration(r.totalMs)}`)
  return out.join('\n')
}

function wrap(text: string, width: number): string {
  return text
    .split('\n')
    .flatMap((line) => {
      const parts: string[] = []
      let rest = line
      while (rest.length > width) {
        const cut = rest.lastIndexOf(' ', width) > width / 2 ? rest.lastIndexOf(' ', width) : width
        parts.push(rest.slice(0, cut))
        rest = rest.slice(cut).trimStart()
      }
      parts.push(rest)
      return parts
    })
    .join('\n')
}

export function keepInstructions(ctx: DemoContext): string {
  const requester = nodesOf(ctx).find((p) => p.role === 'requester')
  const provider = nodesOf(ctx).find((p) => p.role === 'provider')
  const show = (dir: string, args: string[]): string => `  ${ctx.cli.show(dir, args)}`
  const lines = [
    'The network is up; Ctrl-C here stops everything. In another shell, from this folder:',
    `  export W=${ctx.workDir} HIVE_PASSPHRASE=${ctx.env.HIVE_PASSPHRASE}`,
  ]
  if (requester !== undefined) {
    lines.push(
      show(requester.dir, ['providers', '--executor', 'wasm']),
      show(requester.dir, [
        'job',
        'post',
        '--wasm',
        'examples/build/wordcount.wasm',
        '--input',
        'README.md',
        '--redundancy',
        '2',
        '--wait',
        '--out',
        '/tmp/wc',
      ]),
      show(requester.dir, ['job', 'list']),
      show(requester.dir, ['channel', 'list']),
      show(requester.dir, ['wallet']),
      `${show(requester.dir, ['dashboard', '--open'])}   (the web dashboard; any node has one)`,
    )
  }
  if (provider !== undefined)
    lines.push(
      show(provider.dir, ['stake', 'status']),
      show(provider.dir, ['audit', 'log']),
      show(provider.dir, ['dashboard', '--open']),
    )
  const auditor = nodesOf(ctx).find((p) => p.role === 'auditor')
  const job = ctx.report.jobs[0]
  if (auditor !== undefined && job !== undefined) lines.push(show(auditor.dir, ['audit', 'verify', '--job', job.jobId]))
  const holder = ctx.people.find((p) => p.role === 'holder')
  if (holder !== undefined) lines.push(show(holder.dir, ['gov', 'list']), show(holder.dir, ['devnet', 'time', '1h']))
  lines.push(
    `chain: ${ctx.report.rpcUrl} (chain id ${ctx.report.chainId}); ` +
      `deployments: $W/deployments/31337.json; logs: $W/logs`,
  )
  return lines.join('\n')
}
