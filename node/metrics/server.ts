// The /metrics listener: its own address (not the control API's: a Prometheus must never hold the
// API token), GET only, and a bearer token of its own compared in constant time. Nothing else is
// served; a scrape sees counts and durations, never ids, keys or amounts of a single job.
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { HiveError } from '../../protocol/errors.ts'
import { bearerToken, tokenMatches } from '../api/auth.ts'
import { writePrivateFileExclusive } from '../p2p/identity.ts'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Registry } from 'prom-client'

export const METRICS_TOKEN_FILE = 'metrics-token'
/** where a node started with metricsPort 0 writes the port it got */
export const METRICS_ENDPOINT_FILE = 'metrics.json'

/** The configured token, or the data dir's token file (made 0600 with a fresh token the first time). */
export function metricsToken(dataDir: string, configured: string): string {
  if (configured !== '') return configured
  const path = join(dataDir, METRICS_TOKEN_FILE)
  if (!existsSync(path)) writePrivateFileExclusive(path, randomBytes(32).toString('hex') + '\n')
  const token = readFileSync(path, 'utf8').trim()
  if (token.length < 16)
    throw new HiveError('METRICS_TOKEN_INVALID', `${path} holds no usable token: delete it to have one made`, { path })
  return token
}

export interface MetricsServerInit {
  registry: Registry
  host: string
  port: number
  token: string
  /** counted for the scrape series (ok / unauthorized) */
  onScrape?: (outcome: 'ok' | 'unauthorized' | 'error') => void
}

export class MetricsServer {
  private readonly init: MetricsServerInit
  private server: Server | undefined

  constructor(init: MetricsServerInit) {
    this.init = init
  }

  /** host:port it listens on (after start) */
  address(): { host: string; port: number } {
    const a = this.server?.address() as AddressInfo | null | undefined
    if (a == null) throw new HiveError('METRICS_NOT_STARTED', 'the metrics listener is not running')
    return { host: a.address, port: a.port }
  }

  async start(): Promise<void> {
    const { registry, token } = this.init
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]
      if (path !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: the only path is /metrics\n')
        return
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('GET only\n')
        return
      }
      const presented = bearerToken(req.headers.authorization)
      if (presented === undefined || !tokenMatches(token, presented)) {
        this.init.onScrape?.('unauthorized')
        res
          .writeHead(401, { 'www-authenticate': 'Bearer realm="hive-metrics"', 'content-type': 'text/plain' })
          .end('a bearer token is required (metricsToken, or <dataDir>/metrics-token)\n')
        return
      }
      registry.metrics().then(
        (text) => {
          this.init.onScrape?.('ok')
          res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' })
          res.end(req.method === 'HEAD' ? undefined : text)
        },
        (err: unknown) => {
          this.init.onScrape?.('error')
          res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${String(err)}\n`)
        },
      )
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.init.port, this.init.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    this.server = server
  }

  async stop(): Promise<void> {
    const server = this.server
    this.server = undefined
    if (server === undefined) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

/** Writes host and port for tools that start a node with metricsPort 0 (tests, the devnet). */
export function writeMetricsEndpoint(dataDir: string, address: { host: string; port: number }): void {
  writeFileSync(join(dataDir, METRICS_ENDPOINT_FILE), JSON.stringify(address) + '\n', { mode: 0o644 })
}

/** Removes the file on stop: a stale port must not send a scraper's token to whoever listens there next. */
export function removeMetricsEndpoint(dataDir: string): void {
  rmSync(join(dataDir, METRICS_ENDPOINT_FILE), { force: true })
}
