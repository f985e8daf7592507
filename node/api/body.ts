// Reads a JSON request body without trusting its declared length: counting stops at the limit.
import type { IncomingMessage } from 'node:http'
import { ApiError } from './errors.ts'

export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? ''
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `send the request body as application/json, not ${type === '' ? 'nothing' : type}`,
    )
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    const buf = chunk as Buffer
    size += buf.length
    if (size > limit) {
      // the rest is never read: the server answers 413 with `connection: close`
      throw new ApiError(413, 'BODY_TOO_LARGE', `request body exceeds the limit of ${limit} bytes`, { limit })
    }
    chunks.push(buf)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new ApiError(400, 'INVALID_JSON', `request body is not valid JSON: ${(err as Error).message}`)
  }
}
