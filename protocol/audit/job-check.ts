// What an auditor concludes from one job's entries in the requester's log and in one
// provider's log: named findings, each an error (the logs contradict each other or the
// protocol) or a warning (compatible with an honest run, e.g. a message lost in transit).
import { equalBytes } from '../merkle/index.ts'
import {
  CHAIN,
  counterpartyOf,
  directionOf,
  expectedDirection,
  messageHashOf,
  other,
  priceOf,
  type Side,
} from './job-steps.ts'
import type { AuditEntry, AuditEventType, PaidEvent } from './types.ts'

export type FindingCode =
  | 'NO_ENTRIES' // a side has no entry about the job: nothing to check it against
  | 'JOB_ID_MISMATCH' // an entry given for this job names another job
  | 'PEER_MISMATCH' // entries given as one side's come from different logs
  | 'FOREIGN_COUNTERPARTY' // the provider logged this job with a peer other than the requester
  | 'WRONG_DIRECTION' // e.g. the requester claims to have *sent* a bid
  | 'MISSING_STEP' // a later step is logged but an earlier one is not
  | 'OUT_OF_ORDER' // steps logged in an order the protocol cannot produce
  | 'DUPLICATE_STEP' // the same step logged twice (an error for payments)
  // one side sent, the other never logged receiving it (hidden, or lost: an error but for bids and payments)
  | 'UNMATCHED_SENT'
  | 'UNMATCHED_RECEIVED' // one side logged receiving what the other never logged sending
  | 'MESSAGE_HASH_MISMATCH' // both sides logged the step, with different messages
  | 'RESULT_HASH_MISMATCH' // the result hashes differ (between sides, or the verified result is not the received one)
  | 'OUTPUT_CID_MISMATCH' // the output CIDs differ
  | 'PRICE_MISMATCH' // prices of one message differ between sides, or award and acceptance disagree
  | 'PRICE_ABOVE_MAX' // the agreed price exceeds the posted maximum
  | 'PAYMENT_AMOUNT_MISMATCH' // paid != agreed price, or the two sides record different amounts
  | 'PAYMENT_DETAILS_MISMATCH' // voucher / escrow transaction differ between sides
  | 'PAID_AND_REFUNDED' // the requester both paid and was refunded
  | 'PAID_REJECTED_RESULT' // the requester paid for a result it rejected

export interface Finding {
  code: FindingCode
  severity: 'error' | 'warning'
  side: Side | 'both'
  step?: AuditEventType
  /** entry index in the side's log (for 'both': the requester's) */
  index?: number
  /** entry index in the other side's log */
  otherIndex?: number
  message: string
}

export interface JobVerdict {
  /** no error findings */
  ok: boolean
  jobId: Uint8Array
  requester?: Uint8Array
  provider?: Uint8Array
  /** the price of the acceptance: the agreement */
  agreedPrice?: bigint
  /** total paid according to the requester's log */
  paid?: bigint
  findings: Finding[]
}

type Steps = Map<AuditEventType, AuditEntry[]>

export interface JobCheckOptions {
  /** the job (default: the first entry's) */
  jobId?: Uint8Array
  /** the peers whose logs these are (default: the first entry's peer on each side); needed to
   * name what an empty log is missing */
  requester?: Uint8Array
  provider?: Uint8Array
}

