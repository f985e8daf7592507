// The dashboard's HTTP layer without a browser: login codes and sessions (node/api/session.ts),
// the Origin rules (node/api/origin.ts) and the static bundle under /ui/ with its CSP, served
// from a bundle folder made here so that the test does not depend on a build.
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'chai'
import { ApiServer } from '../../../node/api/index.ts'
import { isOwnOrigin, readCookie, sessionCookieName } from '../../../node/api/origin.ts'
import { UiSessions } from '../../../node/api/session.ts'
import { rawRequest, tempDataDirWithToken } from './helpers.ts'

describe('node/api dashboard: sessions, Origin, the /ui bundle', () => {
  describe('UiSessions', () => {
    it('trades a code once, before it expires, for a session that expires too', () => {
      let now = 1_000
      const s = new UiSessions({ now: () => now, codeTtlMs: 60_000, sessionTtlMs: 3_600_000 })
      const { code, expiresAt } = s.issueCode()
      expect(expiresAt).to.equal(61_000)
      const session = s.exchange(code)!
      expect(s.valid(session.sessionId)).to.equal(true)
      expect(s.exchange(code)).to.equal(undefined)
      const late = s.issueCode().code
      now += 60_000
      expect(s.exchange(late)).to.equal(undefined)
      expect(s.valid('made-up')).to.equal(false)
      now += 3_600_000
      expect(s.valid(session.sessionId)).to.equal(false)
    })

    it('ends a session on logout and keeps a bounded number of pending codes', () => {
      const s = new UiSessions()
      const session = s.exchange(s.issueCode().code)!
      s.end(session.sessionId)
      expect(s.valid(session.sessionId)).to.equal(false)
      for (let i = 0; i < 200; i++) s.issueCode()
      expect(s.pendingCodes).to.equal(64)
    })
  })

  describe('origin rules', () => {
    it('accepts only http, a loopback name and our port', () => {
      expect(isOwnOrigin('http://127.0.0.1:4000', 4000)).to.equal(true)
      expect(isOwnOrigin('http://localhost:4000', 4000)).to.equal(true)
      expect(isOwnOrigin('http://127.0.0.1:4001', 4000)).to.equal(false)
      expect(isOwnOrigin('https://127.0.0.1:4000', 4000)).to.equal(false)
      expect(isOwnOrigin('http://evil.example:4000', 4000)).to.equal(false)
      expect(isOwnOrigin('null', 4000)).to.equal(false)
      expect(isOwnOrigin('http://127.0.0.1:4000/path', 4000)).to.equal(false)
    })

    it('names the cookie per node and reads it among others', () => {
      const name = sessionCookieName('12D3KooWAbCdEfGhIjKlMn')
      expect(name).to.equal('hive_session_GhIjKlMn')
      expect(readCookie(`a=1; ${name}=xyz; b=2`, name)).to.equal('xyz')
      expect(readCookie('hive_session_other=1', name)).to.equal(undefined)
    })
  })

  describe('the /ui bundle', () => {
    let dataDir: string
    let server: ApiServer
    let port: number

    before(async () => {
      ;({ dataDir } = await tempDataDirWithToken())
      const uiDir = join(dataDir, 'ui')
      await mkdir(join(uiDir, 'assets'), { recursive: true })
      await writeFile(join(uiDir, 'index.html'), '<!doctype html><title>t</title>')
      await writeFile(join(uiDir, 'assets', 'app.js'), 'console.log(1)')
      await writeFile(join(dataDir, 'secret.txt'), 'not for the browser')
      server = new ApiServer({ dataDir, peerId: '12D3KooWTest', uiDir, writeEndpointFile: false })
      await server.start()
      port = server.endpoint!.port
    })
    after(async () => {
      await server.stop()
      await rm(dataDir, { recursive: true, force: true })
    })

    it('serves index.html for every page path and the assets, under a strict CSP, without a login', async () => {
      for (const path of ['/ui', '/ui/', '/ui/market', '/ui/login']) {
        const res = await rawRequest(port, 'GET', path)
        expect(res.status, path).to.equal(200)
        expect(res.headers['content-type']).to.match(/^text\/html/)
        expect(res.headers['content-security-policy'])
          .to.include("script-src 'self'")
          .and.include("frame-ancestors 'none'")
        expect(res.headers['x-content-type-options']).to.equal('nosniff')
      }
      const js = await rawRequest(port, 'GET', '/ui/assets/app.js')
      expect(js.headers['content-type']).to.match(/^text\/javascript/)
      expect(js.text).to.equal('console.log(1)')
    })

    it('serves nothing outside the bundle, and keeps the Host rule', async () => {
      const up = await rawRequest(port, 'GET', '/ui/assets/../../secret.txt')
      expect(up.text).to.not.include('not for the browser')
      const encoded = await rawRequest(port, 'GET', '/ui/assets/..%2f..%2fsecret.txt')
      expect(encoded.status).to.equal(404)
      const rebound = await rawRequest(port, 'GET', '/ui/', { headers: { host: 'evil.example' } })
      expect(rebound.status).to.equal(403)
      expect(rebound.json).to.have.nested.property('error.code', 'FORBIDDEN_HOST')
    })
  })
})
