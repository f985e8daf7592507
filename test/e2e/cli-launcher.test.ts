// The `hive` launcher as people run it: it finds Node 22 whatever node PATH has, works through
// the symlinks that npm link and node_modules/.bin make, runs the compiled CLI without loading
// libp2p, ethers or hardhat for commands that do not need them, and runs the sources instead
// when the build is older than they are.
import { spawnSync } from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { HIVE_BIN, REPO_ROOT } from '../../cli/devnet/processes.ts'

const NODE22 = join(REPO_ROOT, 'node_modules', 'node', 'bin', 'node')
// what `hive --version` must not load: the heavy stacks of the node and the chain
const HEAVY = /\/node_modules\/(libp2p|@libp2p\/[^/]+|@chainsafe\/[^/]+|ethers|hardhat|@nomicfoundation\/[^/]+)\//

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Run {
  const r = spawnSync(file, args, { encoding: 'utf8', env, timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('e2e: the hive launcher and the compiled CLI', function () {
  this.timeout(120_000)
  let dir: string

  before(function () {
    // the compiled CLI is what this file tests: make sure dist/ is current (incremental, seconds)
    const build = run(process.execPath, [join(REPO_ROOT, 'scripts', 'setup', 'build.mjs')])
    expect(build.code, build.stderr).to.equal(0)
    dir = mkdtempSync(join(tmpdir(), 'hive-launcher-'))
  })

  after(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  })

  it("runs the Node 22 in node_modules even when PATH's node is another one", () => {
    const fakeBin = join(dir, 'fake-path')
    mkdirSync(fakeBin)
    writeFileSync(join(fakeBin, 'node'), '#!/bin/sh\necho "the PATH\'s node ran" >&2\nexit 97\n')
    chmodSync(join(fakeBin, 'node'), 0o755)
    const r = run(HIVE_BIN, ['--version'], { ...process.env, PATH: `${fakeBin}:/usr/bin:/bin` })
    expect(r.code, r.stderr).to.equal(0)
    expect(r.stdout.trim()).to.match(/^\d+\.\d+\.\d+$/)
  })

  it('works through the symlinks npm link makes (a relative bin link into a linked package folder)', () => {
    // <prefix>/bin/hive -> ../lib/node_modules/computehive/cli/hive, and that folder -> the checkout
    const prefix = join(dir, 'prefix')
    mkdirSync(join(prefix, 'bin'), { recursive: true })
    mkdirSync(join(prefix, 'lib', 'node_modules'), { recursive: true })
    symlinkSync(REPO_ROOT, join(prefix, 'lib', 'node_modules', 'computehive'))
    symlinkSync('../lib/node_modules/computehive/cli/hive', join(prefix, 'bin', 'hive'))
    const r = run(join(prefix, 'bin', 'hive'), ['--version'], {
      ...process.env,
      PATH: `${join(prefix, 'bin')}:/usr/bin:/bin`,
    })
    expect(r.code, r.stderr).to.equal(0)
    expect(r.stdout.trim()).to.match(/^\d+\.\d+\.\d+$/)
  })

  it('caps the young generation and the malloc arenas (a node process memory), unless the caller set them', () => {
    const probe = join(dir, 'probe.cjs')
    writeFileSync(
      probe,
      'process.stderr.write("PROBE " + JSON.stringify({ argv:' +
        ' process.execArgv, arenas: process.env.MALLOC_ARENA_MAX }) + "\\n")\n',
    )
    const probed = (env: NodeJS.ProcessEnv): { argv: string[]; arenas?: string } => {
      const r = run(HIVE_BIN, ['--version'], { ...process.env, ...env })
      expect(r.code, r.stderr).to.equal(0)
      const line = r.stderr.split('\n').find((l) => l.startsWith('PROBE '))
      expect(line, r.stderr).to.be.a('string')
      return JSON.parse(line!.slice('PROBE '.length)) as { argv: string[]; arenas?: string }
    }
    const { MALLOC_ARENA_MAX: _, ...env } = process.env
    const plain = probed({ ...env, NODE_OPTIONS: `--require ${probe}` })
    expect(plain.argv).to.include('--max-semi-space-size=4')
    expect(plain.arenas).to.equal('2')
    const own = probed({ NODE_OPTIONS: `--require ${probe} --max-semi-space-size=8`, MALLOC_ARENA_MAX: '4' })
    expect(own.argv.filter((a) => a.startsWith('--max-semi-space-size'))).to.deep.equal([])
    expect(own.arenas).to.equal('4')
  })

  it('hive --version, --help and job list load neither libp2p, ethers nor hardhat', () => {
    // a module hook that lists every module the process resolved, on stderr at exit
    const hook = join(dir, 'trace.mjs')
    writeFileSync(
      hook,
      [
        "import { registerHooks } from 'node:module'",
        'const seen = new Set()',
        'registerHooks({ resolve (s, c, next) { const r = next(s, c); seen.add(r.url); return r } })',
        "process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify([...seen]) + '\\n'))",
      ].join('\n'),
    )
    const main = join(REPO_ROOT, 'dist', 'cli', 'main.js')
    for (const args of [['--version'], ['--help'], ['--data-dir', join(dir, 'no-node'), 'job', 'list']]) {
      const r = run(NODE22, ['--import', hook, main, ...args])
      const line = r.stderr.split('\n').find((l) => l.startsWith('LOADED '))
      expect(line, r.stderr).to.not.equal(undefined)
      const loaded = JSON.parse(line!.slice('LOADED '.length)) as string[]
      expect(
        loaded.some((u) => u.endsWith('/dist/cli/main.js')),
        'ran the compiled CLI',
      ).to.equal(true)
      expect(
        loaded.filter((u) => HEAVY.test(u)),
        `hive ${args.join(' ')}`,
      ).to.deep.equal([])
    }
  })

  it('runs the build when it is current, the sources when one is newer than the build', () => {
    // a package of its own: the real launcher, a "build" and a "source" that say which ran
    const pkg = join(dir, 'pkg')
    mkdirSync(join(pkg, 'cli'), { recursive: true })
    mkdirSync(join(pkg, 'dist', 'cli'), { recursive: true })
    writeFileSync(join(pkg, 'package.json'), '{ "type": "module" }\n')
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(pkg, 'node_modules'))
    for (const f of ['hive', 'hive.js']) copyFileSync(join(REPO_ROOT, 'cli', f), join(pkg, 'cli', f))
    chmodSync(join(pkg, 'cli', 'hive'), 0o755)
    // an enum: the sources need tsx, not Node's type stripping
    writeFileSync(
      join(pkg, 'cli', 'main.ts'),
      'enum From { Sources = 1 }\nconsole.log(`from sources ${From.Sources}`)\n',
    )
    writeFileSync(join(pkg, 'dist', 'cli', 'main.js'), "console.log('from dist')\n")
    const stamp = join(pkg, 'dist', 'build-stamp.json')
    const builtAt = Date.now()
    writeFileSync(stamp, JSON.stringify({ builtAt, sources: ['cli/main.ts'] }))
    const source = join(pkg, 'cli', 'main.ts')
    utimesSync(source, new Date(builtAt - 60_000), new Date(builtAt - 60_000))

    const hive = join(pkg, 'cli', 'hive')
    expect(run(hive, []).stdout.trim()).to.equal('from dist')
    utimesSync(source, new Date(builtAt + 60_000), new Date(builtAt + 60_000))
    const stale = run(hive, [])
    expect(stale.stdout.trim(), stale.stderr).to.equal('from sources 1')
    rmSync(stamp)
    expect(run(hive, []).stdout.trim()).to.equal('from sources 1')
    expect(JSON.parse(readFileSync(join(REPO_ROOT, 'dist', 'build-stamp.json'), 'utf8')).sources).to.include(
      'cli/main.ts',
    )
  })
})