export function checkJobHistory(
  requesterEntries: readonly AuditEntry[],
  providerEntries: readonly AuditEntry[],
  options: JobCheckOptions = {},
): JobVerdict {
  const findings: Finding[] = []
  const add = (f: Finding): void => {
    findings.push(f)
  }
  const jobId =
    options.jobId ??
    requesterEntries.find((e) => e.type !== 'anchored')?.jobId ??
    providerEntries.find((e) => e.type !== 'anchored')?.jobId ??
    new Uint8Array(0)
  const requester = options.requester ?? requesterEntries[0]?.peer
  const provider = options.provider ?? providerEntries[0]?.peer
  const logs: Record<Side, readonly AuditEntry[]> = { requester: requesterEntries, provider: providerEntries }
  const owners: Record<Side, Uint8Array | undefined> = { requester, provider }
  const steps: Record<Side, Steps> = { requester: new Map(), provider: new Map() }

  for (const side of ['requester', 'provider'] as const) {
    const owner = owners[side]
    const peer = owners[other(side)]
    if (logs[side].length === 0)
      add({ code: 'NO_ENTRIES', severity: 'error', side, message: `the ${side}'s log has no entry about this job` })
    if (owner === undefined) continue
    for (const e of logs[side]) {
      if (e.type === 'anchored') continue
      if (!equalBytes(e.jobId, jobId)) {
        add({
          code: 'JOB_ID_MISMATCH',
          severity: 'error',
          side,
          step: e.type,
          index: e.index,
          message: `entry ${e.index} is about another job`,
        })
        continue
      }
      if (!equalBytes(e.peer, owner)) {
        add({
          code: 'PEER_MISMATCH',
          severity: 'error',
          side,
          step: e.type,
          index: e.index,
          message: `entry ${e.index} comes from another peer's log`,
        })
        continue
      }
      const cp = counterpartyOf(e)
      if (cp !== undefined && peer !== undefined && !equalBytes(cp, peer)) {
        // the requester deals with several providers: only this provider's entries matter here
        if (side === 'provider')
          add({
            code: 'FOREIGN_COUNTERPARTY',
            severity: 'warning',
            side,
            step: e.type,
            index: e.index,
            message: `provider entry ${e.index} names a counterparty other than the requester`,
          })
        continue
      }
      const want = expectedDirection(side, e.type)
      const got = directionOf(e)
      if (want !== undefined && got !== want) {
        add({
          code: 'WRONG_DIRECTION',
          severity: 'error',
          side,
          step: e.type,
          index: e.index,
          message: `the ${side} logged a ${e.type} as ${got}, expected ${want}`,
        })
        continue
      }
      const list = steps[side].get(e.type) ?? []
      list.push(e)
      steps[side].set(e.type, list)
    }
  }

  for (const side of ['requester', 'provider'] as const) checkShape(side, steps[side], add)
  // without both peers the requester's entries about this provider cannot be told apart
  if (requester !== undefined && provider !== undefined) matchExchanges(steps, add)
  const { agreedPrice, paid } = checkAgreement(steps, add)
  return { ok: !findings.some((f) => f.severity === 'error'), jobId, requester, provider, agreedPrice, paid, findings }
}

/** Within one side: duplicates, missing earlier steps, and protocol order. */
function checkShape(side: Side, steps: Steps, add: (f: Finding) => void): void {
  for (const [type, list] of steps) {
    if (list.length > 1) {
      const severity = type === 'paid' ? 'error' : 'warning'
      add({
        code: 'DUPLICATE_STEP',
        severity,
        side,
        step: type,
        index: list[1].index,
        message: `the ${side} logged ${type} ${list.length} times`,
      })
    }
  }
  const chain = CHAIN[side]
  const furthest = chain.reduce((at, type, i) => (steps.has(type) ? i : at), -1)
  for (let i = 0; i < furthest; i++) {
    if (steps.has(chain[i]) || paidBeforeVerified(chain[i], chain[furthest])) continue
    add({
      code: 'MISSING_STEP',
      severity: 'error',
      side,
      step: chain[i],
      message: `the ${side} logged ${chain[furthest]} but no ${chain[i]}`,
    })
  }
  let last: AuditEntry | undefined
  for (const type of chain) {
    const first = steps.get(type)?.[0]
    if (first === undefined) continue
    if (last !== undefined && first.index < last.index && !paidBeforeVerified(last.type, type)) {
      add({
        code: 'OUT_OF_ORDER',
        severity: 'error',
        side,
        step: type,
        index: first.index,
        message: `the ${side} logged ${type} (entry ${first.index}) before ${last.type} (entry ${last.index})`,
      })
    }
    last = first
  }
}

/**
 * Fair exchange (issue 11 item 2): with payments on, the requester pays for a provider's signed
 * result commitment before it fetches and verifies the output, so its `paid` may precede its
 * `verified` (or stand without it while the output is still being fetched).
 */
function paidBeforeVerified(earlier: AuditEventType, later: AuditEventType): boolean {
  return earlier === 'verified' && later === 'paid'
}

