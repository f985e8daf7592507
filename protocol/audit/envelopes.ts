// A log may keep the counterparty's signed message in an entry (the award a provider received,
// the acceptance and result a requester received). Those are evidence independent of the
// counterparty's own log: each must be the counterparty's valid signature over a message about
// this job that says what the entry says (price, slot, output). A log that invents a received
// message cannot forge the signature.
import { Acceptance, Award, Bid, BidReopen, JobRequest, MessageType, Result } from '../gen/market.ts'
import { MAX_MESSAGE_BYTES } from '../market/bounds.ts'
import { checkEnvelopeSignature, openEnvelope } from '../market/envelope.ts'
import { equalBytes } from '../merkle/index.ts'
import { computeJobId } from '../market/job-id.ts'
import type { LogFinding } from './log-check.ts'
import type { AuditEntry, StoredEntry } from './types.ts'

interface Expected {
  jobId: Uint8Array
  price?: string
  awardIndex?: number
  outputCid?: Uint8Array
}

function open(
  e: AuditEntry,
  bytes: Uint8Array,
): { opened: ReturnType<typeof openEnvelope<unknown>>; expected: Expected } | undefined {
  switch (e.type) {
    case 'bid': {
      const opened = openEnvelope(bytes, {
        type: MessageType.BID,
        decode: (b) => Bid.decode(b),
        maxBytes: MAX_MESSAGE_BYTES.bid,
      })
      return { opened, expected: { jobId: opened.message.jobId, price: opened.message.price } }
    }
    case 'awarded': {
      const opened = openEnvelope(bytes, {
        type: MessageType.AWARD,
        decode: (b) => Award.decode(b),
        maxBytes: MAX_MESSAGE_BYTES.award,
      })
      return {
        opened,
        expected: { jobId: opened.message.jobId, price: opened.message.price, awardIndex: opened.message.awardIndex },
      }
    }
    case 'accepted': {
      const opened = openEnvelope(bytes, {
        type: MessageType.ACCEPTANCE,
        decode: (b) => Acceptance.decode(b),
        maxBytes: MAX_MESSAGE_BYTES.acceptance,
      })
      if (!opened.message.accepted) throw new Error('the signed acceptance declines the award')
      return {
        opened,
        expected: { jobId: opened.message.jobId, price: opened.message.price, awardIndex: opened.message.awardIndex },
      }
    }
    case 'result': {
      const opened = openEnvelope(bytes, {
        type: MessageType.RESULT,
        decode: (b) => Result.decode(b),
        maxBytes: MAX_MESSAGE_BYTES.result,
      })
      return { opened, expected: { jobId: opened.message.jobId, outputCid: opened.message.outputCid } }
    }
    case 'reopened': {
      const opened = openEnvelope(bytes, {
        type: MessageType.BID_REOPEN,
        decode: (b) => BidReopen.decode(b),
        maxBytes: MAX_MESSAGE_BYTES.bidReopen,
      })
      return { opened, expected: { jobId: opened.message.jobId } }
    }
    default:
      return undefined
  }
}

export type PostingProof = { ok: true } | { ok: false; reason: string }

/**
 * Whether a `posted` entry proves its log's owner is the job's requester: it keeps the signed
 * JobRequest, signed by the owner, whose spec hashes to the entry's job id and names the owner
 * as requester. Only the requester can produce one (the job id commits to the spec).
 */
export async function checkPostingProof(e: AuditEntry): Promise<PostingProof> {
  if (e.type !== 'posted') return { ok: false, reason: 'not a posted entry' }
  if (e.envelope === undefined) return { ok: false, reason: 'the entry keeps no signed job request' }
  try {
    const opened = openEnvelope(e.envelope, {
      type: MessageType.JOB_REQUEST,
      decode: (b) => JobRequest.decode(b),
      maxBytes: MAX_MESSAGE_BYTES.jobRequest,
    })
    if (!equalBytes(opened.envelope.signer, e.peer)) {
      return { ok: false, reason: "the job request is signed by another peer than the log's owner" }
    }
    await checkEnvelopeSignature(opened)
    const spec = opened.message.spec
    if (spec === undefined) return { ok: false, reason: 'the job request has no spec' }
    if (computeJobId(spec) !== Buffer.from(e.jobId).toString('hex')) {
      return { ok: false, reason: 'the job request is for another job' }
    }
    if (!equalBytes(spec.requester, e.peer)) return { ok: false, reason: 'the job names another requester' }
    return { ok: true }
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err)
    return { ok: false, reason: `not a valid signed job request: ${why}` }
  }
}

/** FAIL findings for kept messages that do not hold, and one PASS row counting those that do. */
export async function checkKeptMessages(entries: readonly StoredEntry[]): Promise<LogFinding[]> {
  const out: LogFinding[] = []
  let good = 0
  for (const { entry: e } of entries) {
    if (e.type === 'posted' && e.envelope !== undefined) {
      const proof = await checkPostingProof(e)
      const check = `signed job request (entry ${e.index})`
      const signed = "the log's owner signed this job's request: it is the requester"
      if (proof.ok) out.push({ status: 'PASS', check, index: e.index, message: signed })
      else out.push({ code: 'ENVELOPE_INVALID', status: 'FAIL', check, index: e.index, message: proof.reason })
      continue
    }
    if (!('envelope' in e) || e.envelope === undefined || !('direction' in e)) continue
    const check = `entry ${e.index} (${e.type}) signed message`
    const fail = (message: string): void => {
      out.push({ code: 'ENVELOPE_INVALID', status: 'FAIL', check, index: e.index, message })
    }
    try {
      const o = open(e, e.envelope)
      if (o === undefined) continue
      // a received message is the counterparty's; a sent one the log owner's
      const author = e.direction === 'received' && 'counterparty' in e ? e.counterparty : e.peer
      if (!equalBytes(o.opened.envelope.signer, author)) {
        fail(`signed by another peer than the ${e.direction === 'received' ? 'counterparty' : "log's owner"}`)
        continue
      }
      await checkEnvelopeSignature(o.opened)
      const x = o.expected
      if (!equalBytes(x.jobId, e.jobId)) {
        fail('the signed message is about another job')
        continue
      }
      if (x.price !== undefined && 'price' in e && x.price !== e.price.toString()) {
        fail(`the signed message says price ${x.price}, the entry ${e.price}`)
        continue
      }
      if (x.awardIndex !== undefined && 'awardIndex' in e && x.awardIndex !== e.awardIndex) {
        fail(`the signed message is for slot ${x.awardIndex}, the entry for ${e.awardIndex}`)
        continue
      }
      if (x.outputCid !== undefined && e.type === 'result' && !equalBytes(x.outputCid, e.outputCid)) {
        fail('the signed result names another output')
        continue
      }
      good++
    } catch (err) {
      fail(`not a valid signed ${e.type} message: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
  if (good > 0)
    out.push({
      status: 'PASS',
      check: 'signed messages kept in the log',
      message: `${good} counterparty signature${good === 1 ? '' : 's'} check out and match the entries`,
    })
  return out
}
