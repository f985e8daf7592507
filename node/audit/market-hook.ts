// The audit side of the market's and payments' journal ports (MarketJournal in node/market/ports.ts,
// PaymentJournal in node/payments/journal.ts): one `record(entry)` call puts a protocol or payment
// event in the audit log, with the state change it comes with in the same fsynced batch. Every
// message entry names the sha-256 of the SignedEnvelope bytes exactly as they travelled, so the
// requester's and the provider's entries about one message carry the same hash.
//
// Fail-safe: an audit failure never costs the market its job. The failure is logged loudly
// (error log + a node 'log' event) and any state change that was to ride with the entry is
// written on its own, so the job goes on unaudited rather than lost.
import { logger } from '../log/logger.ts'
import { peerIdFromString } from '@libp2p/peer-id'
import { CID } from 'multiformats/cid'
import { sha256 } from '../../protocol/merkle/index.ts'
import { jobIdToBytes } from '../../protocol/market/job-id.ts'
import { peerIdToBytes } from '../../protocol/signing.ts'
import { AUDIT_BOUNDS } from '../../protocol/audit/index.ts'
import type { AuditLog, AuditRecord } from './log.ts'
import type { JobRecord } from '../market/job-record.ts'
import type { MarketJournal, MarketJournalEntry, PeerRef } from '../market/ports.ts'
import type { PaymentJournal, PaymentJournalEntry } from '../payments/journal.ts'
import type { JsonSublevel, StoreBatchOp } from '../store.ts'

const log = logger('hive:audit:hook')

export interface AuditHookInit {
  /** the open log, or undefined while the audit service is not running */
  log: () => AuditLog | undefined
  /** the sublevel the requester keeps its job records in (store.jobs, as MarketService wires it) */
  jobs: JsonSublevel
  /** writes state ops alone when the audit append failed (store.batchDurable) */
  writeState: (ops: StoreBatchOp[]) => Promise<void>
  /** told about every audit failure, e.g. to emit a node 'log' event */
  onFailure?: (message: string, err: unknown) => void
}

const peerBytes = (p: PeerRef): Uint8Array => (p instanceof Uint8Array ? p : peerIdToBytes(p))
const cidBytes = (c: CID | string): Uint8Array => (typeof c === 'string' ? CID.parse(c) : c).bytes
/** keep the counterparty's signed message in the entry when it fits (an auditor can check its signature) */
const keep = (envelope: Uint8Array): Uint8Array | undefined =>
  envelope.length <= AUDIT_BOUNDS.maxEnvelopeBytes ? envelope : undefined
const ref = (
  direction: 'sent' | 'received',
  peer: PeerRef,
  envelope: Uint8Array,
  embed: boolean,
): { direction: 'sent' | 'received'; counterparty: Uint8Array; messageHash: Uint8Array; envelope?: Uint8Array } => {
  const e = embed ? keep(envelope) : undefined
  return {
    direction,
    counterparty: peerBytes(peer),
    messageHash: sha256(envelope),
    ...(e !== undefined ? { envelope: e } : {}),
  }
}

export class AuditHook implements MarketJournal, PaymentJournal {
  private readonly init: AuditHookInit

  constructor(init: AuditHookInit) {
    this.init = init
  }

