// The imports one job gets: @bjorn3/browser_wasi_shim's WASI preview 1 over the in-memory
// filesystem of wasi-fs.ts, with everything that could differ between two runs or two
// machines replaced: a virtual clock that only moves when the module looks at it or sleeps,
// random bytes from a keystream seeded by the job, no sockets. Runs inside the worker.
import { createCipheriv } from 'node:crypto'
import { Inode, WASI, wasi } from '@bjorn3/browser_wasi_shim'
import { buildPreopens, emptyStdin } from './wasi-fs.ts'
import { CaptureFd, OutputBudget, type OutputDir } from './wasi-output.ts'
import { AS_ENV_MODULE, WASI_FUNCTIONS, WASI_MODULE } from './wasi-imports.ts'

/** A deliberate trap from the host side (AssemblyScript abort, proc_raise). */
export class HostTrap extends Error {
  static override name = 'HostTrap'
}

export interface HostJob {
  inputs: Array<{ name: string; data: Uint8Array }>
  /** argv including argv[0]. */
  args: string[]
  /** 'KEY=value' entries. */
  env: string[]
  /** 32 bytes: the key of the random_get keystream. */
  seed: Uint8Array
  outputBytes: number
  maxOutputFiles: number
  stderrCap: number
  /** every stderr write, as it happens (live job output); stdout has no such tap */
  onStderr?: (data: Uint8Array) => void
}

export interface Host {
  imports: WebAssembly.Imports
  wasi: WASI
  stdout: CaptureFd
  stderr: CaptureFd
  outputDir: OutputDir
  budget: OutputBudget
}

/** Virtual wall clock starts at 2000-01-01T00:00:00Z; every look at a clock costs 1 µs. */
const EPOCH_NS = 946_684_800n * 1_000_000_000n
const TICK_NS = 1000n
const MAX_OPEN_FDS = 1024
const MAX_POLL_SUBSCRIPTIONS = 1024
const RANDOM_CHUNK = 65536

