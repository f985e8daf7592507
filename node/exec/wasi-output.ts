// /output and stdout/stderr for one job: /output is flat (files only, valid names only) and
// every byte allocated for it or for stdout is counted against the output budget before it is
// allocated, so an oversized output fails at the first write that would cross the limit and the
// worker never holds more than limits.outputBytes of output (plus stderr's own small cap).
// Runs inside the worker (erasable TypeScript only).
import { Directory, Fd, Inode, OpenDirectory, wasi } from '@bjorn3/browser_wasi_shim'
import { isValidFileName } from '../../protocol/output-bundle.ts'

/** Thrown from inside a WASI call: unwinds the module; the worker reports EXEC_OUTPUT_LIMIT. */
export class OutputLimitExceeded extends Error {
  static override name = 'OutputLimitExceeded'
  readonly limit: number
  readonly used: number
  readonly what: 'bytes' | 'files'

  constructor(what: 'bytes' | 'files', limit: number, used: number) {
    super(`output ${what} over the limit: ${used} > ${limit}`)
    this.what = what
    this.limit = limit
    this.used = used
  }
}

/**
 * The bytes a job's output buffers (stdout and every output file ever created) have allocated,
 * against limits.outputBytes. Counted is capacity, not length: what the worker really holds.
 * Truncating or unlinking a file gives nothing back (the bytes stay allocated, and an unlinked
 * file may still be open); only growth slack — capacity a buffer reserved beyond the most bytes
 * it ever held — is given back, and only when an exact allocation would otherwise not fit, so
 * that an honest job can always use the whole limit.
 */
export class OutputBudget {
  readonly limit: number
  readonly maxFiles: number
  /** bytes allocated by this job's output buffers right now */
  used = 0
  files = 0
  /** every buffer charged here, unlinked files included (their bytes stay counted) */
  private readonly buffers: ByteBuffer[] = []

  constructor(limit: number, maxFiles: number) {
    this.limit = limit
    this.maxFiles = maxFiles
  }

  get free(): number {
    return this.limit - this.used
  }

  track(buffer: ByteBuffer): void {
    this.buffers.push(buffer)
  }

  /** Charges `bytes` more, giving back other buffers' growth slack if needed; throws before any allocation. */
  take(bytes: number, asking: ByteBuffer): void {
    if (bytes > this.free) {
      for (const b of this.buffers) if (b !== asking && bytes > this.free) this.used -= b.trimSlack()
      if (bytes > this.free) throw new OutputLimitExceeded('bytes', this.limit, this.used + bytes)
    }
    this.used += bytes
  }

  /** Charges up to `bytes` of what is free, never more; returns how many were charged. */
  takeSpare(bytes: number): number {
    const granted = Math.max(0, Math.min(bytes, this.free))
    this.used += granted
    return granted
  }

  addFile(): void {
    if (this.files + 1 > this.maxFiles) throw new OutputLimitExceeded('files', this.maxFiles, this.files + 1)
    this.files++
  }
}

/** ES2024's ArrayBuffer.prototype.transfer (Node >= 21): a resized copy that frees the old store at once. */
type Transferable = ArrayBuffer & { transfer(newByteLength: number): ArrayBuffer }
const resized = (buf: Uint8Array<ArrayBuffer>, capacity: number): Uint8Array<ArrayBuffer> =>
  new Uint8Array((buf.buffer as Transferable).transfer(capacity))

/**
 * A growable byte buffer charged to an OutputBudget by its capacity. Capacity doubles (so
 * byte-at-a-time writers stay linear) but only into bytes the budget has free. Bytes past
 * `length` are always zero, so a truncated and re-extended file reads back zeros.
 */
export class ByteBuffer {
  buf: Uint8Array<ArrayBuffer> = new Uint8Array(0)
  length = 0
  /** the most bytes this buffer ever held: capacity up to here is never given back */
  private high = 0
  private readonly budget: OutputBudget

  constructor(budget: OutputBudget) {
    this.budget = budget
    budget.track(this)
  }

  resize(n: number): void {
    if (n > this.buf.length) this.grow(n)
    else if (n < this.length) this.buf.fill(0, n, this.length)
    this.length = n
    if (n > this.high) this.high = n
  }

  private grow(n: number): void {
    const capacity = this.buf.length
    this.budget.take(n - capacity, this) // throws before allocating anything
    const slack = this.budget.takeSpare(Math.max(n, Math.min(capacity * 2, n + (1 << 24)), 256) - n)
    this.buf = resized(this.buf, n + slack)
  }

