// `hive job post --wasm <file>` refuses, before the node is contacted, a file no provider could run:
// not WebAssembly (a README), importing what the sandbox does not provide, or over the size bound.
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { checkJobModule, checkModuleSize, MAX_MODULE_BYTES } from '../../../node/exec/module-check.ts'
import { runCli } from '../../../cli/program.ts'
import { helloWat, wat } from '../exec/wat.ts'

async function hive(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(args, {
    stdout: (t) => {
      stdout += t
    },
    stderr: (t) => {
      stderr += t
    },
    env: { HOME: '/nonexistent-home' },
    interactive: false,
    shutdownSignal: () => new AbortController().signal,
  })
  return { code, stdout, stderr }
}

const README = '# ComputeHive\n\nA peer-to-peer compute market.\n'
const FOREIGN_IMPORT = '(module (import "env" "fetch" (func)) (func (export "_start") call 0))'

describe('node/exec/module-check: a job module is looked at before it is posted', () => {
  it('accepts a WASI command', async () => {
    expect(await checkJobModule(await wat(helloWat('hi')))).to.equal(undefined)
  })

  it('refuses a README and shows how the file starts', async () => {
    const problem = await checkJobModule(new TextEncoder().encode(README))
    expect(problem?.code).to.equal('NOT_WASM')
    expect(problem?.message).to.include('# ComputeHive')
  })

  it('refuses a module whose header is right but whose body is broken', async () => {
    const bytes = await wat(helloWat('hi'))
    const problem = await checkJobModule(bytes.subarray(0, bytes.length - 3))
    expect(problem?.code).to.equal('INVALID_WASM')
  })

  for (const imp of [
    '(import "env" "fetch" (func))',
    '(import "wasi_snapshot_preview1" "not_a_call" (func))',
    '(import "wasi_unstable" "fd_write" (func))',
    '(import "env" "memory" (memory 1))',
  ]) {
    it(`refuses ${imp}, naming the import`, async () => {
      const problem = await checkJobModule(await wat(`(module ${imp})`))
      expect(problem?.code).to.equal('FORBIDDEN_IMPORT')
      expect(problem?.message).to.match(/imports (function|memory) \S+\.\S+/)
    })
  }

  it('refuses an empty file and one over the protocol bound', () => {
    expect(checkModuleSize(0)?.code).to.equal('MODULE_EMPTY')
    expect(checkModuleSize(MAX_MODULE_BYTES)).to.equal(undefined)
    expect(checkModuleSize(MAX_MODULE_BYTES + 1)?.code).to.equal('MODULE_TOO_LARGE')
  })
})

describe('cli: hive job post --wasm refuses a bad module with a usage error (exit 2)', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hive-module-check-'))
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  // --data-dir points nowhere: the check must come before the node is contacted
  const post = async (file: string): Promise<{ code: number; stderr: string }> =>
    await hive(['--data-dir', join(dir, 'no-node'), 'job', 'post', '--wasm', file])

  it('a README', async () => {
    const file = join(dir, 'README.md')
    await writeFile(file, README)
    const { code, stderr } = await post(file)
    expect(code).to.equal(2)
    expect(stderr).to.include(`--wasm ${file}`).and.include('not a WebAssembly module')
  })

  it('a module importing a function that is not WASI', async () => {
    const file = join(dir, 'fetch.wasm')
    await writeFile(file, await wat(FOREIGN_IMPORT))
    const { code, stderr } = await post(file)
    expect(code).to.equal(2)
    expect(stderr).to.include(`--wasm ${file}`).and.include('env.fetch')
  })

  it('a file over the size bound, without reading it (sparse file)', async () => {
    const file = join(dir, 'huge.wasm')
    await writeFile(file, '')
    await truncate(file, MAX_MODULE_BYTES + 1)
    const { code, stderr } = await post(file)
    expect(code).to.equal(2)
    expect(stderr).to.include(`--wasm ${file}`).and.include("over the protocol's module limit")
  })

  it('a valid module passes the check and only then needs the node', async () => {
    const file = join(dir, 'hello.wasm')
    await writeFile(file, await wat(helloWat('hi')))
    const { code, stderr } = await post(file)
    expect(code).to.not.equal(2)
    expect(stderr).to.not.include('--wasm')
  })
})
