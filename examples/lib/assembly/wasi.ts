// A small WASI preview 1 library for the example jobs: arguments, stdout/stderr, reading
// the files of /input and writing files to /output. Only wasi_snapshot_preview1 imports.

@external("wasi_snapshot_preview1", "fd_write")
declare function fd_write(fd: u32, iovs: usize, iovsLen: usize, nwritten: usize): u16
@external("wasi_snapshot_preview1", "fd_read")
declare function fd_read(fd: u32, iovs: usize, iovsLen: usize, nread: usize): u16
@external("wasi_snapshot_preview1", "fd_close")
declare function fd_close(fd: u32): u16
@external("wasi_snapshot_preview1", "fd_prestat_get")
declare function fd_prestat_get(fd: u32, buf: usize): u16
@external("wasi_snapshot_preview1", "fd_prestat_dir_name")
declare function fd_prestat_dir_name(fd: u32, path: usize, len: usize): u16
@external("wasi_snapshot_preview1", "fd_readdir")
declare function fd_readdir(fd: u32, buf: usize, bufLen: usize, cookie: u64, bufused: usize): u16
@external("wasi_snapshot_preview1", "path_open")
declare function path_open(dirfd: u32, dirflags: u32, path: usize, pathLen: usize, oflags: u16,
  rightsBase: u64, rightsInheriting: u64, fdflags: u16, fdOut: usize): u16
@external("wasi_snapshot_preview1", "args_sizes_get")
declare function args_sizes_get(argc: usize, bufSize: usize): u16
@external("wasi_snapshot_preview1", "args_get")
declare function args_get(argv: usize, buf: usize): u16
@external("wasi_snapshot_preview1", "proc_exit")
declare function proc_exit(code: u32): void

const RIGHT_FD_READ: u64 = 1 << 1
const RIGHT_FD_WRITE: u64 = 1 << 6
const OFLAG_CREAT: u16 = 1
const OFLAG_TRUNC: u16 = 8

// scratch space for out-parameters
const scratch = memory.data(16)

export function exit(code: u32): void {
  proc_exit(code)
}

function writeAll(fd: u32, ptr: usize, len: usize): bool {
  const iov = memory.data(8)
  while (len > 0) {
    store<u32>(iov, <u32>ptr)
    store<u32>(iov, <u32>len, 4)
    if (fd_write(fd, iov, 1, scratch) != 0) return false
    const n = <usize>load<u32>(scratch)
    if (n == 0) return false
    ptr += n
    len -= n
  }
  return true
}

export function writeString(fd: u32, s: string): void {
  const bytes = String.UTF8.encode(s)
  writeAll(fd, changetype<usize>(bytes), <usize>bytes.byteLength)
}

export function print(s: string): void { writeString(1, s) }
export function eprint(s: string): void { writeString(2, s) }

/** argv[1..]. */
export function args(): string[] {
  if (args_sizes_get(scratch, scratch + 4) != 0) return []
  const argc = load<u32>(scratch)
  const size = load<u32>(scratch + 4)
  const argv = new ArrayBuffer(<i32>argc * 4)
  const buf = new ArrayBuffer(<i32>size)
  if (args_get(changetype<usize>(argv), changetype<usize>(buf)) != 0) return []
  const out = new Array<string>()
  for (let i: u32 = 1; i < argc; i++) {
    const p = load<u32>(changetype<usize>(argv) + i * 4)
    out.push(String.UTF8.decodeUnsafe(p, cstrlen(p)))
  }
  return out
}

function cstrlen(p: usize): usize {
  let n: usize = 0
  while (load<u8>(p + n) != 0) n++
  return n
}

/** The descriptor of the preopened directory called `name` (e.g. "/input"), or -1. */
export function preopen(name: string): i32 {
  for (let fd: u32 = 3; fd < 64; fd++) {
    if (fd_prestat_get(fd, scratch) != 0) break
    const len = load<u32>(scratch, 4)
    const buf = new ArrayBuffer(<i32>len)
    if (fd_prestat_dir_name(fd, changetype<usize>(buf), len) != 0) continue
    if (String.UTF8.decode(buf) == name) return <i32>fd
  }
  return -1
}

/** Names in a directory (without "." and ".."), sorted. */
export function listDir(dirfd: i32): string[] {
  let size = 4096
  while (true) {
    const buf = new ArrayBuffer(size)
    const base = changetype<usize>(buf)
    if (fd_readdir(<u32>dirfd, base, <usize>size, 0, scratch) != 0) return []
    const used = <i32>load<u32>(scratch)
    if (used >= size) { size *= 2; continue } // the listing did not fit: retry with more room
    const names = new Array<string>()
    let at = 0
    while (at + 24 <= used) {
      const namlen = <i32>load<u32>(base + at, 16)
      const name = String.UTF8.decodeUnsafe(base + at + 24, namlen)
      if (name != "." && name != "..") names.push(name)
      at += 24 + namlen
    }
    names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    return names
  }
}

function open(dirfd: i32, name: string, oflags: u16, rights: u64): i32 {
  const path = String.UTF8.encode(name)
  const err = path_open(<u32>dirfd, 0, changetype<usize>(path), <usize>path.byteLength, oflags, rights, 0, 0, scratch)
  return err == 0 ? <i32>load<u32>(scratch) : -<i32>err
}

/** A file's bytes, or null when it cannot be opened (the WASI error goes to stderr). */
export function readFile(dirfd: i32, name: string): Uint8Array | null {
  const fd = open(dirfd, name, 0, RIGHT_FD_READ)
  if (fd < 0) {
    eprint("cannot open " + name + ": wasi errno " + (-fd).toString() + "\n")
    return null
  }
  let data = new Uint8Array(65536)
  let len = 0
  const iov = memory.data(8)
  while (true) {
    if (len == data.length) {
      const bigger = new Uint8Array(data.length * 2)
      bigger.set(data)
      data = bigger
    }
    store<u32>(iov, <u32>(data.dataStart + len))
    store<u32>(iov, <u32>(data.length - len), 4)
    if (fd_read(<u32>fd, iov, 1, scratch) != 0) break
    const n = <i32>load<u32>(scratch)
    if (n == 0) break
    len += n
  }
  fd_close(<u32>fd)
  return data.subarray(0, len)
}

export function writeFile(dirfd: i32, name: string, data: Uint8Array): bool {
  const fd = open(dirfd, name, OFLAG_CREAT | OFLAG_TRUNC, RIGHT_FD_WRITE)
  if (fd < 0) {
    eprint("cannot create " + name + ": wasi errno " + (-fd).toString() + "\n")
    return false
  }
  const ok = writeAll(<u32>fd, data.dataStart, <usize>data.length)
  fd_close(<u32>fd)
  return ok
}

export function writeTextFile(dirfd: i32, name: string, text: string): bool {
  return writeFile(dirfd, name, Uint8Array.wrap(String.UTF8.encode(text)))
}

/** Replaces AssemblyScript's env.abort (build with --use abort=...): message to stderr, then trap. */
export function abortToStderr(message: string | null, fileName: string | null, line: u32, column: u32): void {
  eprint("abort: " + (message === null ? "" : message) + " at " + (fileName === null ? "?" : fileName) +
    ":" + line.toString() + ":" + column.toString() + "\n")
  unreachable()
}
