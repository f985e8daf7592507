// Issue 17: /metrics tells whoever reads it how busy a node is, what it earns and whom it pays
// (channel balances, earnings, job rates): a scraper must hold the metrics token. Attacks over
// plain HTTP against a node with metrics on: no token, a wrong one, the API token instead, the
// right token in the query string or as Basic auth, a prefix or an extension of it, a POST —
// all refused without a byte of the series; only GET with the exact bearer token is served.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { readApiToken } from '../../node/api/auth.ts'
import { initDataDir } from '../../node/config.ts'
import { metricsService } from '../../node/metrics/service.ts'
import { startTestNode } from '../support/node.ts'
import type { MetricsService } from '../../node/metrics/service.ts'
import type { HiveNode } from '../../node/node.ts'

const TOKEN = 'scrape-token-for-the-attack-test-42'

describe('security 17: /metrics only for the holder of the metrics token', function () {
  this.timeout(60_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-sec17-'))
  let node: HiveNode
  let url: string
  let apiToken: string

  before(async () => {
    await initDataDir(join(root, 'n'))
    apiToken = (await readApiToken(join(root, 'n'))).token
    node = await startTestNode('n', {
      root,
      settings: { metrics: true, metricsPort: 0, metricsToken: TOKEN },
      services: { metrics: metricsService() },
    })
    const { host, port } = (node.services as { metrics?: MetricsService }).metrics!.address()
    url = `http://${host}:${port}/metrics`
  })

  after(async () => {
    await node?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  const attempts: Array<[string, () => { url?: string; headers?: Record<string, string>; method?: string }]> = [
    ['no token', () => ({})],
    ['a wrong token', () => ({ headers: { authorization: 'Bearer not-the-scrape-token-at-all-000' } })],
    ['the API token', () => ({ headers: { authorization: `Bearer ${apiToken}` } })],
    ['the token in the query string', () => ({ url: `${url}?token=${TOKEN}&access_token=${TOKEN}` })],
    [
      'the token as Basic auth',
      () => ({ headers: { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` } }),
    ],
    ['a prefix of the token', () => ({ headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}` } })],
    ['the token with a suffix', () => ({ headers: { authorization: `Bearer ${TOKEN}x` } })],
  ]
  for (const [what, attempt] of attempts) {
    it(`refuses ${what} with 401 and no series`, async () => {
      const a = attempt()
      const res = await fetch(a.url ?? url, { headers: a.headers ?? {} })
      const body = await res.text()
      expect(res.status).to.equal(401)
      expect(body).to.not.match(/hive_|libp2p_|nodejs_/)
    })
  }

  it('refuses a POST even with the token, and serves GET with it', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` }
    const post = await fetch(url, { method: 'POST', headers: auth })
    expect(post.status).to.equal(405)
    expect(await post.text()).to.not.match(/hive_/)
    const get = await fetch(url, { headers: auth })
    expect(get.status).to.equal(200)
    expect(await get.text()).to.match(/^hive_peers /m)
  })
})
