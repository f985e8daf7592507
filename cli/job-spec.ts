// `hive job post --spec job.yaml` (issue 17): a job described in a YAML (or JSON) file instead of
// flags. The schema below is the one place that says which fields exist, what each accepts and
// what it means; a wrong file is refused with the field's path ("limits.memory: …") before the
// node is contacted. Paths inside the file are relative to the file. Flags given on the command
// line override the file's values.
import { dirname, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { UsageError } from '../protocol/errors.ts'
import { parseByteSize, parseDuration, parseRate, parseTokenAmount } from './parse.ts'
import type { PaymentMode } from '../protocol/payment-mode.ts'

/** What a spec file sets: the same fields as `hive job post`'s flags. */
export interface JobSpec {
  /** a module file (resolved against the spec's folder) or a module CID */
  wasm: string
  input: string[]
  arg: string[]
  executor?: string
  redundancy?: number
  spotCheck?: number
  maxPrice?: bigint
  payment?: PaymentMode
  timeout?: number
  bidWindow?: number
  memory?: number
  wallTime?: number
  maxOutput?: number
  /** executor onnx: output tensors to return, tolerances (decimal strings), intra-op threads */
  output?: string[]
  atol?: string
  rtol?: string
  threads?: number
  /** what a provider must have: a GPU vendor, memory in bytes, a CPU benchmark score */
  gpu?: string
  minMem?: number
  minCpuScore?: number
}

type FieldCheck = (value: unknown, bad: (expected: string) => never) => unknown

const text: FieldCheck = (v, bad) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : bad('a non-empty string'))
const scalar = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined

function using(parse: (t: string) => unknown, expected: string): FieldCheck {
  return (v, bad) => {
    const t = scalar(v)
    if (t === undefined) return bad(expected)
    try {
      return parse(t)
    } catch {
      return bad(expected)
    }
  }
}

const strings: FieldCheck = (v, bad) => {
  if (!Array.isArray(v)) return bad('a list')
  return v.map((item, i) => scalar(item) ?? bad(`a list of strings (item ${i} is not one)`))
}

/** The schema: field -> check. Nested objects are schemas of their own. */
interface Schema {
  [field: string]: { check: FieldCheck; to: keyof JobSpec; help: string } | { nested: Schema; help: string }
}

export const JOB_SPEC_SCHEMA: Schema = {
  module: {
    check: text,
    to: 'wasm',
    help: 'the WASI module: a .wasm file (relative to this file) or a module CID; executor onnx: the .onnx model',
  },
  inputs: {
    check: strings,
    to: 'input',
    help: 'input files (relative to this file) the job reads from /input; executor onnx: name=file.npy',
  },
  outputs: { check: strings, to: 'output', help: 'executor onnx: the output tensors to return (default all)' },
  tolerance: {
    help: 'executor onnx, k > 1: outputs agree when |a - b| <= atol + rtol * |b| (default: identical)',
    nested: {
      atol: { check: using((t) => t, 'a decimal such as 1e-4'), to: 'atol', help: 'absolute tolerance' },
      rtol: { check: using((t) => t, 'a decimal such as 0.001'), to: 'rtol', help: 'relative tolerance' },
    },
  },
  args: { check: strings, to: 'arg', help: 'arguments, in order' },
  executor: { check: text, to: 'executor', help: 'executor class: wasm (default) or onnx (inference)' },
  k: {
    check: using((t) => {
      if (!/^[1-9]\d?$/.test(t)) throw new Error('k')
      return Number(t)
    }, 'a whole number from 1 to 99'),
    to: 'redundancy',
    help: 'providers that run the job; the majority output wins',
  },
  spotCheck: { check: using(parseRate, 'a rate such as 0.05 or 5%'), to: 'spotCheck', help: 'k = 1 only' },
  maxPrice: {
    check: using((t) => parseTokenAmount(t), 'an amount of HIVE such as 0.5 or 2'),
    to: 'maxPrice',
    help: 'the most you pay, in HIVE',
  },
  payment: {
    check: (v, bad) => (v === 'channel' || v === 'escrow' ? v : bad('channel or escrow')),
    to: 'payment',
    help: 'channel (default) or escrow',
  },
  timeout: { check: using(parseDuration, 'a duration such as 30s or 5m'), to: 'timeout', help: 'verified within' },
  bidWindow: { check: using(parseDuration, 'a duration such as 500ms'), to: 'bidWindow', help: 'how long to bid' },
  requirements: {
    help: 'what a provider must have to bid',
    nested: {
      gpu: { check: text, to: 'gpu', help: 'a GPU of this vendor (nvidia, amd, intel, apple)' },
      minMemory: { check: using(parseByteSize, 'a size such as 8GiB'), to: 'minMem', help: 'at least this memory' },
      minCpuScore: {
        check: using((t) => {
          if (!/^[1-9]\d{0,6}$/.test(t)) throw new Error('score')
          return Number(t)
        }, 'a whole number such as 800'),
        to: 'minCpuScore',
        help: 'a CPU benchmark score of at least this',
      },
    },
  },
  limits: {
    help: 'what one run may use',
    nested: {
      memory: { check: using(parseByteSize, 'a size such as 64MiB'), to: 'memory', help: 'memory limit' },
      wallTime: { check: using(parseDuration, 'a duration such as 10s'), to: 'wallTime', help: 'one run' },
      maxOutput: { check: using(parseByteSize, 'a size such as 4MiB'), to: 'maxOutput', help: 'output size' },
      threads: {
        check: using((t) => {
          if (!/^[1-9]\d?$/.test(t)) throw new Error('threads')
          return Number(t)
        }, 'a whole number from 1 to 99'),
        to: 'threads',
        help: 'executor onnx: intra-op threads',
      },
    },
  },
}

