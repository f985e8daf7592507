// `hive earnings` and `hive stats` (issue 17): what this node earned as a provider and how its
// jobs ended, from the running node's records through the typed client (payments.earnings,
// jobs.stats). Amounts are rounded for people; --json has them exact, in base units.
import type { Command } from 'commander'
import { HiveClient } from '../client.ts'
import type { CommandContext } from '../context.ts'
import { hiveAmount, table } from '../format.ts'
import { parseDuration } from '../parse.ts'
import { UsageError } from '../../protocol/errors.ts'
import type { EarningsRow } from '../../node/api/contract/views/payments.ts'
import type { OutcomeStats } from '../../node/api/contract/views/jobs.ts'

/** `--since 2026-12-01`, `--since 2026-12-01T12:00Z` or `--since 7d` (that long ago): ms since the epoch. */
export function parseSince(text: string, now = Date.now()): number {
  const t = text.trim()
  if (/^\d+(\.\d+)?(ms|s|m|h|d)+/.test(t)) {
    try {
      return now - parseDuration(t)
    } catch {
      // not a duration after all: try it as a date below
    }
  }
  const at = /^\d{4}-\d{2}-\d{2}/.test(t) ? Date.parse(t) : NaN
  if (!Number.isFinite(at) || at < 0)
    throw new UsageError(
      'INVALID_SINCE',
      `--since "${text}": give a date (2026-12-01, 2026-12-01T12:00Z) or a duration ago (7d, 12h)`,
      {
        value: text,
      },
    )
  return at
}

const BY = ['job', 'requester', 'day'] as const
type By = (typeof BY)[number]

function parseBy(text: string): By {
  if (!(BY as readonly string[]).includes(text))
    throw new UsageError('INVALID_BY', `--by "${text}": one of ${BY.join(', ')}`, { value: text })
  return text as By
}

function rowCells(r: EarningsRow): string[] {
  return [r.key, String(r.jobs), hiveAmount(r.paid), hiveAmount(r.pending), hiveAmount(r.fees)]
}

export function registerEarningsCommand(earnings: Command, context: (cmd: Command) => CommandContext): void {
  earnings
    .option('--since <date>', 'only jobs since then: a date (2026-12-01) or a duration ago (7d)')
    .option('--by <group>', 'one row per job, requester or day')
    .addHelpText(
      'after',
      '\nExamples:\n  hive earnings\n  hive earnings --since 7d --by day\n  hive earnings --by requester --json',
    )
    .action(async (opts: { since?: string; by?: string }, cmd: Command) => {
      const ctx = context(cmd)
      const since = opts.since !== undefined ? parseSince(opts.since) : undefined
      const by = opts.by !== undefined ? parseBy(opts.by) : undefined
      const client = await HiveClient.forDataDir(ctx.dataDir)
      const view = await client.call('payments.earnings', {
        query: { ...(since !== undefined ? { since } : {}), ...(by !== undefined ? { by } : {}) },
      })
      if (ctx.json) {
        ctx.printJson(view)
        return
      }
      const t = view.totals
      const lines = [
        `earnings of ${view.address}${since !== undefined ? ` since ${new Date(since).toISOString()}` : ''}`,
        `  paid     ${hiveAmount(t.paid)}  (${t.jobs} job${t.jobs === 1 ? '' : 's'})`,
        `  pending  ${hiveAmount(t.pending)}`,
        `  fees     ${hiveAmount(t.fees)}`,
        `  channels: ${hiveAmount(view.channels.held)} in vouchers held,` +
          ` ${hiveAmount(view.channels.redeemed)} redeemed`,
        `  escrows:  ${hiveAmount(view.escrows.released)} released,` +
          ` ${hiveAmount(view.escrows.awaiting)} awaiting release`,
        `  gas since start: ${view.gas.transactions} transactions` +
          ` (${view.gas.failed} failed), ${view.gas.gasUsed} gas,` +
          ` ${view.gas.feesWei} wei`,
      ]
      ctx.say(lines.join('\n'))
      if (view.rows.length > 0)
        ctx.say(table([by ?? 'key', 'jobs', 'paid', 'pending', 'fees'], view.rows.map(rowCells)))
    })
}

function outcomeLines(title: string, s: OutcomeStats, extra: string): string[] {
  const out = [
    `${title}: ${s.total} ended — ${s.succeeded} succeeded, ${s.failed} failed, ${s.timedOut} timed out${extra}`,
  ]
  for (const [reason, n] of Object.entries(s.byReason).sort((a, b) => b[1] - a[1])) out.push(`  ${reason}: ${n}`)
  return out
}

export function registerStatsCommand(stats: Command, context: (cmd: Command) => CommandContext): void {
  stats
    .option('--since <date>', "the requester's jobs since then: a date or a duration ago (7d)")
    .addHelpText('after', '\nExamples:\n  hive stats\n  hive stats --since 1d --json')
    .action(async (opts: { since?: string }, cmd: Command) => {
      const ctx = context(cmd)
      const since = opts.since !== undefined ? parseSince(opts.since) : undefined
      const client = await HiveClient.forDataDir(ctx.dataDir)
      const view = await client.call('jobs.stats', { query: since !== undefined ? { since } : {} })
      if (ctx.json) {
        ctx.printJson(view)
        return
      }
      const lines: string[] = []
      if (view.requester !== undefined)
        lines.push(...outcomeLines('as requester', view.requester, `, ${view.requester.running} running`))
      if (view.provider !== undefined)
        lines.push(
          ...outcomeLines(
            `as provider since ${new Date(view.provider.since).toISOString().slice(0, 19)}Z`,
            view.provider,
            `; ${view.provider.bids} bids, ${view.provider.declined} declined`,
          ),
        )
      ctx.say(lines.length > 0 ? lines.join('\n') : 'this node runs neither role')
    })
}
