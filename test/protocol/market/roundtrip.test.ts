// Every message encodes and decodes to itself; every signed message built by the builders
// passes its validator with the same content; and, by property, for arbitrary valid inputs.
import { expect } from 'chai'
import fc from 'fast-check'
import {
  Acceptance,
  Award,
  Bid,
  BlobChunk,
  BlobRequest,
  BlobResponse,
  BlobStatus,
  Clearing,
  ExecStatus,
  JobRequest,
  MessageType,
  PaymentMode,
  Reply,
  ReplyStatus,
  Result,
  SignedEnvelope,
} from '../../../protocol/gen/market.ts'
import { JOB_BOUNDS } from '../../../protocol/market/bounds.ts'
import { buildJobSpec, createJobRequest, signBid } from '../../../protocol/market/build.ts'
import { ownBytes } from '../../../protocol/market/fields.ts'
import { validateBid } from '../../../protocol/market/validate-bid.ts'
import { validateJobRequest } from '../../../protocol/market/validate-job.ts'
import { cidOf, jobInput, keyFromSeed, NOW, peerOf } from './fixtures.ts'
import type { JobSpecInput } from '../../../protocol/market/build.ts'
import type { Ed25519PrivateKey } from '@libp2p/interface'

function roundTrip<T>(codec: { encode: (v: T) => Uint8Array; decode: (b: Uint8Array) => T }, value: T): () => void {
  return () => {
    expect(codec.decode(codec.encode(value))).to.deep.equal(value)
  }
}
const b = (...xs: number[]): Uint8Array<ArrayBuffer> => new Uint8Array(xs)
const peer = ownBytes(new Uint8Array(38).fill(3))
const id = ownBytes(new Uint8Array(32).fill(4))

