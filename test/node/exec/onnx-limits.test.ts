// Jobs that fail: refused models, bad inputs, unknown outputs, runtime errors and the memory,
// wall-time and output limits each end in a named ExecError, and the executor serves the next job.
import { expect } from 'chai'
import { OnnxExecutor } from '../../../node/exec/onnx/index.ts'
import {
  encodeModel,
  graphProto,
  valueInfo,
  attribute,
  type NodeSpec,
} from '../../../protocol/inference/onnx-writer.ts'
import { expectExecError } from './harness.ts'
import { waitFor } from '../../support/wait.ts'
import { f32, mlpModel, npyFile, ONNX_LIMITS, onnxJob, readF32, sileroInputs, sileroModel } from './onnx-harness.ts'
import type { ExecJob } from '../../../node/exec/index.ts'

const MiB = 1024 * 1024

/** y = ReduceSum(ConstantOfShape(n)): allocates n float32s inside the runtime, returns a scalar. */
function allocModel(): Uint8Array {
  return encodeModel({
    graph: {
      nodes: [
        { op: 'ConstantOfShape', inputs: ['n'], outputs: ['big'] },
        { op: 'ReduceSum', inputs: ['big'], outputs: ['y'], attributes: [attribute('keepdims', { i: 0 })] },
      ],
      inputs: [valueInfo('n', 'int64', [1])],
      outputs: [valueInfo('y', 'float32', [])],
    },
  })
}

/** A Loop of `trips` 256×256 MatMuls: as slow as the trip count says. */
function slowModel(): Uint8Array {
  const body = graphProto({
    nodes: [
      { op: 'Identity', inputs: ['c_in'], outputs: ['c_out'] },
      { op: 'MatMul', inputs: ['v_in', 'v_in'], outputs: ['mm'] },
      { op: 'Tanh', inputs: ['mm'], outputs: ['v_out'] },
    ],
    inputs: [valueInfo('i', 'int64', []), valueInfo('c_in', 'bool', []), valueInfo('v_in', 'float32', [256, 256])],
    outputs: [valueInfo('c_out', 'bool', []), valueInfo('v_out', 'float32', [256, 256])],
  })
  const loop: NodeSpec = {
    op: 'Loop',
    inputs: ['trips', '', 'x'],
    outputs: ['y'],
    attributes: [attribute('body', { g: body })],
  }
  return encodeModel({
    graph: {
      nodes: [loop],
      inputs: [valueInfo('trips', 'int64', []), valueInfo('x', 'float32', [256, 256])],
      outputs: [valueInfo('y', 'float32', [256, 256])],
    },
  })
}

const i64 = (name: string, shape: number[], v: bigint[]): ReturnType<typeof npyFile> =>
  npyFile(name, 'int64', shape, BigInt64Array.from(v))
const x2 = (): ReturnType<typeof f32> => f32('x', [1, 2], [1, 2])

