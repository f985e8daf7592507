import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import { apiTokenPath, createNodeApi, processAlive, readApiEndpoint } from '../../node/api/index.ts'
import type { ApiServer } from '../../node/api/index.ts'
import type { NodeEvent } from '../../node/controller.ts'
import { HiveError } from '../../protocol/errors.ts'
import type { CommandContext } from '../context.ts'
import { nodeSummary, shortPeerId } from '../format.ts'
import { addNodeSettingOptions, settingsFromFlags } from '../node-options.ts'
import type { NodeSettingFlags } from '../node-options.ts'

export function registerNodeCommands (node: Command, context: (cmd: Command) => CommandContext): void {
  const start = node.command('start')
    .description('run the node in the foreground until SIGINT (Ctrl-C) or SIGTERM; serves the local API for the other commands')
  addNodeSettingOptions(start)
    .addHelpText('after', '\nSettings: defaults < <dataDir>/config.json < HIVE_* environment < these flags.\n\nExamples:\n  hive node start\n  hive --data-dir ./p2 node start --bootstrap /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW…')
    .action(async (opts: NodeSettingFlags, cmd: Command) => { await runNode(context(cmd), opts) })
}

async function runNode (ctx: CommandContext, opts: NodeSettingFlags): Promise<void> {
  const running = await readApiEndpoint(ctx.dataDir).catch(() => undefined)
  if (running != null && running.pid !== process.pid && processAlive(running.pid)) {
    throw new HiveError('NODE_ALREADY_RUNNING', `a node is already running for data dir ${ctx.dataDir} (pid ${running.pid}, API port ${running.port}): stop it first (kill ${running.pid}) or choose another --data-dir`, { pid: running.pid })
  }
  if (!existsSync(apiTokenPath(ctx.dataDir))) {
    throw new HiveError('NOT_INITIALISED', `${ctx.dataDir} is not an initialised data dir (no api-token): run \`hive init --data-dir ${ctx.dataDir}\` first`, { dataDir: ctx.dataDir })
  }
  const shutdown = ctx.io.shutdownSignal()
  // loaded here, not at the top: the other commands should not pay for libp2p's import
  const { loadConfig } = await import('../../node/config.ts')
  const { HiveNode } = await import('../../node/node.ts')
  const config = loadConfig({ dataDir: ctx.dataDir, flags: settingsFromFlags(opts), env: ctx.io.env })
  ctx.note(`starting the node for ${ctx.dataDir} …`)
  // chain first: with rpcUrl set, an unreachable RPC, a wrong deployment or a wrong passphrase stops the start here
  const { attachChain, prepareChain } = await import('../../node/chain/service.ts')
  const prepared = await prepareChain(config, { env: ctx.io.env })
  const hive = await HiveNode.create(config, prepared !== undefined ? { eth: prepared.identity } : {}).catch((err: unknown) => { prepared?.client.close(); throw err })
  const { MarketService } = await import('../../node/market/service.ts')
  const { registerJobRoutes } = await import('../../node/market/api-routes.ts')
  const { loadPeerKey } = await import('../../node/p2p/identity.ts')
  let chain: Awaited<ReturnType<typeof attachChain>>
  let api: ApiServer | undefined
  let unsubscribe: (() => void) | undefined
  try {
    chain = await attachChain(hive, config, { prepared })
    const privateKey = await loadPeerKey(ctx.dataDir)
    // audit and payments before the market: services stop in reverse order, so the market stops
    // paying and logging before they close
    const { auditServiceFor, registerAuditRoutes } = await import('../../node/audit/index.ts')
    const audit = auditServiceFor(hive, { privateKey, ...(chain !== undefined ? { chain: chain.client } : {}) })
    hive.addService(audit)
    const { attachPayments } = await import('../../node/payments/service.ts')
    const paymentOptions = { hivePerEth: config.hivePerEth }
    const payments = chain !== undefined
      ? attachPayments(hive, { chain: chain.client, privateKey, audit: audit.hook, options: paymentOptions })
      : undefined
    if (payments !== undefined) chain?.setOpenChannelCount(async () => await payments.openChannels())
    const market = new MarketService(hive, { privateKey, audit: audit.hook, ...(chain !== undefined ? { stakeOf: chain.stakeOf, canBid: chain.canBid } : {}), ...(payments !== undefined ? { payments: payments.hooks() } : {}) })
    hive.addService(market)
    await hive.start()
    api = createNodeApi(hive, { dataDir: ctx.dataDir, host: config.apiHost, port: config.apiPort, allowNonLoopback: config.allowRemoteApi })
    registerJobRoutes(api.routes, market.requester)
    chain?.registerRoutes(api.routes)
    payments?.registerRoutes(api.routes)
    registerAuditRoutes(api.routes, audit, hive.peerId.toString())
    await api.start()
    const endpoint = api.endpoint!
    if (ctx.json) ctx.printJson({ info: hive.info(), api: endpoint })
    else ctx.say(nodeSummary(hive.info(), endpoint) + '\nrunning: Ctrl-C (SIGINT) or SIGTERM stops it')
    unsubscribe = hive.onEvent((e) => { const line = eventLine(e); if (line != null) ctx.say(line) })
    if (!shutdown.aborted) await new Promise<void>((resolve) => shutdown.addEventListener('abort', () => resolve(), { once: true }))
    ctx.say(`${String(shutdown.reason)}: stopping …`)
  } finally {
    unsubscribe?.()
    await api?.stop()
    await hive.stop()
    // closes the RPC connection even when the node never started
    if (chain !== undefined) await chain.stop()
    else prepared?.client.close()
  }
  ctx.say('stopped cleanly')
}

function eventLine (e: NodeEvent): string | undefined {
  const t = new Date(e.at).toISOString().slice(11, 19)
  switch (e.type) {
    case 'peer:connected': return `${t} peer connected     ${shortPeerId(e.peerId)}`
    case 'peer:disconnected': return `${t} peer disconnected  ${shortPeerId(e.peerId)}`
    case 'profile:published': return `${t} hardware profile published in the DHT (valid until ${new Date(e.expiresAt).toISOString().slice(11, 19)})`
    case 'log': return e.level === 'info' ? undefined : `${t} ${e.level}: ${e.message}`
    default: return undefined
  }
}
