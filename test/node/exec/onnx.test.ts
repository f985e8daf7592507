// The onnx executor runs real models in child processes and gives what onnxruntime-node gives
// in-process, byte for byte (one thread, sequential execution).
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { expect } from 'chai'
import { InferenceSession, Tensor } from 'onnxruntime-node'
import { OnnxExecutor } from '../../../node/exec/onnx/index.ts'
import { decodeNpy } from '../../../protocol/inference/npy.ts'
import { encodeModel, valueInfo } from '../../../protocol/inference/onnx-writer.ts'
import { f32, mlpExpected, mlpModel, onnxJob, readF32, sileroFrame, sileroInputs, sileroModel } from './onnx-harness.ts'

const str = (b: Uint8Array): string => new TextDecoder().decode(b)

describe('node/exec/onnx executor', function () {
  this.timeout(180_000)
  const ex = new OnnxExecutor({ poolSize: 1 })
  before(async () => await ex.start())
  after(async () => await ex.stop())

  it('states its isolation and what it does not stop', () => {
    expect(ex.name).to.equal('onnx')
    expect(ex.isolation).to.match(/prlimit --as/)
    expect(ex.isolation).to.match(/No seccomp/)
  })

  it('reports a GPU execution provider only when one initialises (none without the CUDA libraries)', () => {
    expect(ex.backends).to.include('cpu')
    const require = createRequire(import.meta.url)
    const bin = dirname(require.resolve('onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node'))
    const cuda = existsSync(join(bin, 'libonnxruntime_providers_cuda.so'))
    if (!cuda) expect(ex.gpuProviders).to.deep.equal([])
    for (const p of ex.gpuProviders) expect(ex.backends).to.include(p)
  })

  it('runs Silero VAD on a 512-sample frame exactly as onnxruntime-node does in-process', async () => {
    const model = sileroModel()
    const result = await ex.run(onnxJob(model, sileroInputs()))
    expect(result.exitCode).to.equal(0)
    expect(result.outputs.map((o) => o.name)).to.deep.equal(['cn.npy', 'hn.npy', 'output.npy'])
    expect(JSON.parse(str(result.stdout))).to.deep.equal({
      outputs: [
        { name: 'cn', dtype: 'float32', shape: [2, 1, 64] },
        { name: 'hn', dtype: 'float32', shape: [2, 1, 64] },
        { name: 'output', dtype: 'float32', shape: [1, 1] },
      ],
    })

    const session = await InferenceSession.create(model, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    })
    const f = sileroFrame()
    const direct = await session.run({
      input: new Tensor('float32', f.input, [1, 512]),
      sr: new Tensor('int64', f.sr, []),
      h: new Tensor('float32', f.h, [2, 1, 64]),
      c: new Tensor('float32', f.c, [2, 1, 64]),
    })
    await session.release()
    for (const name of ['output', 'hn', 'cn']) {
      const file = result.outputs.find((o) => o.name === `${name}.npy`)
      if (file === undefined) expect.fail(`no ${name}.npy`)
      const got = decodeNpy(file.data)
      const want = direct[name].data as Float32Array
      expect(got.shape).to.deep.equal(direct[name].dims.map(Number))
      expect(Buffer.from(got.data).equals(Buffer.from(want.buffer, want.byteOffset, want.byteLength))).to.equal(true)
    }
    const p = readF32(result.outputs[2]).values[0]
    expect(p).to.be.within(0, 1)
  })

  it('runs a small MLP built here and gives the known output; a second job reuses the session', async () => {
    const x = [
      [1, 2],
      [-3, 0.5],
    ]
    const model = mlpModel()
    const first = await ex.run(onnxJob(model, [f32('x', [2, 2], x.flat())]))
    const want = mlpExpected(x)
    expect(readF32(first.outputs[1])).to.deep.equal({ shape: [2, 3], values: want.y.flat() })
    expect(readF32(first.outputs[0])).to.deep.equal({ shape: [], values: [want.total] })
    expect(JSON.parse(str(first.stderr))).to.include({ sessionCached: false })

    const second = await ex.run(onnxJob(model, [f32('x', [2, 2], x.flat())], { args: ['y'] }))
    expect(second.outputs.map((o) => o.name)).to.deep.equal(['y.npy'])
    expect(second.outputs[0].data).to.deep.equal(first.outputs[1].data)
    expect(JSON.parse(str(second.stderr))).to.include({ sessionCached: true })
  })

  it('sorts outputs by file name bytes, as output bundles do (a-b.npy before a.npy)', async () => {
    const model = encodeModel({
      graph: {
        nodes: [
          { op: 'Identity', inputs: ['x'], outputs: ['a'] },
          { op: 'Neg', inputs: ['x'], outputs: ['a-b'] },
        ],
        inputs: [valueInfo('x', 'float32', [1])],
        outputs: [valueInfo('a', 'float32', [1]), valueInfo('a-b', 'float32', [1])],
      },
    })
    const r = await ex.run(onnxJob(model, [f32('x', [1], [2])]))
    expect(r.outputs.map((o) => o.name)).to.deep.equal(['a-b.npy', 'a.npy'])
    expect(readF32(r.outputs[0]).values).to.deep.equal([-2])
  })

  it('gives identical bytes with threads 1 run after run, and accepts more threads', async () => {
    const model = sileroModel()
    const a = await ex.run(onnxJob(model, sileroInputs()))
    const b = await ex.run(onnxJob(model, sileroInputs()))
    expect(a.outputs).to.deep.equal(b.outputs)
    const c = await ex.run(onnxJob(model, sileroInputs(), { limits: { ...onnxJob(model, []).limits, threads: 2 } }))
    expect(c.outputs.map((o) => o.name)).to.deep.equal(a.outputs.map((o) => o.name))
  })
})
