// What an auditor concludes about one peer's log from its on-chain anchors and what the peer
// served: are consecutive anchors consistent (the anchored history only grew), and is each
// served entry in the anchored tree. Pure: the caller fetches, this judges.
//
// Only proofs are evidence. The roots a peer serves at the anchored sizes are its own claim
// (a liar can echo the chain's roots); they are used solely to NAME a failure that the proofs
// establish: a served log that matches a later anchor but not an earlier one was rebuilt with
// another history under the later anchor; one that matches no anchor from some point on was
// changed (entries altered, deleted or reordered) after it was anchored.
import { checkConsistency, checkInclusion, equalBytes } from '../merkle/index.ts'
import { isHiveError } from '../errors.ts'
import { readEntry } from './codec.ts'
import type { StoredEntry } from './types.ts'

/** One anchor of a submitter, as AuditAnchor holds it. */
export interface AnchorRecord {
  /** the submitter's anchor number, from 0 */
  index: number
  root: Uint8Array
  treeSize: number
  /** block time, unix seconds */
  timestamp: number
}

export type CheckStatus = 'PASS' | 'FAIL' | 'UNAVAILABLE' | 'PENDING'

export type LogFindingCode =
  | 'NO_ANCHOR' // the peer's address has anchored nothing: none of its log can be proven
  // two anchors are not consistent: the log was rebuilt with another history under the later one
  | 'HISTORY_REWRITTEN'
  // the served log no longer matches the anchors from one on: changed, deleted or reordered after anchoring
  | 'LOG_DIVERGES'
  | 'CONSISTENCY_FAILED' // a consistency proof between two anchors does not verify
  | 'INCLUSION_FAILED' // a served entry is not the entry at its index in the anchored tree
  | 'NOT_ANCHORED' // an entry beyond the latest anchor: not provable yet
  | 'MALFORMED_ENTRY' // served bytes that are not a canonical entry, or entries out of log order
  | 'WRONG_PEER' // a served entry belongs to another peer's log
  | 'WRONG_JOB' // an entry served for one job is about another
  | 'UNAVAILABLE' // the peer did not serve what was asked (unreachable, refused, timed out)
  | 'ENVELOPE_INVALID' // a counterparty's signed message kept in an entry is forged or says something else

