// A few hive nodes on loopback, each a separate `hive node start` process with its own data
// dir, the first one the others' bootstrap peer.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { HiveApiClient } from '../client.ts'
import type { NodeInfo } from '../../node/controller.ts'
import { NodeProcess, runHive } from './processes.ts'

export interface DevnetPeer {
  name: string
  process: NodeProcess
  client: HiveApiClient
  info: NodeInfo
}

export interface LocalNetwork {
  workDir: string
  logDir: string
  peers: DevnetPeer[]
}

export function peerDataDir(workDir: string, i: number): string {
  return join(workDir, `peer-${i + 1}`)
}

/** `hive init` for every peer, in parallel; returns the data dirs. */
export async function initPeers(workDir: string, count: number): Promise<string[]> {
  await mkdir(join(workDir, 'logs'), { recursive: true })
  const dirs = Array.from({ length: count }, (_, i) => peerDataDir(workDir, i))
  const runs = await Promise.all(dirs.map((d) => runHive(['--data-dir', d, 'init', '--json'])))
  runs.forEach((r, i) => {
    if (r.code !== 0) throw new Error(`hive init --data-dir ${dirs[i]} exited ${r.code}: ${r.stderr.trim()}`)
  })
  return dirs
}

/** A dialable loopback TCP address of a node (WebSocket and other hosts' addresses skipped). */
export function loopbackTcpAddress(info: NodeInfo): string {
  const addr =
    info.addresses.find((a) => a.startsWith('/ip4/127.0.0.1/tcp/') && !a.includes('/ws')) ??
    info.addresses.find((a) => a.includes('/tcp/') && !a.includes('/ws'))
  if (addr == null)
    throw new Error(`node ${info.peerId} has no TCP address (addresses: ${info.addresses.join(', ') || 'none'})`)
  return addr.includes('/p2p/') ? addr : `${addr}/p2p/${info.peerId}`
}

/** Starts one node and waits for its API; `track` sees the process first, so a failed start is still torn down. */
export async function startPeer(
  workDir: string,
  i: number,
  args: string[],
  timeoutMs: number,
  track: (p: NodeProcess) => void,
): Promise<DevnetPeer> {
  const name = `peer-${i + 1}`
  const process = new NodeProcess({
    name,
    dataDir: peerDataDir(workDir, i),
    logFile: join(workDir, 'logs', `${name}.log`),
    args,
  })
  track(process)
  process.start()
  const client = await process.waitForApi(timeoutMs)
  return { name, process, client, info: await client.info() }
}

/** Stops every peer (SIGTERM, SIGKILL after the grace period); returns the ones that did not exit cleanly. */
export async function stopPeers(
  peers: Array<{ name: string; process: NodeProcess }>,
  graceMs = 10_000,
): Promise<string[]> {
  const results = await Promise.all(peers.map(async (p) => ({ name: p.name, r: await p.process.stop(graceMs) })))
  return results
    .filter(({ r }) => r.killed || r.code !== 0)
    .map(({ name, r }) => `${name} (${r.killed ? 'killed after grace period' : `exit ${r.code ?? r.signal}`})`)
}
