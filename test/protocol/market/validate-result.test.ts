import { expect } from 'chai'
import { ExecStatus } from '../../../protocol/gen/market.ts'
import { MAX_MESSAGE_BYTES } from '../../../protocol/market/bounds.ts'
import { signResult } from '../../../protocol/market/build.ts'
import { SeenCache } from '../../../protocol/market/seen-cache.ts'
import { validateResult } from '../../../protocol/market/validate-result.ts'
import { encodeOutputBundle, maxBundleOverhead } from '../../../protocol/output-bundle.ts'
import { cidOf, corruptSignature, expectMarketError, keyFromSeed, NOW, peerOf, resign } from './fixtures.ts'
import type { ResultInput } from '../../../protocol/market/build.ts'
import type { MarketErrorCode } from '../../../protocol/market/errors.ts'
import type { ValidateResultOptions } from '../../../protocol/market/validate-result.ts'
import type { Ed25519PrivateKey } from '@libp2p/interface'

const JOB = '66'.repeat(32)

describe('protocol/market validateResult', () => {
  let provider: Ed25519PrivateKey
  let stranger: Ed25519PrivateKey
  let opts: ValidateResultOptions
  const ok = (o: Partial<ResultInput> = {}): ResultInput => ({
    jobId: JOB,
    status: ExecStatus.EXEC_OK,
    exitCode: 0,
    outputCid: cidOf('output'),
    outputSize: 1000,
    metering: { wallMs: 12, cpuMs: 10, peakMemoryBytes: 2 * 1024 * 1024 },
    completedAt: NOW,
    ...o,
  })
  before(async () => {
    provider = await keyFromSeed(8)
    stranger = await keyFromSeed(9)
  })
  beforeEach(() => {
    opts = {
      now: NOW,
      expectedProvider: peerOf(provider),
      lookupAward: (id, p) => (id === JOB && p.equals(peerOf(provider)) ? { outputBytes: 4096 } : undefined),
    }
  })

  it('accepts a successful result and a failed one, with EIP-712 commitment bytes carried through', async () => {
    const commitment = new Uint8Array(32).fill(1)
    const commitmentSignature = new Uint8Array(65).fill(2)
    const valid = await validateResult(
      await signResult(ok({ exitCode: -3, commitment, commitmentSignature }), provider),
      opts,
    )
    expect(valid.outputCid?.equals(cidOf('output'))).to.equal(true)
    expect(valid.result.exitCode).to.equal(-3)
    expect(valid.result.metering?.peakMemoryBytes).to.equal(2 * 1024 * 1024)
    expect(valid.result.commitment).to.deep.equal(commitment)
    expect(valid.result.commitmentSignature).to.deep.equal(commitmentSignature)
    const failed = await validateResult(
      await signResult(
        ok({ status: ExecStatus.EXEC_TIMEOUT, outputCid: undefined, outputSize: 0, error: 'TIMEOUT' }),
        provider,
      ),
      opts,
    )
    expect(failed.outputCid).to.equal(undefined)
    expect(failed.result.error).to.equal('TIMEOUT')
  })

  it('accepts a result whose contents fill the output limit exactly (the bundle framing comes on top)', async () => {
    const files = [
      { name: 'a'.repeat(255), data: new Uint8Array(1000) },
      { name: 'b', data: new Uint8Array(1000) },
    ]
    const bundle = encodeOutputBundle({ exitCode: 0, stdout: new Uint8Array(4096 - 2000), files })
    expect(bundle.byteLength).to.be.above(4096)
    expect(bundle.byteLength - 4096).to.be.at.most(maxBundleOverhead())
    const valid = await validateResult(await signResult(ok({ outputSize: bundle.byteLength }), provider), opts)
    expect(valid.result.outputSize).to.equal(bundle.byteLength)
  })

  it('ignores a replayed result and one for an award we did not make', async () => {
    const seen = new SeenCache({ capacity: 10, ttlMs: 60_000 })
    const bytes = await signResult(ok(), provider)
    await validateResult(bytes, { ...opts, seen })
    await expectMarketError(() => validateResult(bytes, { ...opts, seen }), 'DUPLICATE', 'IGNORE')
    await expectMarketError(
      () => validateResult(bytes, { ...opts, lookupAward: () => undefined }),
      'UNKNOWN_JOB',
      'IGNORE',
    )
  })

  const cases: Array<[string, () => Promise<Uint8Array>, MarketErrorCode]> = [
    [
      'an output over the job limit and its framing',
      async () => await signResult(ok({ outputSize: 4096 + maxBundleOverhead() + 1 }), provider),
      'LIMITS_OUT_OF_RANGE',
    ],
    [
      'success without an output CID',
      async () => await signResult(ok({ outputCid: undefined }), provider),
      'MALFORMED',
    ],
    [
      'a failure with an output CID',
      async () => await signResult(ok({ status: ExecStatus.EXEC_TRAPPED }), provider),
      'INVALID_FIELD',
    ],
    [
      'no status',
      async () => await signResult(ok({ status: ExecStatus.EXEC_STATUS_UNSPECIFIED }), provider),
      'INVALID_FIELD',
    ],
    [
      'an oversized commitment signature',
      async () => await signResult(ok({ commitmentSignature: new Uint8Array(97) }), provider),
      'INVALID_FIELD',
    ],
    [
      'an error text too long',
      async () =>
        await signResult(
          ok({ status: ExecStatus.EXEC_INTERNAL_ERROR, outputCid: undefined, error: 'e'.repeat(300) }),
          provider,
        ),
      'INVALID_FIELD',
    ],
    [
      'a metered wall time over a week',
      async () =>
        await signResult(ok({ metering: { wallMs: 8 * 86_400_000, cpuMs: 0, peakMemoryBytes: 0 } }), provider),
      'INVALID_FIELD',
    ],
    ['another provider than the stream peer', async () => await signResult(ok(), stranger), 'PEER_MISMATCH'],
    ['a forged provider', async () => await resign(await signResult(ok(), provider), stranger), 'SIGNER_MISMATCH'],
    ['a bad signature', async () => corruptSignature(await signResult(ok(), provider)), 'BAD_SIGNATURE'],
    ['too many bytes', async () => new Uint8Array(MAX_MESSAGE_BYTES.result + 1), 'OVERSIZED'],
  ]
  for (const [name, make, code] of cases) {
    it(`rejects a result with ${name}: ${code}`, async () => {
      const bytes = await make()
      await expectMarketError(() => validateResult(bytes, opts), code, 'REJECT')
    })
  }
})
