// <dataDir>/api.json tells local clients where a running node's API listens. Written after the
// server listens (atomically, mode 0600) and removed on stop; a crash leaves it behind, so
// readers check that its pid is alive before trusting it.
import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export const API_ENDPOINT_FILE = 'api.json'

export interface ApiEndpoint {
  host: string
  port: number
  pid: number
  peerId: string
  /** unix ms */
  startedAt: number
}

export function apiEndpointPath(dataDir: string): string {
  return join(dataDir, API_ENDPOINT_FILE)
}

export async function writeApiEndpoint(dataDir: string, endpoint: ApiEndpoint): Promise<void> {
  const path = apiEndpointPath(dataDir)
  const tmp = `${path}.${process.pid}.tmp`
  await writeFile(tmp, JSON.stringify(endpoint, null, 2) + '\n', { mode: 0o600 })
  await rename(tmp, path)
}

/** The endpoint file as written, or undefined when there is none; throws on a corrupt file. */
export async function readApiEndpoint(dataDir: string): Promise<ApiEndpoint | undefined> {
  let text: string
  try {
    text = await readFile(apiEndpointPath(dataDir), 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  const value: unknown = JSON.parse(text)
  if (!isApiEndpoint(value)) throw new TypeError(`${apiEndpointPath(dataDir)} is not a valid API endpoint file`)
  return value
}

/** Removes the file only if it still describes this process's server (another may have replaced it). */
export async function removeApiEndpoint(dataDir: string, mine: { pid: number; port: number }): Promise<void> {
  let current: ApiEndpoint | undefined
  try {
    current = await readApiEndpoint(dataDir)
  } catch {
    return
  }
  if (current?.pid === mine.pid && current.port === mine.port) {
    await rm(apiEndpointPath(dataDir), { force: true })
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it exists but belongs to someone else
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function isApiEndpoint(v: unknown): v is ApiEndpoint {
  if (typeof v !== 'object' || v == null) return false
  const o = v as Record<string, unknown>
  return (
    typeof o.host === 'string' &&
    Number.isInteger(o.port) &&
    Number.isInteger(o.pid) &&
    typeof o.peerId === 'string' &&
    typeof o.startedAt === 'number'
  )
}
