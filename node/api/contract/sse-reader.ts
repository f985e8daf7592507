// Reads a server-sent event stream (the WHATWG format the node's API writes) into messages. Lives with
// the route table: the CLI's client and the SDK both read the events route with it.
// Comments (heartbeats) are skipped; multi-line data is joined with newlines.

export interface SseMessage {
  event: string
  data: string
  id?: string
}

export async function* readSse(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder()
  let buffer = ''
  let data: string[] = []
  let event = ''
  let id: string | undefined
  for await (const chunk of chunks) {
    buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })
    let nl: number
    while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
      // a CR at the very end may be the first half of a CRLF split across chunks
      if (buffer[nl] === '\r' && nl === buffer.length - 1) break
      const line = buffer.slice(0, nl)
      buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1))
      if (line === '') {
        if (data.length > 0)
          yield { event: event === '' ? 'message' : event, data: data.join('\n'), ...(id != null ? { id } : {}) }
        data = []
        event = ''
        continue
      }
      if (line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon < 0 ? line : line.slice(0, colon)
      let value = colon < 0 ? '' : line.slice(colon + 1)
      if (value.startsWith(' ')) value = value.slice(1)
      if (field === 'data') data.push(value)
      else if (field === 'event') event = value
      else if (field === 'id') id = value
    }
  }
}