  /** Frees capacity beyond the most bytes ever held; returns the bytes freed. */
  trimSlack(): number {
    const slack = this.buf.length - this.high
    if (slack <= 0) return 0
    this.buf = resized(this.buf, this.high)
    return slack
  }

  /** The content, as its own buffer (transferable); this buffer is done with afterwards. */
  bytes(): Uint8Array<ArrayBuffer> {
    if (this.buf.length !== this.length) this.buf = resized(this.buf, this.length)
    return this.buf
  }
}

/** stdout (charged to the job's output budget) or stderr (first `cap` bytes kept, the rest dropped). */
export class CaptureFd extends Fd {
  readonly data: ByteBuffer
  readonly budget: OutputBudget | null
  readonly cap: number
  /** sees every write as it happens (live job output: stderr only, never stdout) */
  private readonly tap?: (data: Uint8Array) => void

  constructor(budget: OutputBudget | null, cap = Infinity, tap?: (data: Uint8Array) => void) {
    super()
    this.budget = budget
    this.cap = cap
    this.tap = tap
    // stderr gets a budget of its own, its cap: diagnostics never fail a job, never hold more
    this.data = new ByteBuffer(budget ?? new OutputBudget(cap, 0))
  }

  override fd_write(data: Uint8Array): { ret: number; nwritten: number } {
    this.tap?.(data)
    const keep = Math.min(data.length, this.cap - this.data.length)
    if (keep > 0) {
      const at = this.data.length
      this.data.resize(at + keep)
      this.data.buf.set(data.subarray(0, keep), at)
    }
    return { ret: wasi.ERRNO_SUCCESS, nwritten: data.length }
  }

  override fd_fdstat_get(): { ret: number; fdstat: wasi.Fdstat | null } {
    const fdstat = new wasi.Fdstat(wasi.FILETYPE_CHARACTER_DEVICE, 0)
    fdstat.fs_rights_base = BigInt(wasi.RIGHTS_FD_WRITE)
    return { ret: wasi.ERRNO_SUCCESS, fdstat }
  }

  override fd_filestat_get(): { ret: number; filestat: wasi.Filestat } {
    return { ret: wasi.ERRNO_SUCCESS, filestat: new wasi.Filestat(0n, wasi.FILETYPE_CHARACTER_DEVICE, 0n) }
  }
}

/** An open directory, possibly a preopen (then it has a name the module can discover). */
export class DirFd extends OpenDirectory {
  readonly prestatName: string | null

  constructor(dir: Directory, prestatName: string | null) {
    super(dir)
    this.prestatName = prestatName
  }

  override fd_prestat_get(): { ret: number; prestat: wasi.Prestat | null } {
    if (this.prestatName === null) return { ret: wasi.ERRNO_BADF, prestat: null }
    return { ret: wasi.ERRNO_SUCCESS, prestat: wasi.Prestat.dir(this.prestatName) }
  }
}

export class OutputFile extends Inode {
  readonly content: ByteBuffer

  constructor(budget: OutputBudget) {
    super()
    this.content = new ByteBuffer(budget)
  }

  get size(): number {
    return this.content.length
  }

  resize(n: number): void {
    this.content.resize(n)
  }

  path_open(oflags: number, _rights: bigint, fdflags: number): { ret: number; fd_obj: Fd | null } {
    if ((oflags & wasi.OFLAGS_DIRECTORY) !== 0) return { ret: wasi.ERRNO_NOTDIR, fd_obj: null }
    if ((oflags & wasi.OFLAGS_TRUNC) !== 0) this.resize(0)
    return { ret: wasi.ERRNO_SUCCESS, fd_obj: new OutputFileFd(this, (fdflags & wasi.FDFLAGS_APPEND) !== 0) }
  }

  stat(): wasi.Filestat {
    return new wasi.Filestat(this.ino, wasi.FILETYPE_REGULAR_FILE, BigInt(this.content.length))
  }
}

class OutputFileFd extends Fd {
  readonly file: OutputFile
  readonly append: boolean
  pos = 0n

  constructor(file: OutputFile, append: boolean) {
    super()
    this.file = file
    this.append = append
  }

  private writeAt(offset: bigint, data: Uint8Array): void {
    const end = offset + BigInt(data.length)
    if (end > BigInt(this.file.content.length)) {
      // an absurd offset is refused by the budget before any allocation
      this.file.resize(end > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(end))
    }
    this.file.content.buf.set(data, Number(offset))
  }

