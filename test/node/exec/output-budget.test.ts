// Unit level (issue 11 item 7): what the output budget counts is what the job's output buffers
// really hold — the bytes allocated (capacity), not the bytes in use (length) — whatever the
// module does with its files: write, grow byte by byte, truncate, rewrite, unlink.
import { wasi, type Fd } from '@bjorn3/browser_wasi_shim'
import { expect } from 'chai'
import {
  CaptureFd,
  OutputBudget,
  OutputDir,
  OutputDirFd,
  OutputFile,
  OutputLimitExceeded,
} from '../../../node/exec/wasi-output.ts'

const MiB = 1024 * 1024
const CREATE_TRUNC = wasi.OFLAGS_CREAT | wasi.OFLAGS_TRUNC

interface Job {
  budget: OutputBudget
  dir: OutputDirFd
  stdout: CaptureFd
  files: OutputFile[]
}

function jobOf(limit: number, maxFiles = 256): Job {
  const budget = new OutputBudget(limit, maxFiles)
  return { budget, dir: new OutputDirFd(new OutputDir(budget), '/output'), stdout: new CaptureFd(budget), files: [] }
}

function open(job: Job, name: string, oflags = CREATE_TRUNC): Fd {
  const opened = job.dir.path_open(0, name, oflags, -1n, 0n, 0)
  expect(opened.ret, `open ${name}`).to.equal(wasi.ERRNO_SUCCESS)
  const file = (job.dir.dir.contents as Map<string, unknown>).get(name)
  if (file instanceof OutputFile && !job.files.includes(file)) job.files.push(file)
  return opened.fd_obj as Fd
}

/** bytes the job's output buffers hold right now (every file ever created, unlinked or not) */
function allocated(job: Job): number {
  return job.stdout.data.buf.byteLength + job.files.reduce((n, f) => n + f.content.buf.byteLength, 0)
}

function overLimit(fn: () => unknown): OutputLimitExceeded {
  try {
    fn()
  } catch (err) {
    expect(err).to.be.instanceOf(OutputLimitExceeded)
    return err as OutputLimitExceeded
  }
  return expect.fail('expected OutputLimitExceeded')
}

describe('node/exec output budget: accounted bytes equal the real allocation', () => {
  it('truncating a file keeps its allocation counted: the next file cannot reuse the budget', () => {
    const job = jobOf(1 * MiB)
    const a = open(job, 'a')
    a.fd_write(new Uint8Array(MiB))
    expect(a.fd_filestat_set_size(0n)).to.equal(wasi.ERRNO_SUCCESS)
    expect(job.budget.used).to.equal(allocated(job))
    const b = open(job, 'b')
    overLimit(() => b.fd_write(new Uint8Array(MiB)))
    expect(job.budget.used).to.equal(allocated(job))
    expect(allocated(job)).to.be.at.most(MiB)
  })

  it('reopening with O_TRUNC and rewriting the same file reuses its allocation', () => {
    const job = jobOf(1 * MiB)
    for (let i = 0; i < 5; i++) {
      const a = open(job, 'a')
      expect(a.fd_write(new Uint8Array(MiB)).ret).to.equal(wasi.ERRNO_SUCCESS)
      expect(job.budget.used).to.equal(allocated(job))
    }
    expect(allocated(job)).to.equal(MiB)
  })

  it('unlinking does not give bytes back (an open descriptor may still hold them)', () => {
    const job = jobOf(1 * MiB)
    const a = open(job, 'a')
    a.fd_write(new Uint8Array(MiB))
    expect(job.dir.path_unlink_file('a')).to.equal(wasi.ERRNO_SUCCESS)
    overLimit(() => open(job, 'b').fd_write(new Uint8Array(1)))
    expect(job.budget.used).to.equal(allocated(job))
  })

  it('byte-at-a-time writers: growth slack is counted, and given back before an honest write fails', () => {
    const limit = 300_000
    const job = jobOf(limit)
    const a = open(job, 'a')
    const one = new Uint8Array(1)
    for (let i = 0; i < 100_000; i++) a.fd_write(one)
    for (let i = 0; i < 100_000; i++) job.stdout.fd_write(one)
    expect(job.budget.used).to.equal(allocated(job))
    // the last 100 000 bytes fit exactly, although the doubling buffers above reserved more
    const b = open(job, 'b')
    expect(b.fd_write(new Uint8Array(100_000)).ret).to.equal(wasi.ERRNO_SUCCESS)
    expect(job.budget.used).to.equal(allocated(job))
    expect(allocated(job)).to.equal(limit)
    overLimit(() => job.stdout.fd_write(one))
  })

  it('holds at most the limit under any mix of writes, truncations, reopenings and far writes', () => {
    const limit = 256 * 1024
    const job = jobOf(limit, 8)
    let seed = 7
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed % n
    }
    const fds: Fd[] = []
    let refused = 0
    for (let step = 0; step < 2000; step++) {
      try {
        const op = rnd(5)
        const oflags = rnd(2) === 0 ? CREATE_TRUNC : wasi.OFLAGS_CREAT
        if (op === 0 || fds.length === 0) fds.push(open(job, `f${rnd(8)}`, oflags))
        else if (op === 1) fds[rnd(fds.length)].fd_write(new Uint8Array(rnd(40_000)))
        else if (op === 2) fds[rnd(fds.length)].fd_filestat_set_size(BigInt(rnd(60_000)))
        else if (op === 3) fds[rnd(fds.length)].fd_pwrite(new Uint8Array(rnd(1000)), BigInt(rnd(100_000)))
        else job.stdout.fd_write(new Uint8Array(rnd(2000)))
      } catch (err) {
        if (!(err instanceof OutputLimitExceeded)) throw err
        refused++
      }
      expect(job.budget.used, `step ${step}`).to.equal(allocated(job))
      expect(allocated(job), `step ${step}`).to.be.at.most(limit)
    }
    expect(refused, 'the walk ran into the limit').to.be.greaterThan(10)
  })

  it('stderr keeps at most its cap, allocation included', () => {
    const stderr = new CaptureFd(null, 1000)
    for (let i = 0; i < 3000; i++) stderr.fd_write(new Uint8Array(1))
    expect(stderr.data.length).to.equal(1000)
    expect(stderr.data.buf.byteLength).to.be.at.most(1000)
  })
})
