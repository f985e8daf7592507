// Issue 18: an onnx job voted within a tolerance (k = 3) with a hostile provider among two honest
// ones, over the wire. The hostile answer is built to slip through a loose comparison: the same
// numbers under another shape, NaN everywhere (NaN compares false with everything, so a check
// written as "not beyond the tolerance" lets it pass), an extra output, a missing output, or
// bytes that are not a tensor at all. Each must be a dissenter, unpaid, and the job's output must
// be an honest one. The executors are stand-ins (y = 2x): the vote is what is attacked.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { marketService } from '../../node/market/service.ts'
import { settleJob } from '../../node/payments/settle.ts'
import { decodeNpy, encodeNpy } from '../../protocol/inference/npy.ts'
import { startTestNode } from '../support/node.ts'
import { jobSubscribers } from '../support/topics.ts'
import { waitFor } from '../support/wait.ts'
import type { ExecFile, ExecJob, ExecResult, Executor } from '../../node/exec/index.ts'
import type { MarketService } from '../../node/market/service.ts'
import type { HiveNode } from '../../node/node.ts'

type Peer = HiveNode & { services: { market?: MarketService } }
type Attack = 'reshaped' | 'nan' | 'extra-output' | 'missing-output' | 'not-a-tensor'

function f32(values: number[], shape = [values.length]): Uint8Array {
  return encodeNpy({ dtype: 'float32', shape, data: new Uint8Array(Float32Array.from(values).buffer) })
}

function readF32(bytes: Uint8Array): number[] {
  const arr = decodeNpy(bytes)
  return [...new Float32Array(arr.data.buffer, arr.data.byteOffset, arr.data.byteLength / 4)]
}

/** y = 2x and s = sum(y) (+ noise); in hostile mode, the attack's answer instead */
class Doubler implements Executor {
  readonly name = 'onnx'
  readonly isolation = 'none (test stand-in)'
  readonly maxOutputBytes = 16 << 20
  attack?: Attack
  /** answers only once this resolves (the last honest answer waits for the hostile one to be in) */
  gate?: () => Promise<void>
  constructor(private readonly noise: number) {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async run(job: ExecJob): Promise<ExecResult> {
    await this.gate?.()
    const x = readF32(job.inputs.find((i) => i.name === 'x.npy')!.data)
    const y = x.map((v) => 2 * v + this.noise)
    let outputs: ExecFile[] = [
      { name: 's.npy', data: f32([y.reduce((a, b) => a + b, 0)], []) },
      { name: 'y.npy', data: f32(y) },
    ]
    switch (this.attack) {
      case 'reshaped':
        outputs[1] = { name: 'y.npy', data: f32(y, [1, y.length]) }
        break
      case 'nan':
        outputs = outputs.map((o) => ({
          name: o.name,
          data: f32(
            readF32(o.data).map(() => NaN),
            decodeNpy(o.data).shape,
          ),
        }))
        break
      case 'extra-output':
        outputs.push({ name: 'z.npy', data: f32([0]) })
        break
      case 'missing-output':
        outputs = [outputs[1]]
        break
      case 'not-a-tensor':
        outputs[1] = { name: 'y.npy', data: new TextEncoder().encode('definitely the right answer') }
        break
    }
    return {
      exitCode: 0,
      stdout: new TextEncoder().encode('{}'),
      stderr: new Uint8Array(),
      outputs,
      metering: { wallMs: 1, cpuMs: 1, peakMemoryBytes: 0 },
    }
  }
}

describe('security 18: a hostile answer does not slip through the tolerance vote', function () {
  this.timeout(120_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-18-vote-'))
  const nodes: Peer[] = []
  const hostile = new Doubler(0)
  const last = new Doubler(1e-5)
  // the requester holds the hostile provider's output: only then does the last honest one answer,
  // so that the vote sees all three (two agreeing answers alone would decide before it arrived)
  let jobId: string | undefined
  last.gate = async () => {
    await waitFor(
      async () =>
        jobId !== undefined &&
        (await requester.requester!.get(jobId))?.awards.find((a) => a.provider === id(nodes[3]))?.status ===
          'delivered',
      { what: "the hostile provider's output in the requester's hands", timeoutMs: 30_000 },
    )
  }
  let requester: MarketService
  const id = (n: HiveNode): string => n.peerId.toString()

  before(async () => {
    const start = async (name: string, roles: string, executor?: Doubler): Promise<Peer> => {
      const node = await startTestNode(name, {
        root,
        roles,
        ...(nodes[0] !== undefined ? { bootstrap: nodes[0] } : {}),
        settings: { executors: ['onnx'], prices: { onnx: '0.001' } },
        services: { market: marketService(executor !== undefined ? { executors: { onnx: executor } } : {}) },
      })
      nodes.push(node)
      return node
    }
    requester = (await start('requester', 'requester')).services.market!
    await start('honest-a', 'provider', new Doubler(0))
    await start('honest-b', 'provider', last)
    await start('hostile', 'provider', hostile)
    const pubsub = nodes[0].libp2p.services.pubsub
    await waitFor(() => nodes.slice(1).every((n) => jobSubscribers(pubsub, 'onnx').some((p) => p.equals(n.peerId))), {
      what: 'three onnx providers on the job topics',
      timeoutMs: 30_000,
    })
  })

  after(async () => {
    for (const n of nodes) await n.stop().catch(() => {})
    rmSync(root, { recursive: true, force: true })
  })

  const attacks: Attack[] = ['reshaped', 'nan', 'extra-output', 'missing-output', 'not-a-tensor']
  for (const attack of attacks) {
    it(`${attack}: the hostile provider is a dissenter and unpaid; the output is an honest one`, async () => {
      hostile.attack = attack
      jobId = undefined
      const r = requester.requester!
      ;({ jobId } = await r.post({
        executor: 'onnx',
        module: new TextEncoder().encode(`model for ${attack}`),
        inputs: [{ name: 'x.npy', data: f32([1, 2, 3]) }],
        // a generous tolerance: the attack must fail on its form, not on its numbers
        tolerances: [{ output: '', atol: '0.5', rtol: '0.1' }],
        maxPrice: 10n ** 18n,
        redundancy: 3,
        bidWindowMs: 1_000,
      }))
      const record = await r.wait(jobId, { signal: AbortSignal.timeout(60_000) })
      expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
      const [, a, b, bad] = nodes
      expect(record.winners).to.have.members([id(a), id(b)])
      expect(
        record.dissenters,
        JSON.stringify(record.awards.map((w) => [w.provider.slice(-4), w.status, w.outputCid?.slice(-6)])),
      ).to.deep.equal([id(bad)])
      const out = await r.output(jobId)
      expect(readF32(out!.files.find((f) => f.name === 'y.npy')!.data)).to.deep.equal([2, 4, 6])
      const paid: string[] = []
      await settleJob(record, {
        addressOf: (p) => p,
        pay: async (w) => {
          paid.push(w.provider)
        },
        reject: async () => {},
      })
      expect(paid).to.have.members([id(a), id(b)])
    })
  }
})
