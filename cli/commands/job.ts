// `hive job post|list|status|result|logs`: jobs through the running node's requester.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { Option } from 'commander'
import type { Command } from 'commander'
import { HiveError, UsageError } from '../../protocol/errors.ts'
import { isValidFileName } from '../../protocol/output-bundle.ts'
import { HiveClient } from '../client.ts'
import { checkJobModule, checkModuleSize, type ModuleProblem } from '../../node/exec/module-check.ts'
import type { CommandContext } from '../context.ts'
import { registerJobLogsCommand } from './job-logs.ts'
import { formatDuration, hiveAmount, roundTokenAmount, shortPeerId, table } from '../format.ts'
import { parseByteSize, parseDuration, parsePositiveInt, parseRate, parseTokenAmount } from '../parse.ts'
import type { RouteReply } from '../../node/api/contract/index.ts'
import type { NodeEvent } from '../../node/controller.ts'
import type { PaymentMode } from '../../protocol/payment-mode.ts'

interface PostOptions {
  wasm: string
  /** an onnx model file: executor onnx, --input name=file.npy (cli/onnx-job.ts) */
  onnx?: string
  output: string[]
  atol?: string
  rtol?: string
  threads?: number
  spec?: string
  input: string[]
  arg: string[]
  redundancy?: number
  spotCheck?: number
  maxPrice: bigint
  timeout?: number
  bidWindow?: number
  executor: string
  payment: PaymentMode
  memory?: number
  wallTime?: number
  maxOutput?: number
  /** requirements: only providers with a GPU of this vendor, this much memory, this CPU score */
  gpu?: string
  minMem?: number
  minCpuScore?: number
  wait?: boolean
  out?: string
}

type JobResult = RouteReply<'jobs.result'>

const collect = (value: string, previous: string[]): string[] => [...previous, value]

