// Checks an ONNX model (ModelProto bytes) before any native parser sees it: a small protobuf
// reader that walks only the fields that matter (onnx.proto field numbers) and refuses
//  - operators of any domain but '' / 'ai.onnx' / 'ai.onnx.ml' (custom-op libraries, and
//    runtime-specific contrib domains, which differ between runtimes). Opset imports of other
//    domains are allowed while no node uses them: exporters and ONNX Runtime's optimizer list a
//    dozen (ai.onnx.training, com.microsoft, com.ms.internal.nhwc ...) in models that use none,
//    the Silero VAD model among them; an operator is looked up by its node's domain only.
//  - tensors stored in external data files (data_location EXTERNAL or external_data entries),
//  - model-local functions of such domains,
// in the main graph and in every subgraph (If/Loop/Scan attributes, nested, and training graphs),
// and bounds node count and subgraph nesting. Everything else is left to the runtime, in the
// sandboxed child.

export const ALLOWED_DOMAINS: ReadonlySet<string> = new Set(['', 'ai.onnx', 'ai.onnx.ml'])
/** Nodes over every graph, function and subgraph. */
export const MAX_MODEL_NODES = 200_000
/** Graphs inside attributes inside graphs... */
export const MAX_GRAPH_DEPTH = 16

export interface OnnxModelProblem {
  code: 'MODEL_INVALID' | 'MODEL_CUSTOM_OP' | 'MODEL_EXTERNAL_DATA' | 'MODEL_TOO_COMPLEX'
  message: string
  details: Record<string, string | number>
}

export interface OnnxModelInfo {
  irVersion: number
  opsets: Array<{ domain: string; version: number }>
  nodes: number
  /** Deepest subgraph nesting (0: the main graph only). */
  depth: number
  /** Graph inputs that are not initializers: the tensors a job must supply. */
  inputs: string[]
  outputs: string[]
}

export type OnnxModelVerdict = { ok: true; info: OnnxModelInfo } | { ok: false; problem: OnnxModelProblem }

class Refusal extends Error {
  readonly problem: OnnxModelProblem
  constructor(problem: OnnxModelProblem) {
    super(problem.message)
    this.problem = problem
  }
}

const refuse = (
  code: OnnxModelProblem['code'],
  message: string,
  details: Record<string, string | number> = {},
): never => {
  throw new Refusal({ code, message, details })
}

interface Field {
  no: number
  wire: number
  /** varint value (wire 0) */
  int: bigint
  /** bytes (wire 2) */
  bytes: Uint8Array
}

/** Iterates the fields of one message; throws MODEL_INVALID on malformed protobuf. */
function* fields(buf: Uint8Array): Generator<Field> {
  let i = 0
  const varint = (): bigint => {
    let result = 0n
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (i >= buf.length) refuse('MODEL_INVALID', 'truncated protobuf varint')
      const b = buf[i++]
      result |= BigInt(b & 0x7f) << shift
      if ((b & 0x80) === 0) return result
    }
    return refuse('MODEL_INVALID', 'protobuf varint too long')
  }
  const empty = new Uint8Array(0)
  while (i < buf.length) {
    const key = varint()
    const no = Number(key >> 3n)
    const wire = Number(key & 7n)
    if (no === 0) refuse('MODEL_INVALID', 'protobuf field number 0')
    if (wire === 0) yield { no, wire, int: varint(), bytes: empty }
    else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4
      if (i + n > buf.length) refuse('MODEL_INVALID', 'truncated protobuf fixed field')
      i += n
      yield { no, wire, int: 0n, bytes: empty }
    } else if (wire === 2) {
      const len = varint()
      if (len > BigInt(buf.length - i)) refuse('MODEL_INVALID', 'protobuf length past the end of the message')
      const bytes = buf.subarray(i, i + Number(len))
      i += Number(len)
      yield { no, wire, int: 0n, bytes }
    } else refuse('MODEL_INVALID', `protobuf wire type ${wire} (groups are not used by onnx.proto)`)
  }
}

const text = (b: Uint8Array): string => new TextDecoder('utf-8', { fatal: false }).decode(b)
const short = (s: string): string => (s.length > 80 ? `${s.slice(0, 80)}…` : s)

export interface OnnxModelBounds {
  maxNodes?: number
  maxDepth?: number
}

class Walker {
  nodes = 0
  depth = 0
  readonly maxNodes: number
  readonly maxDepth: number

  constructor(bounds: OnnxModelBounds) {
    this.maxNodes = bounds.maxNodes ?? MAX_MODEL_NODES
    this.maxDepth = bounds.maxDepth ?? MAX_GRAPH_DEPTH
  }

  domain(d: string, where: string): void {
    if (!ALLOWED_DOMAINS.has(d)) {
      refuse('MODEL_CUSTOM_OP', `${where} uses the domain ${JSON.stringify(short(d))}: custom operators are refused`, {
        domain: short(d),
        where,
      })
    }
  }

  opset(b: Uint8Array): { domain: string; version: number } {
    let domain = ''
    let version = 0
    for (const f of fields(b)) {
      if (f.no === 1 && f.wire === 2) domain = text(f.bytes)
      else if (f.no === 2 && f.wire === 0) version = Number(BigInt.asIntN(64, f.int))
    }
    return { domain: short(domain), version }
  }

