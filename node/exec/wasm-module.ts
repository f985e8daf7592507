// Checks a job module against the sandbox's rules and rewrites it so that V8 enforces
// them: imports only from the allowlist (wasi-imports.ts); one memory, not shared, 32-bit,
// whose maximum is lowered to the job's memory limit (a module that declares none could
// otherwise grow to 4 GiB); tables capped; function types only (no GC). Every
// `memory.grow` is redirected to an added function that performs the grow and, when it
// fails, records the requested page count in an exported global, so that a trap after a
// refused grow is reported as EXEC_MEMORY_LIMIT rather than as an anonymous trap.
import { isAllowedImport } from './wasi-imports.ts'
import { scanBody, UnsupportedWasm } from './wasm-code.ts'
import {
  concatBytes,
  encodeU32,
  MalformedWasm,
  Reader,
  joinSections,
  skipValType,
  splitSections,
  type Section,
} from './wasm-binary.ts'

export const PAGE_BYTES = 65536
export const GROW_FAILED_EXPORT = '__hive_grow_failed'

export interface ModulePolicy {
  memoryLimitPages: number
  maxTableElements: number
}

export interface PreparedModule {
  bytes: Uint8Array
  /** Name of the exported i32 global holding the pages of the last refused grow, if added. */
  growFailedExport: string | null
  /** Initial linear memory in bytes (0 without memory). */
  initialMemoryBytes: number
}

export class ForbiddenImport extends Error {
  static override name = 'ForbiddenImport'
  readonly module: string
  readonly field: string
  readonly kind: string

  constructor(module: string, field: string, kind: string) {
    super(`import ${kind} ${module}.${field} is not allowed (only wasi_snapshot_preview1 functions)`)
    this.module = module
    this.field = field
    this.kind = kind
  }
}

export class MemoryOverLimit extends Error {
  static override name = 'MemoryOverLimit'
  readonly requestedPages: number

  constructor(requestedPages: number, limitPages: number) {
    super(`module declares ${requestedPages} initial memory pages, limit is ${limitPages}`)
    this.requestedPages = requestedPages
  }
}

const IMPORT_KINDS = ['function', 'table', 'memory', 'global', 'tag']
// Canonical section order (custom sections, id 0, may appear anywhere).
const SECTION_RANK: Record<number, number> = {
  1: 1,
  2: 2,
  3: 3,
  4: 4,
  5: 5,
  13: 6,
  6: 7,
  7: 8,
  8: 9,
  9: 10,
  12: 11,
  10: 12,
  11: 13,
}

/** Validates and rewrites; throws ForbiddenImport, MemoryOverLimit, UnsupportedWasm or MalformedWasm. */
export function prepareModule(bytes: Uint8Array, policy: ModulePolicy): PreparedModule {
  const sections = splitSections(bytes)
  const seen = new Set<number>()
  const counts = { types: 0, funcImports: 0, funcs: 0, globals: 0, memories: 0 }
  let initialPages = 0
  let codeIndex = -1
  for (let i = 0; i < sections.length; i++) {
    const s = sections[i]
    if (s.id !== 0) {
      if (SECTION_RANK[s.id] === undefined) throw new MalformedWasm(`unknown section id ${s.id}`)
      if (seen.has(s.id)) throw new MalformedWasm(`duplicate section id ${s.id}`)
      seen.add(s.id)
    }
    const r = new Reader(s.payload)
    switch (s.id) {
      case 1:
        counts.types = checkTypes(r)
        break
      case 2:
        counts.funcImports = checkImports(r)
        break
      case 3:
        counts.funcs = r.u32()
        break
      case 4:
        s.payload = capTables(r, policy.maxTableElements)
        break
      case 5: {
        const capped = capMemories(r, policy.memoryLimitPages)
        s.payload = capped.payload
        counts.memories = capped.count
        initialPages = capped.initialPages
        break
      }
      case 6:
        counts.globals = r.u32()
        break
      case 10:
        codeIndex = i
        break
    }
  }
  const prepared: PreparedModule = { bytes, growFailedExport: null, initialMemoryBytes: initialPages * PAGE_BYTES }
  const hookFunc = counts.funcImports + counts.funcs
  // always walked: the opcode allowlist applies to every module, with or without memory
  const code = codeIndex < 0 ? null : rewriteGrows(sections[codeIndex].payload, hookFunc)
  if (code === null || counts.memories === 0) {
    prepared.bytes = joinSections(sections)
    return prepared
  }
  const hookGlobal = counts.globals // only function imports are allowed: no imported globals
  sections[codeIndex].payload = appendToVector(code, growHookBody(hookGlobal))
  appendItem(sections, 1, [0x60, 0x01, 0x7f, 0x01, 0x7f]) // (i32) -> i32
  appendItem(sections, 3, encodeU32(counts.types))
  appendItem(sections, 6, [0x7f, 0x01, 0x41, 0x00, 0x0b]) // (mut i32) (i32.const 0)
  const name = new TextEncoder().encode(GROW_FAILED_EXPORT)
  appendItem(sections, 7, [...encodeU32(name.length), ...name, 0x03, ...encodeU32(hookGlobal)])
  prepared.bytes = joinSections(sections)
  prepared.growFailedExport = GROW_FAILED_EXPORT
  return prepared
}

