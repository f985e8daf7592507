// Issue 18: an ONNX model may keep tensor data "externally", in a file named by the model. A
// provider that hands such a model to ONNX Runtime lets the requester name a file on the
// provider's disk and get its bytes back as an output tensor. The onnx executor refuses models
// with external data (anywhere in the model) before the runtime parses them.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { expect } from 'chai'
import { OnnxExecutor } from '../../node/exec/onnx/index.ts'
import { encodeModel, graphProto, valueInfo, attribute, type PbMessage } from '../../protocol/inference/onnx-writer.ts'
import { isHiveError } from '../../protocol/errors.ts'
import { encodeNpy } from '../../protocol/inference/npy.ts'
import type { ExecResult } from '../../node/exec/index.ts'

/** y = w, where w is 16 float32s read from `location` (relative to the runtime's directory). */
function leakModel(location: string, nested: boolean): Uint8Array {
  const w: PbMessage = [
    [1, 16],
    [2, 1],
    [8, 'w'],
    [
      13,
      [
        [1, 'location'],
        [2, location],
      ],
    ],
    [
      13,
      [
        [1, 'length'],
        [2, '64'],
      ],
    ],
    [14, 1],
  ]
  const inner = graphProto({
    nodes: [{ op: 'Identity', inputs: ['w'], outputs: ['t'] }],
    inputs: [],
    outputs: [valueInfo('t', 'float32', [16])],
    initializers: [w],
  })
  const graph = nested
    ? {
        nodes: [
          {
            op: 'If',
            inputs: ['c'],
            outputs: ['y'],
            attributes: [attribute('then_branch', { g: inner }), attribute('else_branch', { g: inner })],
          },
        ],
        inputs: [valueInfo('c', 'bool', [])],
        outputs: [valueInfo('y', 'float32', [16])],
      }
    : {
        nodes: [{ op: 'Identity', inputs: ['w'], outputs: ['y'] }],
        inputs: [],
        outputs: [valueInfo('y', 'float32', [16])],
        initializers: [w],
      }
  return encodeModel({ graph })
}

const TRUE_NPY = encodeNpy({ dtype: 'bool', shape: [], data: new Uint8Array([1]) })

describe('18: an onnx model cannot read provider files through external data', function () {
  this.timeout(120_000)
  const ex = new OnnxExecutor({ poolSize: 1 })
  let dir: string
  let secret: Buffer
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hive-18-'))
    secret = randomBytes(64)
    writeFileSync(join(dir, 'secret.bin'), secret)
    await ex.start()
  })
  after(async () => {
    await ex.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  for (const nested of [false, true]) {
    const where = nested ? ' inside an If branch' : ''
    it(`a model naming a provider file as external data${where} is refused`, async () => {
      // the child runs in '/', where the runtime resolves relative locations
      const model = leakModel(relative('/', join(dir, 'secret.bin')), nested)
      const inputs = nested ? [{ name: 'c.npy', data: TRUE_NPY }] : []
      let result: ExecResult | undefined
      try {
        result = await ex.run({
          module: model,
          inputs,
          args: [],
          limits: { memoryBytes: 64 << 20, wallTimeMs: 30_000, outputBytes: 1 << 20 },
        })
      } catch (err) {
        expect(isHiveError(err, 'EXEC_MODEL_EXTERNAL_DATA'), String(err)).to.equal(true)
        return
      }
      const leaked = result.outputs.some((o) => Buffer.from(o.data).includes(secret))
      expect.fail(`the model ran${leaked ? ' and its output holds the secret file' : ''}`)
    })
  }
})
