// Issue 18 end to end: inference jobs through a real network — one requester and two providers
// over TCP that offer both executors (wasm and onnx, the latter in real onnxruntime child
// processes) — checked against the same inference run directly in this process.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { localSession, runLocal } from '../../examples/inference/local.ts'
import { mlpExpected, mlpInputs, mlpModel, sileroInputs, sileroModel } from '../../examples/inference/models.ts'
import { marketService } from '../../node/market/service.ts'
import { decodeNpy } from '../../protocol/inference/npy.ts'
import { tensorView } from '../../protocol/inference/tensor-view.ts'
import { tensorCloseTo } from '../../protocol/inference/tolerance.ts'
import { startTestNode } from '../support/node.ts'
import { jobSubscribers } from '../support/topics.ts'
import { waitFor } from '../support/wait.ts'
import type { TensorFile } from '../../examples/inference/models.ts'
import type { HiveNode } from '../../node/node.ts'
import type { MarketService } from '../../node/market/service.ts'

const HIVE = 10n ** 18n
const SETTINGS = { executors: ['wasm', 'onnx'], prices: { wasm: '0.001', onnx: '0.001' } }

const f32 = (f: { data: Uint8Array }): number[] => {
  const a = decodeNpy(f.data)
  return [...new Float32Array(a.data.buffer, a.data.byteOffset, a.data.byteLength / 4)]
}

describe('e2e: inference jobs through the network (issue 18)', function () {
  this.timeout(180_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-inference-'))
  const nodes: Array<HiveNode & { services: { market?: MarketService } }> = []
  let requester: MarketService

  before(async () => {
    const req = await startTestNode('requester', {
      root,
      roles: 'requester',
      settings: SETTINGS,
      services: { market: marketService() },
    })
    nodes.push(req)
    requester = req.services.market!
    for (const name of ['provider-a', 'provider-b']) {
      nodes.push(
        await startTestNode(name, {
          root,
          roles: 'provider',
          bootstrap: req,
          settings: SETTINGS,
          services: { market: marketService() },
        }),
      )
    }
    const pubsub = req.libp2p.services.pubsub
    await waitFor(() => nodes.slice(1).every((n) => jobSubscribers(pubsub, 'onnx').some((id) => id.equals(n.peerId))), {
      what: 'both providers on the onnx job topics',
      timeoutMs: 30_000,
    })
  })

  after(async () => {
    for (const n of nodes) await n.stop().catch(() => {})
    rmSync(root, { recursive: true, force: true })
  })

  async function run(model: Uint8Array, inputs: TensorFile[], extra: Record<string, unknown> = {}) {
    const r = requester.requester!
    const { jobId } = await r.post({
      executor: 'onnx',
      module: model,
      inputs,
      maxPrice: HIVE,
      redundancy: 2,
      bidWindowMs: 1_000,
      limits: { memoryBytes: 512 * 1024 * 1024, wallTimeMs: 30_000, outputBytes: 1 << 20 },
      ...extra,
    })
    const record = await r.wait(jobId, { signal: AbortSignal.timeout(120_000) })
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
    return { record, output: (await r.output(jobId))! }
  }

  it('the MLP built with fixed weights: k = 2 by the CID rule, the exact expected output', async () => {
    const { record, output } = await run(mlpModel(), mlpInputs())
    expect(record.winners, 'an exact job is voted by CID').to.equal(undefined)
    expect(record.dissenters).to.deep.equal([])
    expect(output.files.map((f) => f.name)).to.deep.equal(['total.npy', 'y.npy'])
    const expected = mlpExpected()
    expect(f32(output.files[1])).to.deep.equal(expected.y.flat())
    expect(f32(output.files[0])).to.deep.equal([expected.total])
    expect(decodeNpy(output.files[1].data).shape).to.deep.equal([4, 3])
  })

  it('Silero VAD on a generated tone: k = 2 within a tolerance, matching a direct local run', async () => {
    const model = sileroModel()
    const { record, output } = await run(model, sileroInputs(), {
      tolerances: [{ output: '', atol: '0.0001', rtol: '0.001' }],
    })
    expect(record.winners).to.have.length(2)
    const local = await runLocal(await localSession(model), sileroInputs())
    expect(output.files.map((f) => f.name)).to.deep.equal(local.map((f) => f.name))
    for (const [i, f] of output.files.entries()) {
      const ok = tensorCloseTo(tensorView(decodeNpy(f.data)), tensorView(decodeNpy(local[i].data)), {
        atol: 1e-4,
        rtol: 1e-3,
      })
      expect(ok, `${f.name} matches the local run`).to.equal(true)
    }
    const probability = f32(output.files.find((f) => f.name === 'output.npy')!)[0]
    expect(probability).to.be.within(0, 1)
  })
})