export function createHost(job: HostJob): Host {
  // The shim numbers inodes from a global counter: restart it so that stat() results do
  // not depend on what this worker ran before.
  const inodes = Inode as unknown as { next_ino: bigint } // a private static in the shim's typings
  inodes.next_ino = 1n
  const budget = new OutputBudget(job.outputBytes, job.maxOutputFiles)
  const stdout = new CaptureFd(budget)
  const stderr = new CaptureFd(null, job.stderrCap, job.onStderr)
  const { input, output, outputDir } = buildPreopens(job.inputs, budget)
  // the shim logs by default
  const w = new WASI(job.args, job.env, [emptyStdin(), stdout, stderr, input, output], { debug: false })
  const memory = (): WebAssembly.Memory => w.inst.exports.memory
  const view = (): DataView => new DataView(memory().buffer)

  let clockNs = 0n
  const now = (id: number): bigint => (id === wasi.CLOCKID_REALTIME ? EPOCH_NS + clockNs : clockNs)
  const cipher = createCipheriv('aes-256-ctr', job.seed, new Uint8Array(16))
  const random = (n: number): Uint8Array => new Uint8Array(cipher.update(new Uint8Array(n)))

  const base = w.wasiImport
  const basePathOpen = base.path_open
  const overrides: Record<string, (...args: never[]) => unknown> = {
    args_sizes_get(argcPtr: number, sizePtr: number): number {
      // the shim counts UTF-16 units instead of UTF-8 bytes
      let size = 0
      for (const a of w.args) size += new TextEncoder().encode(a).length + 1
      view().setUint32(argcPtr, w.args.length, true)
      view().setUint32(sizePtr, size, true)
      return wasi.ERRNO_SUCCESS
    },
    clock_res_get(id: number, resPtr: number): number {
      if (id < 0 || id > 3) return wasi.ERRNO_INVAL
      view().setBigUint64(resPtr, TICK_NS, true)
      return wasi.ERRNO_SUCCESS
    },
    clock_time_get(id: number, _precision: bigint, timePtr: number): number {
      if (id < 0 || id > 3) return wasi.ERRNO_INVAL
      clockNs += TICK_NS
      view().setBigUint64(timePtr, now(id), true)
      return wasi.ERRNO_SUCCESS
    },
    poll_oneoff(inPtr: number, outPtr: number, n: number, neventsPtr: number): number {
      if (n === 0 || n > MAX_POLL_SUBSCRIPTIONS) return wasi.ERRNO_INVAL
      const v = view()
      // in-memory fds are always ready: report those; otherwise sleep (virtually) until
      // the earliest clock subscription fires
      let events = 0
      let earliest: { userdata: bigint; wake: bigint } | null = null
      for (let i = 0; i < n; i++) {
        const s = inPtr + i * 48
        const userdata = v.getBigUint64(s, true)
        const tag = v.getUint8(s + 8)
        if (tag === wasi.EVENTTYPE_CLOCK) {
          const id = v.getUint32(s + 16, true)
          if (id > 3) return wasi.ERRNO_INVAL
          const timeout = v.getBigUint64(s + 24, true)
          const absolute = (v.getUint16(s + 40, true) & 1) !== 0
          const wake = absolute ? timeout - now(id) + clockNs : clockNs + timeout
          if (earliest === null || wake < earliest.wake) earliest = { userdata, wake }
        } else {
          writeEvent(v, outPtr + events * 32, userdata, tag)
          events++
        }
      }
      if (events === 0 && earliest !== null) {
        if (earliest.wake > clockNs) clockNs = earliest.wake
        writeEvent(v, outPtr, earliest.userdata, wasi.EVENTTYPE_CLOCK)
        events = 1
      }
      v.setUint32(neventsPtr, events, true)
      return wasi.ERRNO_SUCCESS
    },
    random_get(ptr: number, len: number): number {
      const mem = new Uint8Array(memory().buffer)
      if (ptr + len > mem.length) return wasi.ERRNO_FAULT
      for (let at = 0; at < len; at += RANDOM_CHUNK) mem.set(random(Math.min(RANDOM_CHUNK, len - at)), ptr + at)
      return wasi.ERRNO_SUCCESS
    },
    path_open(...args: number[]): number {
      // lowest free descriptor first (as POSIX does), and a bound on open descriptors
      let open = 0
      let free = -1
      for (let i = 0; i < w.fds.length; i++) {
        if (w.fds[i] !== undefined) open++
        else if (free < 0) free = i
      }
      if (open >= MAX_OPEN_FDS) return wasi.ERRNO_MFILE
      const ret = (basePathOpen as (...a: number[]) => number)(...args)
      if (ret !== wasi.ERRNO_SUCCESS || free < 0) return ret
      const fd = w.fds.pop()
      if (fd !== undefined) w.fds[free] = fd
      view().setUint32(args[8], free, true)
      return ret
    },
    proc_raise(sig: number): number {
      throw new HostTrap(`proc_raise(${sig})`)
    },
    sched_yield(): number {
      return wasi.ERRNO_SUCCESS
    },
    sock_accept(): number {
      return wasi.ERRNO_NOTSUP
    },
    sock_recv(): number {
      return wasi.ERRNO_NOTSUP
    },
    sock_send(): number {
      return wasi.ERRNO_NOTSUP
    },
    sock_shutdown(): number {
      return wasi.ERRNO_NOTSUP
    },
  }
  const wasiImports: Record<string, unknown> = {}
  for (const name of WASI_FUNCTIONS) wasiImports[name] = overrides[name] ?? base[name] ?? (() => wasi.ERRNO_NOSYS)

  const asEnv = {
    abort(msg: number, file: number, line: number, col: number): never {
      throw new HostTrap(`abort: ${readAsString(memory(), msg)} at ${readAsString(memory(), file)}:${line}:${col}`)
    },
    seed(): number {
      const b = random(8)
      return Number(new DataView(b.buffer).getBigUint64(0) >> 11n) / 2 ** 53
    },
    trace(msg: number, n: number, ...values: number[]): void {
      const line = `trace: ${readAsString(memory(), msg)} ${values.slice(0, Math.max(0, Math.min(n, 5))).join(', ')}\n`
      stderr.fd_write(new TextEncoder().encode(line))
    },
  }
  return {
    imports: { [WASI_MODULE]: wasiImports as WebAssembly.ModuleImports, [AS_ENV_MODULE]: asEnv },
    wasi: w,
    stdout,
    stderr,
    outputDir,
    budget,
  }
}

function writeEvent(v: DataView, at: number, userdata: bigint, type: number): void {
  v.setBigUint64(at, userdata, true)
  v.setUint16(at + 8, wasi.ERRNO_SUCCESS, true)
  v.setUint8(at + 10, type)
  v.setBigUint64(at + 16, 0n, true)
  v.setUint16(at + 24, 0, true)
}

/** An AssemblyScript string: UTF-16LE, byte length in the u32 before it; bounded for messages. */
function readAsString(memory: WebAssembly.Memory, ptr: number): string {
  if (ptr === 0) return 'null'
  const buf = memory.buffer
  if (ptr < 4 || ptr > buf.byteLength) return '?'
  const len = Math.min(new DataView(buf).getUint32(ptr - 4, true), 2048, buf.byteLength - ptr) & ~1
  return new TextDecoder('utf-16le').decode(new Uint8Array(buf, ptr, len))
}
