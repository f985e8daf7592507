// Real disk faults for a node's data dir (issue 16, scenario 8), all needing root:
//   - a full disk: a small tmpfs, filled by a file until the kernel answers ENOSPC;
//   - a failing disk: faultfs.py, a FUSE pass-through over a backing directory whose fsync or
//     write calls fail with EIO on command (Debian's python3-fusepy, installed here when missing).
// Either way the error reaches LevelDB from the kernel, as a real disk's would.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'

const FAULTFS = resolve(import.meta.dirname, 'faultfs.py')
const PYTHON = '/usr/bin/python3'
const FUSEPY = '/usr/lib/python3/dist-packages/fusepy.py'

/** what faultfs makes fail: nothing, fsync/fdatasync, or write */
export type DiskFaultMode = 'ok' | 'fsync' | 'write'

/** Why these faults cannot be made here (not root, no FUSE, no python3-fusepy), or undefined. */
export function diskFaultsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs or a FUSE file system needs root (CI runs as root)'
  if (!existsSync('/dev/fuse')) return 'this kernel offers no FUSE (/dev/fuse is missing)'
  if (!existsSync(PYTHON)) return `${PYTHON} is missing (Debian's python3)`
  if (!existsSync(FUSEPY)) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    let r = spawnSync('apt-get', ['install', '-y', '-q', 'python3-fusepy'], { encoding: 'utf8', env })
    if (r.status !== 0) {
      spawnSync('apt-get', ['update', '-q'], { encoding: 'utf8', env })
      r = spawnSync('apt-get', ['install', '-y', '-q', 'python3-fusepy'], { encoding: 'utf8', env })
    }
    if (r.status !== 0 || !existsSync(FUSEPY))
      return `apt-get install -y python3-fusepy failed (${r.status ?? r.signal}): ${String(r.stderr).slice(-300)}`
  }
  return undefined
}

/** A mounted file system a node's data dir can live on; `unmount()` takes it away. */
export interface FaultyDisk {
  /** the mount point: put the data dir under it */
  readonly path: string
  /** makes the disk fail (or work again) from the next call on */
  fail(mode: DiskFaultMode): void
  unmount(): Promise<void>
}

/** A tmpfs of `sizeMiB` at `dir`; `fail('write')` fills it (ENOSPC), `fail('ok')` frees the space. */
export function mountSmallTmpfs(dir: string, sizeMiB = 24): FaultyDisk {
  mkdirSync(dir, { recursive: true })
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0700`, 'tmpfs', dir], { stdio: 'pipe' })
  const filler = join(dir, 'filler')
  return {
    path: dir,
    fail(mode) {
      if (mode === 'ok') rmSync(filler, { force: true })
      else fillDisk(filler)
    },
    async unmount() {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' })
    },
  }
}

/** writes zeros into `path` until the file system is full (ENOSPC) */
export function fillDisk(path: string): void {
  const fd = openSync(path, 'w')
  const chunk = Buffer.alloc(64 * 1024)
  try {
    for (;;) writeSync(fd, chunk)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err
  } finally {
    closeSync(fd)
  }
}

/**
 * faultfs.py over `<dir>/backing`, mounted at `<dir>/disk`; resolves once the mount answers.
 * Call diskFaultsUnavailable() first.
 */
export async function mountFaultFs(dir: string): Promise<FaultyDisk & { failedCalls: () => number }> {
  const backing = join(dir, 'backing')
  const path = join(dir, 'disk')
  const control = join(dir, 'faultfs-control')
  mkdirSync(backing, { recursive: true })
  mkdirSync(path, { recursive: true })
  writeFileSync(control, 'ok')
  const child: ChildProcess = spawn(PYTHON, [FAULTFS, backing, path, control], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let failedCalls = 0
  let stderr = ''
  createInterface({ input: child.stderr! }).on('line', (line) => {
    if (/failed with EIO/.test(line)) failedCalls++
    else stderr = (stderr + line + '\n').slice(-2000)
  })
  const exited = new Promise<void>((res) => child.once('exit', () => res()))
  await new Promise<void>((res, reject) => {
    const fail = (why: string): void => reject(new Error(`faultfs did not mount at ${path}: ${why} ${stderr}`))
    const timer = setTimeout(() => fail('no answer in 10 s'), 10_000)
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer)
      if (line === 'mounted') res()
      else fail(line)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      fail(`it exited with ${String(code)}`)
    })
  })
  return {
    path,
    fail(mode) {
      writeFileSync(control, mode)
    },
    failedCalls: () => failedCalls,
    async unmount() {
      writeFileSync(control, 'ok')
      // lazy: a node that still holds a file open must not keep the mount (and this process) alive
      spawnSync('umount', ['-l', path], { stdio: 'pipe' })
      const hard = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(hard)
    },
  }
}
