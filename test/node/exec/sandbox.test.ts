// Sandbox: every way a job can misbehave fails cleanly with a typed error, and the same
// executor keeps serving normal jobs during and after each failure.
import { expect } from 'chai'
import { WasmExecutor } from '../../../node/exec/index.ts'
import { expectExecError, expectHello, fixture, helloModule, job, str, text, wat } from './harness.ts'

const LOOP = `(module (memory (export "memory") 1) (func (export "_start") (loop $l (br $l))))`

// grows one page at a time; when a grow fails it traps (what a C or AssemblyScript
// allocator does when it cannot get memory)
const GROW_UNTIL_TRAP = `(module (memory (export "memory") 1)
  (func (export "_start") (loop $l
    (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1)) (then unreachable))
    (br $l))))`

// asks for 1000 pages at once, far past the cap, without coming near it first
const GROW_HUGE = `(module (memory (export "memory") 1)
  (func (export "_start") (if (i32.eq (memory.grow (i32.const 1000)) (i32.const -1)) (then unreachable))))`

// handles the refused grow itself and exits with code 7: a result, not an error
const GROW_GRACEFUL =
  `(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (if (i32.eq (memory.grow (i32.const 1000)) (i32.const -1)) (then (call` +
  ` $exit (i32.const 7))))))`