  /** The journal call of both ports: the entry's audit records, with the state that rides along. */
  async record(
    entry: MarketJournalEntry | PaymentJournalEntry,
    options: { extraOps?: StoreBatchOp[] } = {},
  ): Promise<boolean> {
    switch (entry.type) {
      case 'posted':
        return await this.posted(entry.record, entry.envelope)
      case 'bid-received':
        return await this.bidReceived(entry.jobId, entry.peer, entry.envelope, entry.price)
      case 'award-sent':
        return await this.awardSent(entry.jobId, entry.peer, entry.envelope, entry.price, entry.slot)
      case 'acceptance-received':
        return await this.acceptanceReceived(entry.jobId, entry.peer, entry.envelope, entry.price, entry.slot)
      case 'award-revoked':
        return await this.awardRevoked(entry.jobId, entry.peer, entry.envelope, entry.slot, entry.reason)
      case 'bid-reopened':
        return await this.append([
          {
            type: 'reopened',
            jobId: jobIdToBytes(entry.jobId),
            direction: 'sent',
            messageHash: sha256(entry.envelope),
            ...(keep(entry.envelope) !== undefined ? { envelope: entry.envelope } : {}),
            sequence: entry.sequence,
            bidsCloseAt: entry.bidsCloseAt,
            asked: entry.asked,
          },
        ])
      case 'result-received':
        return await this.resultReceived(entry.jobId, entry.peer, entry.envelope, entry.outputCid)
      case 'finished':
        return await this.finished(entry.record)
      case 'bid-sent':
        return await this.bidSent(entry.jobId, entry.peer, entry.envelope, entry.price)
      case 'award-received':
        return await this.awardReceived(
          entry.jobId,
          entry.peer,
          entry.envelope,
          entry.price,
          entry.slot,
          entry.acceptance,
        )
      case 'result-sent':
        return await this.resultSent(entry.jobId, entry.peer, entry.envelope, entry.outputCid)
      case 'paid':
      case 'refunded':
      case 'disputed':
        return await this.payment(entry, options.extraOps)
    }
  }

  /** Appends `records` with `extraOps` atomically; on failure writes `extraOps` alone. True when audited. */
  async append(
    records: AuditRecord[],
    extraOps: StoreBatchOp[] = [],
    what = records[0]?.type ?? 'state',
  ): Promise<boolean> {
    const auditLog = this.init.log()
    try {
      if (auditLog === undefined) throw new Error('the audit log is not open')
      await auditLog.appendAll(records, { extraOps })
      return true
    } catch (err) {
      const message =
        `AUDIT ENTRY LOST: could not log` +
        ` ${what} (${err instanceof Error ? err.message : String(err)}); the` +
        ` market goes on without it`
      log.error('%s', message)
      try {
        this.init.onFailure?.(message, err)
      } catch {
        /* a listener must not break the market */
      }
      if (extraOps.length > 0) await this.init.writeState(extraOps)
      return false
    }
  }

  private jobOp(record: JobRecord): StoreBatchOp {
    return { type: 'put', sublevel: this.init.jobs, key: record.jobId, value: record }
  }

  async posted(record: JobRecord, requestEnvelope: Uint8Array): Promise<boolean> {
    return await this.append(
      [
        {
          type: 'posted',
          jobId: jobIdToBytes(record.jobId),
          messageHash: sha256(requestEnvelope),
          maxPrice: BigInt(record.maxPrice),
          paymentMode: record.payment,
          redundancy: record.redundancy,
          // the signed request proves to auditors that this node is the job's requester
          ...(keep(requestEnvelope) !== undefined ? { envelope: requestEnvelope } : {}),
        },
      ],
      [this.jobOp(record)],
    )
  }

  async bidReceived(jobId: string, from: PeerRef, envelope: Uint8Array, price: bigint): Promise<boolean> {
    return await this.append([
      { type: 'bid', jobId: jobIdToBytes(jobId), ...ref('received', from, envelope, false), price },
    ])
  }

  async awardSent(jobId: string, to: PeerRef, envelope: Uint8Array, price: bigint, slot: number): Promise<boolean> {
    return await this.append([
      { type: 'awarded', jobId: jobIdToBytes(jobId), ...ref('sent', to, envelope, false), price, awardIndex: slot },
    ])
  }

  async acceptanceReceived(
    jobId: string,
    from: PeerRef,
    envelope: Uint8Array,
    price: bigint,
    slot: number,
  ): Promise<boolean> {
    return await this.append([
      {
        type: 'accepted',
        jobId: jobIdToBytes(jobId),
        ...ref('received', from, envelope, true),
        price,
        awardIndex: slot,
      },
    ])
  }

  /** requester: the award it withdrew, with its own signed revocation kept (it is short) */
  async awardRevoked(jobId: string, to: PeerRef, envelope: Uint8Array, slot: number, reason: string): Promise<boolean> {
    return await this.append([
      { type: 'revoked', jobId: jobIdToBytes(jobId), ...ref('sent', to, envelope, true), awardIndex: slot, reason },
    ])
  }

