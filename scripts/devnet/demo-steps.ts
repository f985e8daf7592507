// The steps of the demo, in order. Each returns a one-line outcome for the summary; later
// issues append their own (deploy contracts, post a job, pay, audit, govern …).
import { setTimeout as sleep } from 'node:timers/promises'
import { formatBytes, providersTable, shortPeerId } from '../../cli/format.ts'
import type { ProviderProfileView } from '../../node/controller.ts'
import { initPeers, loopbackTcpAddress, startPeer, stopPeers } from './network.ts'
import type { DevnetPeer } from './network.ts'
import type { NodeProcess } from './processes.ts'
import type { Step } from './steps.ts'

export interface DemoContext {
  workDir: string
  peerCount: number
  peers: DevnetPeer[]
  /** every process started, even one whose start failed, so teardown finds it */
  processes: NodeProcess[]
  signal: AbortSignal
}

const START_TIMEOUT_MS = 30_000
const DISCOVERY_TIMEOUT_MS = 30_000

export function buildSteps (options: { keep: boolean }): Array<Step<DemoContext>> {
  const steps: Array<Step<DemoContext>> = [
    {
      name: 'create data dirs and keys (hive init)',
      run: async (ctx) => {
        const dirs = await initPeers(ctx.workDir, ctx.peerCount)
        return `${dirs.length} data dirs`
      },
    },
    {
      name: 'start the bootstrap peer (hive node start)',
      run: async (ctx, progress) => {
        const peer = await startPeer(ctx.workDir, 0, [], START_TIMEOUT_MS, (p) => ctx.processes.push(p))
        ctx.peers.push(peer)
        progress.update(`${peer.name} ${shortPeerId(peer.info.peerId)} at ${loopbackTcpAddress(peer.info)}`)
        return `${peer.name} ${shortPeerId(peer.info.peerId)}`
      },
    },
    {
      name: 'start the other peers, bootstrapped to the first',
      run: async (ctx, progress) => {
        const bootstrap = loopbackTcpAddress(ctx.peers[0].info)
        // one after the other: each new node runs a one-second CPU benchmark, and on a small
        // machine parallel benchmarks would measure each other rather than the CPU
        const started: DevnetPeer[] = []
        for (let k = 1; k < ctx.peerCount; k++) {
          const peer = await startPeer(ctx.workDir, k, ['--bootstrap', bootstrap], START_TIMEOUT_MS, (p) => ctx.processes.push(p))
          progress.update(`${peer.name} ${shortPeerId(peer.info.peerId)} is up`)
          started.push(peer)
          ctx.peers.push(peer)
        }
        return started.map((p) => p.name).join(', ')
      },
    },
    {
      name: 'find each other\'s hardware by capability (executor/wasm)',
      run: async (ctx, progress) => {
        const everyone = new Set(ctx.peers.map((p) => p.info.peerId))
        const seen = await Promise.all(ctx.peers.map(async (peer) => {
          const found = await waitForProviders(peer, everyone, ctx.signal)
          progress.update(`${peer.name} found ${found.length - 1} other providers`)
          return found
        }))
        const view = seen.at(-1)!
        progress.print(`\nproviders of executor/wasm, as ${ctx.peers.at(-1)!.name} sees them (npx hive --node ${ctx.peers.at(-1)!.process.dataDir} providers --executor wasm):\n${providersTable(view, Date.now())}`)
        return `each of ${ctx.peers.length} peers found all ${everyone.size} providers`
      },
    },
    {
      name: 'filter by capability (memory, GPU)',
      run: async (ctx, progress) => {
        const asker = ctx.peers[0]
        const mem = (await asker.client.hardware()).hardware.memoryBytes
        const half = Math.floor(mem / 2)
        const bigEnough = (await asker.client.providers({ executor: 'wasm', minMemoryBytes: half }, { timeoutMs: 10_000 })).providers
        const tooMuch = (await asker.client.providers({ executor: 'wasm', minMemoryBytes: mem * 4 }, { timeoutMs: 10_000 })).providers
        const gpus = (await asker.client.providers({ gpuVendor: 'nvidia' }, { timeoutMs: 10_000 })).providers
        const lines = [
          `  --min-mem ${formatBytes(half)}: ${bigEnough.length} providers`,
          `  --min-mem ${formatBytes(mem * 4)}: ${tooMuch.length} providers`,
          `  --gpu nvidia: ${gpus.length} providers${gpus.length === 0 ? ' (none of these peers has one)' : ''}`,
        ]
        progress.print(lines.join('\n'))
        if (bigEnough.length < ctx.peers.length) throw new Error(`only ${bigEnough.length} of ${ctx.peers.length} providers have >= ${formatBytes(half)}, but they all run on this machine`)
        if (tooMuch.length !== 0) throw new Error(`${tooMuch.length} providers claim >= ${formatBytes(mem * 4)} of memory`)
        return `${bigEnough.length} with >= ${formatBytes(half)}, ${tooMuch.length} with >= ${formatBytes(mem * 4)}, ${gpus.length} with an nvidia GPU`
      },
    },
  ]
  if (!options.keep) {
    steps.push({
      name: 'stop every peer (SIGTERM) and check they exit cleanly',
      run: async (ctx) => {
        const unclean = await stopPeers(ctx.processes.map((p) => ({ name: p.name, process: p })))
        if (unclean.length > 0) throw new Error(`did not stop cleanly: ${unclean.join(', ')}`)
        return `${ctx.processes.length} peers exited with code 0`
      },
    })
  }
  return steps
}

/** Polls one peer's provider lookup until it returns every expected peer id. */
async function waitForProviders (peer: DevnetPeer, expected: Set<string>, signal: AbortSignal): Promise<ProviderProfileView[]> {
  const until = Date.now() + DISCOVERY_TIMEOUT_MS
  let last: ProviderProfileView[] = []
  while (Date.now() < until) {
    signal.throwIfAborted()
    last = (await peer.client.providers({ executor: 'wasm' }, { timeoutMs: 5_000, signal })).providers
    if ([...expected].every((id) => last.some((p) => p.peerId === id))) return last
    await sleep(300, undefined, { signal })
  }
  const missing = [...expected].filter((id) => !last.some((p) => p.peerId === id)).map(shortPeerId)
  throw new Error(`${peer.name} still misses ${missing.join(', ')} after ${DISCOVERY_TIMEOUT_MS / 1000}s`)
}
