// The API client's HTTP: node:http, not fetch(). fetch() loads undici on first use, 60-90 ms of
// a one-shot command's start on a small machine (most of what `hive job list` spent before it
// reached the network), and the client needs nothing of it: one loopback request, answered with
// JSON or an event stream.
import { request } from 'node:http'
import type { IncomingMessage } from 'node:http'

export interface HttpInit {
  method: string
  headers: Record<string, string>
  body?: string
  signal?: AbortSignal
}

export interface HttpAnswer {
  status: number
  statusText: string
  /** 2xx */
  ok: boolean
  /** the body as it arrives (an event stream); ends when the server ends it or the signal aborts */
  body: AsyncIterable<Uint8Array>
  /** the whole body as UTF-8 */
  text: () => Promise<string>
}

/** One request. Rejects with the socket's error (err.code ECONNREFUSED …) or, on abort, an AbortError. */
export async function httpRequest(url: URL, init: HttpInit): Promise<HttpAnswer> {
  const headers =
    init.body === undefined ? init.headers : { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) }
  return await new Promise<HttpAnswer>((resolve, reject) => {
    const req = request(url, { method: init.method, headers, signal: init.signal }, (res) => {
      resolve(answerOf(res))
    })
    req.on('error', reject)
    req.end(init.body)
  })
}

function answerOf(res: IncomingMessage): HttpAnswer {
  const status = res.statusCode ?? 0
  return {
    status,
    statusText: res.statusMessage ?? '',
    ok: status >= 200 && status < 300,
    body: res,
    text: async () => {
      const chunks: Buffer[] = []
      for await (const chunk of res) chunks.push(chunk as Buffer)
      return Buffer.concat(chunks).toString('utf8')
    },
  }
}
