import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { parseJobSpec } from '../../../cli/job-spec.ts'
import { prepareOnnxJob, tensorSummary } from '../../../cli/onnx-job.ts'
import { mlpInputs, mlpModel } from '../../../examples/inference/models.ts'
import { encodeModel } from '../../../protocol/inference/onnx-writer.ts'
import type { OnnxPostOptions } from '../../../cli/onnx-job.ts'

describe('cli: hive job post --onnx (issue 18)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-onnx-cli-'))
  const model = join(dir, 'mlp.onnx')
  const x = join(dir, 'x.npy')
  const garbage = join(dir, 'garbage.npy')
  writeFileSync(model, mlpModel())
  writeFileSync(x, mlpInputs()[0].data)
  writeFileSync(garbage, 'not a tensor')
  after(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  const opts = (over: Partial<OnnxPostOptions> = {}): OnnxPostOptions => ({
    model,
    inputs: [`x=${x}`],
    outputs: [],
    ...over,
  })

  async function refusal(over: Partial<OnnxPostOptions>): Promise<{ code: string; message: string }> {
    try {
      await prepareOnnxJob(opts(over))
    } catch (err) {
      return err as { code: string; message: string }
    }
    return expect.fail('expected a usage error')
  }

  it('builds the job body: inputs as <name>.npy, outputs as args, one default tolerance, threads', async () => {
    const parts = await prepareOnnxJob(opts({ outputs: ['y'], atol: '1e-4', rtol: '0.001', threads: 2 }))
    expect(parts.inputs.map((i) => i.name)).to.deep.equal(['x.npy'])
    expect(parts.args).to.deep.equal(['y'])
    expect(parts.tolerances).to.deep.equal([{ output: '', atol: '1e-4', rtol: '0.001' }])
    expect(parts.threads).to.equal(2)
    expect(parts.modelOutputs).to.deep.equal(['y', 'total'])
    const exact = await prepareOnnxJob(opts())
    expect(exact.tolerances).to.equal(undefined)
  })

  it('bad arguments say what is wrong and how to fix it', async () => {
    const cases: Array<[Partial<OnnxPostOptions>, string, RegExp]> = [
      [{ inputs: [x] }, 'BAD_INPUT', /name=file\.npy.*\(x\)/],
      [{ inputs: [`z=${x}`] }, 'UNKNOWN_INPUT', /inputs are x/],
      [{ inputs: [] }, 'MISSING_INPUT', /--input x=<file\.npy>/],
      [{ inputs: [`x=${garbage}`] }, 'BAD_TENSOR', /numpy\.save/],
      [{ inputs: [`x=${join(dir, 'none.npy')}`] }, 'FILE_UNREADABLE', /no such file/],
      [{ outputs: ['nope'] }, 'UNKNOWN_OUTPUT', /outputs are y, total/],
      [{ atol: '-1' }, 'BAD_TOLERANCE', /non-negative decimal/],
      [{ rtol: 'NaN' }, 'BAD_TOLERANCE', /non-negative decimal/],
      [{ threads: 4 }, 'THREADS_NEED_TOLERANCE', /add --atol/],
      [{ model: x }, 'MODEL_INVALID', /providers refuse/],
    ]
    for (const [over, code, message] of cases) {
      const err = await refusal(over)
      expect(err.code, JSON.stringify(over)).to.equal(code)
      expect(err.message).to.match(message)
    }
  })

  it('a model with a custom-op domain is refused before the node is asked', async () => {
    const custom = join(dir, 'custom.onnx')
    writeFileSync(
      custom,
      encodeModel({
        graph: {
          nodes: [{ op: 'Evil', inputs: ['x'], outputs: ['y'], domain: 'com.evil' }],
          inputs: [],
          outputs: [],
        },
        opsets: [
          { domain: '', version: 17 },
          { domain: 'com.evil', version: 1 },
        ],
      }),
    )
    expect((await refusal({ model: custom })).code).to.equal('MODEL_CUSTOM_OP')
  })

  it('the summary shows each output tensor: dtype, shape, first values', () => {
    const lines = tensorSummary([{ name: 'x.npy', data: mlpInputs()[0].data }], 3)
    expect(lines).to.deep.equal(['x: float32 [4, 2] = [1, 2, -1, … (8 values)]'])
  })

  it('a spec file with executor onnx: inputs name=file resolved against the file, outputs, tolerance, threads', () => {
    const spec = parseJobSpec(
      [
        'executor: onnx',
        'module: mlp.onnx',
        'inputs: [x=x.npy]',
        'outputs: [y]',
        'tolerance: { atol: 1e-4, rtol: 0.001 }',
        'limits: { threads: 2 }',
      ].join('\n'),
      join(dir, 'job.yaml'),
    )
    expect(spec.wasm).to.equal(model)
    expect(spec.input).to.deep.equal([`x=${x}`])
    expect(spec.output).to.deep.equal(['y'])
    expect([spec.atol, spec.rtol, spec.threads]).to.deep.equal(['0.0001', '0.001', 2])
  })
})
