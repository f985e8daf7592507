// Builders for signed market messages. The author's peer id is always taken from the signing
// key, so a message can never name one peer and be signed by another. Builders run the same
// checks as the receivers where a mistake would get us penalised (a REJECT costs gossip score),
// so a local bug fails here, loudly, instead of on every peer.
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { Acceptance, Award, Bid, Clearing, JobRequest, JobSpec, MessageType, Result } from '../gen/market.ts'
// the wire enum; PaymentMode below is the name code uses
import { PaymentMode as WirePaymentMode } from '../gen/market.ts'
import { peerIdToBytes } from '../signing.ts'
import { formatAmount } from './amounts.ts'
import { sealEnvelope } from './envelope.ts'
import { ownBytes } from './fields.ts'
import { computeJobId, jobIdToBytes } from './job-id.ts'
import { checkJobSpec } from './job-spec.ts'
import { checkLotteryFields, defaultMaxBidders } from './lottery.ts'
import type { ExecStatus } from '../gen/market.ts'
import type { JobId } from './job-id.ts'
import type { PaymentMode } from '../payment-mode.ts'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

export interface JobSpecInput {
  executor: string
  module: CID
  moduleSize: number
  inputs?: Array<{ name: string; cid: CID; size: number }>
  args?: string[]
  /** threads: intra-op threads of an onnx job (default 0 = 1) */
  limits: { memoryBytes: number; wallTimeMs: number; outputBytes: number; threads?: number }
  /** onnx jobs: per-output tolerances as decimal strings (output '' = the default) */
  tolerances?: Array<{ output: string; atol: string; rtol: string }>
  requirements?: { minMemoryBytes?: number; gpuVendor?: string; arch?: string; minCpuScore?: number }
  maxPrice: bigint
  /** ERC20 address; '' or absent = the network's own token */
  token?: string
  payment: PaymentMode
  redundancy: number
  bidWindowMs: number
  deadline: number
  createdAt: number
  /** 8..32 random bytes from the caller (protocol/ has no randomness of its own) */
  nonce: Uint8Array
  requesterEthAddress?: string
  /** m, the bidders wanted (default 2k + 2; 0 = no lottery, every provider may bid) */
  maxBidders?: number
  /** N, the requester's estimate of the eligible providers' total stake weight (0 = unknown) */
  providerEstimate?: number
  /** pay-on-award (channel payment, redundancy 1): the voucher may ride with the award */
  payOnAward?: boolean
}

const PAYMENT_MODES: Record<PaymentMode, WirePaymentMode> = {
  escrow: WirePaymentMode.PAYMENT_ESCROW,
  channel: WirePaymentMode.PAYMENT_CHANNEL,
}

/** The JobSpec for `input` as requested by `requester` (not yet checked). */
export function buildJobSpec(input: JobSpecInput, requester: PeerId): JobSpec {
  const r = input.requirements ?? {}
  return {
    executor: input.executor,
    module: ownBytes(input.module.bytes),
    moduleSize: input.moduleSize,
    inputs: (input.inputs ?? []).map((i) => ({ name: i.name, cid: ownBytes(i.cid.bytes), size: i.size })),
    args: input.args ?? [],
    limits: { threads: 0, ...input.limits },
    requirements: {
      minMemoryBytes: r.minMemoryBytes ?? 0,
      gpuVendor: r.gpuVendor ?? '',
      arch: r.arch ?? '',
      minCpuScore: r.minCpuScore ?? 0,
    },
    maxPrice: formatAmount(input.maxPrice),
    token: input.token ?? '',
    payment: PAYMENT_MODES[input.payment],
    redundancy: input.redundancy,
    bidWindowMs: input.bidWindowMs,
    deadline: input.deadline,
    createdAt: input.createdAt,
    nonce: ownBytes(input.nonce),
    requester: ownBytes(peerIdToBytes(requester)),
    requesterEthAddress: input.requesterEthAddress ?? '',
    maxBidders: input.maxBidders ?? defaultMaxBidders(input.redundancy),
    providerEstimate: input.providerEstimate ?? 0,
    tolerances: (input.tolerances ?? []).map((t) => ({ ...t })),
    payOnAward: input.payOnAward === true,
  }
}

export interface CreatedJobRequest {
  jobId: JobId
  request: JobRequest
  /** the signed envelope to publish and push */
  bytes: Uint8Array
}

/** Checks, hashes and signs a job request; throws the MarketValidationError a peer would. */
export async function createJobRequest(
  input: JobSpecInput,
  key: PrivateKey,
  requesterAddrs: string[] = [],
): Promise<CreatedJobRequest> {
  const spec = buildJobSpec(input, peerIdFromPrivateKey(key))
  checkJobSpec(spec)
  checkLotteryFields(spec)
  const jobId = computeJobId(spec)
  const request: JobRequest = { jobId: ownBytes(jobIdToBytes(jobId)), spec, requesterAddrs }
  const bytes = await sealEnvelope(MessageType.JOB_REQUEST, JobRequest.encode(request), key)
  return { jobId, request, bytes }
}

