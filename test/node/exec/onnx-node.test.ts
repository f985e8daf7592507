// A provider that lists `onnx` in its executors config runs an inference job posted by a
// requester over the real market (gossip, bids, blob exchange, result), with the output the
// executor gives locally. The job spec, tolerance voting and CLI are onnx-market's; this only
// shows the executor wired through the node's config.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { OnnxExecutor } from '../../../node/exec/onnx/index.ts'
import { marketService } from '../../../node/market/service.ts'
import { startTestNode } from '../../support/node.ts'
import { jobSubscribers } from '../../support/topics.ts'
import { waitFor } from '../../support/wait.ts'
import { decodeNpy } from '../../../protocol/inference/npy.ts'
import { onnxJob, sileroInputs, sileroModel } from './onnx-harness.ts'
import type { HiveNode } from '../../../node/node.ts'

const HIVE = 10n ** 18n

async function startPeer(
  root: string,
  name: string,
  over: { roles?: string; bootstrap?: HiveNode; executors?: string[] },
) {
  return await startTestNode(name, {
    root,
    ...over,
    ...(over.executors !== undefined
      ? { settings: { executors: over.executors, prices: { wasm: '0.001', onnx: '0.002' } } }
      : {}),
    services: { market: marketService() },
  })
}
type Peer = Awaited<ReturnType<typeof startPeer>>

describe('node/exec/onnx through a node: executors config onnx', function () {
  this.timeout(180_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-onnx-node-'))
  const nodes: HiveNode[] = []
  after(async () => {
    for (const n of nodes) await n.stop().catch(() => {})
    rmSync(root, { recursive: true, force: true })
  })

  let requester: Peer
  let provider: Peer
  before(async () => {
    requester = await startPeer(root, 'requester', {})
    nodes.push(requester)
    provider = await startPeer(root, 'provider', {
      roles: 'provider',
      bootstrap: requester,
      executors: ['wasm', 'onnx'],
    })
    nodes.push(provider)
  })

  it('a provider with executors [wasm, onnx] advertises executor/onnx and runs Silero for a requester', async () => {
    const executors = provider.services.market!.executors
    expect(Object.keys(executors).sort()).to.deep.equal(['onnx', 'wasm'])
    expect(executors.onnx.isolation).to.match(/prlimit/)
    expect(provider.hardware().capabilities).to.include.members(['executor/onnx', 'executor/wasm'])

    const pubsub = requester.libp2p.services.pubsub
    await waitFor(() => jobSubscribers(pubsub, 'onnx').some((id) => id.equals(provider.peerId)), {
      what: 'the provider in the onnx jobs topic',
      timeoutMs: 30_000,
    })
    const model = sileroModel()
    const inputs = sileroInputs()
    const { jobId } = await requester.services.market!.requester!.post({
      executor: 'onnx',
      module: model,
      inputs,
      args: ['output'],
      limits: { memoryBytes: 256 * 1024 * 1024, wallTimeMs: 60_000, outputBytes: 1 << 20 },
      maxPrice: HIVE,
      bidWindowMs: 400,
    })
    const market = requester.services.market!.requester!
    const record = await market.wait(jobId, { signal: AbortSignal.timeout(90_000) })
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
    const output = await market.output(jobId)
    expect(output?.files.map((f) => f.name)).to.deep.equal(['output.npy'])

    const local = new OnnxExecutor({ poolSize: 1, probeGpu: false })
    await local.start()
    try {
      const want = await local.run(onnxJob(model, inputs, { args: ['output'] }))
      expect(output?.files[0].data).to.deep.equal(want.outputs[0].data)
      expect(decodeNpy(want.outputs[0].data).shape).to.deep.equal([1, 1])
    } finally {
      await local.stop()
    }
  })

  it("a job missing an input fails as the job's own fault (EXEC_TRAPPED) and is not re-run elsewhere", async () => {
    const market = requester.services.market!.requester!
    const { jobId } = await market.post({
      executor: 'onnx',
      module: sileroModel(),
      inputs: sileroInputs().filter((f) => f.name !== 'sr.npy'),
      limits: { memoryBytes: 256 * 1024 * 1024, wallTimeMs: 60_000, outputBytes: 1 << 20 },
      maxPrice: HIVE,
      bidWindowMs: 400,
    })
    const record = await market.wait(jobId, { signal: AbortSignal.timeout(90_000) })
    expect(record.phase).to.equal('failed')
    expect(record.awards).to.have.length(1)
    expect(record.awards[0].execStatus).to.equal('EXEC_TRAPPED')
    expect(JSON.stringify(record.failure)).to.match(/EXEC_TRAPPED|deterministic/)
  })
})