export function registerJobCommands(job: Command, context: (cmd: Command) => CommandContext): void {
  job
    .command('post')
    .description('post a WASM job to the network; with --wait, follow it live and write its verified output')
    .option('--wasm <file|cid>', "the WASI module: a .wasm file, or the CID of a module already in this node's store")
    .option(
      '--spec <file>',
      'the job as a YAML file (module, inputs, args, limits, k, payment, maxPrice); flags override it',
    )
    .option('--onnx <model>', 'an inference job: the ONNX model file (inputs then are --input name=file.npy)')
    .option(
      '--input <file>',
      'an input file the job reads from /input; with --onnx name=file.npy, one per model input (repeatable)',
      collect,
      [],
    )
    .option('--output <name>', '--onnx: an output tensor to return (repeatable; default all)', collect, [])
    .option('--atol <x>', '--onnx, k > 1: outputs agree when |a - b| <= atol + rtol * |b| (default 0: identical)')
    .option('--rtol <y>', '--onnx, k > 1: relative tolerance (see --atol)')
    .option('--threads <n>', '--onnx: intra-op threads (more than 1 needs a tolerance)', parsePositiveInt)
    .option('--arg <arg>', 'an argument for the job (repeatable, in order)', collect, [])
    .option('--redundancy <k>', 'run on k providers and accept the output a majority returns', parsePositiveInt)
    .option(
      '--spot-check <rate>',
      'k = 1 only: the chance (0.05 or 5%) that the job is re-run on a second provider before payment',
      parseRate,
    )
    // the default is named for the help text: commander prints a default with JSON.stringify,
    // which throws on a bigint (`hive job post --help` failed with "Do not know how to serialize")
    .addOption(
      new Option('--max-price <amount>', 'the most you pay, in HIVE (e.g. 0.5, 2, 1.5k)')
        .argParser((v: string) => parseTokenAmount(v))
        .default(parseTokenAmount('1'), '1 HIVE'),
    )
    .option('--timeout <duration>', 'the job must be verified within this time (e.g. 30s, 5m)', parseDuration)
    .option('--bid-window <duration>', 'how long providers may bid (e.g. 500ms)', parseDuration)
    .option('--executor <name>', 'executor class', 'wasm')
    .addOption(new Option('--payment <mode>', 'how the job is paid').choices(['channel', 'escrow']).default('channel'))
    .option('--memory <size>', 'memory limit for the job, e.g. 64MiB', parseByteSize)
    .option('--wall-time <duration>', 'wall-time limit for one run, e.g. 10s', parseDuration)
    .option('--max-output <size>', 'output size limit, e.g. 4MiB', parseByteSize)
    .option('--gpu <vendor>', 'only providers that advertise a GPU of this vendor (nvidia, amd, intel, apple)')
    .option('--min-mem <size>', 'only providers with at least this much memory, e.g. 8GiB', parseByteSize)
    .option('--min-cpu-score <n>', 'only providers whose CPU benchmark score is at least n', parsePositiveInt)
    .option('--wait', 'follow the job until it is verified or fails; exit 0 only when verified')
    .option('--out <dir>', 'with --wait: write the output files (and stdout) here')
    .addHelpText(
      'after',
      '\nExamples:\n  hive job post --wasm examples/build/wordcount.wasm --input README.md --wait --out' +
        ' ./result\n  hive job post --wasm examples/build/primes.wasm --arg 1000000 --redundancy 2' +
        ' --max-price 0.5 --wait\n' +
        '  hive job post --onnx model.onnx --input x=x.npy --redundancy 3 --atol 1e-4 --wait --out ./result\n' +
        '  hive job post --onnx model.onnx --input x=x.npy --gpu nvidia --min-mem 16GiB --wait',
    )
    .action(async (opts: PostOptions, cmd: Command) => {
      await postJob(context(cmd), await withSpec(opts, cmd))
    })

  job
    .command('list')
    .description('jobs this node has posted, newest first')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = context(cmd)
      const client = await HiveClient.forDataDir(ctx.dataDir)
      const { jobs } = await client.call('jobs.list')
      if (ctx.json) {
        ctx.printJson({ jobs })
        return
      }
      if (jobs.length === 0) {
        ctx.say('no jobs yet: `hive job post --wasm <file> --wait` posts one')
        return
      }
      ctx.say(
        table(
          ['job', 'phase', 'posted', 'bids', 'winners', 'placement', 'total', 'note'],
          jobs.map((j) => [
            j.jobId.slice(0, 16),
            j.phase,
            new Date(j.postedAt).toISOString().slice(11, 19),
            j.bids,
            j.winners.map((w) => `${shortPeerId(w.provider)} @ ${roundTokenAmount(BigInt(w.price))}`).join(', '),
            j.placementMs !== undefined ? formatDuration(j.placementMs) : '',
            j.totalMs !== undefined ? formatDuration(j.totalMs) : '',
            j.failure?.reason ?? '',
          ]),
        ),
      )
    })

  job
    .command('status <jobId>')
    .description('one job: its phase, bids, awards and outcome')
    .action(async (jobId: string, _opts: unknown, cmd: Command) => {
      const ctx = context(cmd)
      const client = await HiveClient.forDataDir(ctx.dataDir)
      const record = await client.call('jobs.get', { params: { jobId } })
      if (ctx.json) {
        ctx.printJson(record)
        return
      }
      ctx.say(statusText(record))
    })

  job
    .command('result <jobId>')
    .description("write a finished job's verified output to a folder")
    .requiredOption('--out <dir>', 'folder for the output files and stdout')
    .action(async (jobId: string, opts: { out: string }, cmd: Command) => {
      const ctx = context(cmd)
      const client = await HiveClient.forDataDir(ctx.dataDir)
      const result = await client.call('jobs.result', { params: { jobId } })
      const written = await writeResult(result, opts.out)
      if (ctx.json) {
        ctx.printJson({ ...summaryOf(result), written })
        return
      }
      ctx.say(`output ${result.outputCid} (exit code ${result.exitCode}) written to ${opts.out}: ${written.join(', ')}`)
    })

  registerJobLogsCommand(job, context)
}

/** `--spec`: the file's values wherever no flag was given on the command line (defaults do not count). */
async function withSpec(opts: PostOptions, cmd: Command): Promise<PostOptions> {
  if (opts.spec === undefined) {
    if (opts.wasm === undefined && opts.onnx === undefined)
      throw new UsageError(
        'MODULE_REQUIRED',
        'give the module: --wasm <file|cid>, an ONNX model with --onnx <file>, or a job file with --spec <file>',
      )
    return opts
  }
  const { parseJobSpec } = await import('../job-spec.ts')
  const spec = parseJobSpec((await readLocal(opts.spec, '--spec')).toString('utf8'), opts.spec)
  const merged: Record<string, unknown> = { ...opts }
  for (const [key, value] of Object.entries(spec)) {
    const fromCli = cmd.getOptionValueSource(key) === 'cli'
    const emptyList = Array.isArray(merged[key]) && (merged[key] as unknown[]).length === 0
    if (!fromCli || emptyList) merged[key] = value
  }
  return merged as unknown as PostOptions
}

