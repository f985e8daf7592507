// The summary printed at the end of the demo, and the instructions of `--keep`.
import { formatDuration, table } from '../../cli/format.ts'
import type { DemoContext } from './demo-context.ts'
import type { DemoReport } from './report.ts'

export function summaryText (r: DemoReport): string {
  const lines = [table(['step', 'time', 'outcome'], r.steps.map((s) => [s.name, formatDuration(s.ms), s.ok ? (s.summary ?? 'ok') : 'FAILED']))]
  lines.push(`total ${formatDuration(r.totalMs)}`)
  return lines.join('\n')
}

export function keepInstructions (ctx: DemoContext): string {
  return `The network is up (Ctrl-C here stops everything). W=${ctx.workDir}`
}
