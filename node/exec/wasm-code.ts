// Walks function bodies instruction by instruction (an allowlist of opcodes: MVP, sign
// extension, saturating truncation, bulk memory, reference types, multi-value, SIMD without
// the relaxed (nondeterministic) instructions, tail calls, exception handling). It finds
// every `memory.grow`, so the executor can tell "the module hit the memory cap" from any
// other trap, and refuses what breaks determinism or the sandbox's accounting: atomics
// (threads), relaxed SIMD, GC objects (allocated outside linear memory).
import { MalformedWasm, Reader, skipValType } from './wasm-binary.ts'

export class UnsupportedWasm extends Error {
  static override name = 'UnsupportedWasm'
}

/** Byte range [start, end) of one instruction inside the body. */
export interface Span {
  start: number
  end: number
}

export interface BodyScan {
  /** Offset (in the body) where instructions start, after the local declarations. */
  codeStart: number
  memoryGrows: Span[]
}

const MAX_LOCALS = 50_000 // V8's own limit; also bounds what this walker accepts

function skipBlockType(r: Reader): void {
  const b = r.peek()
  if (b === 0x63 || b === 0x64) {
    r.pos++
    r.skipLeb(5)
    return
  }
  if (b >= 0x40 && b <= 0x7f) {
    r.pos++
    return
  } // empty (0x40) or a one-byte value type
  r.skipLeb(5) // s33 type index
}

function skipMemArg(r: Reader): void {
  const align = r.u32()
  if ((align & 0x40) !== 0) r.u32() // multi-memory: explicit memory index
  r.skipLeb(10) // offset (u64 for memory64)
}

function prefixedFC(r: Reader): void {
  const sub = r.u32()
  if (sub <= 7) return // saturating truncations
  switch (sub) {
    case 8:
    case 10:
    case 12:
    case 14:
      r.u32()
      r.u32()
      return // memory.init copy, table.init copy
    case 9:
    case 11:
    case 13:
    case 15:
    case 16:
    case 17:
      r.u32()
      return
    default:
      throw new UnsupportedWasm(`unsupported instruction 0xfc ${sub}`)
  }
}

function prefixedFD(r: Reader): void {
  const sub = r.u32()
  if (sub <= 11 || sub === 92 || sub === 93) {
    skipMemArg(r)
    return
  } // loads, stores
  if (sub === 12 || sub === 13) {
    r.skip(16)
    return
  } // v128.const, i8x16.shuffle
  if (sub >= 21 && sub <= 34) {
    r.skip(1)
    return
  } // extract/replace lane
  if (sub >= 84 && sub <= 91) {
    skipMemArg(r)
    r.skip(1)
    return
  } // load/store lane
  if (sub <= 255) return
  if (sub <= 0x113) throw new UnsupportedWasm('relaxed SIMD is nondeterministic across machines')
  throw new UnsupportedWasm(`unsupported instruction 0xfd ${sub}`)
}

/** Scans one function body (locals + expression); `r` spans exactly that body. */
export function scanBody(r: Reader): BodyScan {
  const bodyStart = r.pos
  let locals = 0
  for (let groups = r.u32(); groups > 0; groups--) {
    locals += r.u32()
    if (locals > MAX_LOCALS) throw new UnsupportedWasm(`more than ${MAX_LOCALS} locals`)
    skipValType(r)
  }
  const codeStart = r.pos - bodyStart
  const memoryGrows: Span[] = []
  while (!r.done) {
    const start = r.pos
    const op = r.u8()
    if (
      op <= 0x01 ||
      op === 0x05 ||
      op === 0x0a ||
      op === 0x0b ||
      op === 0x0f ||
      op === 0x19 ||
      op === 0x1a ||
      op === 0x1b ||
      (op >= 0x45 && op <= 0xc4) ||
      op === 0xd1 ||
      op === 0xd3 ||
      op === 0xd4
    ) {
      continue // no immediates
    }
    switch (op) {
      case 0x02:
      case 0x03:
      case 0x04:
      case 0x06:
        skipBlockType(r)
        break // block loop if try
      case 0x07:
      case 0x08:
      case 0x09:
      case 0x0c:
      case 0x0d:
      case 0x10:
      case 0x12:
      case 0x14:
      case 0x15:
      case 0x18:
      case 0x20:
      case 0x21:
      case 0x22:
      case 0x23:
      case 0x24:
      case 0x25:
      case 0x26:
      case 0x3f:
      case 0xd2:
      case 0xd5:
      case 0xd6:
        r.u32()
        break
      case 0x0e: {
        // br_table
        for (let n = r.u32(); n > 0; n--) r.u32()
        r.u32()
        break
      }
      case 0x11:
      case 0x13:
        r.u32()
        r.u32()
        break // call_indirect, return_call_indirect
      case 0x1c:
        for (let n = r.u32(); n > 0; n--) skipValType(r)
        break // typed select
      case 0x1f: {
        // try_table
        skipBlockType(r)
        for (let n = r.u32(); n > 0; n--) {
          const kind = r.u8()
          if (kind > 3) throw new MalformedWasm(`bad catch kind ${kind}`)
          if (kind <= 1) r.u32()
          r.u32()
        }
        break
      }
      case 0x40:
        r.u32()
        memoryGrows.push({ start: start - bodyStart, end: r.pos - bodyStart })
        break
      case 0x41:
        r.skipLeb(5)
        break
      case 0x42:
        r.skipLeb(10)
        break
      case 0x43:
        r.skip(4)
        break
      case 0x44:
        r.skip(8)
        break
      case 0xd0:
        r.skipLeb(5)
        break // ref.null heap type
      case 0xfc:
        prefixedFC(r)
        break
      case 0xfd:
        prefixedFD(r)
        break
      case 0xfe:
        throw new UnsupportedWasm('atomics (threads) are not allowed')
      case 0xfb:
        throw new UnsupportedWasm('GC instructions are not allowed')
      default:
        if (op >= 0x28 && op <= 0x3e) {
          skipMemArg(r)
          break
        }
        throw new UnsupportedWasm(`unsupported opcode 0x${op.toString(16)} at ${start}`)
    }
  }
  return { codeStart, memoryGrows }
}