  private readAt(size: number, offset: bigint): Uint8Array {
    const len = this.file.content.length
    const start = offset > BigInt(len) ? len : Number(offset)
    return this.file.content.buf.slice(start, Math.min(len, start + size))
  }

  override fd_write(data: Uint8Array): { ret: number; nwritten: number } {
    if (this.append) this.pos = BigInt(this.file.content.length)
    this.writeAt(this.pos, data)
    this.pos += BigInt(data.length)
    return { ret: wasi.ERRNO_SUCCESS, nwritten: data.length }
  }

  override fd_pwrite(data: Uint8Array, offset: bigint): { ret: number; nwritten: number } {
    this.writeAt(offset, data)
    return { ret: wasi.ERRNO_SUCCESS, nwritten: data.length }
  }

  override fd_read(size: number): { ret: number; data: Uint8Array } {
    const data = this.readAt(size, this.pos)
    this.pos += BigInt(data.length)
    return { ret: wasi.ERRNO_SUCCESS, data }
  }

  override fd_pread(size: number, offset: bigint): { ret: number; data: Uint8Array } {
    return { ret: wasi.ERRNO_SUCCESS, data: this.readAt(size, offset) }
  }

  override fd_seek(offset: bigint, whence: number): { ret: number; offset: bigint } {
    const base =
      whence === wasi.WHENCE_SET
        ? 0n
        : whence === wasi.WHENCE_CUR
          ? this.pos
          : whence === wasi.WHENCE_END
            ? BigInt(this.file.content.length)
            : -1n
    if (base < 0n || base + offset < 0n) return { ret: wasi.ERRNO_INVAL, offset: this.pos }
    this.pos = base + offset
    return { ret: wasi.ERRNO_SUCCESS, offset: this.pos }
  }

  override fd_tell(): { ret: number; offset: bigint } {
    return { ret: wasi.ERRNO_SUCCESS, offset: this.pos }
  }

  override fd_allocate(offset: bigint, len: bigint): number {
    const end = offset + len
    if (end > BigInt(this.file.content.length)) this.writeAt(end, new Uint8Array(0))
    return wasi.ERRNO_SUCCESS
  }

  override fd_filestat_set_size(size: bigint): number {
    this.file.resize(size > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(size))
    return wasi.ERRNO_SUCCESS
  }

  override fd_filestat_get(): { ret: number; filestat: wasi.Filestat } {
    return { ret: wasi.ERRNO_SUCCESS, filestat: this.file.stat() }
  }

  override fd_fdstat_get(): { ret: number; fdstat: wasi.Fdstat | null } {
    return {
      ret: wasi.ERRNO_SUCCESS,
      fdstat: new wasi.Fdstat(wasi.FILETYPE_REGULAR_FILE, this.append ? wasi.FDFLAGS_APPEND : 0),
    }
  }
}

/** Resolves `path` (relative, may contain '.' and '..') to one valid file name, or null. */
function singleName(path: string): string | null {
  const parts: string[] = []
  for (const c of path.split('/')) {
    if (c === '' || c === '.') continue
    if (c === '..') {
      if (parts.pop() === undefined) return null
      continue
    }
    parts.push(c)
  }
  return parts.length === 1 && isValidFileName(parts[0]) ? parts[0] : null
}

export class OutputDir extends Directory {
  readonly budget: OutputBudget

  constructor(budget: OutputBudget) {
    super(new Map())
    this.budget = budget
  }

  override path_open(): { ret: number; fd_obj: OpenDirectory } {
    return { ret: wasi.ERRNO_SUCCESS, fd_obj: new OutputDirFd(this, null) }
  }

  override create_entry_for_path(path: string, isDir: boolean): { ret: number; entry: Inode | null } {
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
  files(): Array<{ name: string; data: Uint8Array }> {
    const out: Array<{ name: string; data: Uint8Array }> = []
    for (const [name, entry] of this.contents) {
      if (entry instanceof OutputFile) out.push({ name, data: entry.content.bytes() })
    }
    return out
  }
}

export class OutputDirFd extends DirFd {
  /** Only renames within /output (allowDir is the shim's rename flag); no hard links. */
  override path_link(path: string, inode: Inode, allowDir: boolean): number {
    if (!allowDir) return wasi.ERRNO_NOTSUP
    if (!(inode instanceof OutputFile)) return wasi.ERRNO_XDEV
    const name = singleName(path)
    if (name === null) return wasi.ERRNO_INVAL
    return super.path_link(name, inode, allowDir)
  }
}
