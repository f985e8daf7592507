// A small ONNX ModelProto writer: enough of onnx.proto to build test models, example models with
// fixed weights, and the executor's GPU probe, without a protobuf schema compiler. Field numbers
// are onnx.proto's (onnx/onnx.proto3); only what these models need is covered.

/** One protobuf field: number and value (varint, string, bytes, nested message, float, double). */
export type PbValue = number | bigint | boolean | string | Uint8Array | PbMessage | { f32: number } | { f64: number }
export type PbMessage = Array<[number, PbValue]>

function varint(out: number[], v: bigint): void {
  let x = BigInt.asUintN(64, v)
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80)
    x >>= 7n
  }
  out.push(Number(x))
}

/** Encodes a message (fields in the order given; repeated fields are just repeated entries). */
export function encodePb(msg: PbMessage): Uint8Array {
  const out: number[] = []
  const bytesField = (field: number, b: Uint8Array): void => {
    varint(out, BigInt((field << 3) | 2))
    varint(out, BigInt(b.length))
    for (const x of b) out.push(x)
  }
  for (const [field, v] of msg) {
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') {
      varint(out, BigInt(field << 3))
      varint(out, typeof v === 'boolean' ? (v ? 1n : 0n) : BigInt(v))
    } else if (typeof v === 'string') bytesField(field, new TextEncoder().encode(v))
    else if (v instanceof Uint8Array) bytesField(field, v)
    else if (Array.isArray(v)) bytesField(field, encodePb(v))
    else if ('f32' in v) {
      varint(out, BigInt((field << 3) | 5))
      const b = new Uint8Array(4)
      new DataView(b.buffer).setFloat32(0, v.f32, true)
      out.push(...b)
    } else {
      varint(out, BigInt((field << 3) | 1))
      const b = new Uint8Array(8)
      new DataView(b.buffer).setFloat64(0, v.f64, true)
      out.push(...b)
    }
  }
  return Uint8Array.from(out)
}

/** onnx TensorProto.DataType values. */
export const ONNX_DATA_TYPES = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  string: 8,
  bool: 9,
  float16: 10,
  float64: 11,
  uint32: 12,
  uint64: 13,
} as const
export type OnnxTypeName = keyof typeof ONNX_DATA_TYPES

/** TensorProto with raw little-endian data. */
export function tensorProto(name: string, type: OnnxTypeName, dims: number[], raw: Uint8Array): PbMessage {
  return [...dims.map((d): [number, PbValue] => [1, d]), [2, ONNX_DATA_TYPES[type]], [8, name], [9, raw]]
}

export function floatTensor(name: string, dims: number[], values: number[]): PbMessage {
  return tensorProto(name, 'float32', dims, new Uint8Array(Float32Array.from(values).buffer))
}

/** ValueInfoProto of a tensor; a string dim is symbolic (dim_param). */
export function valueInfo(name: string, type: OnnxTypeName, dims: Array<number | string>): PbMessage {
  const shape: PbMessage = dims.map((d) => [1, typeof d === 'number' ? [[1, d]] : [[2, d]]])
  return [
    [1, name],
    [
      2,
      [
        [
          1,
          [
            [1, ONNX_DATA_TYPES[type]],
            [2, shape],
          ],
        ],
      ],
    ],
  ]
}

export type AttrValue =
  | { i: number }
  | { f: number }
  | { s: string }
  | { ints: number[] }
  | { floats: number[] }
  | { t: PbMessage }
  | { g: PbMessage }
  | { graphs: PbMessage[] }

export function attribute(name: string, v: AttrValue): PbMessage {
  const a: PbMessage = [[1, name]]
  if ('i' in v) a.push([3, v.i], [20, 2])
  else if ('f' in v) a.push([2, { f32: v.f }], [20, 1])
  else if ('s' in v) a.push([4, v.s], [20, 3])
  else if ('ints' in v) a.push(...v.ints.map((x): [number, PbValue] => [8, x]), [20, 7])
  else if ('floats' in v) a.push(...v.floats.map((x): [number, PbValue] => [7, { f32: x }]), [20, 6])
  else if ('t' in v) a.push([5, v.t], [20, 4])
  else if ('g' in v) a.push([6, v.g], [20, 5])
  else a.push(...v.graphs.map((g): [number, PbValue] => [11, g]), [20, 10])
  return a
}

export interface NodeSpec {
  op: string
  inputs: string[]
  outputs: string[]
  name?: string
  domain?: string
  attributes?: PbMessage[]
}

export function nodeProto(n: NodeSpec): PbMessage {
  const m: PbMessage = [
    ...n.inputs.map((x): [number, PbValue] => [1, x]),
    ...n.outputs.map((x): [number, PbValue] => [2, x]),
  ]
  if (n.name !== undefined) m.push([3, n.name])
  m.push([4, n.op])
  for (const a of n.attributes ?? []) m.push([5, a])
  if (n.domain !== undefined) m.push([7, n.domain])
  return m
}

export interface GraphSpec {
  name?: string
  nodes: NodeSpec[]
  inputs: PbMessage[]
  outputs: PbMessage[]
  initializers?: PbMessage[]
}

export function graphProto(g: GraphSpec): PbMessage {
  return [
    ...g.nodes.map((n): [number, PbValue] => [1, nodeProto(n)]),
    [2, g.name ?? 'graph'],
    ...(g.initializers ?? []).map((t): [number, PbValue] => [5, t]),
    ...g.inputs.map((v): [number, PbValue] => [11, v]),
    ...g.outputs.map((v): [number, PbValue] => [12, v]),
  ]
}

export interface ModelSpec {
  graph: GraphSpec | PbMessage
  /** Default: the standard domain at opset 17. */
  opsets?: Array<{ domain: string; version: number }>
  irVersion?: number
  /** Extra ModelProto fields appended as they are (e.g. functions, field 25). */
  extra?: PbMessage
}

export function encodeModel(spec: ModelSpec): Uint8Array {
  const opsets = spec.opsets ?? [{ domain: '', version: 17 }]
  const graph = Array.isArray(spec.graph) ? spec.graph : graphProto(spec.graph)
  return encodePb([
    [1, spec.irVersion ?? 8],
    [2, 'computehive'],
    ...opsets.map((o): [number, PbValue] => [
      8,
      [
        [1, o.domain],
        [2, o.version],
      ],
    ]),
    [7, graph],
    ...(spec.extra ?? []),
  ])
}

/** y = x (float32, shape [n]): the smallest useful model (GPU probe, tests). */
export function identityModel(n: number | string = 'n'): Uint8Array {
  return encodeModel({
    graph: {
      nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }],
      inputs: [valueInfo('x', 'float32', [n])],
      outputs: [valueInfo('y', 'float32', [n])],
    },
  })
}
