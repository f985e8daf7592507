import type { Command } from 'commander'
import ora from 'ora'
import type { ProviderFilter } from '../../node/controller.ts'
import { HiveApiClient } from '../client.ts'
import type { CommandContext } from '../context.ts'
import { formatBytes, providersTable } from '../format.ts'
import { parseByteSize, parseDuration, parseNonNegativeNumber, parsePositiveInt } from '../parse.ts'

interface ProvidersOptions {
  executor?: string
  gpu?: string
  arch?: string
  minMem?: number
  minCpuScore?: number
  limit?: number
  timeout?: number
}

export function registerProvidersCommand(providers: Command, context: (cmd: Command) => CommandContext): void {
  providers
    .option('--executor <name>', 'only providers offering this executor, e.g. wasm')
    .option('--gpu <vendor>', 'only providers with a GPU of this vendor, e.g. nvidia')
    .option('--arch <arch>', 'only providers with this CPU architecture, e.g. x64, arm64')
    .option('--min-mem <size>', 'only providers with at least this much memory, e.g. 8GiB, 512MiB, 16G', parseByteSize)
    .option('--min-cpu-score <n>', 'only providers whose CPU benchmark score is at least n', parseNonNegativeNumber)
    .option('--limit <n>', 'return at most n providers', parsePositiveInt)
    .option('--timeout <duration>', 'give up the DHT lookup after this long, e.g. 10s', parseDuration)
    .addHelpText(
      'after',
      '\nExamples:\n  hive providers --executor wasm --min-mem 8GiB\n  hive providers --gpu nvidia --json',
    )
    .action(async (opts: ProvidersOptions, cmd: Command) => {
      const ctx = context(cmd)
      const filter: ProviderFilter = {}
      if (opts.executor != null) filter.executor = opts.executor
      if (opts.gpu != null) filter.gpuVendor = opts.gpu
      if (opts.arch != null) filter.arch = opts.arch
      if (opts.minMem != null) filter.minMemoryBytes = opts.minMem
      if (opts.minCpuScore != null) filter.minCpuScore = opts.minCpuScore
      if (opts.limit != null) filter.limit = opts.limit
      const client = await HiveApiClient.forDataDir(ctx.dataDir)
      const spinner =
        ctx.io.interactive && !ctx.json
          ? ora({ text: `searching the DHT for providers${describe(filter)}`, stream: process.stderr }).start()
          : undefined
      let result
      try {
        result = await client.providers(filter, { timeoutMs: opts.timeout })
      } finally {
        spinner?.stop()
      }
      if (ctx.json) {
        ctx.printJson(result)
        return
      }
      if (result.providers.length === 0) {
        ctx.say(`no providers found${describe(filter)}`)
        return
      }
      ctx.say(providersTable(result.providers, Date.now()))
      ctx.say(`${result.providers.length} provider${result.providers.length === 1 ? '' : 's'}${describe(filter)}`)
    })
}

function describe(f: ProviderFilter): string {
  const parts: string[] = []
  if (f.executor != null) parts.push(`executor ${f.executor}`)
  if (f.gpuVendor != null) parts.push(`gpu ${f.gpuVendor}`)
  if (f.arch != null) parts.push(`arch ${f.arch}`)
  if (f.minMemoryBytes != null) parts.push(`memory >= ${formatBytes(f.minMemoryBytes)}`)
  if (f.minCpuScore != null) parts.push(`cpu score >= ${f.minCpuScore}`)
  return parts.length === 0 ? '' : ` matching ${parts.join(', ')}`
}
