// End to end with processes: a requester node and two provider nodes started with
// `hive node start` (no chain: the market alone), and `hive job post --wait` from the CLI.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { buildExamples } from '../../examples/build.ts'
import { initPeers, loopbackTcpAddress, startPeer } from '../../cli/devnet/network.ts'
import type { DevnetPeer } from '../../cli/devnet/network.ts'
import { runHive } from '../../cli/devnet/processes.ts'
import type { NodeProcess } from '../../cli/devnet/processes.ts'
import { waitFor } from '../support/wait.ts'

describe('e2e: hive job post --wait against node processes', function () {
  this.timeout(120_000)
  let workDir: string
  let wordcount: string
  const processes: NodeProcess[] = []
  const peers: DevnetPeer[] = []
  let keepLogs = false

  before(async function () {
    this.timeout(120_000)
    wordcount = (await buildExamples()).wordcount
    workDir = await mkdtemp(join(tmpdir(), 'hive-e2e-job-'))
    await initPeers(workDir, 3)
    const fast = ['--benchmark', '200ms']
    const requester = await startPeer(workDir, 0, ['--role', 'requester', ...fast], 30_000, (p) => processes.push(p))
    peers.push(requester)
    const bootstrap = loopbackTcpAddress(requester.info)
    peers.push(
      ...(await Promise.all(
        [1, 2].map(
          async (i) =>
            await startPeer(workDir, i, ['--role', 'provider', '--bootstrap', bootstrap, ...fast], 30_000, (p) =>
              processes.push(p),
            ),
        ),
      )),
    )
    // a job reaches the providers by gossip: this requester is a DHT client and the providers
    // know only it, so they have no DHT server to publish to and are not found for direct pushes
    // (a wait for the requester to find them timed out after 60 s). A gossipsub peer sends its
    // subscriptions as soon as it has opened its stream to the other, which it does once identify shows that
    // the other speaks gossipsub: wait for that on both sides of both links, instead of 2 s.
    // (What is left, one subscription message in flight, is far shorter than the CLI's start.)
    const providers = peers.slice(1)
    const speaksGossip = async (from: DevnetPeer, to: DevnetPeer): Promise<boolean> =>
      (await from.client.peers()).some(
        (p) => p.peerId === to.info.peerId && p.protocols.some((x) => x.startsWith('/meshsub/')),
      )
    const links = (): Array<Promise<boolean>> =>
      providers.flatMap((p) => [speaksGossip(requester, p), speaksGossip(p, requester)])
    await waitFor(async () => (await Promise.all(links())).every(Boolean), {
      what: 'gossipsub streams between the requester and both providers',
      timeoutMs: 60_000,
      intervalMs: 100,
    })
  })

  afterEach(function () {
    if (this.currentTest?.state === 'failed') keepLogs = true
  })

  after(async function () {
    this.timeout(30_000)
    await Promise.all(processes.map(async (p) => await p.stop(5_000)))
    if (keepLogs) {
      for (const p of processes)
        console.error(`--- ${p.name} log ---\n${(await readFile(p.logFile, 'utf8').catch(() => '')).slice(-3000)}`)
    }
    if (workDir != null) await rm(workDir, { recursive: true, force: true })
  })

  it('prints the verified output, writes it to --out and exits 0', async () => {
    const input = join(workDir, 'poem.txt')
    await writeFile(input, 'The quick brown fox\njumps over the lazy dog.\nThe end\n')
    const out = join(workDir, 'out')
    const run = await runHive([
      '--node',
      peers[0].process.dataDir,
      'job',
      'post',
      '--wasm',
      wordcount,
      '--input',
      input,
      '--arg',
      '3',
      '--redundancy',
      '2',
      '--max-price',
      '0.5',
      '--bid-window',
      '600ms',
      '--timeout',
      '60s',
      '--wait',
      '--out',
      out,
    ])
    expect(run.code, run.stderr).to.equal(0)
    expect(run.stdout.trim()).to.equal('1 files, 3 lines, 11 words, 53 bytes')
    // live progress went to stderr: bids, awards, both results, the verdict
    expect(run.stderr).to.match(/bid \d from/)
    expect(run.stderr).to.match(/awarded slot 0/)
    expect(run.stderr).to.match(/awarded slot 1/)
    expect(run.stderr).to.match(/verified by 2 providers/)
    const counts = await readFile(join(out, 'counts.txt'), 'utf8')
    expect(counts).to.contain('poem.txt')
    expect(await readFile(join(out, 'stdout'), 'utf8')).to.equal('1 files, 3 lines, 11 words, 53 bytes\n')

    const list = await runHive(['--node', peers[0].process.dataDir, 'job', 'list', '--json'])
    expect(list.code, list.stderr).to.equal(0)
    const { jobs } = JSON.parse(list.stdout) as { jobs: Array<{ phase: string; winners: Array<{ provider: string }> }> }
    expect(jobs).to.have.length(1)
    expect(jobs[0].phase).to.equal('completed')
    expect(jobs[0].winners.map((w) => w.provider).sort()).to.deep.equal(
      [peers[1].info.peerId, peers[2].info.peerId].sort(),
    )
  })

  it('a job nobody can run ends with its reason and a non-zero exit', async () => {
    const run = await runHive([
      '--node',
      peers[0].process.dataDir,
      'job',
      'post',
      '--wasm',
      wordcount,
      '--executor',
      'gpu-cuda',
      '--max-price',
      '0.5',
      '--bid-window',
      '300ms',
      '--timeout',
      '20s',
      '--wait',
    ])
    expect(run.code).to.equal(1)
    expect(run.stderr).to.match(/NO_BIDS/)
  })

  it('bad arguments name the flag and exit 2', async () => {
    const run = await runHive([
      '--node',
      peers[0].process.dataDir,
      'job',
      'post',
      '--wasm',
      wordcount,
      '--max-price',
      'lots',
    ])
    expect(run.code).to.equal(2)
    expect(run.stderr).to.match(/--max-price/)
    const missing = await runHive([
      '--node',
      peers[0].process.dataDir,
      'job',
      'post',
      '--wasm',
      join(workDir, 'nope.wasm'),
    ])
    expect(missing.code).to.equal(2)
    expect(missing.stderr).to.match(/no such file/)
  })
})