export interface BidInput {
  jobId: JobId
  price: bigint
  estimatedDurationMs: number
  expiresAt: number
  providerEthAddress?: string
  stakeHint?: bigint
  benchmarkScore?: number
  /** the N of a lottery win this bid claims; absent/0: answering a direct push */
  lotteryEstimate?: number
  /** slots the provider has free as it signs (a hint for the requester); absent/0: not stated */
  freeSlots?: number
  /** of its taken slots, how many run this requester's jobs */
  slotsHeldForRequester?: number
}

export async function signBid(input: BidInput, key: PrivateKey): Promise<Uint8Array> {
  const bid: Bid = {
    jobId: ownBytes(jobIdToBytes(input.jobId)),
    provider: ownBytes(peerIdToBytes(peerIdFromPrivateKey(key))),
    price: formatAmount(input.price),
    estimatedDurationMs: input.estimatedDurationMs,
    providerEthAddress: input.providerEthAddress ?? '',
    expiresAt: input.expiresAt,
    stakeHint: input.stakeHint === undefined ? '' : formatAmount(input.stakeHint),
    benchmarkScore: input.benchmarkScore ?? 0,
    lotteryEstimate: input.lotteryEstimate ?? 0,
    freeSlots: input.freeSlots ?? 0,
    slotsHeldForRequester: input.slotsHeldForRequester ?? 0,
  }
  return await sealEnvelope(MessageType.BID, Bid.encode(bid), key)
}

export interface AwardInput {
  jobId: JobId
  provider: PeerId
  price: bigint
  awardIndex: number
  deadline: number
  issuedAt: number
}

export async function signAward(input: AwardInput, key: PrivateKey): Promise<Uint8Array> {
  const award: Award = {
    jobId: ownBytes(jobIdToBytes(input.jobId)),
    requester: ownBytes(peerIdToBytes(peerIdFromPrivateKey(key))),
    provider: ownBytes(peerIdToBytes(input.provider)),
    price: formatAmount(input.price),
    awardIndex: input.awardIndex,
    deadline: input.deadline,
    issuedAt: input.issuedAt,
  }
  return await sealEnvelope(MessageType.AWARD, Award.encode(award), key)
}

export interface AcceptanceInput {
  jobId: JobId
  price: bigint
  awardIndex: number
  accepted: boolean
  /** why declined, e.g. 'NO_CAPACITY' */
  reason?: string
  timestamp: number
  /** pay-on-award: the signed ack of the voucher that came with the award */
  voucherAck?: Uint8Array
}

export async function signAcceptance(input: AcceptanceInput, key: PrivateKey): Promise<Uint8Array> {
  const acceptance: Acceptance = {
    jobId: ownBytes(jobIdToBytes(input.jobId)),
    provider: ownBytes(peerIdToBytes(peerIdFromPrivateKey(key))),
    price: formatAmount(input.price),
    awardIndex: input.awardIndex,
    accepted: input.accepted,
    reason: input.reason ?? '',
    timestamp: input.timestamp,
    voucherAck: ownBytes(input.voucherAck ?? new Uint8Array(0)),
  }
  return await sealEnvelope(MessageType.ACCEPTANCE, Acceptance.encode(acceptance), key)
}

export interface ResultInput {
  jobId: JobId
  status: ExecStatus
  exitCode?: number
  /** required when status is EXEC_OK */
  outputCid?: CID
  outputSize?: number
  metering: { wallMs: number; cpuMs: number; peakMemoryBytes: number }
  completedAt: number
  error?: string
  commitment?: Uint8Array
  commitmentSignature?: Uint8Array
}

export async function signResult(input: ResultInput, key: PrivateKey): Promise<Uint8Array> {
  const result: Result = {
    jobId: ownBytes(jobIdToBytes(input.jobId)),
    provider: ownBytes(peerIdToBytes(peerIdFromPrivateKey(key))),
    status: input.status,
    exitCode: input.exitCode ?? 0,
    outputCid: ownBytes(input.outputCid?.bytes ?? new Uint8Array(0)),
    outputSize: input.outputSize ?? 0,
    metering: { ...input.metering },
    completedAt: input.completedAt,
    error: input.error ?? '',
    commitment: ownBytes(input.commitment ?? new Uint8Array(0)),
    commitmentSignature: ownBytes(input.commitmentSignature ?? new Uint8Array(0)),
  }
  return await sealEnvelope(MessageType.RESULT, Result.encode(result), key)
}

export interface ClearingInput {
  jobId: JobId
  winners: Array<{ provider: PeerId; price: bigint }>
  timestamp: number
  executor: string
  token?: string
  wallTimeMs: number
  memoryBytes: number
}

export async function signClearing(input: ClearingInput, key: PrivateKey): Promise<Uint8Array> {
  const clearing: Clearing = {
    jobId: ownBytes(jobIdToBytes(input.jobId)),
    requester: ownBytes(peerIdToBytes(peerIdFromPrivateKey(key))),
    winners: input.winners.map((w) => ({
      provider: ownBytes(peerIdToBytes(w.provider)),
      price: formatAmount(w.price),
    })),
    timestamp: input.timestamp,
    executor: input.executor,
    token: input.token ?? '',
    wallTimeMs: input.wallTimeMs,
    memoryBytes: input.memoryBytes,
  }
  return await sealEnvelope(MessageType.CLEARING, Clearing.encode(clearing), key)
}
