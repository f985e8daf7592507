// A log file in the data dir rotated by size: hive.log grows to `maxBytes`, then becomes
// hive.log.1 (hive.log.1 becomes .2, …) and the oldest beyond `keep` is deleted. Synchronous
// writes: a line is on disk before the next, and a crash loses at most the line being written.
// Mode 0600: the log names peers and jobs this node dealt with, which is its operator's business.
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { Writable } from 'node:stream'

export interface RotatingFileInit {
  path: string
  /** rotate before a write would take the file past this (default 10 MiB) */
  maxBytes?: number
  /** rotated files kept besides the current one (default 5) */
  keep?: number
}

export class RotatingFile extends Writable {
  readonly path: string
  private readonly maxBytes: number
  private readonly keep: number
  private fd: number
  private size: number

  constructor(init: RotatingFileInit) {
    super({ decodeStrings: true })
    this.path = init.path
    this.maxBytes = init.maxBytes ?? 10 * 1024 * 1024
    this.keep = init.keep ?? 5
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 })
    this.fd = openSync(this.path, 'a', 0o600)
    this.size = fstatSync(this.fd).size
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    try {
      this.writeNow(chunk)
      done()
    } catch (err) {
      done(err as Error)
    }
  }

  /** Writes at once (pino's sync destinations call write and expect it done). */
  writeNow(chunk: Buffer): void {
    if (this.size > 0 && this.size + chunk.byteLength > this.maxBytes) this.rotate()
    writeSync(this.fd, chunk)
    this.size += chunk.byteLength
  }

  override _final(done: (err?: Error | null) => void): void {
    try {
      closeSync(this.fd)
      done()
    } catch (err) {
      done(err as Error)
    }
  }

  private rotate(): void {
    closeSync(this.fd)
    const oldest = `${this.path}.${this.keep}`
    if (existsSync(oldest)) rmSync(oldest)
    for (let i = this.keep - 1; i >= 1; i--) {
      const from = `${this.path}.${i}`
      if (existsSync(from)) renameSync(from, `${this.path}.${i + 1}`)
    }
    if (this.keep > 0) renameSync(this.path, `${this.path}.1`)
    else rmSync(this.path)
    this.fd = openSync(this.path, 'a', 0o600)
    this.size = 0
  }
}
