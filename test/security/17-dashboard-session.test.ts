// Issue 17, attack: the dashboard's browser login. A real requester node (market service) serves
// its API on 127.0.0.1; the attacker speaks HTTP to it directly, the way a hostile page served
// from another local port would make a browser speak (cookies are not scoped by port, so such a
// page's requests carry our session cookie; only Origin tells them apart). Refused: a login code
// used twice, a code older than 60 s, a state-changing POST under a valid cookie from a foreign
// origin (or from none), a login from a foreign page, a session minting login codes, and GETs on
// the state-changing endpoints (they change nothing).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { buildExamples } from '../../examples/build.ts'
import { createNodeApi } from '../../node/api/index.ts'
import type { ApiServer } from '../../node/api/index.ts'
import { initDataDir } from '../../node/config.ts'
import { marketService } from '../../node/market/service.ts'
import { startTestNode } from '../support/node.ts'
import { rawRequest } from '../node/api/helpers.ts'
import type { RawResponse } from '../node/api/helpers.ts'
import type { HiveNode } from '../../node/node.ts'

describe('security 17: dashboard sessions (login codes, cookie, Origin)', function () {
  this.timeout(90_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-sec17-'))
  let node: HiveNode
  let api: ApiServer
  let token: string
  let port: number
  let own: string
  let foreign: string
  let module: string
  let clock = Date.now()

  before(async function () {
    this.timeout(90_000)
    const dir = join(root, 'requester')
    await initDataDir(dir)
    token = readFileSync(join(dir, 'api-token'), 'utf8').trim()
    module = readFileSync((await buildExamples()).wordcount).toString('base64')
    node = await startTestNode('requester', {
      root,
      roles: 'requester',
      libp2pDatastore: 'memory',
      services: { market: marketService() },
    })
    api = createNodeApi(node, { dataDir: dir, host: '127.0.0.1', port: 0, now: () => clock })
    node.routes(api.routes)
    await api.start()
    port = api.endpoint!.port
    own = `http://127.0.0.1:${port}`
    // another local program's page: same site (127.0.0.1), another origin
    foreign = `http://127.0.0.1:${port === 65535 ? port - 1 : port + 1}`
  })
  after(async function () {
    this.timeout(60_000)
    await api?.stop()
    await node?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  const code = async (): Promise<string> => {
    const res = await rawRequest(port, 'POST', '/v1/ui/login-code', { headers: { authorization: `Bearer ${token}` } })
    expect(res.status, res.text).to.equal(200)
    return (res.json as { code: string }).code
  }
  const exchange = (c: string, origin: string | undefined = own): Promise<RawResponse> =>
    rawRequest(port, 'POST', '/ui/session', {
      headers: { 'content-type': 'application/json', ...(origin !== undefined ? { origin } : {}) },
      body: JSON.stringify({ code: c }),
    })
  const cookieOf = (res: RawResponse): string => {
    const set = res.headers['set-cookie']?.[0]
    expect(set, 'a Set-Cookie header').to.be.a('string')
    return set!.split(';')[0]
  }
  const jobCount = async (): Promise<number> => {
    const res = await rawRequest(port, 'GET', '/v1/jobs', { headers: { authorization: `Bearer ${token}` } })
    return (res.json as { jobs: unknown[] }).jobs.length
  }
  const postJob = (cookie: string, origin: string | undefined): Promise<RawResponse> =>
    rawRequest(port, 'POST', '/v1/jobs', {
      headers: { 'content-type': 'application/json', cookie, ...(origin !== undefined ? { origin } : {}) },
      body: JSON.stringify({ module, maxPrice: '1000', bidWindowMs: 30_000, timeoutMs: 120_000 }),
    })

  it('a login code works once: the second use is refused', async () => {
    const c = await code()
    const first = await exchange(c)
    expect(first.status, first.text).to.equal(200)
    const set = first.headers['set-cookie']![0]
    expect(set).to.match(new RegExp(`^hive_session_${node.peerId.toString().slice(-8)}=`))
    expect(set).to.include('HttpOnly').and.include('SameSite=Strict').and.include('Path=/')
    const info = await rawRequest(port, 'GET', '/v1/info', { headers: { cookie: cookieOf(first) } })
    expect(info.status).to.equal(200)
    const second = await exchange(c)
    expect(second.status).to.equal(401)
    expect(second.json).to.have.nested.property('error.code', 'LOGIN_CODE_INVALID')
    expect(second.headers['set-cookie']).to.equal(undefined)
  })

  it('a login code older than 60 s is refused', async () => {
    const c = await code()
    clock += 61_000
    const res = await exchange(c)
    expect(res.status).to.equal(401)
    expect(res.json).to.have.nested.property('error.code', 'LOGIN_CODE_INVALID')
    expect(res.headers['set-cookie']).to.equal(undefined)
  })

  it('a POST under a valid cookie from another port (or with no Origin) changes nothing', async () => {
    const cookie = cookieOf(await exchange(await code()))
    const before = await jobCount()
    const attack = await postJob(cookie, foreign)
    expect(attack.status, attack.text).to.equal(403)
    expect(attack.json).to.have.nested.property('error.code', 'FORBIDDEN_ORIGIN')
    const bare = await postJob(cookie, undefined)
    expect(bare.status, bare.text).to.equal(403)
    expect(await jobCount()).to.equal(before)
    // the same request from the node's own page is served: the refusals above were the Origin's
    const honest = await postJob(cookie, own)
    expect(honest.status, honest.text).to.equal(200)
    expect(await jobCount()).to.equal(before + 1)
  })

  it("a foreign page cannot log the browser in with its own code, nor burn the user's", async () => {
    const c = await code()
    const res = await exchange(c, foreign)
    expect(res.status).to.equal(403)
    expect(res.headers['set-cookie']).to.equal(undefined)
    expect((await exchange(c)).status, 'the code is still unused').to.equal(200)
  })

  it('GETs on state-changing endpoints change nothing; a session cannot mint login codes', async () => {
    const c = await code()
    const pending = api.sessions.pendingCodes
    const viaGet = await rawRequest(port, 'GET', `/ui/session?code=${encodeURIComponent(c)}`)
    expect(viaGet.status).to.equal(405)
    expect(viaGet.headers['set-cookie']).to.equal(undefined)
    const cookie = cookieOf(await exchange(c)) // the GET did not consume it
    const mint = await rawRequest(port, 'GET', '/v1/ui/login-code', { headers: { cookie } })
    expect(mint.status).to.equal(405)
    const minted = await rawRequest(port, 'POST', '/v1/ui/login-code', { headers: { cookie, origin: own } })
    expect(minted.status).to.equal(403)
    expect(minted.json).to.have.nested.property('error.code', 'TOKEN_REQUIRED')
    expect(api.sessions.pendingCodes).to.equal(pending - 1)
    const logout = await rawRequest(port, 'GET', '/ui/logout', { headers: { cookie } })
    expect(logout.status).to.equal(405)
    expect((await rawRequest(port, 'GET', '/v1/info', { headers: { cookie } })).status, 'still logged in').to.equal(200)
  })
})
