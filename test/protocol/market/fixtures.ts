// Shared test material: deterministic keys and CIDs, a valid job, and raw builders that can
// produce messages the real builders refuse to (to test the receivers' checks).
import { createHash } from 'node:crypto'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import * as Digest from 'multiformats/hashes/digest'
import { sha256 } from 'multiformats/hashes/sha2'
import { expect } from 'chai'
import { JobRequest, MessageType, SignedEnvelope } from '../../../protocol/gen/market.ts'
import { buildJobSpec } from '../../../protocol/market/build.ts'
import { sealEnvelope } from '../../../protocol/market/envelope.ts'
import { isMarketValidationError } from '../../../protocol/market/errors.ts'
import { ownBytes } from '../../../protocol/market/fields.ts'
import { computeJobId, jobIdToBytes } from '../../../protocol/market/job-id.ts'
import type { JobSpec } from '../../../protocol/gen/market.ts'
import type { JobSpecInput } from '../../../protocol/market/build.ts'
import type { SignedMessageType } from '../../../protocol/market/envelope.ts'
import type { MarketErrorCode } from '../../../protocol/market/errors.ts'
import type { Ed25519PrivateKey, PeerId } from '@libp2p/interface'

export const NOW = 1_750_000_000_000

export async function keyFromSeed(n: number): Promise<Ed25519PrivateKey> {
  return await generateKeyPairFromSeed('Ed25519', new Uint8Array(32).fill(n))
}

export function peerOf(key: Ed25519PrivateKey): PeerId {
  return peerIdFromPrivateKey(key)
}

export function cidOf(text: string): CID {
  const digest = createHash('sha256').update(text).digest()
  return CID.createV1(raw.code, Digest.create(sha256.code, new Uint8Array(digest)))
}

export function jobInput(overrides: Partial<JobSpecInput> = {}): JobSpecInput {
  return {
    executor: 'wasm',
    module: cidOf('module'),
    moduleSize: 1234,
    inputs: [{ name: 'input.txt', cid: cidOf('input'), size: 10 }],
    args: ['--count', 'words'],
    limits: { memoryBytes: 64 * 1024 * 1024, wallTimeMs: 5_000, outputBytes: 1024 * 1024 },
    requirements: { arch: 'x86_64', minCpuScore: 100 },
    maxPrice: 1_000_000n,
    payment: 'escrow',
    redundancy: 1,
    bidWindowMs: 200,
    deadline: NOW + 60_000,
    createdAt: NOW,
    nonce: new Uint8Array(16).fill(9),
    ...overrides,
  }
}

export interface RawJobOptions {
  /** change the spec after the id was computed (id mismatch) or before (valid id) */
  mutate?: (spec: JobSpec) => void
  mutateAfterId?: (spec: JobSpec) => void
  requesterAddrs?: string[]
  /** who the spec names as requester (default: the signing key) */
  named?: PeerId
}

/** A signed JobRequest built without the builder's checks. */
export async function rawJobRequest(
  key: Ed25519PrivateKey,
  input: JobSpecInput = jobInput(),
  opts: RawJobOptions = {},
): Promise<Uint8Array> {
  const spec = buildJobSpec(input, opts.named ?? peerOf(key))
  opts.mutate?.(spec)
  const jobId = computeJobId(spec)
  opts.mutateAfterId?.(spec)
  const request: JobRequest = { jobId: ownBytes(jobIdToBytes(jobId)), spec, requesterAddrs: opts.requesterAddrs ?? [] }
  return await sealEnvelope(MessageType.JOB_REQUEST, JobRequest.encode(request), key)
}

/** Runs `fn` and checks it fails with a MarketValidationError of `code` and the code's verdict. */
export async function expectMarketError(
  fn: () => Promise<unknown> | unknown,
  code: MarketErrorCode,
  action?: 'IGNORE' | 'REJECT',
): Promise<void> {
  let thrown: unknown
  try {
    await fn()
  } catch (err) {
    thrown = err
  }
  if (thrown === undefined) expect.fail(`expected ${code}, but it passed`)
  if (!isMarketValidationError(thrown)) throw thrown
  expect(thrown.code, thrown.message).to.equal(code)
  if (action !== undefined) expect(thrown.action).to.equal(action)
}

/** Flips one bit of the signature inside an encoded envelope. */
export function corruptSignature(envelopeBytes: Uint8Array): Uint8Array {
  const copy = envelopeBytes.slice()
  copy[copy.length - 1] ^= 0x01 // the signature is the last field
  return copy
}

/** The same payload, signed by another key: a forgery whose signer is not the named author. */
export async function resign(envelopeBytes: Uint8Array, key: Ed25519PrivateKey): Promise<Uint8Array> {
  const env = SignedEnvelope.decode(envelopeBytes)
  return await sealEnvelope(env.type as SignedMessageType, env.payload, key)
}
