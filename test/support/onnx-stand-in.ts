// A stand-in `onnx` executor for market tests: y = 2x + noise on `x.npy`, no ONNX Runtime. An
// honest provider has noise 0; a sloppy or lying one does not. What such tests check is the
// market's vote, payment and model cache, not inference (test/node/exec/ runs the real thing).
import { decodeNpy, encodeNpy } from '../../protocol/inference/npy.ts'
import type { ExecJob, ExecResult, Executor } from '../../node/exec/index.ts'

export function f32(values: number[]): Uint8Array {
  return encodeNpy({ dtype: 'float32', shape: [values.length], data: new Uint8Array(Float32Array.from(values).buffer) })
}

export function readF32(bytes: Uint8Array): number[] {
  const arr = decodeNpy(bytes)
  return [...new Float32Array(arr.data.buffer, arr.data.byteOffset, arr.data.byteLength / 4)]
}

export class NoisyDoubler implements Executor {
  readonly name = 'onnx'
  readonly isolation = 'none (test stand-in)'
  readonly maxOutputBytes = 16 << 20
  /** the model bytes of every job run, in order */
  readonly modules: Uint8Array[] = []
  /** the most limits.threads it runs (absent: one, as the Executor interface says) */
  maxThreads: number | undefined
  /** a test may hold this provider's answer until a condition holds (set per test, cleared after) */
  gate: (() => Promise<void>) | undefined
  constructor(private readonly noise: number) {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async run(job: ExecJob): Promise<ExecResult> {
    this.modules.push(job.module)
    await this.gate?.()
    const x = readF32(job.inputs.find((i) => i.name === 'x.npy')!.data)
    return {
      exitCode: 0,
      stdout: new TextEncoder().encode('{}'),
      stderr: new Uint8Array(),
      outputs: [{ name: 'y.npy', data: f32(x.map((v) => 2 * v + this.noise)) }],
      metering: { wallMs: 1, cpuMs: 1, peakMemoryBytes: 0 },
    }
  }
}