/** Across sides: every sent message was received as sent, nothing was received that was never sent. */
function matchExchanges(steps: Record<Side, Steps>, add: (f: Finding) => void): void {
  for (const type of ['bid', 'awarded', 'accepted', 'result', 'paid'] as const) {
    const sender: Side = type === 'awarded' || type === 'paid' ? 'requester' : 'provider'
    const sent = steps[sender].get(type) ?? []
    const received = steps[other(sender)].get(type) ?? []
    const reqIndex = (s: AuditEntry, r: AuditEntry | undefined): { index: number; otherIndex?: number } =>
      sender === 'requester'
        ? { index: s.index, otherIndex: r?.index }
        : { index: r?.index ?? s.index, otherIndex: s.index }
    for (const s of sent) {
      const r = received.find((x) => sameExchange(s, x)) ?? received[0]
      if (r === undefined) {
        // the receiver's log is the only record of a delivery, so the auditor cannot tell a lost
        // message from a hidden one; a receiver that hides the result (or the award, or the
        // acceptance) would otherwise pass, so the gap fails the job. A bid may go unlogged
        // (requesters drop late and unwanted bids, and nothing follows from one), and so may a
        // payment: it is often still in flight when logs are anchored, and it is proven by the
        // voucher or escrow transaction the payer holds, not by the payee's log
        const hidden = type === 'awarded' || type === 'accepted' || type === 'result'
        add({
          code: 'UNMATCHED_SENT',
          severity: hidden ? 'error' : 'warning',
          side: hidden ? other(sender) : sender,
          step: type,
          index: s.index,
          message:
            `the ${sender} sent ${type} (entry ${s.index}) that the ${other(sender)} never logged` +
            (hidden ? ` receiving: hidden by the ${other(sender)}, or never delivered` : ''),
        })
        continue
      }
      compareExchange(type, s, r, sender, (f) => add({ ...f, side: 'both', step: type, ...reqIndex(s, r) }))
    }
    if (sent.length === 0) {
      for (const r of received) {
        add({
          code: 'UNMATCHED_RECEIVED',
          severity: 'error',
          side: other(sender),
          step: type,
          index: r.index,
          message:
            `the ${other(sender)} logged receiving ${type} (entry` +
            ` ${r.index}) that the ${sender} never logged sending`,
        })
      }
    }
  }
}

function sameExchange(a: AuditEntry, b: AuditEntry): boolean {
  const ha = messageHashOf(a)
  const hb = messageHashOf(b)
  if (ha !== undefined && hb !== undefined) return equalBytes(ha, hb)
  return a.type === 'paid' && b.type === 'paid' && samePayment(a, b)
}

function compareExchange(
  type: AuditEventType,
  s: AuditEntry,
  r: AuditEntry,
  sender: Side,
  add: (f: Omit<Finding, 'side'>) => void,
): void {
  const hs = messageHashOf(s)
  const hr = messageHashOf(r)
  if (hs !== undefined && hr !== undefined && !equalBytes(hs, hr)) {
    const code = type === 'result' ? 'RESULT_HASH_MISMATCH' : 'MESSAGE_HASH_MISMATCH'
    add({
      code,
      severity: 'error',
      message: `the ${type} the ${sender} sent and the one the ${other(sender)} received differ`,
    })
    return
  }
  const ps = priceOf(s)
  const pr = priceOf(r)
  if (ps !== undefined && pr !== undefined && ps !== pr)
    add({ code: 'PRICE_MISMATCH', severity: 'error', message: `${type} price ${ps} sent, ${pr} received` })
  if (s.type === 'result' && r.type === 'result' && !equalBytes(s.outputCid, r.outputCid))
    add({
      code: 'OUTPUT_CID_MISMATCH',
      severity: 'error',
      message: 'the result output CIDs differ between the two logs',
    })
  if (s.type === 'paid' && r.type === 'paid') {
    if (s.amount !== r.amount)
      add({
        code: 'PAYMENT_AMOUNT_MISMATCH',
        severity: 'error',
        message: `paid ${s.amount} according to the requester, ${r.amount} according to the provider`,
      })
    else if (!samePayment(s, r))
      add({
        code: 'PAYMENT_DETAILS_MISMATCH',
        severity: 'error',
        message: 'the two logs record different vouchers or transactions',
      })
  }
}

