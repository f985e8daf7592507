// Step 3: jobs. The requester finds the providers by capability (`hive providers`), posts a
// word count of the README on two providers paid through a payment channel, then a Mandelbrot
// image paid through escrow; the providers settle their channels with their best voucher and
// the escrow is released by the requester's node on the verified result.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { formatBytes, formatRelative, roundTokenAmount, shortPeerId, table } from '../format.ts'
import type { ProvidersResult } from '../client.ts'
import type { JobRecord } from '../../node/market/job-record.ts'
import type { ChannelSummary } from '../../node/payments/api-port.ts'
import type { EscrowRecord } from '../../node/payments/escrow.ts'
import { hiveJson } from './cli.ts'
import { byRole, person } from './demo-context.ts'
import type { DemoContext, Participant } from './demo-context.ts'
import { parsePgm, pgmToText } from './pgm.ts'
import { REPO_ROOT } from './processes.ts'
import type { JobView } from './report.ts'
import type { Step } from './steps.ts'

const FIND_TIMEOUT_MS = 30_000
const SETTLE_TIMEOUT_MS = 20_000

interface PostResult {
  jobId: string
  outputCid: string
  exitCode: number
  stdout: string
  files: string[]
  record: JobRecord
  written: string[]
}

export const jobsStep: Step<DemoContext> = {
  name:
    'jobs: find providers by capability, a word count (k=2) paid by channel, a Mandelbrot image paid by escrow, ' +
    'an ONNX inference',
  run: async (ctx) => {
    const requester = person(ctx, 'requester')
    const modules = await (ctx.pending.get('examples') as Promise<Record<string, string>>)
    const found = await findProviders(ctx, requester, byRole(ctx, 'provider'))
    const short = (a: string | undefined): string => (a === undefined ? '-' : `${a.slice(0, 6)}…${a.slice(-4)}`)
    ctx.say(
      table(
        [
          'provider',
          'peer id',
          'bound address',
          'arch',
          'memory',
          'cpu score',
          'executors',
          'price per unit (HIVE)',
          'expires',
        ],
        found.providers.map((v) => [
          nameOf(ctx, v.peerId),
          shortPeerId(v.peerId),
          short(v.address),
          v.hardware.cpu.arch,
          formatBytes(v.hardware.memoryBytes),
          v.hardware.benchmark.cpuScore,
          v.executors.join(', '),
          v.prices?.wasm ?? '-',
          formatRelative(v.expiresAt, Date.now()),
        ]),
      ),
    )

    // the job's input, copied into the work dir: what was sent stays there to be checked
    const readme = join(ctx.workDir, 'inputs', 'README.md')
    await mkdir(dirname(readme), { recursive: true })
    await copyFile(join(REPO_ROOT, 'README.md'), readme)
    const wc = await postJob(ctx, 'word count of README.md', 'wordcount', [
      '--wasm',
      modules.wordcount,
      '--input',
      readme,
      '--arg',
      '5',
      '--redundancy',
      '2',
      '--payment',
      'channel',
    ])
    const counts = await readFile(join(wc.resultDir, 'counts.txt'), 'utf8')
    ctx.say(
      counts
        .trimEnd()
        .split('\n')
        .slice(0, 12)
        .map((l) => `| ${l}`)
        .join('\n'),
    )

    const mb = await postJob(ctx, 'Mandelbrot image, 320x240', 'mandelbrot', [
      '--wasm',
      modules.mandelbrot,
      '--arg',
      '320',
      '--arg',
      '240',
      '--arg',
      '256',
      '--redundancy',
      '1',
      '--payment',
      'escrow',
    ])
    const image = join(mb.resultDir, 'mandelbrot.pgm')
    ctx.say(pgmToText(parsePgm(await readFile(image)), 64))
    ctx.say(`(the image itself: ${ctx.cli.path(image)}, a greyscale PGM any image viewer opens)`)

    const mlp = await inferenceJob(ctx)

    await settleChannels(ctx, wc)
    await waitEscrowReleased(ctx, requester, mb)
    await waitEscrowReleased(ctx, requester, mlp)
    return `${wc.label}: ${winnersText(wc)}; ${mb.label}: ${winnersText(mb)}; ${mlp.label}: ${winnersText(mlp)}`
  },
}

/**
 * An inference job (issue 18): a small MLP whose ONNX file is written here with fixed weights, on a
 * 4×2 input tensor, run by the provider that offers executor onnx; its output is checked against
 * the values the weights give.
 */
