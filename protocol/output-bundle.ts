// The canonical bytes of a job's result: exit code, stdout and the output files sorted by
// name. Its CID (cid.ts cidForBytes) is the job's output CID, so two providers that ran the
// same deterministic job produce byte-identical bundles; that is what makes redundancy a
// verification. Fixed-width big-endian lengths (no varints) keep the encoding unique, and
// the decoder accepts only that unique form: sorted, unique names, no trailing bytes.
import { cidForBytes, type CID } from './cid.ts'
import { ValidationError } from './errors.ts'

export interface OutputFile {
  name: string
  data: Uint8Array
}

export interface OutputBundle {
  /** WASI exit code (u32); a non-zero code is a result, not a failure. */
  exitCode: number
  stdout: Uint8Array
  files: OutputFile[]
}

export interface OutputBundleLimits {
  /** Bound on the whole encoding. */
  maxBytes: number
  maxFiles: number
  /** Bound on a name's UTF-8 length. */
  maxNameBytes: number
}

export const OUTPUT_BUNDLE_LIMITS: Readonly<OutputBundleLimits> = Object.freeze({
  maxBytes: 64 * 1024 * 1024,
  maxFiles: 1024,
  maxNameBytes: 255,
})

const MAGIC = new TextEncoder().encode('HIVEOUT1')

/**
 * The most bytes an encoding adds to its contents (magic, exit code, lengths and names): a job's
 * outputBytes limit counts stdout and file data only, so a result whose contents fill the limit
 * has a bundle up to this much larger.
 */
export function maxBundleOverhead(limits: Partial<OutputBundleLimits> = {}): number {
  const lim = { ...OUTPUT_BUNDLE_LIMITS, ...limits }
  return MAGIC.length + 4 + 4 + 4 + lim.maxFiles * (2 + lim.maxNameBytes + 4)
}
const utf8 = new TextEncoder()
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * True when `name` may name an input or output file: one path component that is safe to
 * write into any directory on any OS (no separators, no '.'/'..', no control characters)
 * and survives a UTF-8 round trip (no lone surrogates).
 */
export function isValidFileName(name: string, maxNameBytes = OUTPUT_BUNDLE_LIMITS.maxNameBytes): boolean {
  if (name === '' || name === '.' || name === '..') return false
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    if (c < 0x20 || c === 0x7f || c === 0x2f /* / */ || c === 0x5c /* \ */) return false
  }
  const bytes = utf8.encode(name)
  if (bytes.length > maxNameBytes) return false
  return strictUtf8.decode(bytes) === name
}

/** Orders names by their UTF-8 bytes: the order every implementation can reproduce. */
export function compareFileNames(a: string, b: string): number {
  return compareBytes(utf8.encode(a), utf8.encode(b))
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return a.length - b.length
}