function samePayment(a: PaidEvent, b: PaidEvent): boolean {
  if (a.amount !== b.amount) return false
  const x = a.method
  const y = b.method
  if (x.kind === 'escrow' && y.kind === 'escrow') return equalBytes(x.txHash, y.txHash)
  if (x.kind === 'voucher' && y.kind === 'voucher') {
    return (
      equalBytes(x.channelId, y.channelId) &&
      x.cumulativeAmount === y.cumulativeAmount &&
      x.nonce === y.nonce &&
      equalBytes(x.signature, y.signature)
    )
  }
  return false
}

/** The agreement (award price = acceptance price <= posted maximum), the verification, and the payment. */
function checkAgreement(
  steps: Record<Side, Steps>,
  add: (f: Finding) => void,
): { agreedPrice?: bigint; paid?: bigint } {
  const first = (side: Side, type: AuditEventType): AuditEntry | undefined => steps[side].get(type)?.[0]
  const acceptance = first('provider', 'accepted') ?? first('requester', 'accepted')
  const agreedPrice = acceptance !== undefined ? priceOf(acceptance) : undefined
  const award = first('requester', 'awarded') ?? first('provider', 'awarded')
  const awardPrice = award !== undefined ? priceOf(award) : undefined
  if (agreedPrice !== undefined && awardPrice !== undefined && agreedPrice !== awardPrice) {
    add({
      code: 'PRICE_MISMATCH',
      severity: 'error',
      side: 'both',
      step: 'accepted',
      index: acceptance?.index,
      message: `awarded at ${awardPrice} but accepted at ${agreedPrice}`,
    })
  }
  const posted = first('requester', 'posted')
  if (posted?.type === 'posted' && agreedPrice !== undefined && agreedPrice > posted.maxPrice) {
    add({
      code: 'PRICE_ABOVE_MAX',
      severity: 'error',
      side: 'requester',
      step: 'accepted',
      index: acceptance?.index,
      message: `agreed price ${agreedPrice} exceeds the posted maximum ${posted.maxPrice}`,
    })
  }
  const verified = first('requester', 'verified')
  if (verified?.type === 'verified') {
    const results = steps.requester.get('result') ?? []
    const checked = results.find((r) => r.type === 'result' && equalBytes(r.messageHash, verified.resultHash))
    if (checked === undefined) {
      add({
        code: 'RESULT_HASH_MISMATCH',
        severity: 'error',
        side: 'requester',
        step: 'verified',
        index: verified.index,
        message: 'the requester verified a result it never logged receiving',
      })
    } else if (checked.type === 'result' && !equalBytes(checked.outputCid, verified.outputCid)) {
      add({
        code: 'OUTPUT_CID_MISMATCH',
        severity: 'error',
        side: 'requester',
        step: 'verified',
        index: verified.index,
        message: "the verified output CID is not the received result's",
      })
    }
  }
  const payments = (steps.requester.get('paid') ?? []).filter((e): e is AuditEntry & PaidEvent => e.type === 'paid')
  const paid = payments.length > 0 ? payments.reduce((sum, p) => sum + p.amount, 0n) : undefined
  if (paid !== undefined && agreedPrice !== undefined && paid !== agreedPrice) {
    add({
      code: 'PAYMENT_AMOUNT_MISMATCH',
      severity: 'error',
      side: 'requester',
      step: 'paid',
      index: payments[0].index,
      message: `paid ${paid} for an agreed price of ${agreedPrice}`,
    })
  }
  if (paid !== undefined && verified?.type === 'verified' && !verified.accepted) {
    add({
      code: 'PAID_REJECTED_RESULT',
      severity: 'warning',
      side: 'requester',
      step: 'paid',
      index: payments[0].index,
      message: 'the requester paid for a result it rejected',
    })
  }
  const refund = first('requester', 'refunded')
  if (paid !== undefined && refund !== undefined) {
    add({
      code: 'PAID_AND_REFUNDED',
      severity: 'error',
      side: 'requester',
      step: 'refunded',
      index: refund.index,
      message: 'the requester both paid the provider and was refunded',
    })
  }
  return { agreedPrice, paid }
}
