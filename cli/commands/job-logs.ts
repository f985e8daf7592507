// `hive job logs <id> [--follow] [--provider p]`: a job's live output (stderr and progress lines,
// never stdout; docs/job-logs.md) as the requester kept it, and with --follow what comes next,
// until the job ends: exit 0 when it was verified, JOB_FAILED otherwise.
import type { Command } from 'commander'
import { HiveError } from '../../protocol/errors.ts'
import { toJson } from '../../node/api/json.ts'
import { HiveClient } from '../client.ts'
import { shortPeerId } from '../format.ts'
import type { CommandContext } from '../context.ts'
import type { RouteReply } from '../../node/api/contract/index.ts'
import type { NodeEvent } from '../../node/controller.ts'

interface LogsOptions {
  follow?: boolean
  provider?: string
}

type LogEvent = Extract<NodeEvent, { type: 'job:log' }>

export function registerJobLogsCommand(job: Command, context: (cmd: Command) => CommandContext): void {
  job
    .command('logs <jobId>')
    .description("a job's live output (stderr, progress lines) per provider; --follow streams it until the job ends")
    .option('--follow', 'keep printing new output until the job is verified (exit 0) or fails (exit non-zero)')
    .option('--provider <peerId>', "only this provider's output")
    .action(async (jobId: string, opts: LogsOptions, cmd: Command) => {
      await jobLogs(context(cmd), jobId, opts)
    })
}

async function jobLogs(ctx: CommandContext, jobId: string, opts: LogsOptions): Promise<void> {
  const client = await HiveClient.forDataDir(ctx.dataDir)
  const query = opts.provider !== undefined ? { provider: opts.provider } : {}
  if (opts.follow !== true) {
    const snap = await client.call('jobs.logs', { params: { jobId }, query })
    if (ctx.json) ctx.printJson(snap)
    else printSnapshot(ctx, snap)
    return
  }

  // the stream is opened before the snapshot is read, so nothing between the two is lost;
  // an event the snapshot already holds (at or before its provider's updatedAt) is skipped
  const stop = new AbortController()
  const shutdown = ctx.io.shutdownSignal()
  shutdown.addEventListener('abort', () => stop.abort(), { once: true })
  const queue: NodeEvent[] = []
  let wake: (() => void) | undefined
  let streamError: unknown
  const types = ['job:log', 'job:verified', 'job:failed']
  const follow = (async () => {
    for await (const e of client.events({ signal: stop.signal, types, job: jobId })) {
      queue.push(e)
      wake?.()
    }
  })().catch((err: unknown) => {
    if (!stop.signal.aborted) streamError = err
    wake?.()
  })
  let end: 'verified' | 'failed' | undefined
  try {
    const snap = await client.call('jobs.logs', { params: { jobId }, query })
    const seenUpTo = new Map(snap.logs.map((l) => [l.provider, l.updatedAt]))
    if (ctx.json) ctx.io.stdout(toJson(snap) + '\n')
    else printSnapshot(ctx, snap)
    if (snap.phase === 'completed' || snap.phase === 'failed') end = snap.phase === 'completed' ? 'verified' : 'failed'
    let lastCheck = Date.now()
    while (end === undefined && !stop.signal.aborted) {
      for (const e of queue.splice(0)) {
        if (e.type === 'job:verified' || e.type === 'job:failed') {
          end = e.type === 'job:verified' ? 'verified' : 'failed'
          break
        }
        if (e.type !== 'job:log') continue
        if (opts.provider !== undefined && e.provider !== opts.provider) continue
        if (e.at <= (seenUpTo.get(e.provider) ?? -1)) continue
        printEvent(ctx, e)
      }
      if (end !== undefined) break
      if (streamError !== undefined) throw streamError
      // the end event can race the stream's opening: the record says so too
      if (Date.now() - lastCheck >= 2_000) {
        lastCheck = Date.now()
        const { phase } = await client.call('jobs.get', { params: { jobId } })
        if (phase === 'completed' || phase === 'failed') {
          end = phase === 'completed' ? 'verified' : 'failed'
          break
        }
      }
      await new Promise<void>((resolve) => {
        wake = resolve
        setTimeout(resolve, 500)
      })
    }
  } finally {
    stop.abort()
    await follow
  }
  if (end === undefined) return // interrupted
  if (ctx.json) ctx.io.stdout(toJson({ jobId, end }) + '\n')
  else ctx.note(`job ${jobId} ${end}`)
  if (end === 'failed') {
    const record = await client.call('jobs.get', { params: { jobId } })
    throw new HiveError(
      'JOB_FAILED',
      `job ${jobId} failed: ${record.failure?.reason ?? 'unknown'}: ${record.failure?.message ?? ''}`,
      { jobId },
    )
  }
}

function printSnapshot(ctx: CommandContext, snap: RouteReply<'jobs.logs'>): void {
  if (snap.logs.length === 0) {
    ctx.note(`no output from job ${snap.jobId} yet (phase ${snap.phase})`)
    return
  }
  for (const l of snap.logs) {
    const progress = l.progress !== undefined ? `, progress ${Math.round(l.progress * 100)}%` : ''
    const dropped = l.droppedBytes > 0 ? `, ${l.droppedBytes} bytes dropped` : ''
    ctx.note(`── ${shortPeerId(l.provider)}: ${l.receivedBytes} bytes${dropped}${progress}`)
    ctx.io.stdout(l.text.endsWith('\n') || l.text === '' ? l.text : l.text + '\n')
  }
}

function printEvent(ctx: CommandContext, e: LogEvent): void {
  if (ctx.json) {
    ctx.io.stdout(toJson(e) + '\n')
    return
  }
  ctx.io.stdout(e.text)
}
