// Just enough of the WebAssembly binary format to read section headers and LEB128
// immediates, and to write the few sections we rewrite. Malformed input throws
// MalformedWasm; callers turn it into EXEC_INVALID_MODULE.

export class MalformedWasm extends Error {
  static override name = 'MalformedWasm'
}

export class Reader {
  readonly bytes: Uint8Array
  pos: number
  readonly end: number

  constructor(bytes: Uint8Array, pos = 0, end = bytes.length) {
    this.bytes = bytes
    this.pos = pos
    this.end = end
  }

  get done(): boolean {
    return this.pos >= this.end
  }

  u8(): number {
    if (this.pos >= this.end) throw new MalformedWasm(`unexpected end at ${this.pos}`)
    return this.bytes[this.pos++]
  }

  peek(): number {
    if (this.pos >= this.end) throw new MalformedWasm(`unexpected end at ${this.pos}`)
    return this.bytes[this.pos]
  }

  /** Unsigned LEB128 of at most 32 bits. */
  u32(): number {
    let result = 0
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.u8()
      result += (b & 0x7f) * 2 ** shift
      if ((b & 0x80) === 0) {
        if (result > 0xffffffff) throw new MalformedWasm(`u32 overflow at ${this.pos}`)
        return result
      }
    }
    throw new MalformedWasm(`u32 too long at ${this.pos}`)
  }

  /** Skips any LEB128 of up to `maxBytes` bytes (s32: 5, s33: 5, s64/u64: 10). */
  skipLeb(maxBytes: number): void {
    for (let i = 0; i < maxBytes; i++) if ((this.u8() & 0x80) === 0) return
    throw new MalformedWasm(`LEB128 too long at ${this.pos}`)
  }

  skip(n: number): void {
    if (n > this.end - this.pos) throw new MalformedWasm(`unexpected end at ${this.pos}`)
    this.pos += n
  }

  take(n: number): Uint8Array {
    const start = this.pos
    this.skip(n)
    return this.bytes.subarray(start, this.pos)
  }

  name(): string {
    return new TextDecoder('utf-8', { fatal: false }).decode(this.take(this.u32()))
  }
}

export function encodeU32(n: number): number[] {
  const out: number[] = []
  do {
    let b = n & 0x7f
    n = Math.floor(n / 128)
    if (n !== 0) b |= 0x80
    out.push(b)
  } while (n !== 0)
  return out
}

export function concatBytes(parts: Array<Uint8Array | number[]>): Uint8Array {
  let size = 0
  for (const p of parts) size += p.length
  const out = new Uint8Array(size)
  let pos = 0
  for (const p of parts) {
    out.set(p, pos)
    pos += p.length
  }
  return out
}

export interface Section {
  id: number
  /** Payload only (without id and size). */
  payload: Uint8Array
}

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]

export function splitSections(bytes: Uint8Array): Section[] {
  if (bytes.length < 8 || HEADER.some((b, i) => bytes[i] !== b)) {
    throw new MalformedWasm('not a WebAssembly 1.0 binary (bad magic or version)')
  }
  const r = new Reader(bytes, 8)
  const sections: Section[] = []
  while (!r.done) {
    const id = r.u8()
    const size = r.u32()
    sections.push({ id, payload: r.take(size) })
  }
  return sections
}

export function joinSections(sections: Section[]): Uint8Array {
  const parts: Array<Uint8Array | number[]> = [HEADER]
  for (const s of sections) parts.push([s.id, ...encodeU32(s.payload.length)], s.payload)
  return concatBytes(parts)
}

/** Reads a value type, including typed references (0x63/0x64 followed by a heap type). */
export function skipValType(r: Reader): void {
  const t = r.u8()
  if (t === 0x63 || t === 0x64) r.skipLeb(5)
  else if (t < 0x40 || t > 0x7f) throw new MalformedWasm(`bad value type 0x${t.toString(16)} at ${r.pos - 1}`)
}