function apply(schema: Schema, raw: unknown, path: string, file: string, out: Partial<Record<keyof JobSpec, unknown>>) {
  const where = (field: string): string => (path === '' ? field : `${path}.${field}`)
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new UsageError(
      'INVALID_JOB_SPEC',
      `${file}: ${path === '' ? 'the file' : path} must be a mapping of fields`,
      {
        field: path,
      },
    )
  for (const [field, value] of Object.entries(raw as Record<string, unknown>)) {
    const rule = schema[field]
    if (rule === undefined)
      throw new UsageError(
        'INVALID_JOB_SPEC',
        `${file}: ${where(field)} is not a field here (known: ${Object.keys(schema).join(', ')})`,
        { field: where(field) },
      )
    if ('nested' in rule) {
      apply(rule.nested, value, where(field), file, out)
      continue
    }
    const bad = (expected: string): never => {
      throw new UsageError(
        'INVALID_JOB_SPEC',
        `${file}: ${where(field)}: expected ${expected}, got ${JSON.stringify(value)}`,
        { field: where(field) },
      )
    }
    out[rule.to] = rule.check(value, bad)
  }
}

/** A spec file's text, checked; `file` names it in errors and anchors its relative paths. */
export function parseJobSpec(source: string, file: string): JobSpec {
  let raw: unknown
  try {
    raw = parseYaml(source)
  } catch (err) {
    throw new UsageError('INVALID_JOB_SPEC', `${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}`)
  }
  const out: Partial<Record<keyof JobSpec, unknown>> = {}
  apply(JOB_SPEC_SCHEMA, raw, '', file, out)
  if (out.wasm === undefined)
    throw new UsageError('INVALID_JOB_SPEC', `${file}: module is required (a .wasm file or a module CID)`, {
      field: 'module',
    })
  const base = dirname(resolve(file))
  const local = (p: string): string => resolve(base, p)
  const wasm = out.wasm as string
  return {
    ...(out as Partial<JobSpec>),
    wasm: /^baf[a-z2-7]{20,}$/.test(wasm) ? wasm : local(wasm),
    // onnx inputs are name=file: only the file part is a path
    input: ((out.input as string[] | undefined) ?? []).map((p) =>
      out.executor === 'onnx' && /^[^/=]+=/.test(p)
        ? `${p.slice(0, p.indexOf('='))}=${local(p.slice(p.indexOf('=') + 1))}`
        : local(p),
    ),

    arg: (out.arg as string[] | undefined) ?? [],
  }
}
