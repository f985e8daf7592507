import { expect } from 'chai'
import { readSse } from '../../../cli/sse-reader.ts'
import type { SseMessage } from '../../../cli/sse-reader.ts'

async function collect(chunks: string[]): Promise<SseMessage[]> {
  async function* source(): AsyncGenerator<Uint8Array> {
    for (const c of chunks) yield new TextEncoder().encode(c)
  }
  const out: SseMessage[] = []
  for await (const m of readSse(source())) out.push(m)
  return out
}

describe('cli/sse-reader', () => {
  it('reads frames split anywhere across chunks, skipping comments', async () => {
    const stream =
      ': hive event stream\nretry: 3000\n\nid: 1\ndata: {"a":1}\n\n' +
      ': heartbeat 5\n\nid: 2\nevent: custom\ndata: line1\ndata: line2\n\n'
    const expected = [
      { event: 'message', data: '{"a":1}', id: '1' },
      { event: 'custom', data: 'line1\nline2', id: '2' },
    ]
    expect(await collect([stream])).to.deep.equal(expected)
    // every split point, including inside a multi-byte character
    const withUtf8 = stream.replace('line1', 'línea1')
    const bytes = new TextEncoder().encode(withUtf8)
    for (let i = 1; i < bytes.length; i++) {
      async function* split(): AsyncGenerator<Uint8Array> {
        yield bytes.slice(0, i)
        yield bytes.slice(i)
      }
      const out: SseMessage[] = []
      for await (const m of readSse(split())) out.push(m)
      expect(out, `split at ${i}`).to.deep.equal([expected[0], { ...expected[1], data: 'línea1\nline2' }])
    }
  })

  it('accepts CRLF line endings and drops an unterminated last frame', async () => {
    const expected = [
      { event: 'message', data: 'x' },
      { event: 'message', data: 'y' },
    ]
    expect(await collect(['data: x\r\n\r\ndata: y\r\n\r\ndata: partial'])).to.deep.equal(expected)
    // a CRLF split across chunks is one line end, not two (which would end the frame early)
    expect(await collect(['data: a\r', '\ndata: b\r\n\r\n'])).to.deep.equal([{ event: 'message', data: 'a\nb' }])
  })
})