  async resultReceived(
    jobId: string,
    from: PeerRef,
    envelope: Uint8Array,
    outputCid: CID | string,
    commitmentSignature?: Uint8Array,
  ): Promise<boolean> {
    return await this.append([
      {
        type: 'result',
        jobId: jobIdToBytes(jobId),
        ...ref('received', from, envelope, true),
        outputCid: cidBytes(outputCid),
        ...sig(commitmentSignature),
      },
    ])
  }

  async finished(record: JobRecord): Promise<boolean> {
    const jobId = jobIdToBytes(record.jobId)
    const records: AuditRecord[] = []
    const auditLog = this.init.log()
    if (auditLog !== undefined) {
      // the result hashes the requester logged on receipt: the verification names the very message it checked
      const received = (await auditLog.entriesForJob(jobId).catch(() => [])).map((s) => s.entry)
      const quorum = record.awards.filter(
        (a) => a.status === 'delivered' && (record.winners?.includes(a.provider) ?? a.outputCid === record.outputCid),
      ).length
      for (const a of record.awards) {
        if (a.outputCid === undefined) continue
        const peer = peerBytes(peerIdFromString(a.provider))
        const result = received.find(
          (e) =>
            e.type === 'result' &&
            e.direction === 'received' &&
            Buffer.compare(Buffer.from(e.counterparty), Buffer.from(peer)) === 0,
        )
        if (result?.type !== 'result') continue
        const accepted =
          record.phase === 'completed' &&
          a.status === 'delivered' &&
          (record.winners?.includes(a.provider) ?? a.outputCid === record.outputCid)
        const reason = accepted
          ? `majority ${quorum}/${record.redundancy}`
          : (a.failure ??
            (record.phase === 'completed'
              ? 'output differs from the majority'
              : `job ${record.failure?.reason ?? 'failed'}`))
        records.push({
          type: 'verified',
          jobId,
          counterparty: peer,
          resultHash: result.messageHash,
          outputCid: result.outputCid,
          accepted,
          reason: reason.slice(0, AUDIT_BOUNDS.maxReasonLength),
        })
      }
    }
    return await this.append(records, [this.jobOp(record)], 'verified')
  }

  async bidSent(jobId: string, to: PeerRef, envelope: Uint8Array, price: bigint): Promise<boolean> {
    return await this.append([{ type: 'bid', jobId: jobIdToBytes(jobId), ...ref('sent', to, envelope, false), price }])
  }

  async awardReceived(
    jobId: string,
    from: PeerRef,
    award: Uint8Array,
    price: bigint,
    slot: number,
    acceptance?: Uint8Array,
  ): Promise<boolean> {
    const id = jobIdToBytes(jobId)
    const records: AuditRecord[] = [
      { type: 'awarded', jobId: id, ...ref('received', from, award, true), price, awardIndex: slot },
    ]
    if (acceptance !== undefined)
      records.push({ type: 'accepted', jobId: id, ...ref('sent', from, acceptance, false), price, awardIndex: slot })
    return await this.append(records)
  }

  async resultSent(
    jobId: string,
    to: PeerRef,
    envelope: Uint8Array,
    outputCid: CID | string,
    commitmentSignature?: Uint8Array,
  ): Promise<boolean> {
    return await this.append([
      {
        type: 'result',
        jobId: jobIdToBytes(jobId),
        ...ref('sent', to, envelope, false),
        outputCid: cidBytes(outputCid),
        ...sig(commitmentSignature),
      },
    ])
  }

  async payment(p: PaymentJournalEntry, extraOps?: StoreBatchOp[]): Promise<boolean> {
    const base = { jobId: jobIdToBytes(p.jobId), direction: p.direction, counterparty: peerBytes(p.counterparty) }
    switch (p.type) {
      case 'paid':
        return await this.append([{ type: 'paid', ...base, amount: p.amount, method: p.method }], extraOps)
      case 'refunded':
        return await this.append([{ type: 'refunded', ...base, amount: p.amount, txHash: p.txHash }], extraOps)
      case 'disputed': {
        const tx = p.txHash !== undefined ? { txHash: p.txHash } : {}
        return await this.append([{ type: 'disputed', ...base, reason: p.reason, ...tx }], extraOps)
      }
    }
  }
}

function sig(s: Uint8Array | undefined): { commitmentSignature?: Uint8Array } {
  return s !== undefined && s.length > 0 ? { commitmentSignature: s } : {}
}
