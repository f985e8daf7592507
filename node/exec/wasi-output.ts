// /output and stdout/stderr for one job: /output is flat (files only, valid names only) and
// every byte written there or to stdout is counted against the output budget as it is
// written, so an oversized output fails at the first write that crosses the limit.
// Runs inside the worker (erasable TypeScript only).
import { Directory, Fd, Inode, OpenDirectory, wasi } from '@bjorn3/browser_wasi_shim'
import { isValidFileName } from '../../protocol/output-bundle.ts'

/** Thrown from inside a WASI call: unwinds the module; the worker reports EXEC_OUTPUT_LIMIT. */
export class OutputLimitExceeded extends Error {
  static override name = 'OutputLimitExceeded'
  readonly limit: number
  readonly used: number
  readonly what: 'bytes' | 'files'

  constructor (what: 'bytes' | 'files', limit: number, used: number) {
    super(`output ${what} over the limit: ${used} > ${limit}`)
    this.what = what
    this.limit = limit
    this.used = used
  }
}

/** Bytes of stdout plus every output file ever created (unlinking does not give bytes back). */
export class OutputBudget {
  readonly limit: number
  readonly maxFiles: number
  used = 0
  files = 0

  constructor (limit: number, maxFiles: number) {
    this.limit = limit
    this.maxFiles = maxFiles
  }

  change (delta: number): void {
    if (this.used + delta > this.limit) throw new OutputLimitExceeded('bytes', this.limit, this.used + delta)
    this.used += delta
  }

  addFile (): void {
    if (this.files + 1 > this.maxFiles) throw new OutputLimitExceeded('files', this.maxFiles, this.files + 1)
    this.files++
  }
}

/** A growable byte buffer (capacity doubling: byte-at-a-time writers stay linear). */
class ByteBuffer {
  buf = new Uint8Array(0)
  length = 0

  resize (n: number): void {
    if (n > this.buf.length) {
      const next = new Uint8Array(Math.max(n, Math.min(this.buf.length * 2, n + (1 << 24)), 256))
      next.set(this.buf.subarray(0, this.length))
      this.buf = next
    } else if (n < this.length) {
      this.buf.fill(0, n, this.length) // bytes past a truncation read back as zeros when re-extended
    }
    this.length = n
  }

  bytes (): Uint8Array { return this.buf.slice(0, this.length) }
}

/** stdout (counted against the budget) or stderr (first `cap` bytes kept, the rest dropped). */
export class CaptureFd extends Fd {
  readonly data = new ByteBuffer()
  readonly budget: OutputBudget | null
  readonly cap: number

  constructor (budget: OutputBudget | null, cap = Infinity) {
    super()
    this.budget = budget
    this.cap = cap
  }

  override fd_write (data: Uint8Array): { ret: number, nwritten: number } {
    const keep = Math.min(data.length, this.cap - this.data.length)
    if (this.budget !== null) this.budget.change(keep)
    if (keep > 0) {
      const at = this.data.length
      this.data.resize(at + keep)
      this.data.buf.set(data.subarray(0, keep), at)
    }
    return { ret: wasi.ERRNO_SUCCESS, nwritten: data.length }
  }

  override fd_fdstat_get (): { ret: number, fdstat: wasi.Fdstat | null } {
    const fdstat = new wasi.Fdstat(wasi.FILETYPE_CHARACTER_DEVICE, 0)
    fdstat.fs_rights_base = BigInt(wasi.RIGHTS_FD_WRITE)
    return { ret: wasi.ERRNO_SUCCESS, fdstat }
  }

  override fd_filestat_get (): { ret: number, filestat: wasi.Filestat } {
    return { ret: wasi.ERRNO_SUCCESS, filestat: new wasi.Filestat(0n, wasi.FILETYPE_CHARACTER_DEVICE, 0n) }
  }
}

/** An open directory, possibly a preopen (then it has a name the module can discover). */
export class DirFd extends OpenDirectory {
  readonly prestatName: string | null

  constructor (dir: Directory, prestatName: string | null) {
    super(dir)
    this.prestatName = prestatName
  }

  override fd_prestat_get (): { ret: number, prestat: wasi.Prestat | null } {
    if (this.prestatName === null) return { ret: wasi.ERRNO_BADF, prestat: null }
    return { ret: wasi.ERRNO_SUCCESS, prestat: wasi.Prestat.dir(this.prestatName) }
  }
}

export class OutputFile extends Inode {
  readonly budget: OutputBudget
  readonly content = new ByteBuffer()

  constructor (budget: OutputBudget) {
    super()
    this.budget = budget
  }

  get size (): number { return this.content.length }

  resize (n: number): void {
    this.budget.change(n - this.content.length) // throws before allocating anything
    this.content.resize(n)
  }

  path_open (oflags: number, _rights: bigint, fdflags: number): { ret: number, fd_obj: Fd | null } {
    if ((oflags & wasi.OFLAGS_DIRECTORY) !== 0) return { ret: wasi.ERRNO_NOTDIR, fd_obj: null }
    if ((oflags & wasi.OFLAGS_TRUNC) !== 0) this.resize(0)
    return { ret: wasi.ERRNO_SUCCESS, fd_obj: new OutputFileFd(this, (fdflags & wasi.FDFLAGS_APPEND) !== 0) }
  }

  stat (): wasi.Filestat {
    return new wasi.Filestat(this.ino, wasi.FILETYPE_REGULAR_FILE, BigInt(this.content.length))
  }
}

class OutputFileFd extends Fd {
  readonly file: OutputFile
  readonly append: boolean
  pos = 0n

