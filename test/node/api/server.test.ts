import { networkInterfaces } from 'node:os'
import { readFile, rm, stat } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'
import { expect } from 'chai'
import { ApiServer, createNodeApi, JsonResponse } from '../../../node/api/index.ts'
import { HiveError, UsageError } from '../../../protocol/errors.ts'
import { refuseWhenStoreFails } from '../../../node/store-health.ts'
import { FakeController, sampleProfile } from './fake-controller.ts'
import { openStream, rawRequest, tempDataDirWithToken, waitFor } from './helpers.ts'

describe('node/api server', () => {
  let dataDir: string
  let token: string
  let controller: FakeController
  let server: ApiServer
  let port: number
  const auth = (): Record<string, string> => ({ authorization: `Bearer ${token}` })

  beforeEach(async () => {
    ;({ dataDir, token } = await tempDataDirWithToken())
    controller = new FakeController()
    server = createNodeApi(controller, { dataDir, heartbeatMs: 50 })
    server.routes.route({
      method: 'POST',
      path: '/v1/test/echo/:name',
      maxBodyBytes: 1024,
      handler: async (ctx) => new JsonResponse(201, { name: ctx.params.name, body: await ctx.json() }),
    })
    server.routes.route({
      method: 'POST',
      path: '/v1/test/store-failing',
      handler: () => {
        refuseWhenStoreFails({
          ok: false,
          code: 'LEVEL_IO_ERROR',
          message: 'No space left on device',
          since: 5_000,
          failedWrites: 1,
        })
      },
    })
    server.routes.route({
      method: 'GET',
      path: '/v1/test/fail',
      handler: () => {
        throw new HiveError('JOB_NOT_FOUND', 'no job abc', { jobId: 'abc' })
      },
    })
    await server.start()
    port = server.endpoint!.port
  })

  afterEach(async () => {
    await server.stop()
    await rm(dataDir, { recursive: true, force: true })
  })

  describe('authentication', () => {
    it('answers 401 with a JSON error to a request without a token', async () => {
      const res = await rawRequest(port, 'GET', '/v1/info')
      expect(res.status).to.equal(401)
      expect(res.headers['www-authenticate']).to.match(/^Bearer/)
      expect(res.json).to.have.nested.property('error.code', 'UNAUTHORIZED')
      expect(res.text).to.not.include(token)
    })

    it('answers 401 to a wrong token, also on unknown routes (no route enumeration)', async () => {
      const wrong = await rawRequest(port, 'GET', '/v1/info', {
        headers: { authorization: `Bearer ${token.slice(0, -1)}x` },
      })
      expect(wrong.status).to.equal(401)
      const unknown = await rawRequest(port, 'GET', '/v1/nothing-here')
      expect(unknown.status).to.equal(401)
      const basic = await rawRequest(port, 'GET', '/v1/info', { headers: { authorization: `Basic ${token}` } })
      expect(basic.status).to.equal(401)
    })

    it('refuses requests addressed to a non-loopback host name (DNS rebinding)', async () => {
      const res = await rawRequest(port, 'GET', '/v1/info', { headers: { ...auth(), host: `evil.example:${port}` } })
      expect(res.status).to.equal(403)
      expect(res.json).to.have.nested.property('error.code', 'FORBIDDEN_HOST')
      const ok = await rawRequest(port, 'GET', '/v1/info', { headers: { ...auth(), host: `localhost:${port}` } })
      expect(ok.status).to.equal(200)
    })
  })

  describe('routes', () => {
    it('serves info, peers and hardware from the controller', async () => {
      const info = await rawRequest(port, 'GET', '/v1/info', { headers: auth() })
      expect(info.status).to.equal(200)
      expect(info.headers['content-type']).to.match(/^application\/json/)
      expect(info.json).to.deep.equal(controller.info())
      const peers = await rawRequest(port, 'GET', '/v1/peers', { headers: auth() })
      expect(peers.json).to.deep.equal({ peers: controller.peers() })
      const hw = await rawRequest(port, 'GET', '/v1/hardware', { headers: auth() })
      expect(hw.json).to.deep.equal(sampleProfile(controller.info().peerId))
    })

    it('turns provider query parameters into a typed filter', async () => {
      controller.providers = [sampleProfile('12D3KooWA'), sampleProfile('12D3KooWB')]
      const res = await rawRequest(
        port,
        'GET',
        '/v1/providers?executor=wasm&gpu=nvidia&minMem=8589934592&minCpuScore=250.5&limit=5&arch=x64',
        { headers: auth() },
      )
      expect(res.status).to.equal(200)
      const filter = {
        executor: 'wasm',
        gpuVendor: 'nvidia',
        arch: 'x64',
        minMemoryBytes: 8589934592,
        minCpuScore: 250.5,
        limit: 5,
      }
      expect(controller.filters).to.deep.equal([filter])
      expect(res.json).to.deep.equal({ filter, providers: controller.providers })
    })

    const badQueries: Array<[string, string]> = [
      ['minMem=8GiB', 'minMem'],
      ['limit=0', 'limit'],
      ['limit=2.5', 'limit'],
      ['minCpuScore=-1', 'minCpuScore'],
      ['executor=%3Cscript%3E', 'executor'],
      ['gpuVendor=nvidia', 'gpuVendor'],
    ]
    for (const [query, parameter] of badQueries) {
      it(`rejects /v1/providers?${query} with 400 naming ${parameter}`, async () => {
        const res = await rawRequest(port, 'GET', `/v1/providers?${query}`, { headers: auth() })
        expect(res.status).to.equal(400)
        expect(res.json).to.have.nested.property('error.details.parameter', parameter)
        expect(controller.filters).to.have.length(0)
      })
    }

    it('aborts a provider lookup after its timeout with 504', async () => {
      controller.findImpl = (_f, signal) =>
        new Promise((_resolve, reject) => {
          signal?.addEventListener('abort', () => reject(signal.reason))
        })
      const res = await rawRequest(port, 'GET', '/v1/providers?timeout=50', { headers: auth() })
      expect(res.status).to.equal(504)
      expect(res.json).to.have.nested.property('error.code', 'TIMEOUT')
    })

    it('answers 404 for unknown routes and 405 with Allow for a wrong method', async () => {
      const missing = await rawRequest(port, 'GET', '/v1/nope', { headers: auth() })
      expect(missing.status).to.equal(404)
      expect(missing.json).to.have.nested.property('error.code', 'ROUTE_NOT_FOUND')
      const wrong = await rawRequest(port, 'DELETE', '/v1/info', { headers: auth() })
      expect(wrong.status).to.equal(405)
      expect(wrong.headers.allow).to.equal('GET')
    })

    it('maps a HiveError thrown by a handler to status and {error:{code,message,details}}', async () => {
      const res = await rawRequest(port, 'GET', '/v1/test/fail', { headers: auth() })
      expect(res.status).to.equal(404)
      expect(res.json).to.deep.equal({
        error: { code: 'JOB_NOT_FOUND', message: 'no job abc', details: { jobId: 'abc' } },
      })
    })

    it('answers 503 with the store error when the node cannot write its data dir (no new work)', async () => {
      const res = await rawRequest(port, 'POST', '/v1/test/store-failing', {
        headers: { ...auth(), 'content-type': 'application/json' },
        body: '{}',
      })
      expect(res.status).to.equal(503)
      const body = res.json as { error: { code: string; message: string; details: unknown } }
      expect(body.error.code).to.equal('STORE_FAILING')
      expect(body.error.message).to.match(/No space left on device.*free space on the disk/)
      expect(body.error.details).to.deep.equal({ code: 'LEVEL_IO_ERROR', since: 5_000 })
    })

    it('lets services register routes with parameters and JSON bodies', async () => {
      const res = await rawRequest(port, 'POST', '/v1/test/echo/a%20b', {
        headers: { ...auth(), 'content-type': 'application/json' },
        body: '{"x":1}',
      })
      expect(res.status).to.equal(201)
      expect(res.json).to.deep.equal({ name: 'a b', body: { x: 1 } })
      expect(() => server.routes.route({ method: 'POST', path: '/v1/test/echo/:other', handler: () => 1 })).to.throw(
        /clashes/,
      )
    })

    it('enforces the body size limit, the media type and JSON syntax', async () => {
      const big = await rawRequest(port, 'POST', '/v1/test/echo/x', {
        headers: { ...auth(), 'content-type': 'application/json' },
        body: JSON.stringify({ s: 'x'.repeat(2000) }),
      })
      expect(big.status).to.equal(413)
      const text = await rawRequest(port, 'POST', '/v1/test/echo/x', {
        headers: { ...auth(), 'content-type': 'text/plain' },
        body: '{}',
      })
      expect(text.status).to.equal(415)
      const broken = await rawRequest(port, 'POST', '/v1/test/echo/x', {
        headers: { ...auth(), 'content-type': 'application/json' },
        body: '{"x":',
      })
      expect(broken.status).to.equal(400)
      expect(broken.json).to.have.nested.property('error.code', 'INVALID_JSON')
    })
  })

  describe('event stream', () => {
    it('streams controller events live as SSE with heartbeats, filtered by type', async () => {
      const all = await openStream(port, '/v1/events', token)
      const some = await openStream(port, '/v1/events?types=peer:connected', token)
      expect(all.res.headers['content-type']).to.match(/^text\/event-stream/)
      await waitFor(() => controller.listeners.size === 2)
      controller.emit({ type: 'log', at: 1, level: 'info', message: 'hello\nworld' })
      controller.emit({ type: 'peer:connected', at: 2, peerId: '12D3KooWPeerB' })
      const dataOf = (frames: string[]): unknown[] =>
        frames
          .filter((f) => f.includes('data: '))
          .map((f) =>
            JSON.parse(
              f
                .split('\n')
                .filter((l) => l.startsWith('data: '))
                .map((l) => l.slice(6))
                .join('\n'),
            ),
          )
      await waitFor(() => dataOf(all.frames).length === 2 && dataOf(some.frames).length === 1)
      expect(dataOf(all.frames)).to.deep.equal([
        { type: 'log', at: 1, level: 'info', message: 'hello\nworld' },
        { type: 'peer:connected', at: 2, peerId: '12D3KooWPeerB' },
      ])
      expect(dataOf(some.frames)).to.deep.equal([{ type: 'peer:connected', at: 2, peerId: '12D3KooWPeerB' }])
      await waitFor(() => all.frames.some((f) => f.startsWith(': heartbeat')))
      all.close()
      some.close()
    })

    it('unsubscribes when the client disconnects', async () => {
      const s = await openStream(port, '/v1/events', token)
      await waitFor(() => controller.listeners.size === 1 && server.openStreams === 1)
      s.close()
      await waitFor(() => controller.listeners.size === 0 && server.openStreams === 0)
    })

    it('closes open streams when the server stops', async () => {
      const s = await openStream(port, '/v1/events', token)
      await waitFor(() => controller.listeners.size === 1)
      await server.stop()
      await s.ended
      expect(controller.listeners.size).to.equal(0)
    })
  })

  describe('lifecycle and endpoint file', () => {
    it('writes api.json (0600) after listening and removes it on stop; start/stop are idempotent', async () => {
      await server.start()
      const path = join(dataDir, 'api.json')
      const endpoint = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>
      expect(endpoint).to.include({ host: '127.0.0.1', port, pid: process.pid, peerId: controller.info().peerId })
      expect(endpoint.startedAt).to.be.a('number')
      expect((await stat(path)).mode & 0o777).to.equal(0o600)
      await Promise.all([server.stop(), server.stop()])
      await server.stop()
      let exists = true
      try {
        await stat(path)
      } catch {
        exists = false
      }
      expect(exists).to.equal(false)
      const refused = await rawRequest(port, 'GET', '/v1/info').then(
        () => false,
        () => true,
      )
      expect(refused).to.equal(true)
    })

    it('fails to start with a fix when the data dir has no api-token', async () => {
      const other = new ApiServer({ dataDir: join(dataDir, 'missing'), peerId: 'x' })
      try {
        await other.start()
        expect.fail('started without a token')
      } catch (err) {
        expect(err).to.be.instanceOf(HiveError).with.property('code', 'API_TOKEN_MISSING')
        expect((err as Error).message).to.include('hive init')
      }
    })
  })

  describe('loopback only', () => {
    it('refuses to be configured on a non-loopback host unless forced', () => {
      for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com']) {
        expect(() => new ApiServer({ dataDir, peerId: 'x', host })).to.throw(UsageError, /loopback/)
      }
      expect(() => new ApiServer({ dataDir, peerId: 'x', host: '0.0.0.0', allowNonLoopback: true })).to.not.throw()
    })

    it("listens on 127.0.0.1 and is unreachable through the machine's other addresses", async function () {
      expect(server.endpoint?.host).to.equal('127.0.0.1')
      const external = Object.values(networkInterfaces())
        .flat()
        .find((a) => a != null && a.family === 'IPv4' && !a.internal)?.address
      if (external == null) this.skip()
      const reached = await new Promise<boolean>((resolve) => {
        const sock = connect({ host: external, port })
        sock.once('connect', () => {
          sock.destroy()
          resolve(true)
        })
        sock.once('error', () => resolve(false))
      })
      expect(reached).to.equal(false)
    })
  })
})