  /** TensorProto: refuses external data (field 13 external_data, field 14 data_location = 1). */
  tensor(b: Uint8Array, where: string): void {
    let name = ''
    for (const f of fields(b)) {
      if (f.no === 8 && f.wire === 2) name = text(f.bytes)
      else if ((f.no === 14 && f.wire === 0 && f.int === 1n) || (f.no === 13 && f.wire === 2)) {
        refuse(
          'MODEL_EXTERNAL_DATA',
          `tensor ${JSON.stringify(short(name))} in ${where} is stored in an external file`,
          {
            where,
          },
        )
      }
    }
    // a name seen after the external_data field is still reported above only when it came first;
    // the refusal does not depend on it
  }

  /** SparseTensorProto: values (1) and indices (2) are tensors. */
  sparse(b: Uint8Array, where: string): void {
    for (const f of fields(b)) if ((f.no === 1 || f.no === 2) && f.wire === 2) this.tensor(f.bytes, where)
  }

  attribute(b: Uint8Array, where: string, depth: number): void {
    for (const f of fields(b)) {
      if (f.wire !== 2) continue
      if (f.no === 5 || f.no === 10) this.tensor(f.bytes, where)
      else if (f.no === 6 || f.no === 11) this.graph(f.bytes, `${where} subgraph`, depth + 1)
      else if (f.no === 22 || f.no === 23) this.sparse(f.bytes, where)
    }
  }

  node(b: Uint8Array, where: string, depth: number): void {
    if (++this.nodes > this.maxNodes) refuse('MODEL_TOO_COMPLEX', `more than ${this.maxNodes} nodes`)
    let domain = ''
    let op = ''
    const attrs: Uint8Array[] = []
    for (const f of fields(b)) {
      if (f.wire !== 2) continue
      if (f.no === 7) domain = text(f.bytes)
      else if (f.no === 4) op = text(f.bytes)
      else if (f.no === 5) attrs.push(f.bytes)
    }
    const at = `node ${short(op)} in ${where}`
    this.domain(domain, at)
    for (const a of attrs) this.attribute(a, at, depth)
  }

  /** GraphProto: nodes (1), initializers (5), sparse initializers (15). */
  graph(b: Uint8Array, where: string, depth: number): { inputs: string[]; outputs: string[] } {
    if (depth > this.maxDepth) refuse('MODEL_TOO_COMPLEX', `subgraphs nested deeper than ${this.maxDepth}`)
    this.depth = Math.max(this.depth, depth)
    const inputs: string[] = []
    const outputs: string[] = []
    const initializers = new Set<string>()
    for (const f of fields(b)) {
      if (f.wire !== 2) continue
      if (f.no === 1) this.node(f.bytes, where, depth)
      else if (f.no === 5) {
        this.tensor(f.bytes, where)
        for (const g of fields(f.bytes)) if (g.no === 8 && g.wire === 2) initializers.add(text(g.bytes))
      } else if (f.no === 15) this.sparse(f.bytes, where)
      else if (f.no === 11 || f.no === 12) {
        let name = ''
        for (const g of fields(f.bytes)) if (g.no === 1 && g.wire === 2) name = text(g.bytes)
        ;(f.no === 11 ? inputs : outputs).push(name)
      }
    }
    return { inputs: inputs.filter((n) => !initializers.has(n)), outputs }
  }

  /** FunctionProto: domain (10), nodes (7), attribute defaults (11, may hold tensors and graphs). */
  func(b: Uint8Array): void {
    let name = ''
    let domain = ''
    const nodes: Uint8Array[] = []
    const defaults: Uint8Array[] = []
    for (const f of fields(b)) {
      if (f.wire !== 2) continue
      if (f.no === 1) name = text(f.bytes)
      else if (f.no === 10) domain = text(f.bytes)
      else if (f.no === 7) nodes.push(f.bytes)
      else if (f.no === 11) defaults.push(f.bytes)
    }
    const where = `function ${short(name)}`
    this.domain(domain, where)
    for (const n of nodes) this.node(n, where, 0)
    for (const a of defaults) this.attribute(a, where, 0)
  }
}

/** Decodes as much of the model as the checks need; never throws. */
export function checkOnnxModel(bytes: Uint8Array, bounds: OnnxModelBounds = {}): OnnxModelVerdict {
  const w = new Walker(bounds)
  try {
    let irVersion = 0
    const opsets: OnnxModelInfo['opsets'] = []
    let graph: { inputs: string[]; outputs: string[] } | undefined
    for (const f of fields(bytes)) {
      if (f.no === 1 && f.wire === 0) irVersion = Number(BigInt.asIntN(64, f.int))
      else if (f.wire !== 2) continue
      else if (f.no === 8) opsets.push(w.opset(f.bytes))
      else if (f.no === 7) {
        if (graph !== undefined) refuse('MODEL_INVALID', 'more than one main graph')
        graph = w.graph(f.bytes, 'the main graph', 0)
      } else if (f.no === 25) w.func(f.bytes)
      else if (f.no === 20) {
        // TrainingInfoProto: initialization (1) and algorithm (2) graphs
        for (const g of fields(f.bytes))
          if ((g.no === 1 || g.no === 2) && g.wire === 2) w.graph(g.bytes, 'a training graph', 1)
      }
    }
    if (graph === undefined) return refuse('MODEL_INVALID', 'not an ONNX model: no graph')
    if (irVersion <= 0) return refuse('MODEL_INVALID', 'not an ONNX model: no ir_version')
    if (opsets.length === 0) return refuse('MODEL_INVALID', 'the model imports no opset')
    return { ok: true, info: { irVersion, opsets, nodes: w.nodes, depth: w.depth, ...graph } }
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, problem: err.problem }
    throw err
  }
}