describe('protocol/market round trips', () => {
  let key: Ed25519PrivateKey
  before(async () => {
    key = await keyFromSeed(1)
  })

  const table: Array<[string, () => void]> = [
    [
      'SignedEnvelope',
      roundTrip<SignedEnvelope>(SignedEnvelope, {
        type: MessageType.BID,
        payload: b(1, 2),
        signer: peer,
        signature: ownBytes(new Uint8Array(64).fill(5)),
      }),
    ],
    ['JobRequest', roundTrip<JobRequest>(JobRequest, { jobId: id, requesterAddrs: ['/ip4/1.2.3.4/tcp/5'] })],
    [
      'Bid',
      roundTrip<Bid>(Bid, {
        jobId: id,
        provider: peer,
        price: '123',
        estimatedDurationMs: 456,
        providerEthAddress: '0x' + 'a'.repeat(40),
        expiresAt: NOW,
        stakeHint: '99',
        benchmarkScore: 7,
        lotteryEstimate: 40,
        freeSlots: 3,
        slotsHeldForRequester: 1,
      }),
    ],
    [
      'Award',
      roundTrip<Award>(Award, {
        jobId: id,
        requester: peer,
        provider: peer,
        price: '5',
        awardIndex: 2,
        deadline: NOW + 1,
        issuedAt: NOW,
      }),
    ],
    [
      'Acceptance',
      roundTrip<Acceptance>(Acceptance, {
        jobId: id,
        provider: peer,
        price: '5',
        awardIndex: 1,
        accepted: false,
        reason: 'NO_CAPACITY',
        voucherAck: new Uint8Array([1, 2]),
        timestamp: NOW,
      }),
    ],
    [
      'Result',
      roundTrip<Result>(Result, {
        jobId: id,
        provider: peer,
        status: ExecStatus.EXEC_OK,
        exitCode: -1,
        outputCid: ownBytes(cidOf('x').bytes),
        outputSize: 10,
        metering: { wallMs: 1, cpuMs: 2, peakMemoryBytes: 3 },
        completedAt: NOW,
        error: '',
        commitment: b(1),
        commitmentSignature: b(2),
      }),
    ],
    [
      'Clearing',
      roundTrip<Clearing>(Clearing, {
        jobId: id,
        requester: peer,
        winners: [{ provider: peer, price: '1' }],
        timestamp: NOW,
        executor: 'wasm',
        token: '',
        wallTimeMs: 5,
        memoryBytes: 6,
      }),
    ],
    ['Reply', roundTrip<Reply>(Reply, { status: ReplyStatus.REPLY_OK, code: '', message: 'fine', envelope: b(9) })],
    [
      'BlobRequest',
      roundTrip<BlobRequest>(BlobRequest, { cid: ownBytes(cidOf('y').bytes), offset: 3, maxBytes: 2 ** 33 }),
    ],
    [
      'BlobResponse',
      roundTrip<BlobResponse>(BlobResponse, {
        status: BlobStatus.BLOB_OK,
        totalSize: 2 ** 40,
        offset: 1,
        length: 2,
        message: '',
      }),
    ],
    ['BlobChunk', roundTrip<BlobChunk>(BlobChunk, { data: b(1, 2, 3) })],
  ]
  for (const [name, check] of table) {
    it(`${name} decodes to what was encoded`, check)
  }

  it('JobSpec with every field set survives the trip', () => {
    const spec = buildJobSpec(
      jobInput({
        token: '0x' + 'b'.repeat(40),
        requesterEthAddress: '0x' + 'c'.repeat(40),
        payment: 'channel',
        requirements: { minMemoryBytes: 5, gpuVendor: 'nvidia', arch: 'arm64', minCpuScore: 9 },
      }),
      peerOf(key),
    )
    const req: JobRequest = { jobId: id, spec, requesterAddrs: [] }
    expect(JobRequest.decode(JobRequest.encode(req))).to.deep.equal(req)
    expect(spec.payment).to.equal(PaymentMode.PAYMENT_CHANNEL)
  })

  const specInput: fc.Arbitrary<JobSpecInput> = fc
    .record({
      executor: fc.stringMatching(/^[a-z][a-z0-9-]{0,31}$/),
      names: fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,30}$/), { maxLength: 8 }),
      args: fc.array(fc.string({ unit: 'grapheme', maxLength: 40 }), { maxLength: 8 }),
      memoryBytes: fc.integer({ min: 64 * 1024, max: 4 * 1024 ** 3 }),
      wallTimeMs: fc.integer({ min: 1, max: 86_400_000 }),
      outputBytes: fc.integer({ min: 1, max: JOB_BOUNDS.outputBytes.max }),
      maxPrice: fc.bigInt({ min: 1n, max: (1n << 256n) - 1n }),
      payment: fc.constantFrom('escrow' as const, 'channel' as const),
      redundancy: fc.integer({ min: 1, max: 9 }),
      bidWindowMs: fc.integer({ min: 1, max: 60_000 }),
      extraLife: fc.integer({ min: 1, max: 86_400_000 }),
      nonce: fc.uint8Array({ minLength: 8, maxLength: 32 }),
    })
    .map((r) =>
      jobInput({
        executor: r.executor,
        inputs: r.names.map((name, i) => ({ name, cid: cidOf(name), size: i + 1 })),
        args: r.args,
        limits: { memoryBytes: r.memoryBytes, wallTimeMs: r.wallTimeMs, outputBytes: r.outputBytes },
        maxPrice: r.maxPrice,
        payment: r.payment,
        redundancy: r.redundancy,
        bidWindowMs: r.bidWindowMs,
        deadline: NOW + r.bidWindowMs + r.extraLife,
        nonce: r.nonce,
      }),
    )

  it('property: any valid job request is accepted by its validator with the content it was built from', async () => {
    await fc.assert(
      fc.asyncProperty(specInput, async (input) => {
        const created = await createJobRequest(input, key)
        const valid = await validateJobRequest(created.bytes, { now: NOW })
        expect(valid.jobId).to.equal(created.jobId)
        expect(valid.spec).to.deep.equal(buildJobSpec(input, peerOf(key)))
        expect(valid.maxPrice).to.equal(input.maxPrice)
      }),
      { numRuns: 150 },
    )
  })

  it('property: any valid bid is accepted with its price, stake hint and fields', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 1n, max: 10n ** 30n }),
        fc.option(fc.bigInt({ min: 0n, max: 10n ** 30n }), { nil: undefined }),
        fc.integer({ min: 0, max: 86_400_000 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 0, max: 3_600_000 }),
        async (price, stakeHint, estimatedDurationMs, benchmarkScore, ttl) => {
          const jobId = 'ee'.repeat(32)
          const bytes = await signBid(
            { jobId, price, stakeHint, estimatedDurationMs, benchmarkScore, expiresAt: NOW + ttl },
            key,
          )
          const valid = await validateBid(bytes, { now: NOW, lookupJob: () => ({ maxPrice: 10n ** 30n }) })
          expect([
            valid.price,
            valid.stakeHint,
            valid.bid.estimatedDurationMs,
            valid.bid.benchmarkScore,
            valid.bid.expiresAt,
          ]).to.deep.equal([price, stakeHint, estimatedDurationMs, benchmarkScore, NOW + ttl])
        },
      ),
      { numRuns: 150 },
    )
  })
})