/** What a provider must have to bid (providers that lack it answer NO_GPU, NOT_ENOUGH_MEMORY …). */
function requirements(
  opts: PostOptions,
): { gpuVendor?: string; minMemoryBytes?: number; minCpuScore?: number } | undefined {
  if (opts.gpu === undefined && opts.minMem === undefined && opts.minCpuScore === undefined) return undefined
  const gpu = opts.gpu?.trim().toLowerCase()
  if (gpu !== undefined && !/^[a-z0-9][a-z0-9-]{0,31}$/.test(gpu))
    throw new UsageError('BAD_GPU_VENDOR', `--gpu ${opts.gpu}: a vendor name such as nvidia, amd, intel or apple`)
  return {
    ...(gpu !== undefined ? { gpuVendor: gpu } : {}),
    ...(opts.minMem !== undefined ? { minMemoryBytes: opts.minMem } : {}),
    ...(opts.minCpuScore !== undefined ? { minCpuScore: opts.minCpuScore } : {}),
  }
}

async function postJob(ctx: CommandContext, opts: PostOptions): Promise<void> {
  if (opts.out !== undefined && opts.wait !== true)
    throw new UsageError(
      'OUT_NEEDS_WAIT',
      '--out is written when the job is verified: add --wait (or use `hive job result <id> --out <dir>` later)',
    )
  if (opts.spotCheck !== undefined && opts.spotCheck > 0 && (opts.redundancy ?? 1) > 1) {
    throw new UsageError(
      'SPOT_CHECK_NEEDS_K1',
      `--spot-check applies to k = 1 jobs; with --redundancy ${opts.redundancy} the providers already check each other`,
    )
  }
  // an inference job: --onnx, or a spec file with `executor: onnx` whose module is the model
  const onnxModel = opts.onnx ?? (opts.executor === 'onnx' ? opts.wasm : undefined)
  if (onnxModel !== undefined && opts.wasm !== undefined && opts.onnx !== undefined)
    throw new UsageError('TWO_MODULES', 'give either --wasm or --onnx, not both')
  const onnx =
    onnxModel !== undefined
      ? await (
          await import('../onnx-job.ts')
        ).prepareOnnxJob({
          model: onnxModel,
          inputs: opts.input,
          outputs: opts.output,
          atol: opts.atol,
          rtol: opts.rtol,
          threads: opts.threads,
        })
      : undefined
  if (onnx === undefined && (opts.output.length > 0 || opts.atol !== undefined || opts.rtol !== undefined))
    throw new UsageError('ONNX_ONLY', '--output, --atol and --rtol apply to inference jobs: give the model with --onnx')
  const module =
    onnx !== undefined
      ? { module: onnx.module }
      : /^baf[a-z2-7]{20,}$/.test(opts.wasm)
        ? { moduleCid: opts.wasm }
        : { module: (await readModule(opts.wasm, opts.executor)).toString('base64') }
  // the module is checked before the node is contacted: a wrong file is a usage error, fast
  const client = await HiveClient.forDataDir(ctx.dataDir)
  const inputs: Array<{ name: string; data: string }> = []
  for (const file of onnx !== undefined ? [] : opts.input) {
    const name = basename(file)
    if (!isValidFileName(name))
      throw new UsageError('BAD_INPUT_NAME', `--input ${file}: "${name}" cannot be a file name inside the sandbox`)
    if (inputs.some((i) => i.name === name))
      throw new UsageError('DUPLICATE_INPUT', `--input ${file}: two inputs are named "${name}"; rename one`)
    inputs.push({ name, data: (await readLocal(file, '--input')).toString('base64') })
  }
  const body = {
    ...module,
    inputs: onnx?.inputs ?? inputs,
    args: onnx?.args ?? opts.arg,
    executor: onnx !== undefined ? 'onnx' : opts.executor,
    ...(onnx?.tolerances !== undefined ? { tolerances: onnx.tolerances } : {}),
    maxPrice: opts.maxPrice.toString(),
    payment: opts.payment,
    ...(opts.redundancy !== undefined ? { redundancy: opts.redundancy } : {}),
    ...(opts.spotCheck !== undefined ? { spotCheckRate: opts.spotCheck } : {}),
    ...(opts.timeout !== undefined ? { timeoutMs: opts.timeout } : {}),
    ...(opts.bidWindow !== undefined ? { bidWindowMs: opts.bidWindow } : {}),
    limits: {
      ...(opts.memory !== undefined ? { memoryBytes: opts.memory } : {}),
      ...(opts.wallTime !== undefined ? { wallTimeMs: opts.wallTime } : {}),
      ...(opts.maxOutput !== undefined ? { outputBytes: opts.maxOutput } : {}),
      ...(onnx?.threads !== undefined ? { threads: onnx.threads } : {}),
    },
    ...(requirements(opts) !== undefined ? { requirements: requirements(opts) } : {}),
  }
  if (opts.wait !== true) {
    const { jobId } = await client.call('jobs.post', { body })
    if (ctx.json) ctx.printJson({ jobId })
    else ctx.say(`posted job ${jobId}\nfollow it with: hive job status ${jobId}`)
    return
  }

  // listen before posting so that no early event (bids arrive within milliseconds) is missed
  const stop = new AbortController()
  const seen: NodeEvent[] = []
  let jobId: string | undefined
  let wake: (() => void) | undefined
  const follow = (async () => {
    for await (const e of client.events({ signal: stop.signal, types: JOB_EVENT_TYPES })) {
      seen.push(e)
      wake?.()
    }
  })().catch((err: unknown) => {
    if (!stop.signal.aborted) throw err
  })
  await new Promise((resolve) => setTimeout(resolve, 50))
  const started = Date.now()
  try {
    jobId = (await client.call('jobs.post', { body })).jobId
    ctx.note(`posted job ${jobId}`)
    let shown = 0
    const isEnd = (e: NodeEvent): boolean =>
      'jobId' in e && e.jobId === jobId && (e.type === 'job:verified' || e.type === 'job:failed')
    const showNew = (): void => {
      for (; shown < seen.length; shown++) {
        const e = seen[shown]
        if (!('jobId' in e) || e.jobId !== jobId) continue
        const line = progressLine(e, started)
        if (line !== undefined) ctx.note(line)
      }
    }
    for (;;) {
      showNew()
      if (seen.some(isEnd)) break
      const record = await client.call('jobs.get', { params: { jobId } })
      if (record.phase === 'completed' || record.phase === 'failed') {
        // the record can be final before its last events reach us: give them a moment
        const until = Date.now() + 1000
        while (!seen.some(isEnd) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20))
        showNew()
        break
      }
      await new Promise<void>((resolve) => {
        wake = resolve
        setTimeout(resolve, 1000)
      })
    }
  } finally {
    stop.abort()
    await follow
  }
  const record = await client.call('jobs.get', { params: { jobId } })
  if (record.phase !== 'completed') {
    if (ctx.json) ctx.printJson(record)
    throw new HiveError(
      'JOB_FAILED',
      `job ${jobId} failed: ${record.failure?.reason ?? 'unknown'}: ${record.failure?.message ?? ''}`,
      { jobId },
    )
  }
  const result = await client.call('jobs.result', { params: { jobId } })
  const written = opts.out !== undefined ? await writeResult(result, opts.out) : []
  if (ctx.json) {
    ctx.printJson({ ...summaryOf(result), record, written })
    return
  }
  if (onnx !== undefined) {
    const files = result.files.map((f) => ({ name: f.name, data: Buffer.from(f.data, 'base64') }))
    ctx.say((await import('../onnx-job.ts')).tensorSummary(files).join('\n'))
    if (record.winners !== undefined)
      ctx.note(`outputs agreed within the tolerance on ${record.winners.length} providers`)
  } else ctx.say(Buffer.from(result.stdout, 'base64').toString('utf8').trimEnd())
  ctx.note(
    `verified output ${result.outputCid} (exit code ${result.exitCode}) in ${formatDuration(Date.now() - started)}` +
      (written.length > 0 ? `; written to ${opts.out}: ${written.join(', ')}` : ''),
  )
}

