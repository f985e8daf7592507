import { expect } from 'chai'
import { createJobRequest } from '../../../protocol/market/build.ts'
import { isExact, parseTolerances, toleranceFor, votesByTolerance } from '../../../protocol/market/tolerance-spec.ts'
import { validateJobRequest } from '../../../protocol/market/validate-job.ts'
import { expectMarketError, jobInput, keyFromSeed, NOW, rawJobRequest } from './fixtures.ts'
import type { JobSpecInput } from '../../../protocol/market/build.ts'
import type { MarketErrorCode } from '../../../protocol/market/errors.ts'
import type { Ed25519PrivateKey } from '@libp2p/interface'

function onnxJob(overrides: Partial<JobSpecInput> = {}): JobSpecInput {
  return jobInput({ executor: 'onnx', ...overrides })
}

describe('protocol/market tolerance fields (issue 18)', () => {
  let key: Ed25519PrivateKey
  before(async () => {
    key = await keyFromSeed(1)
  })

  it('an onnx job with per-output tolerances and threads passes and keeps them signed', async () => {
    const created = await createJobRequest(
      onnxJob({
        limits: { memoryBytes: 64 * 1024 * 1024, wallTimeMs: 1000, outputBytes: 4096, threads: 2 },
        tolerances: [
          { output: '', atol: '1e-5', rtol: '0.001' },
          { output: 'prob', atol: '0.01', rtol: '0' },
        ],
      }),
      key,
    )
    const valid = await validateJobRequest(created.bytes, { now: NOW + 10 })
    expect(valid.spec.limits?.threads).to.equal(2)
    expect(valid.spec.tolerances.map((t) => t.output)).to.deep.equal(['', 'prob'])
    const t = parseTolerances(valid.spec.tolerances)
    expect(toleranceFor(t, 'prob')).to.deep.equal({ atol: 0.01, rtol: 0 })
    expect(toleranceFor(t, 'other')).to.deep.equal({ atol: 1e-5, rtol: 0.001 })
    expect(votesByTolerance(valid.spec)).to.equal(true)
  })

  it('a job without tolerances is exact (the CID rule) and its id is unchanged by the new fields', async () => {
    const a = await createJobRequest(jobInput(), key)
    const valid = await validateJobRequest(a.bytes, { now: NOW + 10 })
    expect(valid.spec.tolerances).to.deep.equal([])
    expect(valid.spec.limits?.threads).to.equal(0)
    expect(votesByTolerance(valid.spec)).to.equal(false)
    expect(isExact(parseTolerances([{ output: '', atol: '0', rtol: '0.0' }]))).to.equal(true)
  })

  const bad: Array<[string, Partial<JobSpecInput>, string]> = [
    [
      'a tolerance on a wasm job',
      { executor: 'wasm', tolerances: [{ output: '', atol: '0.1', rtol: '0' }] },
      'INVALID_FIELD',
    ],
    ['a negative atol', { tolerances: [{ output: '', atol: '-1', rtol: '0' }] }, 'INVALID_FIELD'],
    ['NaN', { tolerances: [{ output: '', atol: 'NaN', rtol: '0' }] }, 'INVALID_FIELD'],
    ['Infinity', { tolerances: [{ output: '', atol: 'Infinity', rtol: '0' }] }, 'INVALID_FIELD'],
    [
      'an exponent overflowing to infinity',
      { tolerances: [{ output: '', atol: '1e999', rtol: '0' }] },
      'INVALID_FIELD',
    ],
    ['above the bound', { tolerances: [{ output: '', atol: '1e31', rtol: '0' }] }, 'INVALID_FIELD'],
    ['hex', { tolerances: [{ output: '', atol: '0x10', rtol: '0' }] }, 'INVALID_FIELD'],
    [
      'a name twice',
      {
        tolerances: [
          { output: 'y', atol: '1', rtol: '0' },
          { output: 'y', atol: '2', rtol: '0' },
        ],
      },
      'INVALID_FIELD',
    ],
    ['a path as name', { tolerances: [{ output: '../y', atol: '1', rtol: '0' }] }, 'INVALID_FIELD'],
    [
      'too many',
      { tolerances: Array.from({ length: 65 }, (_, i) => ({ output: `o${i}`, atol: '1', rtol: '0' })) },
      // the decoder's repeated-field limit refuses it before any check
      'MALFORMED',
    ],
    [
      'threads > 1 on an exact job',
      { limits: { memoryBytes: 1 << 20, wallTimeMs: 1000, outputBytes: 4096, threads: 4 } },
      'INVALID_FIELD',
    ],
    [
      'threads beyond the bound',
      {
        limits: { memoryBytes: 1 << 20, wallTimeMs: 1000, outputBytes: 4096, threads: 65 },
        tolerances: [{ output: '', atol: '1', rtol: '0' }],
      },
      'LIMITS_OUT_OF_RANGE',
    ],
    [
      'threads on a wasm job',
      { executor: 'wasm', limits: { memoryBytes: 1 << 20, wallTimeMs: 1000, outputBytes: 4096, threads: 2 } },
      'INVALID_FIELD',
    ],
  ]
  for (const [title, overrides, code] of bad) {
    it(`rejects ${title}, from a peer and in the builder`, async () => {
      const input = onnxJob(overrides)
      const bytes = await rawJobRequest(key, input)
      await expectMarketError(() => validateJobRequest(bytes, { now: NOW + 10 }), code as MarketErrorCode, 'REJECT')
      const builderCode = code === 'MALFORMED' ? 'INVALID_FIELD' : (code as MarketErrorCode)
      await expectMarketError(() => createJobRequest(input, key), builderCode)
    })
  }
})