function checkTypes(r: Reader): number {
  const n = r.u32()
  for (let i = 0; i < n; i++) {
    const form = r.u8()
    if (form !== 0x60) throw new UnsupportedWasm(`type form 0x${form.toString(16)} (GC types) is not allowed`)
    for (let k = 0; k < 2; k++) for (let m = r.u32(); m > 0; m--) skipValType(r)
  }
  return n
}

function checkImports(r: Reader): number {
  let funcs = 0
  for (let n = r.u32(); n > 0; n--) {
    const module = r.name()
    const field = r.name()
    const kind = r.u8()
    if (kind !== 0) throw new ForbiddenImport(module, field, IMPORT_KINDS[kind] ?? `kind ${kind}`)
    if (!isAllowedImport(module, field)) throw new ForbiddenImport(module, field, 'function')
    r.u32()
    funcs++
  }
  return funcs
}

function readLimits(r: Reader, what: string): { min: number; max: number | null } {
  const flags = r.u8()
  if (flags > 1)
    throw new UnsupportedWasm(`${what} limits flags 0x${flags.toString(16)} (shared or 64-bit) are not allowed`)
  const min = r.u32()
  return { min, max: flags === 1 ? r.u32() : null }
}

function capTables(r: Reader, maxElements: number): Uint8Array {
  const n = r.u32()
  const out: number[] = [...encodeU32(n)]
  for (let i = 0; i < n; i++) {
    const start = r.pos
    if (r.peek() === 0x40) throw new UnsupportedWasm('tables with initializer expressions are not supported')
    skipValType(r)
    out.push(...r.bytes.subarray(start, r.pos))
    const { min, max } = readLimits(r, 'table')
    if (min > maxElements) throw new UnsupportedWasm(`table of ${min} elements is over the cap of ${maxElements}`)
    out.push(0x01, ...encodeU32(min), ...encodeU32(Math.min(max ?? maxElements, maxElements)))
  }
  if (!r.done) throw new MalformedWasm('trailing bytes in table section')
  return Uint8Array.from(out)
}

function capMemories(r: Reader, limitPages: number): { payload: Uint8Array; count: number; initialPages: number } {
  const n = r.u32()
  if (n > 1) throw new UnsupportedWasm('more than one memory is not allowed')
  if (n === 0) return { payload: r.bytes, count: 0, initialPages: 0 }
  const { min, max } = readLimits(r, 'memory')
  if (!r.done) throw new MalformedWasm('trailing bytes in memory section')
  if (min > limitPages) throw new MemoryOverLimit(min, limitPages)
  const capped = Math.min(max ?? limitPages, limitPages)
  return {
    payload: Uint8Array.from([0x01, 0x01, ...encodeU32(min), ...encodeU32(capped)]),
    count: 1,
    initialPages: min,
  }
}

/** Returns the code section with every memory.grow replaced by `call hookFunc`, or null if none. */
function rewriteGrows(payload: Uint8Array, hookFunc: number): Uint8Array | null {
  const r = new Reader(payload)
  const n = r.u32()
  const call = [0x10, ...encodeU32(hookFunc)]
  const parts: Array<Uint8Array | number[]> = [encodeU32(n)]
  let found = false
  for (let i = 0; i < n; i++) {
    const size = r.u32()
    const start = r.pos
    r.skip(size)
    const body = payload.subarray(start, start + size)
    const { memoryGrows } = scanBody(new Reader(payload, start, start + size))
    if (memoryGrows.length === 0) {
      parts.push(encodeU32(size), body)
      continue
    }
    found = true
    const pieces: Array<Uint8Array | number[]> = []
    let at = 0
    for (const g of memoryGrows) {
      pieces.push(body.subarray(at, g.start), call)
      at = g.end
    }
    pieces.push(body.subarray(at))
    const rewritten = concatBytes(pieces)
    parts.push(encodeU32(rewritten.length), rewritten)
  }
  if (!r.done) throw new MalformedWasm('trailing bytes in code section')
  return found ? concatBytes(parts) : null
}

/** (func (param $pages i32) (result i32) (local $r i32) grow; on -1 record $pages in the global) */
function growHookBody(global: number): number[] {
  const g = encodeU32(global)
  const body = [
    0x01,
    0x01,
    0x7f, // one i32 local
    0x20,
    0x00,
    0x40,
    0x00,
    0x22,
    0x01, // local.get 0, memory.grow 0, local.tee 1
    0x41,
    0x7f,
    0x46,
    0x04,
    0x40, // i32.const -1, i32.eq, if
    0x20,
    0x00,
    0x24,
    ...g,
    0x0b, // local.get 0, global.set g, end
    0x20,
    0x01,
    0x0b, // local.get 1, end
  ]
  return [...encodeU32(body.length), ...body]
}

function appendToVector(payload: Uint8Array, item: number[]): Uint8Array {
  const r = new Reader(payload)
  const n = r.u32()
  return concatBytes([encodeU32(n + 1), payload.subarray(r.pos), item])
}

/** Appends one item to the vector section `id`, creating the section in canonical order if absent. */
function appendItem(sections: Section[], id: number, item: number[]): void {
  const existing = sections.find((s) => s.id === id)
  if (existing !== undefined) {
    existing.payload = appendToVector(existing.payload, item)
    return
  }
  const rank = SECTION_RANK[id]
  let at = sections.findIndex((s) => s.id !== 0 && SECTION_RANK[s.id] > rank)
  if (at < 0) at = sections.length
  sections.splice(at, 0, { id, payload: Uint8Array.from([0x01, ...item]) })
}
