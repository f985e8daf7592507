// Step 2: the nodes. Providers stake (`hive stake deposit`), then every node starts as its own
// `hive node start` process on loopback with its own data dir, peer key and wallet: the
// requester first (the others' bootstrap peer), then together the providers, which publish
// their hardware profiles in the DHT, and the auditor, which takes part in no job.
import { join } from 'node:path'
import { formatTokenAmount } from '../parse.ts'
import { roundTokenAmount, shortPeerId } from '../format.ts'
import { hiveJson } from './cli.ts'
import { DEMO_BENCHMARK, byRole, person, running } from './demo-context.ts'
import type { DemoContext, Participant } from './demo-context.ts'
import { loopbackTcpAddress } from './network.ts'
import { NodeProcess } from './processes.ts'
import type { Step } from './steps.ts'

const START_TIMEOUT_MS = 60_000

export const nodesStep: Step<DemoContext> = {
  name: 'nodes: a requester, three providers (staked) and an auditor, each its own process',
  run: async (ctx) => {
    await ctx.pending.get('participants')
    const providers = byRole(ctx, 'provider')
    const t0 = performance.now()
    const staked = await Promise.all(
      providers.map(async (p) => {
        const args = ['stake', 'deposit', formatTokenAmount(p.stake!)]
        ctx.say(`$ ${ctx.cli.show(p.dir, args)}`)
        return await hiveJson<{ bonded: string; status: string }>(ctx.cli, p.dir, args)
      }),
    )
    ctx.say(
      `staked in ${((performance.now() - t0) / 1000).toFixed(1)} s: ` +
        `${providers
          .map((p, i) => `${p.name} ${roundTokenAmount(BigInt(staked[i].bonded))} ` + `HIVE (${staked[i].status})`)
          .join(', ')}`,
    )

    const requester = person(ctx, 'requester')
    // a DHT server although it provides nothing: the providers join the DHT through it
    await startNode(ctx, requester, ['--dht-mode', 'server'])
    const bootstrap = loopbackTcpAddress(running(requester).info)
    // the auditor too: it reaches each job's providers through the DHT, like any outsider
    const auditor = person(ctx, 'auditor')
    await Promise.all(
      [...providers, auditor].map(async (p) => {
        await startNode(ctx, p, ['--bootstrap', bootstrap])
      }),
    )
    return (
      `${ctx.processes.length} nodes up: ` +
      `${[requester, ...providers, auditor].map((p) => `${p.name} ${shortPeerId(p.peerId)}`).join(', ')}`
    )
  },
}

/**
 * Starts `hive node start` for `p` and waits for its API; the process is tracked before it starts, so teardown finds
 * it.
 */
export async function startNode(ctx: DemoContext, p: Participant, args: string[]): Promise<void> {
  const full = ['--benchmark', DEMO_BENCHMARK, ...args]
  const proc = new NodeProcess({
    name: p.name,
    dataDir: p.dir,
    logFile: join(ctx.logDir, `${p.name}.log`),
    args: full,
    env: ctx.env,
  })
  ctx.processes.push(proc)
  ctx.say(
    `$ ${ctx.cli.show(p.dir, ['node', 'start', ...full.map((a) => a.replace(/\/p2p\/(\w{6})\w+$/, '/p2p/$1…'))])} &`,
  )
  const t0 = performance.now()
  proc.start()
  // a node that dies under the demo ends the step at once, naming it, rather than at some later timeout
  void proc.exited?.then((e) => {
    if (!ctx.stopping)
      ctx.fault(
        new Error(
          `${p.name}'s node exited unexpectedly ` +
            `(${e.code !== null ? `code ${e.code}` : (e.signal ?? 'unknown')}); see ` +
            `${proc.logFile}`,
        ),
      )
  })
  const client = await proc.waitForApi(START_TIMEOUT_MS)
  const info = await client.info()
  p.node = { process: proc, client, info }
  ctx.say(
    `${p.name} is up (pid ${proc.pid}, API port ` +
      `${client.endpoint?.port ?? '?'}) after ` +
      `${((performance.now() - t0) / 1000).toFixed(1)} s`,
  )
  const view = ctx.report.participants.find((x) => x.name === p.name)
  if (view !== undefined) Object.assign(view, { pid: proc.pid, apiPort: client.endpoint?.port })
}