describe('node/exec/onnx failures and limits', function () {
  this.timeout(180_000)
  const ex = new OnnxExecutor({ poolSize: 1, maxMemoryBytes: 1024 * MiB })
  before(async () => await ex.start())
  after(async () => await ex.stop())

  /** The executor still runs a normal job, with the right answer. */
  async function stillServes(): Promise<void> {
    const r = await ex.run(onnxJob(mlpModel(), [x2()], { args: ['y'] }))
    expect(readF32(r.outputs[0]).values).to.deep.equal([5, 1.5, 0])
  }

  it('refuses a custom-op model before the runtime sees it (EXEC_MODEL_CUSTOM_OP)', async () => {
    const evil = encodeModel({
      graph: {
        nodes: [{ op: 'Evil', inputs: ['x'], outputs: ['y'], domain: 'com.example' }],
        inputs: [valueInfo('x', 'float32', [1, 2])],
        outputs: [valueInfo('y', 'float32', [1, 2])],
      },
    })
    await expectExecError(ex.run(onnxJob(evil, [x2()])), 'EXEC_MODEL_CUSTOM_OP')
    await stillServes()
  })

  it('gives the runtime refusal of a well-formed but wrong model as EXEC_INVALID_MODULE', async () => {
    const bad = encodeModel({
      graph: {
        nodes: [{ op: 'NoSuchOperator', inputs: ['x'], outputs: ['y'] }],
        inputs: [valueInfo('x', 'float32', [1, 2])],
        outputs: [valueInfo('y', 'float32', [1, 2])],
      },
    })
    const err = await expectExecError(ex.run(onnxJob(bad, [x2()])), 'EXEC_INVALID_MODULE')
    expect(err.message).to.match(/NoSuchOperator/)
    await expectExecError(ex.run(onnxJob(new Uint8Array([1, 2, 3]), [x2()])), 'EXEC_INVALID_MODULE')
    await stillServes()
  })

  it('names bad inputs: missing, unknown, wrong dtype, wrong shape, not .npy', async () => {
    const m = mlpModel()
    await expectExecError(ex.run(onnxJob(m, [])), 'EXEC_INPUT_MISSING')
    await expectExecError(ex.run(onnxJob(m, [x2(), f32('z', [1], [0])])), 'EXEC_INPUT_INVALID')
    const f64 = npyFile('x', 'float64', [1, 2], Float64Array.from([1, 2]))
    const e = await expectExecError(ex.run(onnxJob(m, [f64])), 'EXEC_INPUT_DTYPE')
    expect(e.details).to.include({ expected: 'float32', actual: 'float64' })
    await expectExecError(ex.run(onnxJob(m, [f32('x', [1, 3], [1, 2, 3])])), 'EXEC_INPUT_SHAPE')
    await expectExecError(ex.run(onnxJob(m, [f32('x', [2], [1, 2])])), 'EXEC_INPUT_SHAPE')
    const garbage = { name: 'x.npy', data: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) }
    await expectExecError(ex.run(onnxJob(m, [garbage])), 'EXEC_INPUT_INVALID')
    await expectExecError(ex.run(onnxJob(m, [{ name: 'x.bin', data: x2().data }])), 'EXEC_INVALID_JOB')
    await stillServes()
  })

  it('names an unknown requested output and refuses one requested twice', async () => {
    await expectExecError(ex.run(onnxJob(mlpModel(), [x2()], { args: ['nope'] })), 'EXEC_OUTPUT_UNKNOWN')
    await expectExecError(ex.run(onnxJob(mlpModel(), [x2()], { args: ['y', 'y'] })), 'EXEC_INVALID_JOB')
    await stillServes()
  })

  it('gives a failure inside inference (incompatible shapes) as EXEC_TRAP', async () => {
    const add = encodeModel({
      graph: {
        nodes: [{ op: 'Add', inputs: ['a', 'b'], outputs: ['y'] }],
        inputs: [valueInfo('a', 'float32', ['n']), valueInfo('b', 'float32', ['m'])],
        outputs: [valueInfo('y', 'float32', ['k'])],
      },
    })
    await expectExecError(ex.run(onnxJob(add, [f32('a', [2], [1, 2]), f32('b', [3], [1, 2, 3])])), 'EXEC_TRAP')
    await stillServes()
  })

  it('caps output bytes (EXEC_OUTPUT_LIMIT) and refuses a cap over its own', async () => {
    const limits = { ...ONNX_LIMITS, outputBytes: 600 }
    await expectExecError(ex.run(onnxJob(sileroModel(), sileroInputs(), { limits })), 'EXEC_OUTPUT_LIMIT')
    const ok = await ex.run(onnxJob(sileroModel(), sileroInputs(), { limits, args: ['output'] }))
    expect(ok.outputs.map((o) => o.name)).to.deep.equal(['output.npy'])
    const over = { ...ONNX_LIMITS, outputBytes: ex.maxOutputBytes + 1 }
    await expectExecError(ex.run(onnxJob(mlpModel(), [x2()], { limits: over })), 'EXEC_INVALID_JOB')
  })

  it('stops a model allocating past its memory limit (EXEC_MEMORY_LIMIT) and serves the next job', async () => {
    const small = await ex.run(onnxJob(allocModel(), [i64('n', [1], [1000n])]))
    expect(readF32(small.outputs[0]).values).to.deep.equal([0])
    const limits = { ...ONNX_LIMITS, memoryBytes: 64 * MiB }
    // 2^28 float32s = 1 GiB, far over 64 MiB (plus the runtime's slack)
    const job: ExecJob = onnxJob(allocModel(), [i64('n', [1], [1n << 28n])], { limits })
    const err = await expectExecError(ex.run(job), 'EXEC_MEMORY_LIMIT')
    expect(err.details).to.include({ limit: 64 * MiB })
    await stillServes()
    // the same allocation fits a limit that allows it
    const roomy = { ...ONNX_LIMITS, memoryBytes: 1024 * MiB }
    const big = await ex.run(onnxJob(allocModel(), [i64('n', [1], [1n << 26n])], { limits: roomy }))
    expect(readF32(big.outputs[0]).values).to.deep.equal([0])
  })

  it('SIGKILLs a child past the wall-time limit (EXEC_TIMEOUT), replaces it and serves the next job', async () => {
    const x = f32(
      'x',
      [256, 256],
      Array.from({ length: 256 * 256 }, (_, i) => (i % 7) / 100),
    )
    const quick = await ex.run(onnxJob(slowModel(), [i64('trips', [], [2n]), x]))
    expect(readF32(quick.outputs[0]).shape).to.deep.equal([256, 256])
    const before = ex.childrenStarted
    const limits = { ...ONNX_LIMITS, wallTimeMs: 1500 }
    const t0 = performance.now()
    const err = await expectExecError(
      ex.run(onnxJob(slowModel(), [i64('trips', [], [1n << 40n]), x], { limits })),
      'EXEC_TIMEOUT',
    )
    expect(err.details).to.include({ limit: 1500 })
    expect(performance.now() - t0).to.be.lessThan(30_000)
    await stillServes()
    expect(ex.childrenStarted).to.equal(before + 1)
  })

  it('kills the child when the caller aborts (EXEC_ABORTED)', async () => {
    const x = f32('x', [256, 256], new Array<number>(256 * 256).fill(0.01))
    const ac = new AbortController()
    const before = ex.childrenStarted
    const run = ex.run(onnxJob(slowModel(), [i64('trips', [], [1n << 40n]), x]), { signal: ac.signal })
    setTimeout(() => ac.abort(), 500)
    await expectExecError(run, 'EXEC_ABORTED')
    await stillServes()
    expect(ex.childrenStarted).to.equal(before + 1)
  })

  it('replaces a child that died while idle (say, to the kernel OOM killer) and runs the next job', async () => {
    await stillServes()
    const [pid] = ex.childPids
    const before = ex.childrenStarted
    process.kill(pid, 'SIGKILL')
    await waitFor(() => !ex.childPids.includes(pid), { what: 'the pool to see its child die' })
    await stillServes()
    expect(ex.childrenStarted).to.equal(before + 1)
    expect(ex.childPids).to.have.length(1)
  })
})