export interface LogFinding {
  /** what failed (absent when the check passed) */
  code?: LogFindingCode
  status: CheckStatus
  /** what was checked, for the verdict table: "anchors #2→#3", "entry 17 (accepted)" */
  check: string
  message: string
  index?: number
  anchor?: number
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

export interface ServedRoots {
  /** size -> root the peer claims */
  roots: Map<number, Uint8Array>
  /** `${from}-${to}` -> consistency proof the peer served */
  consistency: Map<string, Uint8Array[]>
}

/**
 * Checks consecutive pairs of `anchors` (ascending; pass the ones that matter, e.g. from the
 * first anchor covering a job to the latest) with the peer's consistency proofs. `served`
 * undefined means the peer did not answer: every pair is UNAVAILABLE.
 */
export function checkAnchorChain(anchors: readonly AnchorRecord[], served: ServedRoots | undefined): LogFinding[] {
  const out: LogFinding[] = []
  if (anchors.length === 0) return out
  const name = (a: AnchorRecord): string => `#${a.index} (size ${a.treeSize})`
  for (let i = 1; i < anchors.length; i++) {
    if (anchors[i].treeSize <= anchors[i - 1].treeSize) throw new TypeError('anchors must ascend by tree size')
  }
  if (served === undefined) {
    // a single anchor has no pair to prove; the roots would only have named a failure
    if (anchors.length < 2) return out
    const check =
      anchors.length === 1
        ? `anchor ${name(anchors[0])}`
        : `anchors ${name(anchors[0])}→${name(anchors[anchors.length - 1])}`
    return [
      {
        code: 'UNAVAILABLE',
        status: 'UNAVAILABLE',
        check,
        message: 'the peer did not serve its roots and consistency proofs',
      },
    ]
  }
  const matches = anchors.map((a) => {
    const r = served.roots.get(a.treeSize)
    return r === undefined ? undefined : equalBytes(r, a.root)
  })
  // the last anchor from which on the served log matches none: where a post-anchoring change starts
  let divergeFrom = anchors.length
  while (divergeFrom > 0 && matches[divergeFrom - 1] === false) divergeFrom--
  if (divergeFrom < anchors.length) {
    const a = anchors[divergeFrom]
    const before = divergeFrom > 0 ? anchors[divergeFrom - 1].treeSize : 0
    out.push({
      code: 'LOG_DIVERGES',
      status: 'FAIL',
      check: `served log vs anchor ${name(a)}`,
      anchor: a.index,
      message:
        `the log the peer serves no longer matches its anchor ${name(a)} (root ` +
        `${hex(a.root).slice(0, 16)}…): entries below ${a.treeSize} (after ` +
        `${before}) were changed, deleted or reordered after anchoring`,
    })
  }
  for (let i = 0; i + 1 < anchors.length; i++) {
    const a = anchors[i]
    const b = anchors[i + 1]
    const check = `anchors ${name(a)}→${name(b)}`
    const proof = served.consistency.get(`${a.treeSize}-${b.treeSize}`)
    if (proof === undefined) {
      if (i + 1 < divergeFrom || divergeFrom === anchors.length) {
        out.push({
          code: 'UNAVAILABLE',
          status: 'UNAVAILABLE',
          check,
          anchor: b.index,
          message: 'the peer served no consistency proof for this pair',
        })
      }
      continue
    }
    const r = checkConsistency(a.treeSize, b.treeSize, a.root, b.root, proof)
    if (r.ok) {
      out.push({ status: 'PASS', check, anchor: b.index, message: 'consistent' })
      continue
    }
    if (i + 1 >= divergeFrom) continue // already named LOG_DIVERGES: the peer cannot prove anything about these anchors
    if (matches[i] === false && matches[i + 1] === true) {
      out.push({
        code: 'HISTORY_REWRITTEN',
        status: 'FAIL',
        check,
        anchor: b.index,
        message:
          `anchor ${name(b)} does not extend anchor ${name(a)}: the log was ` +
          `rebuilt with a different history before the later anchor, and the ` +
          `anchors up to ${name(a)} can no longer be proven (${r.reason})`,
      })
    } else if (matches[i + 1] === false) {
      continue // both anchors belong to the overwritten history named at the rewrite's boundary
    } else {
      out.push({
        code: 'CONSISTENCY_FAILED',
        status: 'FAIL',
        check,
        anchor: b.index,
        message: `the consistency proof from ${a.treeSize} to ${b.treeSize} fails (${r.reason})`,
      })
    }
  }
  return out
}

export interface ServedEntry {
  bytes: Uint8Array
  proof: readonly Uint8Array[]
}

export interface EntryCheck {
  findings: LogFinding[]
  /** entries that decoded and belong to the expected peer (and job), proven or not */
  entries: StoredEntry[]
  /** indices of entries proven against the anchor */
  proven: Set<number>
}

export interface EntryCheckOptions {
  peer: Uint8Array
  /** when the entries were asked for by job */
  jobId?: Uint8Array
  /** the anchor the proofs are against; undefined: no anchor (every entry NOT_ANCHORED) */
  anchor?: AnchorRecord
}

/** Each served entry: canonical, this peer's, this job's, and in the anchored tree. */
export function checkServedEntries(served: readonly ServedEntry[], opts: EntryCheckOptions): EntryCheck {
  const findings: LogFinding[] = []
  const entries: StoredEntry[] = []
  const proven = new Set<number>()
  let last = -1
  for (let i = 0; i < served.length; i++) {
    let s: StoredEntry
    try {
      s = readEntry(served[i].bytes)
    } catch (err) {
      findings.push({
        code: 'MALFORMED_ENTRY',
        status: 'FAIL',
        check: `served entry #${i}`,
        message: `does not decode: ${isHiveError(err) ? err.message : String(err)}`,
      })
      continue
    }
    const e = s.entry
    const check = `entry ${e.index} (${e.type})`
    if (!equalBytes(e.peer, opts.peer)) {
      findings.push({
        code: 'WRONG_PEER',
        status: 'FAIL',
        check,
        index: e.index,
        message: "names another peer as the log's owner",
      })
      continue
    }
    if (opts.jobId !== undefined && !equalBytes(e.jobId, opts.jobId)) {
      findings.push({ code: 'WRONG_JOB', status: 'FAIL', check, index: e.index, message: 'is about another job' })
      continue
    }
    if (e.index <= last) {
      findings.push({
        code: 'MALFORMED_ENTRY',
        status: 'FAIL',
        check,
        index: e.index,
        message: `served after entry ${last}: not in log order`,
      })
      continue
    }
    last = e.index
    entries.push(s)
    const a = opts.anchor
    if (a === undefined || e.index >= a.treeSize) {
      findings.push({
        code: 'NOT_ANCHORED',
        status: 'PENDING',
        check,
        index: e.index,
        message:
          a === undefined
            ? 'the peer has no anchor yet'
            : `beyond the latest anchor (size ${a.treeSize}): not provable until the next one`,
      })
      continue
    }
    const r = checkInclusion(s.hash, e.index, a.treeSize, served[i].proof, a.root)
    if (r.ok) {
      proven.add(e.index)
      findings.push({ status: 'PASS', check, index: e.index, message: `in anchor #${a.index} (size ${a.treeSize})` })
    } else {
      findings.push({
        code: 'INCLUSION_FAILED',
        status: 'FAIL',
        check,
        index: e.index,
        message:
          `is not entry ${e.index} of the tree anchored as #${a.index} (size ` +
          `${a.treeSize}): changed or replaced after anchoring (${r.reason})`,
      })
    }
  }
  return { findings, entries, proven }
}

/**
 * The anchors to check for entries up to `maxIndex`: from the first anchor that covers them to
 * the latest, thinned to at most `limit` (consistency proofs between non-adjacent anchors are
 * as good; the first and the latest are always kept).
 */
export function anchorsToCheck(anchors: readonly AnchorRecord[], maxIndex: number, limit = 64): AnchorRecord[] {
  const first = anchors.findIndex((a) => a.treeSize > maxIndex)
  if (first < 0) return anchors.length === 0 ? [] : [anchors[anchors.length - 1]]
  const from = Math.max(0, first - 1) // the anchor before shows the entries were not there yet rewritten away
  const span = anchors.slice(from)
  if (span.length <= limit) return span
  return [...span.slice(0, 2), ...span.slice(span.length - (limit - 2))]
}