async function inferenceJob(ctx: DemoContext): Promise<JobView> {
  const { mlpExpected, mlpInputs, mlpModel } = await import('../../examples/inference/models.ts')
  const { tensorSummary } = await import('../onnx-job.ts')
  const model = join(ctx.workDir, 'inputs', 'mlp.onnx')
  const x = join(ctx.workDir, 'inputs', 'x.npy')
  await writeFile(model, mlpModel())
  await writeFile(x, mlpInputs()[0].data)
  const job = await postJob(ctx, 'MLP inference (ONNX, fixed weights)', 'mlp', [
    '--onnx',
    model,
    '--input',
    `x=${x}`,
    '--redundancy',
    '1',
    '--payment',
    'escrow',
  ])
  const files = await Promise.all(
    ['y.npy', 'total.npy'].map(async (name) => ({ name, data: await readFile(join(job.resultDir, name)) })),
  )
  ctx.say(tensorSummary(files).join('\n'))
  const expected = mlpExpected()
  ctx.say(`(expected from the weights: y = ${JSON.stringify(expected.y)}, total = ${expected.total})`)
  return job
}

function winnersText(j: JobView): string {
  return j.winners.map((w) => `${w.name} at ${roundTokenAmount(BigInt(w.price))} HIVE`).join(', ')
}

/** `hive providers --executor wasm` from the requester until every provider's signed profile is found in the DHT. */
async function findProviders(
  ctx: DemoContext,
  requester: Participant,
  providers: Participant[],
): Promise<ProvidersResult> {
  const args = ['providers', '--executor', 'wasm']
  ctx.say(`$ ${ctx.cli.show(requester.dir, args)}`)
  const until = Date.now() + FIND_TIMEOUT_MS
  for (;;) {
    const r = await hiveJson<ProvidersResult>(ctx.cli, requester.dir, args)
    const missing = providers.filter((p) => !r.providers.some((x) => x.peerId === p.peerId))
    if (missing.length === 0) return r
    if (Date.now() > until)
      throw new Error(
        `the requester still does not find ` +
          `${missing.map((p) => p.name).join(', ')} by capability after ` +
          `${FIND_TIMEOUT_MS / 1000} s`,
      )
    await sleep(250, undefined, { signal: ctx.signal })
  }
}

export function nameOf(ctx: DemoContext, peerId: string): string {
  return ctx.people.find((p) => p.peerId === peerId)?.name ?? shortPeerId(peerId)
}

/** `hive job post … --wait --out results/<name>` on the requester; shows its live progress lines. */
export async function postJob(
  ctx: DemoContext,
  label: string,
  name: string,
  jobArgs: string[],
  extra: { bidWindow?: string } = {},
): Promise<JobView> {
  const requester = person(ctx, 'requester')
  const resultDir = join(ctx.resultsDir, name)
  const args = [
    'job',
    'post',
    ...jobArgs,
    '--max-price',
    '1',
    '--bid-window',
    extra.bidWindow ?? '500ms',
    '--timeout',
    '30s',
    '--wait',
    '--out',
    resultDir,
  ]
  ctx.say(
    `$ ${ctx.cli.show(
      requester.dir,
      args.map((a) => (a.startsWith(REPO_ROOT + '/') ? relative(REPO_ROOT, a) : a)),
    )}`,
  )
  const t0 = performance.now()
  const r = await hiveJson<PostResult>(ctx.cli, requester.dir, args, { timeoutMs: 60_000 })
  const ms = performance.now() - t0
  const winners = r.record.awards
    .filter((a) => a.status === 'delivered' && a.outputCid === r.outputCid)
    .map((a) => ({ name: nameOf(ctx, a.provider), peerId: a.provider, price: a.price }))
  const view: JobView = {
    label,
    jobId: r.jobId,
    payment: r.record.payment,
    redundancy: r.record.redundancy,
    bids: r.record.bids.length,
    winners,
    outputCid: r.outputCid,
    stdout: r.stdout,
    resultDir,
    files: r.written,
    ms: Math.round(ms),
  }
  ctx.report.jobs.push(view)
  const bids = r.record.bids.map((b) => `${nameOf(ctx, b.provider)} ${roundTokenAmount(BigInt(b.price))}`).join(', ')
  ctx.say(
    `job ${r.jobId.slice(0, 16)}…: ${r.record.bids.length} bids (${bids}); ` +
      `verified output ${r.outputCid.slice(0, 20)}… from ${winnersText(view)}, ` +
      `paid by ${view.payment}, in ${ms.toFixed(0)} ms`,
  )
  ctx.say(`job stdout: ${r.stdout.trim()}`)
  return view
}

