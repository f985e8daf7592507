// `npm run demo`: a local ComputeHive network in one command. For now (issue 2) it starts a few
// peers as separate `hive node start` processes on loopback and shows them find each other's
// hardware by capability; the full story (chain, contracts, jobs, payments, audit, governance)
// adds steps to the same list. Options: --peers N (default 4), --keep (leave the network up).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { formatDuration, table } from '../cli/format.ts'
import { buildSteps } from './devnet/demo-steps.ts'
import type { DemoContext } from './devnet/demo-steps.ts'
import { stopPeers } from './devnet/network.ts'
import { consoleStepUi, runSteps } from './devnet/steps.ts'

const USAGE = 'usage: npm run demo -- [--peers N] [--keep]   (N from 2 to 8, default 4)'

let args
try {
  args = parseArgs({ options: { peers: { type: 'string', default: '4' }, keep: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } } }).values
} catch (err) {
  console.error(`${(err as Error).message}\n${USAGE}`)
  process.exit(2)
}
if (args.help === true) {
  console.log(USAGE)
  process.exit(0)
}
const peerCount = Number(args.peers)
if (!Number.isInteger(peerCount) || peerCount < 2 || peerCount > 8) {
  console.error(`--peers ${args.peers}: ${USAGE}`)
  process.exit(2)
}

const workDir = await mkdtemp(join(tmpdir(), 'hive-devnet-'))
const interrupt = new AbortController()
const ctx: DemoContext = { workDir, peerCount, peers: [], processes: [], signal: interrupt.signal }
let stopping: Promise<string[]> | undefined
const teardown = (): Promise<string[]> => {
  stopping ??= stopPeers(ctx.processes.map((p) => ({ name: p.name, process: p })))
  return stopping
}
const onSignal = (): void => {
  if (interrupt.signal.aborted) return
  console.log('\ninterrupted: stopping the network …')
  interrupt.abort(new Error('interrupted by a signal'))
}
process.on('SIGINT', onSignal)
process.on('SIGTERM', onSignal)

console.log(`ComputeHive devnet: ${peerCount} peers on 127.0.0.1, working in ${workDir}\n`)
const t0 = performance.now()
const outcomes = await runSteps(buildSteps({ keep: args.keep === true }), ctx, consoleStepUi(), interrupt.signal)
const stepsMs = performance.now() - t0
const failed = outcomes.find((o) => !o.ok)

if (failed == null && args.keep === true && !interrupt.signal.aborted) {
  const [first, last] = [ctx.peers[0], ctx.peers.at(-1)!]
  console.log(`\nThe network is up. Talk to it from this folder (Ctrl-C here stops everything):
  npx hive --node ${last.process.dataDir} providers --executor wasm
  npx hive --node ${last.process.dataDir} providers --min-mem 1GiB --json
  npx hive --node ${first.process.dataDir} peers
  npx hive --node ${first.process.dataDir} hw
Logs: ${join(workDir, 'logs')}`)
  await new Promise<void>((resolve) => interrupt.signal.addEventListener('abort', () => resolve(), { once: true }))
}

const unclean = await teardown()
process.off('SIGINT', onSignal)
process.off('SIGTERM', onSignal)

console.log('\n' + table(['step', 'time', 'outcome'], outcomes.map((o) => [o.name, formatDuration(o.ms), o.ok ? (o.summary ?? 'ok') : 'FAILED'])))
console.log(`total ${formatDuration(stepsMs)}`)
if (failed != null || unclean.length > 0) {
  if (failed != null) console.error(`\ndemo failed at step "${failed.name}": ${failed.error instanceof Error ? failed.error.message : String(failed.error)}`)
  if (unclean.length > 0) console.error(`nodes that did not stop cleanly: ${unclean.join(', ')}`)
  console.error(`logs kept in ${join(workDir, 'logs')} (the peers' data dirs beside them)`)
  process.exit(1)
}
if (interrupt.signal.aborted && args.keep !== true) {
  console.error(`interrupted; logs kept in ${workDir}`)
  process.exit(130)
}
await rm(workDir, { recursive: true, force: true })
console.log('all peers stopped cleanly; temporary data removed')
