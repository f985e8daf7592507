// Human output: sizes, durations, peer ids and tables. JSON output never goes through here.
import Table from 'cli-table3'
import type { NodeInfo, PeerSummary, ProviderProfileView } from '../node/controller.ts'
import { formatTokenAmount, TOKEN_DECIMALS } from './parse.ts'

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = bytes
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return i === 0 ? `${bytes} B` : `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`
  const m = Math.floor(ms / 60_000)
  const s = Math.round((ms % 60_000) / 1000)
  if (m < 60) return `${m}m${s > 0 ? `${s}s` : ''}`
  return `${Math.floor(m / 60)}h${m % 60 > 0 ? `${m % 60}m` : ''}`
}

/** Significant digits a rounded amount keeps: enough to compare prices, few enough to read. */
export const AMOUNT_SIGNIFICANT_DIGITS = 3
/** Decimals a rounded amount never goes beyond; anything smaller but not zero prints as "<0.000001". */
export const AMOUNT_MAX_DECIMALS = 6

/**
 * Token base units rounded for people: 3 significant digits (half up), the whole part never
 * rounded, at most 6 decimals, and a non-zero amount never shown as 0 ("<0.000001").
 * 9584704567898396n -> "0.00958", 1234.5678 HIVE -> "1235", 1.5 HIVE -> "1.5".
 * For display only: --json and amounts passed on to other commands use formatTokenAmount (exact).
 */
export function roundTokenAmount(units: bigint, decimals = TOKEN_DECIMALS): string {
  if (units < 0n) return `-${roundTokenAmount(-units, decimals)}`
  if (units === 0n) return '0'
  const smallest = 10n ** BigInt(Math.max(0, decimals - AMOUNT_MAX_DECIMALS))
  if (units < smallest) return `<${formatTokenAmount(smallest, decimals)}`
  let drop = units.toString().length - AMOUNT_SIGNIFICANT_DIGITS
  drop = Math.min(drop, decimals) // keep every digit of the whole part
  drop = Math.max(drop, decimals - AMOUNT_MAX_DECIMALS, 0)
  const step = 10n ** BigInt(drop)
  return formatTokenAmount(((units + step / 2n) / step) * step, decimals)
}

/** "0.00958 HIVE": the one way human output shows a HIVE amount (base units, as bigint or decimal text). */
export function hiveAmount(units: bigint | string): string {
  return `${roundTokenAmount(BigInt(units))} HIVE`
}

/** 12D3KooWAbc…xyz123: enough to tell peers apart in a table; --json has the full id. */
export function shortPeerId(peerId: string): string {
  return peerId.length <= 20 ? peerId : `${peerId.slice(0, 10)}…${peerId.slice(-6)}`
}

/** "in 55m", "3m ago" relative to now. */
export function formatRelative(at: number, now: number): string {
  const d = at - now
  return d >= 0 ? `in ${formatDuration(d)}` : `${formatDuration(-d)} ago`
}

export function table(head: string[], rows: Array<Array<string | number>>): string {
  const t = new Table({ head, style: { head: [], border: [] } })
  for (const r of rows) t.push(r.map(String))
  return t.toString()
}

function gpuText(p: ProviderProfileView): string {
  if (p.hardware.gpus.length === 0) return '-'
  return p.hardware.gpus
    .map((g) => `${g.vendor} ${g.model}${g.vramMiB > 0 ? ` (${formatBytes(g.vramMiB * 1024 * 1024)})` : ''}`)
    .join(', ')
}

export function providersTable(providers: ProviderProfileView[], now: number): string {
  return table(
    ['peer', 'cpu', 'cores/threads', 'arch', 'memory', 'gpus', 'cpu score', 'executors', 'expires'],
    providers.map((p) => [
      shortPeerId(p.peerId),
      p.hardware.cpu.model,
      `${p.hardware.cpu.cores}/${p.hardware.cpu.threads}`,
      p.hardware.cpu.arch,
      formatBytes(p.hardware.memoryBytes),
      gpuText(p),
      Math.round(p.hardware.benchmark.cpuScore),
      p.executors.join(', '),
      formatRelative(p.expiresAt, now),
    ]),
  )
}

export function peersTable(peers: PeerSummary[]): string {
  return table(
    ['peer', 'rtt', 'addresses'],
    peers.map((p) => [p.peerId, p.rttMs == null ? '-' : `${Math.round(p.rttMs)}ms`, p.addresses.join('\n') || '-']),
  )
}

/** Two-column key/value listing for one provider's hardware. */
export function hardwareTable(view: {
  peerId?: string
  hardware: ProviderProfileView['hardware']
  executors?: string[]
  capabilities?: string[]
}): string {
  const hw = view.hardware
  const rows: Array<[string, string]> = []
  if (view.peerId != null) rows.push(['peer id', view.peerId])
  rows.push(
    ['cpu', `${hw.cpu.model} (${hw.cpu.arch}${hw.cpu.speedGHz > 0 ? `, ${hw.cpu.speedGHz} GHz` : ''})`],
    ['cores / threads', `${hw.cpu.cores} / ${hw.cpu.threads}`],
    ['memory', formatBytes(hw.memoryBytes)],
    [
      'gpus',
      hw.gpus.length === 0
        ? 'none'
        : hw.gpus.map((g) => `${g.vendor} ${g.model}, ${formatBytes(g.vramMiB * 1024 * 1024)} VRAM`).join('\n'),
    ],
    ['os', `${hw.os.distro} ${hw.os.release} (${hw.os.platform}, kernel ${hw.os.kernel})`],
    ['cpu score', `${Math.round(hw.benchmark.cpuScore)} (benchmark ${formatDuration(hw.benchmark.durationMs)})`],
  )
  if (view.executors != null) rows.push(['executors', view.executors.join(', ')])
  if (view.capabilities != null) rows.push(['capabilities', view.capabilities.join('\n')])
  const t = new Table({ style: { head: [], border: [] } })
  for (const [k, v] of rows) t.push({ [k]: v })
  return t.toString()
}

export function nodeSummary(info: NodeInfo, api: { host: string; port: number }): string {
  return [
    `hive node ${info.version} started (${info.roles.join(', ') || 'no roles'})`,
    `  peer id   ${info.peerId}`,
    `  data dir  ${info.dataDir}`,
    `  api       http://${api.host}:${api.port} (token in ${info.dataDir}/api-token)`,
    '  addresses',
    ...(info.addresses.length === 0 ? ['    (none yet)'] : info.addresses.map((a) => `    ${a}`)),
  ].join('\n')
}
