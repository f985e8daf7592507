// The provider checks what an inference child sends back instead of trusting it: the child is
// what a hostile model would take over.
import { expect } from 'chai'
import { checkChildReply } from '../../../node/exec/onnx/child-reply.ts'
import type { ChildDone, ChildReply, ChildRun } from '../../../node/exec/onnx/child-protocol.ts'

const req: ChildRun = { type: 'run', id: 7, sessionKey: 'k:1', threads: 1, inputs: [], outputs: [], outputBytes: 100 }
const done = (over: Partial<ChildDone> = {}): ChildReply => ({
  type: 'done',
  id: 7,
  stdout: new Uint8Array(10),
  stderr: new Uint8Array(0),
  outputs: [
    { name: 'a-b.npy', data: new Uint8Array(20) },
    { name: 'a.npy', data: new Uint8Array(20) },
  ],
  metering: { wallMs: 1, cpuMs: 1, peakMemoryBytes: 1 },
  vmBytes: 1,
  sessions: [],
  ...over,
})
const broken = (r: ChildReply): string => {
  const c = checkChildReply(r, req)
  if (!('broken' in c)) expect.fail('accepted')
  return c.broken
}

describe('node/exec/onnx child replies', () => {
  it('accepts a well-formed result and failure', () => {
    const ok = checkChildReply(done(), req)
    expect(ok.ok && ok.result.outputs.map((o) => o.name)).to.deep.equal(['a-b.npy', 'a.npy'])
    const failed = checkChildReply(
      {
        type: 'failed',
        id: 7,
        code: 'EXEC_INPUT_SHAPE',
        message: 'm',
        details: { input: 'x' },
        recycle: false,
        vmBytes: 1,
        sessions: [],
      },
      req,
    )
    expect(!failed.ok && 'failure' in failed && failed.failure.code).to.equal('EXEC_INPUT_SHAPE')
  })

  it('treats a reply breaking the protocol as broken', () => {
    expect(broken(done({ id: 8 }))).to.match(/id/)
    expect(broken({ type: 'ready', backends: [], gpuProviders: [], vmBytes: 0, sessions: [] })).to.match(/type/)
    const unknown = {
      type: 'failed',
      id: 7,
      code: 'EXEC_OK_REALLY',
      message: '',
      details: {},
      recycle: false,
      vmBytes: 0,
      sessions: [],
    } as unknown as ChildReply
    expect(broken(unknown)).to.match(/code/)
    expect(broken(done({ outputs: [{ name: 'big.npy', data: new Uint8Array(91) }] }))).to.match(/limit/)
    expect(broken(done({ outputs: [{ name: '../x.npy', data: new Uint8Array(1) }] }))).to.match(/malformed/)
    const unsorted = [
      { name: 'b.npy', data: new Uint8Array(1) },
      { name: 'a.npy', data: new Uint8Array(1) },
    ]
    expect(broken(done({ outputs: unsorted }))).to.match(/sorted/)
    expect(broken(done({ metering: { wallMs: -1, cpuMs: 0, peakMemoryBytes: 0 } }))).to.match(/metering/)
  })
})
