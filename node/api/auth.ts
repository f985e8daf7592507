// Who may talk to the API: whoever can read <dataDir>/api-token (mode 0600, so the node's own
// user). The token travels as `Authorization: Bearer <token>`.
import { createHash, timingSafeEqual } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { HiveError } from '../../protocol/errors.ts'

export const API_TOKEN_FILE = 'api-token'

export function apiTokenPath(dataDir: string): string {
  return join(dataDir, API_TOKEN_FILE)
}

/** Reads the token; a missing or empty file is a set-up mistake with a one-line fix. */
export async function readApiToken(dataDir: string): Promise<{ token: string; mode: number }> {
  const path = apiTokenPath(dataDir)
  let text: string
  let mode: number
  try {
    text = await readFile(path, 'utf8')
    mode = (await stat(path)).mode & 0o777
  } catch (err) {
    throw new HiveError(
      'API_TOKEN_MISSING',
      `cannot read the API token ${path}: run \`hive init --data-dir ${dataDir}\` first`,
      { path },
      { cause: err },
    )
  }
  const token = text.trim()
  if (token.length < 16) {
    throw new HiveError(
      'API_TOKEN_INVALID',
      `the API token in ${path} is empty or too short: delete it and run \`hive init --data-dir ${dataDir}\``,
      { path },
    )
  }
  return { token, mode }
}

/** Compares in constant time; hashing first makes the lengths equal so length leaks nothing either. */
export function tokenMatches(expected: string, presented: string): boolean {
  const a = createHash('sha256').update(expected).digest()
  const b = createHash('sha256').update(presented).digest()
  return timingSafeEqual(a, b)
}

export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization == null) return undefined
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization)
  return m?.[1]
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])

export function isLoopbackHost(host: string): boolean {
  if (LOOPBACK_NAMES.has(host)) return true
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

/**
 * A web page can make a browser send requests to 127.0.0.1 under its own domain name (DNS
 * rebinding); such requests carry that name in Host. Loopback names only.
 */
export function hostHeaderAllowed(hostHeader: string | undefined): boolean {
  if (hostHeader == null) return false
  const m = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(hostHeader)
  return m != null && isLoopbackHost(m[1])
}
