// The job market's language: messages, validation, ids, selection, pricing. Re-exports only.
export * from './amounts.ts'
export * from './bounds.ts'
export * from './build.ts'
export * from './clearing-book.ts'
export * from './direct.ts'
export * from './envelope.ts'
export * from './errors.ts'
export * from './job-id.ts'
export * from './lottery.ts'
export * from './pricing.ts'
export * from './seen-cache.ts'
export * from './selection.ts'
export * from './units.ts'
export * from './validate-award.ts'
export * from './validate-bid.ts'
export * from './validate-clearing.ts'
export * from './validate-job.ts'
export * from './validate-result.ts'
export { checkJobSpec } from './job-spec.ts'
export type { CheckedJobSpec } from './job-spec.ts'
export {
  Acceptance,
  Award,
  AwardRevocation,
  Bid,
  BlobChunk,
  BlobRequest,
  BlobResponse,
  BlobStatus,
  Clearing,
  ExecStatus,
  Heartbeat,
  JobInput,
  JobLimits,
  JobRequest,
  JobRequirements,
  JobSpec,
  MessageType,
  Metering,
  PaymentMode,
  Reply,
  ReplyStatus,
  Result,
  SignedEnvelope,
  Winner,
} from '../gen/market.ts'
export * from './heartbeat.ts'
export * from './revocation.ts'
