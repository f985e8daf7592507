// An auditor's verdict: one row per check, each PASS, FAIL (a proof or cross-check was served
// and is wrong), UNAVAILABLE (what was needed could not be obtained), PENDING (not provable
// yet: beyond the latest anchor) or WARN (compatible with an honest run). The outcome is
// FAILED if any row failed, INCOMPLETE if none failed but something could not be shown, and
// VERIFIED only when every check passed.
import type { Finding } from './job-check.ts'
import type { CheckStatus, LogFinding } from './log-check.ts'

export type RowStatus = CheckStatus | 'WARN'
export type Role = 'requester' | 'provider' | 'peer' | 'file' | 'job'
export type Outcome = 'VERIFIED' | 'FAILED' | 'INCOMPLETE'

export interface VerdictRow {
  /** the peer id (or file, or 'job') the check is about */
  subject: string
  role: Role
  /** what was checked: "entry 12 (accepted)", "anchors #1 (size 8)→#2 (size 20)", "history with 12D3…" */
  check: string
  status: RowStatus
  /** the named problem (LogFindingCode, FindingCode, or a binding/chain code); absent when passed */
  code?: string
  message: string
}

export interface PeerSummary {
  peerId: string
  role: Role
  /** the anchoring address, when known */
  address?: string
  /** the latest on-chain anchor */
  latestAnchor?: { index: number; treeSize: number }
  /** entries examined */
  entries: number
}

export interface AuditVerdict {
  kind: 'job' | 'peer' | 'file'
  /** job id, peer id / address, or file names */
  subject: string
  outcome: Outcome
  ok: boolean
  peers: PeerSummary[]
  rows: VerdictRow[]
  /** chain the anchors were read from */
  chainId?: number
}

export function outcomeOf(rows: readonly VerdictRow[]): Outcome {
  if (rows.some((r) => r.status === 'FAIL')) return 'FAILED'
  if (rows.length === 0 || rows.some((r) => r.status === 'UNAVAILABLE' || r.status === 'PENDING')) return 'INCOMPLETE'
  return 'VERIFIED'
}

export function makeVerdict(v: Omit<AuditVerdict, 'outcome' | 'ok'>): AuditVerdict {
  const outcome = outcomeOf(v.rows)
  return { ...v, outcome, ok: outcome === 'VERIFIED' }
}

export function logRows(subject: string, role: Role, findings: readonly LogFinding[]): VerdictRow[] {
  return findings.map((f) => ({
    subject,
    role,
    check: f.check,
    status: f.status,
    ...(f.code !== undefined ? { code: f.code } : {}),
    message: f.message,
  }))
}

/** checkJobHistory's findings as rows (errors FAIL, warnings WARN); one PASS row when there are none. */
export function historyRows(subject: string, check: string, findings: readonly Finding[]): VerdictRow[] {
  if (findings.length === 0)
    return [{ subject, role: 'job', check, status: 'PASS', message: 'both logs tell the same story' }]
  return findings.map((f) => ({
    subject,
    role: 'job',
    check: `${check}${f.step !== undefined ? ` · ${f.step}` : ''}`,
    status: f.severity === 'error' ? 'FAIL' : 'WARN',
    code: f.code,
    message: `${f.side}: ${f.message}`,
  }))
}

/** The failing and missing rows, for a one-line summary ("FAILED: INCLUSION_FAILED (entry 4 …), …"). */
export function problems(v: AuditVerdict): VerdictRow[] {
  return v.rows.filter((r) => r.status === 'FAIL' || r.status === 'UNAVAILABLE' || r.status === 'PENDING')
}