  constructor (file: OutputFile, append: boolean) {
    super()
    this.file = file
    this.append = append
  }

  private writeAt (offset: bigint, data: Uint8Array): void {
    const end = offset + BigInt(data.length)
    if (end > BigInt(this.file.content.length)) {
      // an absurd offset is refused by the budget before any allocation
      this.file.resize(end > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(end))
    }
    this.file.content.buf.set(data, Number(offset))
  }

  private readAt (size: number, offset: bigint): Uint8Array {
    const len = this.file.content.length
    const start = offset > BigInt(len) ? len : Number(offset)
    return this.file.content.buf.slice(start, Math.min(len, start + size))
  }

  override fd_write (data: Uint8Array): { ret: number, nwritten: number } {
    if (this.append) this.pos = BigInt(this.file.content.length)
    this.writeAt(this.pos, data)
    this.pos += BigInt(data.length)
    return { ret: wasi.ERRNO_SUCCESS, nwritten: data.length }
  }

  override fd_pwrite (data: Uint8Array, offset: bigint): { ret: number, nwritten: number } {
    this.writeAt(offset, data)
    return { ret: wasi.ERRNO_SUCCESS, nwritten: data.length }
  }

  override fd_read (size: number): { ret: number, data: Uint8Array } {
    const data = this.readAt(size, this.pos)
    this.pos += BigInt(data.length)
    return { ret: wasi.ERRNO_SUCCESS, data }
  }

  override fd_pread (size: number, offset: bigint): { ret: number, data: Uint8Array } {
    return { ret: wasi.ERRNO_SUCCESS, data: this.readAt(size, offset) }
  }

  override fd_seek (offset: bigint, whence: number): { ret: number, offset: bigint } {
    const base = whence === wasi.WHENCE_SET ? 0n : whence === wasi.WHENCE_CUR ? this.pos : whence === wasi.WHENCE_END ? BigInt(this.file.content.length) : -1n
    if (base < 0n || base + offset < 0n) return { ret: wasi.ERRNO_INVAL, offset: this.pos }
    this.pos = base + offset
    return { ret: wasi.ERRNO_SUCCESS, offset: this.pos }
  }

  override fd_tell (): { ret: number, offset: bigint } { return { ret: wasi.ERRNO_SUCCESS, offset: this.pos } }

  override fd_allocate (offset: bigint, len: bigint): number {
    const end = offset + len
    if (end > BigInt(this.file.content.length)) this.writeAt(end, new Uint8Array(0))
    return wasi.ERRNO_SUCCESS
  }

  override fd_filestat_set_size (size: bigint): number {
    this.file.resize(size > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(size))
    return wasi.ERRNO_SUCCESS
  }

  override fd_filestat_get (): { ret: number, filestat: wasi.Filestat } {
    return { ret: wasi.ERRNO_SUCCESS, filestat: this.file.stat() }
  }

  override fd_fdstat_get (): { ret: number, fdstat: wasi.Fdstat | null } {
    return { ret: wasi.ERRNO_SUCCESS, fdstat: new wasi.Fdstat(wasi.FILETYPE_REGULAR_FILE, this.append ? wasi.FDFLAGS_APPEND : 0) }
  }
}

/** Resolves `path` (relative, may contain '.' and '..') to one valid file name, or null. */
function singleName (path: string): string | null {
  const parts: string[] = []
  for (const c of path.split('/')) {
    if (c === '' || c === '.') continue
    if (c === '..') { if (parts.pop() === undefined) return null; continue }
    parts.push(c)
  }
  return parts.length === 1 && isValidFileName(parts[0]) ? parts[0] : null
}

export class OutputDir extends Directory {
  readonly budget: OutputBudget

  constructor (budget: OutputBudget) {
    super(new Map())
    this.budget = budget
  }

  override path_open (): { ret: number, fd_obj: OpenDirectory } {
    return { ret: wasi.ERRNO_SUCCESS, fd_obj: new OutputDirFd(this, null) }
  }

  override create_entry_for_path (path: string, isDir: boolean): { ret: number, entry: Inode | null } {
    if (path.startsWith('/')) return { ret: wasi.ERRNO_NOTCAPABLE, entry: null }
    if (isDir) return { ret: wasi.ERRNO_PERM, entry: null } // outputs are flat
    const name = singleName(path)
    if (name === null) return { ret: wasi.ERRNO_INVAL, entry: null }
    if (this.contents.has(name)) return { ret: wasi.ERRNO_EXIST, entry: null }
    this.budget.addFile()
    const file = new OutputFile(this.budget)
    this.contents.set(name, file)
    return { ret: wasi.ERRNO_SUCCESS, entry: file }
  }

  /** The files left in /output, in insertion order (the caller sorts). */
  files (): Array<{ name: string, data: Uint8Array }> {
    const out: Array<{ name: string, data: Uint8Array }> = []
    for (const [name, entry] of this.contents) {
      if (entry instanceof OutputFile) out.push({ name, data: entry.content.bytes() })
    }
    return out
  }
}

export class OutputDirFd extends DirFd {
  /** Only renames within /output (allowDir is the shim's rename flag); no hard links. */
  override path_link (path: string, inode: Inode, allowDir: boolean): number {
    if (!allowDir) return wasi.ERRNO_NOTSUP
    if (!(inode instanceof OutputFile)) return wasi.ERRNO_XDEV
    const name = singleName(path)
    if (name === null) return wasi.ERRNO_INVAL
    return super.path_link(name, inode, allowDir)
  }
}
