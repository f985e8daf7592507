import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import { apiTokenPath, createNodeApi, processAlive, readApiEndpoint } from '../../node/api/index.ts'
import type { ApiServer } from '../../node/api/index.ts'
import type { NodeEvent } from '../../node/controller.ts'
import { HiveError, UsageError } from '../../protocol/errors.ts'
import type { HiveConfig } from '../../node/config.ts'
import type { Logging } from '../../node/log/setup.ts'
import type { CommandContext } from '../context.ts'
import { nodeSummary, shortPeerId } from '../format.ts'
import { addNodeSettingOptions, settingsFromFlags } from '../node-options.ts'
import type { NodeSettingFlags } from '../node-options.ts'

export function registerNodeCommands(node: Command, context: (cmd: Command) => CommandContext): void {
  const start = node
    .command('start')
    .description(
      'run the node in the foreground until SIGINT (Ctrl-C) or SIGTERM; serves the local API for the other commands',
    )
  addNodeSettingOptions(start)
    .option('--log-level <level>', 'trace, debug, info (default), warn or error; also HIVE_LOG_LEVEL')
    .addHelpText(
      'after',
      '\nSettings: defaults < <dataDir>/config.json < HIVE_* environment < these flags.\n\nExamples:\n' +
        '  hive node start\n  hive --data-dir ./p2 node start --bootstrap' +
        ' /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW…',
    )
    .action(async (opts: NodeSettingFlags, cmd: Command) => {
      await runNode(context(cmd), opts)
    })
  // issue 13: its own module, loaded only when run
  const status = node
    .command('status')
    .description('whether peers can reach the running node: public / private / unknown, addresses, relays')
  status.action(async (_opts: unknown, cmd: Command) => {
    const { runNodeStatus } = await import('./node-status.ts')
    await runNodeStatus(context(cmd))
  })
}

async function runNode(ctx: CommandContext, opts: NodeSettingFlags): Promise<void> {
  const running = await readApiEndpoint(ctx.dataDir).catch(() => undefined)
  if (running != null && running.pid !== process.pid && processAlive(running.pid)) {
    throw new HiveError(
      'NODE_ALREADY_RUNNING',
      `a node is already running for data dir ${ctx.dataDir} (pid ${running.pid}, API port` +
        ` ${running.port}): stop it first (kill ${running.pid}) or choose another --data-dir`,
      { pid: running.pid },
    )
  }
  if (!existsSync(apiTokenPath(ctx.dataDir))) {
    throw new HiveError(
      'NOT_INITIALISED',
      `${ctx.dataDir} is not an initialised data dir (no api-token): run \`hive init --data-dir ${ctx.dataDir}\` first`,
      { dataDir: ctx.dataDir },
    )
  }
  const shutdown = ctx.io.shutdownSignal()
  // loaded here, not at the top: the other commands should not pay for libp2p's import
  const { loadConfig } = await import('../../node/config.ts')
  const config = loadConfig({ dataDir: ctx.dataDir, flags: settingsFromFlags(opts), env: ctx.io.env })
  // logs go to stderr (JSON, or readable on a terminal) and <dataDir>/logs/hive.log; stdout keeps
  // the human summary and event lines
  const { parseLogLevel, setupLogging } = await import('../../node/log/setup.ts')
  const { logNodeEvent } = await import('../../node/log/events.ts')
  const level = parseLogLevelOption(parseLogLevel, opts.logLevel ?? ctx.io.env.HIVE_LOG_LEVEL ?? 'info')
  const logging = await setupLogging({ dataDir: ctx.dataDir, level })
  try {
    await runLoggedNode(ctx, config, logging, logNodeEvent, shutdown)
  } finally {
    await logging.close()
  }
}

function parseLogLevelOption<L>(parse: (text: string) => L, text: string): L {
  try {
    return parse(text)
  } catch (err) {
    throw new UsageError('INVALID_LOG_LEVEL', `--log-level / HIVE_LOG_LEVEL: ${(err as Error).message}`, {
      value: text,
    })
  }
}

async function runLoggedNode(
  ctx: CommandContext,
  config: HiveConfig,
  logging: Logging,
  logNodeEvent: (e: NodeEvent) => void,
  shutdown: AbortSignal,
): Promise<void> {
  const { createHiveNode } = await import('../../node/create.ts')
  const { chainService } = await import('../../node/chain/service.ts')
  const { auditService } = await import('../../node/audit/index.ts')
  const { paymentsService } = await import('../../node/payments/service.ts')
  const { marketService } = await import('../../node/market/service.ts')
  const { discoveryService } = await import('../../node/discovery/service.ts')
  const { metricsService } = await import('../../node/metrics/service.ts')
  ctx.note(`starting the node for ${ctx.dataDir} …`)
  // with rpcUrl set, an unreachable RPC, a wrong deployment or a wrong passphrase stops the start
  // here (the chain prepares first); without it the node has no chain and no payments
  const hive = await createHiveNode(config, {
    services: {
      discovery: discoveryService(),
      chain: chainService({ env: ctx.io.env }),
      audit: auditService(),
      payments: paymentsService({ options: { hivePerEth: config.hivePerEth } }),
      market: marketService(),
      // made only when the config turns metrics on (metrics, --metrics)
      metrics: metricsService(),
    },
  })
  logging.bind({ peer: hive.peerId.toString() })
  const unlog = hive.onEvent(logNodeEvent)
  let api: ApiServer | undefined
  let unsubscribe: (() => void) | undefined
  try {
    await hive.start()
    api = createNodeApi(hive, {
      dataDir: ctx.dataDir,
      host: config.apiHost,
      port: config.apiPort,
      allowNonLoopback: config.allowRemoteApi,
    })
    hive.routes(api.routes)
    await api.start()
    const endpoint = api.endpoint!
    if (ctx.json) ctx.printJson({ info: hive.info(), api: endpoint })
    else ctx.say(nodeSummary(hive.info(), endpoint) + '\nrunning: Ctrl-C (SIGINT) or SIGTERM stops it')
    const metrics = hive.services.metrics?.address()
    if (metrics !== undefined && !ctx.json)
      ctx.say(`metrics: http://${metrics.host}:${metrics.port}/metrics (bearer token)`)
    unsubscribe = hive.onEvent((e) => {
      const line = eventLine(e)
      if (line != null) ctx.say(line)
    })
    if (!shutdown.aborted)
      await new Promise<void>((resolve) => shutdown.addEventListener('abort', () => resolve(), { once: true }))
    ctx.say(`${String(shutdown.reason)}: stopping …`)
  } finally {
    unsubscribe?.()
    await api?.stop()
    // stops the services in reverse order, the chain (and its RPC connection) last
    await hive.stop()
    unlog()
  }
  ctx.say('stopped cleanly')
}

function eventLine(e: NodeEvent): string | undefined {
  const t = new Date(e.at).toISOString().slice(11, 19)
  switch (e.type) {
    case 'peer:connected':
      return `${t} peer connected     ${shortPeerId(e.peerId)}`
    case 'peer:disconnected':
      return `${t} peer disconnected  ${shortPeerId(e.peerId)}`
    case 'profile:published':
      return (
        `${t} hardware profile published in the DHT (valid until` +
        ` ${new Date(e.expiresAt).toISOString().slice(11, 19)})`
      )
    case 'log':
      return e.level === 'info' ? undefined : `${t} ${e.level}: ${e.message}`
    default:
      return undefined
  }
}
