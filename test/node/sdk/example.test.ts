// The SDK's example program (examples/sdk/post-and-follow.ts) runs as its own process against a
// requester's local API, with a provider on 127.0.0.1: it posts a wordcount job, follows its
// events to the end and prints the verified output. The SDK's typed client is also checked for
// a refusal (an unknown job is a HiveApiError with the API's code).
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect } from 'chai'
import { buildExamples } from '../../../examples/build.ts'
import { createNodeApi } from '../../../node/api/index.ts'
import { initDataDir } from '../../../node/config.ts'
import { marketService } from '../../../node/market/service.ts'
import { HiveApiError, HiveSdkClient, fetchOutput, followJob, postJob, hive } from '../../../sdk/index.ts'
import { startTestNode } from '../../support/node.ts'
import { waitFor } from '../../support/wait.ts'
import type { ApiServer } from '../../../node/api/index.ts'
import type { HiveNode } from '../../../node/node.ts'
import { jobSubscribers } from '../../support/topics.ts'

const EXAMPLE = resolve(import.meta.dirname, '..', '..', '..', 'examples', 'sdk', 'post-and-follow.ts')

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, ['--import=tsx', EXAMPLE, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000)
    child.on('error', fail)
    child.on('close', (code) => {
      clearTimeout(timer)
      ok({ code: code ?? 1, stdout, stderr })
    })
  })
}

describe('sdk: the example program against a running requester', function () {
  this.timeout(180_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-sdk-'))
  const nodes: HiveNode[] = []
  let api: ApiServer
  let wordcount: string

  before(async () => {
    wordcount = (await buildExamples()).wordcount
    await initDataDir(join(root, 'requester'))
    const requester = await startTestNode('requester', { root, services: { market: marketService() } })
    nodes.push(requester)
    const provider = await startTestNode('provider', {
      root,
      roles: 'provider',
      bootstrap: requester,
      services: { market: marketService() },
    })
    nodes.push(provider)
    const pubsub = requester.libp2p.services.pubsub
    await waitFor(() => jobSubscribers(pubsub).some((id) => id.equals(provider.peerId)), {
      what: 'the provider in the jobs topic',
      timeoutMs: 30_000,
    })
    api = createNodeApi(requester, { dataDir: join(root, 'requester'), host: '127.0.0.1', port: 0 })
    requester.routes(api.routes)
    await api.start()
  })

  after(async () => {
    await api?.stop()
    for (const n of nodes.reverse()) await n.stop().catch(() => {})
    rmSync(root, { recursive: true, force: true })
  })

  it('posts a job, follows its events to verified and prints its output', async () => {
    const poem = join(root, 'poem.txt')
    writeFileSync(poem, 'the cat and the dog\nthe end\n')
    const r = await run([join(root, 'requester'), wordcount, poem])
    expect(r.code, r.stderr).to.equal(0)
    expect(r.stdout).to.match(/^posted [0-9a-f]{64}$/m)
    // postAndFollow opens the stream before posting: even a fast job's first events are seen
    expect(r.stdout).to.match(/ job:bid\n/)
    expect(r.stdout).to.match(/ job:accepted\n/)
    expect(r.stdout).to.include('job:verified')
    expect(r.stdout).to.include('1 files, 2 lines, 7 words, 28 bytes')
    expect(r.stdout).to.include('file counts.txt:')
  })

  it('follows a job that already ended to its end, and reports a refusal as a typed error', async () => {
    const client = await HiveSdkClient.forDataDir(join(root, 'requester'))
    const { jobId } = await postJob(client, {
      module: readFileSync(wordcount),
      inputs: [{ name: 'a.txt', data: 'one two\n' }],
      maxPrice: hive('0.5'),
      bidWindowMs: 300,
    })
    const live = []
    for await (const e of followJob(client, jobId)) live.push(e.type)
    expect(live.at(-1)).to.equal('job:verified')
    // the job is over: following it again ends at once with its outcome
    const again = []
    for await (const e of followJob(client, jobId)) again.push(e.type)
    expect(again).to.deep.equal(['job:verified'])
    expect(new TextDecoder().decode((await fetchOutput(client, jobId)).stdout)).to.include('2 words')
    const err = await client.call('jobs.get', { params: { jobId: 'ab'.repeat(32) } }).catch((e: unknown) => e)
    expect(err).to.be.instanceOf(HiveApiError)
    expect(err).to.include({ status: 404, code: 'JOB_NOT_FOUND' })
  })
})