/** Encodes a result canonically; the order of `files` does not matter. */
export function encodeOutputBundle(bundle: OutputBundle, limits: Partial<OutputBundleLimits> = {}): Uint8Array {
  const lim = { ...OUTPUT_BUNDLE_LIMITS, ...limits }
  if (!Number.isInteger(bundle.exitCode) || bundle.exitCode < 0 || bundle.exitCode > 0xffffffff) {
    throw new ValidationError('OUTPUT_BUNDLE_INVALID', 'exit code must be a u32', { exitCode: bundle.exitCode })
  }
  if (bundle.files.length > lim.maxFiles) {
    throw new ValidationError('OUTPUT_BUNDLE_TOO_LARGE', 'too many output files', {
      files: bundle.files.length,
      limit: lim.maxFiles,
    })
  }
  const files = bundle.files
    .map((f) => {
      if (!isValidFileName(f.name, lim.maxNameBytes)) {
        throw new ValidationError(
          'OUTPUT_NAME_INVALID',
          `invalid output file name ${JSON.stringify(f.name.slice(0, 80))}`,
          { name: f.name.slice(0, 80) },
        )
      }
      return { name: utf8.encode(f.name), data: f.data }
    })
    .sort((a, b) => compareBytes(a.name, b.name))
  for (let i = 1; i < files.length; i++) {
    if (compareBytes(files[i - 1].name, files[i].name) === 0) {
      throw new ValidationError('OUTPUT_NAME_DUPLICATE', 'duplicate output file name', { name: bundle.files[i].name })
    }
  }
  let size = MAGIC.length + 4 + 4 + bundle.stdout.length + 4
  for (const f of files) size += 2 + f.name.length + 4 + f.data.length
  if (size > lim.maxBytes) {
    throw new ValidationError('OUTPUT_BUNDLE_TOO_LARGE', 'output bundle over the size limit', {
      size,
      limit: lim.maxBytes,
    })
  }
  const out = new Uint8Array(size)
  const view = new DataView(out.buffer)
  let pos = 0
  out.set(MAGIC, pos)
  pos += MAGIC.length
  view.setUint32(pos, bundle.exitCode)
  pos += 4
  view.setUint32(pos, bundle.stdout.length)
  pos += 4
  out.set(bundle.stdout, pos)
  pos += bundle.stdout.length
  view.setUint32(pos, files.length)
  pos += 4
  for (const f of files) {
    view.setUint16(pos, f.name.length)
    pos += 2
    out.set(f.name, pos)
    pos += f.name.length
    view.setUint32(pos, f.data.length)
    pos += 4
    out.set(f.data, pos)
    pos += f.data.length
  }
  return out
}

/** Decodes and validates a bundle; throws ValidationError on anything but the canonical form. */
export function decodeOutputBundle(bytes: Uint8Array, limits: Partial<OutputBundleLimits> = {}): OutputBundle {
  const lim = { ...OUTPUT_BUNDLE_LIMITS, ...limits }
  const malformed = (why: string, at: number): ValidationError =>
    new ValidationError('OUTPUT_BUNDLE_MALFORMED', `malformed output bundle: ${why}`, { offset: at })
  if (bytes.length > lim.maxBytes) {
    throw new ValidationError('OUTPUT_BUNDLE_TOO_LARGE', 'output bundle over the size limit', {
      size: bytes.length,
      limit: lim.maxBytes,
    })
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let pos = 0
  const need = (n: number): void => {
    if (bytes.length - pos < n) throw malformed('truncated', pos)
  }
  const take = (n: number): Uint8Array => {
    need(n)
    const s = bytes.slice(pos, pos + n)
    pos += n
    return s
  }
  const u32 = (): number => {
    need(4)
    const v = view.getUint32(pos)
    pos += 4
    return v
  }

  if (compareBytes(take(MAGIC.length), MAGIC) !== 0) throw malformed('bad magic', 0)
  const exitCode = u32()
  const stdout = take(u32())
  const count = u32()
  if (count > lim.maxFiles) {
    throw new ValidationError('OUTPUT_BUNDLE_TOO_LARGE', 'too many output files', { files: count, limit: lim.maxFiles })
  }
  const files: OutputFile[] = []
  let prev: Uint8Array | undefined
  for (let i = 0; i < count; i++) {
    need(2)
    const nameLen = view.getUint16(pos)
    pos += 2
    const at = pos
    const rawName = take(nameLen)
    if (prev !== undefined && compareBytes(prev, rawName) >= 0) throw malformed('file names not strictly sorted', at)
    let name: string
    try {
      name = strictUtf8.decode(rawName)
    } catch {
      throw malformed('file name is not UTF-8', at)
    }
    if (!isValidFileName(name, lim.maxNameBytes)) {
      throw new ValidationError(
        'OUTPUT_NAME_INVALID',
        `invalid output file name ${JSON.stringify(name.slice(0, 80))}`,
        { name: name.slice(0, 80), offset: at },
      )
    }
    files.push({ name, data: take(u32()) })
    prev = rawName
  }
  if (pos !== bytes.length) throw malformed('trailing bytes', pos)
  return { exitCode, stdout, files }
}

/** The output CID of a result: the CID of its canonical bundle. */
export async function outputBundleCid(bundle: OutputBundle): Promise<CID> {
  return await cidForBytes(encodeOutputBundle(bundle))
}
