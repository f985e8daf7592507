// Audit log entries: canonical encoding, hash chain, job-history checks and export files.
export { AUDIT_BOUNDS } from './bounds.ts'
export { ZERO_HASH, decodeEntry, encodeEntry, entryHash, readEntry } from './codec.ts'
export { verifyChain, type ChainFailure, type ChainOptions, type ChainVerdict } from './chain.ts'
export { AuditEntryError } from './fields.ts'
export { checkJobHistory, type Finding, type FindingCode, type JobCheckOptions, type JobVerdict } from './job-check.ts'
export type { Side } from './job-steps.ts'
export {
  EXPORT_FORMAT,
  toHex,
  verifyExport,
  type AuditExport,
  type ExportFailure,
  type ExportVerdict,
} from './export.ts'
export {
  AUDIT_EVENT_TYPES,
  type AcceptedEvent,
  type AnchoredEvent,
  type AuditEntry,
  type AuditEvent,
  type AuditEventType,
  type AwardedEvent,
  type BidEvent,
  type Direction,
  type DisputedEvent,
  type EntryHeader,
  type EscrowPayment,
  type JobPostedEvent,
  type MessageRef,
  type PaidEvent,
  type PaymentMode,
  type RefundedEvent,
  type ResultEvent,
  type StoredEntry,
  type VerifiedEvent,
  type VoucherPayment,
} from './types.ts'