const JOB_EVENT_TYPES = [
  'job:posted',
  'job:bid',
  'job:awarded',
  'job:accepted',
  'job:declined',
  'job:result',
  'job:reawarded',
  'job:revoked',
  'job:verified',
  'job:failed',
]

function progressLine(e: NodeEvent, started: number): string | undefined {
  const t = `+${formatDuration(e.at - started).padStart(6)}`
  switch (e.type) {
    case 'job:posted':
      return `${t} pushed directly to ${e.pushedTo} provider${e.pushedTo === 1 ? '' : 's'} (gossip reaches the rest)`
    case 'job:bid':
      return `${t} bid ${e.bids} from ${shortPeerId(e.provider)} at ${hiveAmount(e.price)}`
    case 'job:awarded':
      return `${t} awarded slot ${e.slot} to ${shortPeerId(e.provider)} at ${hiveAmount(e.price)}`
    case 'job:accepted':
      return `${t} accepted by ${shortPeerId(e.provider)}: running`
    case 'job:declined':
      return `${t} declined by ${shortPeerId(e.provider)} (${e.reason})`
    case 'job:result':
      return (
        `${t} result from ${shortPeerId(e.provider)}:` +
        ` ${e.status}${e.outputCid !== undefined ? ` ${e.outputCid.slice(0, 16)}…` : ''}`
      )
    case 'job:reawarded':
      return `${t} ${shortPeerId(e.provider)} dropped (${e.reason}): re-awarding`
    case 'job:revoked':
      return (
        `${t} ${shortPeerId(e.provider)} taken for dead (${e.reason}, silent ${formatDuration(e.silentForMs)}): ` +
        `award of slot ${e.slot} revoked, re-awarding`
      )
    case 'job:verified':
      return (
        `${t} verified by ${e.providers.length} provide` +
        `r${e.providers.length === 1 ? '' : 's'}${
          e.dissenters.length > 0 ? `; dissenters:` + ` ${e.dissenters.map(shortPeerId).join(', ')}` : ''
        }`
      )
    case 'job:failed':
      return `${t} failed: ${e.reason}: ${e.message}`
    default:
      return undefined
  }
}