/** Each provider that earned through a channel closes it with its best voucher (`hive channel close`). */
async function settleChannels(ctx: DemoContext, job: JobView): Promise<void> {
  await Promise.all(
    job.winners.map(async (w) => {
      const p = person(ctx, w.name)
      const until = Date.now() + SETTLE_TIMEOUT_MS
      let open: ChannelSummary | undefined
      // the voucher travels right after verification: wait until the provider holds it
      for (;;) {
        const { channels } = await hiveJson<{ channels: ChannelSummary[] }>(ctx.cli, p.dir, ['channel', 'list'])
        open = channels.find(
          (c) => c.role === 'provider' && c.status === 'open' && BigInt(c.cumulativeAmount) >= BigInt(w.price),
        )
        if (open !== undefined) break
        if (Date.now() > until)
          throw new Error(
            `${p.name} holds no voucher for its ${roundTokenAmount(BigInt(w.price))} ` +
              `HIVE after ${SETTLE_TIMEOUT_MS / 1000} s (channels: ` +
              `${JSON.stringify(channels)})`,
          )
        await sleep(100, undefined, { signal: ctx.signal })
      }
      const args = ['channel', 'close', open.channelId]
      ctx.say(`$ ${ctx.cli.show(p.dir, args)}`)
      const { channel } = await hiveJson<{ channel: { status: string; payout?: string; closeTx?: string } }>(
        ctx.cli,
        p.dir,
        args,
      )
      if (channel.status !== 'closed')
        throw new Error(
          `${p.name}'s channel ${open.channelId} is ${channel.status} after closing with its best voucher`,
        )
      ctx.report.channels.push({
        channelId: open.channelId,
        provider: p.name,
        deposit: open.deposit,
        paid: open.cumulativeAmount,
        status: channel.status,
        ...(channel.closeTx !== undefined ? { closeTx: channel.closeTx } : {}),
      })
      ctx.say(
        `${p.name} closed channel ${open.channelId.slice(0, 10)}… with its best ` +
          `voucher: ${roundTokenAmount(BigInt(open.cumulativeAmount))} HIVE of the ` +
          `${roundTokenAmount(BigInt(open.deposit))} HIVE deposit (nonce ` +
          `${open.nonce}); the rest went back to the requester`,
      )
    }),
  )
}

/** The requester's node releases the escrow by itself on the verified result; wait until it is mined. */
export async function waitEscrowReleased(ctx: DemoContext, requester: Participant, job: JobView): Promise<void> {
  const until = Date.now() + SETTLE_TIMEOUT_MS
  for (;;) {
    const { escrows } = await hiveJson<{ escrows: EscrowRecord[] }>(ctx.cli, requester.dir, ['escrow', 'list'])
    const mine = escrows.filter((e) => e.jobId.replace(/^0x/, '') === job.jobId.replace(/^0x/, ''))
    if (mine.length > 0 && mine.every((e) => e.state === 'released')) {
      for (const e of mine)
        ctx.report.escrows.push({
          escrowId: e.escrowId,
          jobId: job.jobId,
          provider: ctx.people.find((p) => p.address.toLowerCase() === e.provider.toLowerCase())?.name ?? e.provider,
          amount: e.amount,
          state: e.state,
        })
      ctx.say(
        `$ ${ctx.cli.show(requester.dir, ['escrow', 'list'])}\nescrow ` +
          `${mine
            .map(
              (e) =>
                `${e.escrowId.slice(0, 10)}…: ${roundTokenAmount(BigInt(e.amount))} HIVE released to` +
                ` ${ctx.people.find((p) => p.address.toLowerCase() === e.provider.toLowerCase())?.name ?? e.provider}`,
            )
            .join(', ')}`,
      )
      return
    }
    if (Date.now() > until)
      throw new Error(
        `the escrow of ${job.label} is not released after ` +
          `${SETTLE_TIMEOUT_MS / 1000} s: ` +
          `${JSON.stringify(mine.map((e) => ({ id: e.escrowId, state: e.state })))}`,
      )
    await sleep(100, undefined, { signal: ctx.signal })
  }
}
