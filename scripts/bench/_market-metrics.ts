// What the market benchmark measures besides latencies: CPU of every node process (from
// /proc/<pid>/stat, children included, so `hive`'s launcher and any helper process count), RSS
// per node process, and the bytes and data segments that crossed the nodes' TCP connections
// (from the kernel's tcp_info via `ss`, per connection, so libp2p needs no metrics module and
// every protocol — gossip, request/response, DHT, identify, ping — is counted alike).
import { execFileSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'

/** clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux) */
const TICKS_PER_SEC = 100

/** the process and all its descendants */
function processTree(pid: number): number[] {
  const out = [pid]
  for (let i = 0; i < out.length; i++) {
    let tasks: string[] = []
    try {
      tasks = readdirSync(`/proc/${out[i]}/task`)
    } catch {
      continue
    }
    for (const t of tasks) {
      let children = ''
      try {
        children = readFileSync(`/proc/${out[i]}/task/${t}/children`, 'utf8')
      } catch {
        continue
      }
      for (const c of children.trim().split(/\s+/)) if (c !== '') out.push(Number(c))
    }
  }
  return out
}

/** user + system CPU of one process (its own threads), in ms; 0 once it is gone */
function ownCpuMs(pid: number): number {
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return 0
  }
  // the command name (field 2) may hold spaces: the fields after it start past its ')'
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SEC
}

/** CPU ms of a node process with everything it started */
export function treeCpuMs(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + ownCpuMs(p), 0)
}

/** resident set of a process tree in MB */
export function treeRssMb(pid: number): number {
  let kb = 0
  for (const p of processTree(pid)) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))
      if (m !== null) kb += Number(m[1])
    } catch {
      /* gone */
    }
  }
  return Math.round(kb / 1024)
}

/** open file descriptors of one process (sockets, files, pipes); null once it is gone */
export function openFds(pid: number): number | null {
  try {
    return readdirSync(`/proc/${pid}/fd`).length
  } catch {
    return null
  }
}

/** bytes and data segments sent on one TCP connection, by its local and remote address */
type ConnStats = Map<string, { bytes: number; segs: number }>

/**
 * Every established loopback TCP connection whose local port is one of `ports` (the nodes'
 * libp2p listeners and the ephemeral ports they dial from are told apart by the peer side:
 * either end must be a node's listener). Counting what each side SENT counts every byte once.
 */
export function tcpSnapshot(listenPorts: Set<number>): ConnStats {
  let text = ''
  try {
    text = execFileSync('ss', ['-tinH', 'state', 'established'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  } catch {
    return new Map()
  }
  const out: ConnStats = new Map()
  // ss prints a connection line, then its tcp_info on the next (indented) line
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*\d+\s+\d+\s+(\S+):(\d+)\s+(\S+):(\d+)/.exec(lines[i])
    if (m === null) continue
    const local = Number(m[2])
    const remote = Number(m[4])
    if (!listenPorts.has(local) && !listenPorts.has(remote)) continue
    const info = lines[i + 1] ?? ''
    const bytes = Number(/bytes_sent:(\d+)/.exec(info)?.[1] ?? /bytes_acked:(\d+)/.exec(info)?.[1] ?? 0)
    const segs = Number(/data_segs_out:(\d+)/.exec(info)?.[1] ?? 0)
    out.set(`${m[1]}:${local}>${m[3]}:${remote}`, { bytes, segs })
  }
  return out
}

/** what was sent between two snapshots (connections opened in between count from zero) */
export function tcpDelta(before: ConnStats, after: ConnStats): { bytes: number; segs: number; connections: number } {
  let bytes = 0
  let segs = 0
  for (const [k, v] of after) {
    const b = before.get(k)
    bytes += v.bytes - (b?.bytes ?? 0)
    segs += v.segs - (b?.segs ?? 0)
  }
  return { bytes, segs, connections: after.size }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

/** the arithmetic mean; 0 for none */
export const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length)

export const round1 = (n: number): number => Math.round(n * 10) / 10
export const round2 = (n: number): number => Math.round(n * 100) / 100

type CounterSnapshot = Record<string, Partial<Record<string, number>>>

/** request/reply protocols that are not steps of a job's path (liveness runs beside it) */
const OFF_PATH = new Set(['heartbeat', 'revoke', 'audit'])

function grown(before: CounterSnapshot, after: CounterSnapshot): Set<string> {
  const out = new Set<string>()
  for (const [protocol, byCode] of Object.entries(after)) {
    if (OFF_PATH.has(protocol)) continue
    const was = before[protocol]?.OK ?? 0
    if ((byCode.OK ?? 0) > was) out.add(protocol)
  }
  return out
}

/**
 * The sequential exchanges of one job, from the inbound request/reply counters of the requester
 * and the providers before and after it: each protocol the requester answered (bid, result, an
 * input fetch) and each one providers answered (the push, the award, a voucher, the output
 * fetch) is one step of the path, however many providers took it in parallel (m pushes, k awards).
 */
export function sequentialExchanges(
  requesterBefore: CounterSnapshot,
  requesterAfter: CounterSnapshot,
  providersBefore: CounterSnapshot[],
  providersAfter: CounterSnapshot[],
): number {
  const providerSide = new Set<string>()
  providersAfter.forEach((after, i) => {
    for (const p of grown(providersBefore[i] ?? {}, after)) providerSide.add(p)
  })
  return grown(requesterBefore, requesterAfter).size + providerSide.size
}