function statusText(r: RouteReply<'jobs.get'>): string {
  const lines = [
    `job ${r.jobId}`,
    `phase ${r.phase}${r.failure !== undefined ? ` (${r.failure.reason}: ${r.failure.message})` : ''}`,
    `posted ${new Date(r.postedAt).toISOString()}, redundancy ${r.redundancy},` +
      ` max price ${hiveAmount(r.maxPrice)}, payment ${r.payment}`,
  ]
  if (r.placedAt !== undefined) lines.push(`placed in ${formatDuration(r.placedAt - r.postedAt)}`)
  if (r.completedAt !== undefined) lines.push(`finished in ${formatDuration(r.completedAt - r.postedAt)}`)
  if (r.outputCid !== undefined) lines.push(`output ${r.outputCid}`)
  if (r.dissenters.length > 0) lines.push(`dissenters ${r.dissenters.join(', ')}`)
  lines.push(`${r.bids.length} bid${r.bids.length === 1 ? '' : 's'}`)
  if (r.awards.length > 0) {
    lines.push(
      table(
        ['slot', 'provider', 'price (HIVE)', 'status', 'output', 'note'],
        r.awards.map((a) => [
          a.slot,
          shortPeerId(a.provider),
          roundTokenAmount(BigInt(a.price)),
          a.status,
          a.outputCid?.slice(0, 16) ?? '',
          a.failure ?? '',
        ]),
      ),
    )
  }
  return lines.join('\n')
}

function summaryOf(r: JobResult): {
  jobId: string
  outputCid: string
  exitCode: number
  stdout: string
  files: string[]
} {
  return {
    jobId: r.jobId,
    outputCid: r.outputCid,
    exitCode: r.exitCode,
    stdout: Buffer.from(r.stdout, 'base64').toString('utf8'),
    files: r.files.map((f) => f.name),
  }
}

async function writeResult(result: JobResult, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true })
  const written: string[] = []
  for (const f of result.files) {
    // names were checked by the bundle decoder; check again, since this is our disk
    if (!isValidFileName(f.name))
      throw new HiveError('BAD_OUTPUT_NAME', `refusing to write an output named ${JSON.stringify(f.name)}`)
    await writeFile(join(dir, f.name), Buffer.from(f.data, 'base64'))
    written.push(f.name)
  }
  // the job's stdout goes next to its files, under a name none of them has
  const stdoutName = result.files.some((f) => f.name === 'stdout') ? 'stdout.job' : 'stdout'
  await writeFile(join(dir, stdoutName), Buffer.from(result.stdout, 'base64'))
  written.push(stdoutName)
  return written
}

/**
 * Reads --wasm and refuses, before the node is asked, a file that no provider could run: the size
 * from stat first (a huge file is never read), then the executor's own WebAssembly and import checks.
 */
async function readModule(file: string, executor: string): Promise<Buffer> {
  const refuse = (p: ModuleProblem): never => {
    throw new UsageError(p.code, `--wasm ${file}: ${p.message}`)
  }
  const size = await stat(file).then(
    (s) => s.size,
    () => undefined,
  )
  const sized = size === undefined ? undefined : checkModuleSize(size)
  if (sized !== undefined) refuse(sized)
  const bytes = await readLocal(file, '--wasm')
  // other executor classes would bring their own module rules; only the wasm one is known here
  const problem = executor === 'wasm' ? await checkJobModule(bytes) : undefined
  if (problem !== undefined) refuse(problem)
  return bytes
}

async function readLocal(file: string, flag: string): Promise<Buffer> {
  try {
    return await readFile(file)
  } catch (err) {
    throw new UsageError(
      'FILE_UNREADABLE',
      `${flag} ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    )
  }
}
