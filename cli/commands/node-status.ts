// `hive node status`: whether peers can reach the running node (issue 13, docs/reach.md):
// public / private / unknown and since when, its confirmed addresses, the relays it holds
// reservations on, and, on a relay, what it carries; whether it can write its data dir and how far
// it corrects its clock (issue 16). Through the typed client only.
import type { NodeInfo, ReachInfo } from '../../node/controller.ts'
import { HiveApiClient } from '../client.ts'
import type { CommandContext } from '../context.ts'

function ago(at: number, now: number): string {
  if (at <= 0) return 'never'
  const s = Math.max(0, Math.round((now - at) / 1000))
  return `${new Date(at).toISOString().slice(0, 19)}Z (${s} s ago)`
}

/** The human text of `hive node status`. */
export function reachStatusText(info: NodeInfo, now: number): string {
  const reach: ReachInfo | undefined = info.reach
  if (reach === undefined) return `node ${info.peerId}: this node does not report reachability (older version)`
  const lines = [
    `reachability  ${reach.status}${reach.mode === 'auto' ? '' : ` (forced by config: ${reach.mode})`}`,
    `  since       ${ago(reach.since, now)}`,
    `  checked     ${ago(reach.checkedAt, now)}`,
    `  dht mode    ${reach.dhtMode}`,
    `  connections ${reach.connections.relayed} relayed, ${reach.connections.upgradedToDirect} upgraded to direct`,
    '  confirmed public addresses',
    ...(reach.confirmed.length === 0 ? ['    (none)'] : reach.confirmed.map((a) => `    ${a}`)),
    '  own addresses (type, verified)',
    ...(reach.addresses.length === 0
      ? ['    (none)']
      : reach.addresses.map((a) => `    ${a.address}  ${a.type}${a.verified ? ', verified' : ''}`)),
    '  relays in use',
    ...(reach.relays.length === 0
      ? ['    (none)']
      : reach.relays.map((r) => `    ${r.relay} since ${ago(r.since, now)}\n      ${r.address}`)),
  ]
  const server = reach.relayServer
  if (server !== undefined) {
    lines.push(
      `relay server  policy ${server.policy}, ${server.reservations} reservation(s)`,
      `  carried     ${server.bytesRelayed} bytes over ${server.hopStreams} hop stream(s)`,
      `  admitted    ${server.admitted}, refused ${server.refused}, over the per-peer cap ${server.refusedPerPeerCap}`,
      `  requesters  ${server.admittedFunded} on a funded account; unstaked profiles refused ${server.refusedUnstaked}`,
    )
  }
  lines.push(...healthLines(info, now))
  return lines.join('\n')
}

/** The data dir and the clock: what makes a node refuse work, or see every job as expired. */
function healthLines(info: NodeInfo, now: number): string[] {
  const out: string[] = []
  const store = info.store
  if (store !== undefined)
    out.push(
      store.ok
        ? `data dir      writable${store.failedWrites > 0 ? ` (${store.failedWrites} write(s) failed earlier)` : ''}`
        : `data dir      FAILING since ${ago(store.since ?? 0, now)}: ${store.message ?? store.code ?? '?'}\n` +
            '  the node takes no new work until it can write again: free space on the disk',
    )
  const clock = info.clock
  if (clock !== undefined)
    out.push(
      !clock.adjusting
        ? 'clock         as given to the node (not corrected)'
        : clock.offsetMs === 0
          ? `clock         agrees with ${clock.peers} peer(s)`
          : `clock         corrected by ${clock.offsetMs} ms (median of ${clock.peers} peers)` +
            `${clock.capped ? ', the most it corrects: the system clock is further off' : ''}` +
            '; fix the system clock (NTP)',
    )
  return out
}

/** `hive node status` (cli/commands/node.ts loads this module only to run it). */
export async function runNodeStatus(ctx: CommandContext): Promise<void> {
  const client = await HiveApiClient.forDataDir(ctx.dataDir)
  const info = await client.info()
  if (ctx.json) {
    ctx.printJson({
      peerId: info.peerId,
      reach: info.reach ?? null,
      store: info.store ?? null,
      clock: info.clock ?? null,
    })
    return
  }
  ctx.say(reachStatusText(info, Date.now()))
}
