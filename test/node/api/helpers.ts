import { randomBytes } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export async function tempDataDirWithToken(): Promise<{ dataDir: string; token: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hive-api-test-'))
  const token = randomBytes(32).toString('base64url')
  await writeFile(join(dataDir, 'api-token'), token + '\n', { mode: 0o600 })
  return { dataDir, token }
}

export interface RawResponse {
  status: number
  headers: IncomingHttpHeaders
  text: string
  json: unknown
}

/** A plain node:http request, so tests control every header (Host included). */
export function rawRequest(
  port: number,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer; host?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: options.host ?? '127.0.0.1', port, method, path, headers: options.headers },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let json: unknown
          try {
            json = text === '' ? undefined : JSON.parse(text)
          } catch {
            json = undefined
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json })
        })
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    if (options.body != null) req.write(options.body)
    req.end()
  })
}

/** Opens an SSE response and collects its raw frames until closed. */
export function openStream(
  port: number,
  path: string,
  token: string,
): Promise<{ res: IncomingMessage; frames: string[]; ended: Promise<void>; close: () => void }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${token}` } }, (res) => {
      const frames: string[] = []
      let buf = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        buf += chunk
        let i
        while ((i = buf.indexOf('\n\n')) >= 0) {
          frames.push(buf.slice(0, i))
          buf = buf.slice(i + 2)
        }
      })
      const ended = new Promise<void>((ok) => {
        res.on('close', () => ok())
      })
      resolve({ res, frames, ended, close: () => req.destroy() })
    })
    req.on('error', reject)
    req.end()
  })
}

export async function waitFor(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