// writes 64 KiB to stdout forever
const STDOUT_FLOOD = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 1024)) (i32.store (i32.const 4) (i32.const 65536))
    (loop $l (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))) (br $l))))`

// creates /output/big and writes one byte at offset 2^40
const PWRITE_FAR =
  `(module
  (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_pwrite" (func $pwrite (param i32 i32 i32 i64 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "big")
  (func (export "_start")
    (drop (call $open (i32.const 4) (i32.const 0) (i32.const 100) (i32.const 3) (i32.const 1)` +
  ` (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 200)))
    (i32.store (i32.const 0) (i32.const 100)) (i32.store (i32.const 4) (i32.const 1))
    (drop (call $pwrite (i32.load (i32.const 200)) (i32.const 0) (i32.const 1) (i64.const` +
  ` 1099511627776) (i32.const 8)))))`

const RECURSE = `(module (memory (export "memory") 1)
  (func $f (param i32) (result i32) (i32.add (call $f (local.get 0)) (i32.const 1)))
  (func (export "_start") (drop (call $f (i32.const 0)))))`

describe('node/exec sandbox', function () {
  this.timeout(60_000)
  const ex = new WasmExecutor({ poolSize: 2 })
  let hello: Uint8Array
  before(async () => {
    await ex.start()
    hello = await helloModule()
  })
  after(async () => {
    await ex.stop()
  })

  /** Runs `failing` and a normal job at the same time; the normal one must not wait for it. */
  async function failsWhileServing<T>(failing: Promise<T>): Promise<T> {
    const t0 = performance.now()
    const normal = await ex.run(job(hello))
    expectHello(normal)
    const normalMs = performance.now() - t0
    const out = await failing
    expectHello(await ex.run(job(hello))) // and after the failure, on the same executor
    return Object.assign(out as object, { normalMs }) as T
  }

  it('stops an infinite loop at the wall-time limit', async () => {
    const loop = await wat(LOOP)
    const t0 = performance.now()
    const err = await failsWhileServing(
      expectExecError(ex.run(job(loop, { limits: { wallTimeMs: 1500 } as never })), 'EXEC_TIMEOUT'),
    )
    const elapsed = performance.now() - t0
    expect(err.details.limit).to.equal(1500)
    expect(elapsed).to.be.within(1490, 3500)
    // the normal job finished long before the loop was stopped: served while it spun
    expect((err as unknown as { normalMs: number }).normalMs).to.be.below(1000)
  })

  it('fails a module that grows memory past the limit with EXEC_MEMORY_LIMIT', async () => {
    const limits = { memoryBytes: 1024 * 1024 } as never // 16 pages
    const err = await failsWhileServing(
      expectExecError(ex.run(job(await wat(GROW_UNTIL_TRAP), { limits })), 'EXEC_MEMORY_LIMIT'),
    )
    expect(err.details.limit).to.equal(1024 * 1024)
    expect(err.details.used).to.equal(1024 * 1024)
    expect(err.details.requested).to.equal(1024 * 1024 + 65536)

    const huge = await expectExecError(ex.run(job(await wat(GROW_HUGE), { limits })), 'EXEC_MEMORY_LIMIT')
    expect(huge.details.used).to.equal(65536)
    expect(huge.details.requested).to.equal(1001 * 65536)

    const graceful = await ex.run(job(await wat(GROW_GRACEFUL), { limits }))
    expect(graceful.exitCode).to.equal(7)
    expect(graceful.metering.peakMemoryBytes).to.equal(65536)

    const declared = await wat('(module (memory (export "memory") 100) (func (export "_start")))')
    const atLoad = await expectExecError(ex.run(job(declared, { limits })), 'EXEC_MEMORY_LIMIT')
    expect(atLoad.details.requested).to.equal(100 * 65536)
    expectHello(await ex.run(job(hello)))
  })

  it('fails output over the limit, on stdout or in a file, without allocating it', async () => {
    const limits = { outputBytes: 200_000 } as never
    const flood = await failsWhileServing(
      expectExecError(ex.run(job(await wat(STDOUT_FLOOD), { limits })), 'EXEC_OUTPUT_LIMIT'),
    )
    expect(flood.details.limit).to.equal(200_000)
    expect(flood.details.used).to.equal(4 * 65536) // stopped at the first write that crossed it
    const far = await expectExecError(ex.run(job(await wat(PWRITE_FAR), { limits })), 'EXEC_OUTPUT_LIMIT')
    expect(far.details.used).to.equal(2 ** 40 + 1)
    expectHello(await ex.run(job(hello)))
  })

  it('gives no way out of /input and /output: absolute paths, .. and unknown descriptors fail', async () => {
    const probe = await fixture('fs-probe.wat')
    const inputs = [{ name: 'a.txt', data: text('secret-free input') }]
    const run = async (...args: string[]): Promise<{ exitCode: number; stdout: string }> => {
      const r = await ex.run(job(probe, { inputs, args }))
      return { exitCode: r.exitCode, stdout: str(r.stdout) }
    }
    expect(await run('r', '3', 'a.txt')).to.deep.equal({ exitCode: 0, stdout: 'secret-free input' })
    // '..' is resolved lexically inside the preopen (x need not exist); it can never climb out
    expect(await run('r', '3', './x/../a.txt')).to.deep.equal({ exitCode: 0, stdout: 'secret-free input' })
    expect(await run('r', '3', 'nope.txt')).to.deep.equal({ exitCode: 100 + 44, stdout: '' }) // NOENT
    const NOTCAPABLE = 100 + 76
    for (const path of [
      '/etc/passwd',
      '../etc/passwd',
      '../../../../etc/passwd',
      '..',
      '/',
      import.meta.filename,
      '../input/a.txt',
    ]) {
      expect((await run('r', '3', path)).exitCode, path).to.equal(NOTCAPABLE)
      expect((await run('r', '4', path)).exitCode, path).to.equal(NOTCAPABLE)
    }
    expect((await run('r', '5', 'a.txt')).exitCode).to.equal(100 + 8) // BADF: nothing else is open
    expect((await run('r', '9', '/etc/passwd')).exitCode).to.equal(100 + 8)
    expect((await run('r', '0', 'etc/passwd')).exitCode).to.not.equal(0) // stdin is not a directory
  })

  it('keeps /input read-only and /output flat', async () => {
    const probe = await fixture('fs-probe.wat')
    const inputs = [{ name: 'a.txt', data: text('original') }]
    const run = async (...args: string[]): Promise<number> => (await ex.run(job(probe, { inputs, args }))).exitCode
    const PERM = 100 + 63
    const ROFS = 100 + 69
    const BADF = 100 + 8
    expect(await run('c', '3', 'a.txt')).to.equal(PERM) // open for writing
    expect(await run('c', '3', 'new.txt')).to.equal(ROFS)
    expect(await run('m', '3', 'dir')).to.equal(ROFS)
    expect(await run('u', '3', 'a.txt')).to.equal(ROFS)
    expect(await run('n', '3', 'a.txt')).to.equal(ROFS)
    expect(await run('w', '3', 'a.txt')).to.equal(BADF)
    expect(await run('t', '3', 'a.txt')).to.equal(BADF)
    expect(await run('m', '4', 'sub')).to.equal(PERM)
    const created = await ex.run(job(probe, { inputs, args: ['c', '4', 'made.txt'] }))
    expect(created.exitCode).to.equal(0)
    expect(created.outputs.map((o) => [o.name, str(o.data)])).to.deep.equal([['made.txt', 'm']])
    expect(await run('c', '4', 'bad\\name')).to.equal(100 + 28) // INVAL: not a portable name
  })

  it('refuses forbidden imports and invalid modules before running them', async () => {
    const envImport = await wat(
      '(module (import "env" "now" (func)) (memory (export "memory") 1) (func (export "_start")))',
    )
    const e1 = await failsWhileServing(expectExecError(ex.run(job(envImport)), 'EXEC_FORBIDDEN_IMPORT'))
    expect(e1.details).to.include({ module: 'env', name: 'now' })
    const memImport = await wat(
      '(module (import "wasi_snapshot_preview1" "memory" (memory 1)) (func (export "_start")))',
    )
    expect((await expectExecError(ex.run(job(memImport)), 'EXEC_FORBIDDEN_IMPORT')).details.kind).to.equal('memory')
    const notWasi = await wat(
      '(module (import "wasi_unstable" "fd_write" (func)) (memory (export "memory") 1) (func (export "_start")))',
    )
    await expectExecError(ex.run(job(notWasi)), 'EXEC_FORBIDDEN_IMPORT')

    await failsWhileServing(expectExecError(ex.run(job(text('definitely not wasm'))), 'EXEC_INVALID_MODULE'))
    await expectExecError(ex.run(job(hello.subarray(0, hello.length - 3))), 'EXEC_INVALID_MODULE')
    await expectExecError(ex.run(job(new Uint8Array(0))), 'EXEC_INVALID_MODULE')
    const noStart = await wat('(module (memory (export "memory") 1))')
    await expectExecError(ex.run(job(noStart)), 'EXEC_INVALID_MODULE')
    const shared = await wat('(module (memory (export "memory") 1 2 shared) (func (export "_start")))')
    expect((await expectExecError(ex.run(job(shared)), 'EXEC_INVALID_MODULE')).details.reason).to.match(/shared/)
    expectHello(await ex.run(job(hello)))
  })

  it('reports traps (unreachable, stack overflow) as EXEC_TRAP', async () => {
    const trap = await failsWhileServing(
      expectExecError(
        ex.run(job(await wat('(module (memory (export "memory") 1) (func (export "_start") unreachable))'))),
        'EXEC_TRAP',
      ),
    )
    expect(trap.details.kind).to.equal('wasm')
    const deep = await expectExecError(ex.run(job(await wat(RECURSE))), 'EXEC_TRAP')
    expect(deep.details.kind).to.equal('stack')
    // AssemblyScript's default env.abort(message, file, line, column), strings as UTF-16LE
    // with their byte length in the 4 bytes before them
    const asAbort = await wat(`(module
      (import "env" "abort" (func $abort (param i32 i32 i32 i32)))
      (memory (export "memory") 1)
      (data (i32.const 12) "\\08\\00\\00\\00o\\00o\\00p\\00s\\00")
      (data (i32.const 28) "\\06\\00\\00\\00a\\00.\\00t\\00")
      (func (export "_start") (call $abort (i32.const 16) (i32.const 32) (i32.const 7) (i32.const 3))))`)
    const aborted = await expectExecError(ex.run(job(asAbort)), 'EXEC_TRAP')
    expect(aborted.details).to.include({ kind: 'host', trap: 'abort: oops at a.t:7:3' })
  })

  it('aborts a running or waiting job through its AbortSignal', async () => {
    const loop = await wat(LOOP)
    const controller = new AbortController()
    const t0 = performance.now()
    const running = ex.run(job(loop), { signal: controller.signal })
    setTimeout(() => controller.abort(), 100)
    await failsWhileServing(expectExecError(running, 'EXEC_ABORTED'))
    expect(performance.now() - t0).to.be.below(1500)
    await expectExecError(ex.run(job(hello), { signal: AbortSignal.abort() }), 'EXEC_ABORTED')
  })

  it('queues jobs beyond the pool size and times each one from its own start', async () => {
    const loop = await wat(LOOP)
    const limits = { wallTimeMs: 200 } as never
    const results = await Promise.allSettled([1, 2, 3].map(async () => await ex.run(job(loop, { limits }))))
    expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected', 'rejected'])
    const normals = await Promise.all([1, 2, 3, 4].map(async () => await ex.run(job(hello))))
    normals.forEach(expectHello)
  })

  it('refuses malformed jobs and runs nothing after stop()', async () => {
    await expectExecError(
      ex.run(job(hello, { inputs: [{ name: '../x', data: new Uint8Array() }] })),
      'EXEC_INVALID_JOB',
    )
    await expectExecError(
      ex.run(
        job(hello, {
          inputs: [
            { name: 'a', data: new Uint8Array() },
            { name: 'a', data: new Uint8Array() },
          ],
        }),
      ),
      'EXEC_INVALID_JOB',
    )
    await expectExecError(ex.run(job(hello, { env: { 'A=B': 'c' } })), 'EXEC_INVALID_JOB')
    await expectExecError(ex.run(job(hello, { limits: { wallTimeMs: 0 } as never })), 'EXEC_INVALID_JOB')
    // more output than this executor's cap (its operator's choice, default 64 MiB): refused before running
    const overCap = { outputBytes: ex.maxOutputBytes + 1 } as never
    const capped = await expectExecError(ex.run(job(hello, { limits: overCap })), 'EXEC_INVALID_JOB')
    expect(capped.details).to.include({ outputBytes: 64 * 1024 * 1024 + 1, limit: 64 * 1024 * 1024 })
    const other = new WasmExecutor({ poolSize: 1, prewarm: 0 }) // its worker starts on first use
    await expectExecError(other.run(job(hello)), 'EXEC_STOPPED')
    await other.start()
    expectHello(await other.run(job(hello)))
    await other.stop()
    await other.stop()
    await expectExecError(other.run(job(hello)), 'EXEC_STOPPED')
  })
})
