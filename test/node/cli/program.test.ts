import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { createNodeApi } from '../../../node/api/index.ts'
import type { ApiServer } from '../../../node/api/index.ts'
import { runCli } from '../../../cli/program.ts'
import { FakeController, sampleProfile } from '../api/fake-controller.ts'
import { tempDataDirWithToken } from '../api/helpers.ts'

interface Run {
  code: number
  stdout: string
  stderr: string
}

async function hive(args: string[], env: Record<string, string> = {}): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(args, {
    stdout: (t) => {
      stdout += t
    },
    stderr: (t) => {
      stderr += t
    },
    env: { HOME: '/nonexistent-home', ...env },
    interactive: false,
    shutdownSignal: () => new AbortController().signal,
  })
  return { code, stdout, stderr }
}

describe('cli/program', () => {
  let emptyDir: string
  before(async () => {
    emptyDir = await mkdtemp(join(tmpdir(), 'hive-cli-test-'))
  })
  after(async () => {
    await rm(emptyDir, { recursive: true, force: true })
  })

  describe('usage errors exit 2 and name the problem', () => {
    const cases: Array<[string[], RegExp]> = [
      [['providers', '--bogus'], /unknown option '--bogus'/],
      [['providers', '--min-mem', '8XB'], /--min-mem <size>.*"8XB" is not a size/],
      [['providers', '--limit', '0'], /--limit <n>.*whole number/],
      [['providers', '--timeout', 'soon'], /--timeout <duration>.*not a duration/],
      [['frobnicate'], /unknown command 'frobnicate'/],
    ]
    for (const [args, message] of cases) {
      it(`hive ${args.join(' ')}`, async () => {
        const r = await hive(['--data-dir', emptyDir, ...args])
        expect(r.code).to.equal(2)
        expect(r.stderr).to.match(message)
        expect(r.stdout).to.equal('')
      })
    }

    it('--node and --data-dir naming different dirs', async () => {
      const r = await hive(['--node', emptyDir, '--data-dir', join(emptyDir, 'other'), 'peers'])
      expect(r.code).to.equal(2)
      expect(r.stderr).to.include('name different nodes')
    })
  })

  it('--help and --version exit 0', async () => {
    const help = await hive(['--help'])
    expect(help.code).to.equal(0)
    expect(help.stdout).to.include('providers').and.include('--data-dir')
    const v = await hive(['--version'])
    expect(v.code).to.equal(0)
    expect(v.stdout.trim()).to.match(/^\d+\.\d+\.\d+$/)
  })

  describe('without a running node', () => {
    it('exits 3 and says how to start one', async () => {
      const r = await hive(['--data-dir', emptyDir, 'providers'])
      expect(r.code).to.equal(3)
      expect(r.stderr).to.include(`no node is running for data dir ${emptyDir}`)
      expect(r.stderr).to.include(`hive node start --data-dir ${emptyDir}`)
    })

    it('reports a stale api.json (dead pid) the same way, as JSON on stderr with --json', async () => {
      await writeFile(
        join(emptyDir, 'api.json'),
        JSON.stringify({ host: '127.0.0.1', port: 1, pid: 2 ** 22 + 12345, peerId: 'x', startedAt: 0 }),
      )
      const r = await hive(['--json', 'peers'], { HIVE_DATA_DIR: emptyDir })
      await rm(join(emptyDir, 'api.json'))
      expect(r.code).to.equal(3)
      expect(r.stdout).to.equal('')
      const err = JSON.parse(r.stderr) as { error: { code: string; message: string } }
      expect(err.error.code).to.equal('NODE_NOT_RUNNING')
      expect(err.error.message).to.include('not running')
    })
  })

  describe('against a node API', () => {
    let dataDir: string
    let controller: FakeController
    let server: ApiServer

    before(async () => {
      ;({ dataDir } = await tempDataDirWithToken())
      controller = new FakeController()
      controller.providers = [sampleProfile('12D3KooWProviderOneXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX')]
      server = createNodeApi(controller, { dataDir })
      await server.start()
    })
    after(async () => {
      await server.stop()
      await rm(dataDir, { recursive: true, force: true })
    })

    it('passes the filter flags to the node and prints exactly one JSON document', async () => {
      const r = await hive([
        '--node',
        dataDir,
        'providers',
        '--executor',
        'wasm',
        '--gpu',
        'nvidia',
        '--min-mem',
        '8GiB',
        '--min-cpu-score',
        '100',
        '--limit',
        '3',
        '--json',
      ])
      expect(r.code, r.stderr).to.equal(0)
      const filter = {
        executor: 'wasm',
        gpuVendor: 'nvidia',
        minMemoryBytes: 8 * 1024 ** 3,
        minCpuScore: 100,
        limit: 3,
      }
      expect(controller.filters.at(-1)).to.deep.equal(filter)
      expect(JSON.parse(r.stdout)).to.deep.equal({ filter, providers: controller.providers })
    })

    it('prints tables by default', async () => {
      const r = await hive(['--data-dir', dataDir, 'providers'])
      expect(r.code, r.stderr).to.equal(0)
      expect(r.stdout).to.include('12D3KooWPr…XXXXXX').and.include('1 provider')
      const peers = await hive(['peers', '--data-dir', dataDir])
      expect(peers.stdout).to.include('12D3KooWPeerA').and.include('1 peer')
    })

    it("reads the node's peers and hardware as JSON", async () => {
      const peers = await hive(['--data-dir', dataDir, 'peers', '--json'])
      expect(JSON.parse(peers.stdout)).to.deep.equal({ peers: controller.peers() })
    })
  })
})
