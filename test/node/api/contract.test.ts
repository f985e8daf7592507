// The route table is the API's one definition: these tests hold the server's registrations,
// the client's requests and the messages that name CLI flags to it.
import { expect } from 'chai'
import { Command } from 'commander'
import { addNodeSettingOptions } from '../../../cli/node-options.ts'
import { API_AREAS, API_ROUTES, parseQuery, q, writeQuery } from '../../../node/api/contract/index.ts'
import { RouteTableError } from '../../../node/api/contract-handlers.ts'
import { ApiError } from '../../../node/api/errors.ts'
import { Router } from '../../../node/api/router.ts'
import { registerNodeRoutes } from '../../../node/api/routes/node-routes.ts'
import { registerAuditRoutes } from '../../../node/audit/api-routes.ts'
import { registerUiRoutes } from '../../../node/api/routes/ui-routes.ts'
import { UiSessions } from '../../../node/api/session.ts'
import { registerChainRoutes } from '../../../node/chain/api-routes.ts'
import { registerJobRoutes } from '../../../node/market/api-routes.ts'
import { registerPaymentsRoutes } from '../../../node/payments/api-routes.ts'
import type { RequestContext } from '../../../node/api/router.ts'
import type { AuditService } from '../../../node/audit/service.ts'
import type { ChainService } from '../../../node/chain/service.ts'
import type { PaymentsService } from '../../../node/payments/service.ts'
import { FakeController } from './fake-controller.ts'

function requestContext(path: string, query = ''): RequestContext {
  return {
    method: 'GET',
    path,
    params: {},
    query: new URLSearchParams(query),
    headers: {},
    signal: new AbortController().signal,
    json: async () => undefined,
  }
}

async function apiErrorOf(run: () => unknown): Promise<ApiError> {
  try {
    await run()
  } catch (err) {
    if (err instanceof ApiError) return err
    throw err
  }
  throw new Error('expected an ApiError')
}

describe('node/api contract (the route table)', () => {
  it('keys each route by its area, under /v1/, with no two routes on one method and path shape', () => {
    const router = new Router()
    for (const [area, routes] of Object.entries(API_AREAS)) {
      for (const [key, spec] of Object.entries(routes)) {
        expect(key.startsWith(`${area}.`), key).to.equal(true)
        expect(spec.path.startsWith('/v1/'), key).to.equal(true)
        router.route({ method: spec.method, path: spec.path, handler: () => null })
      }
    }
    expect(router.list()).to.have.length(Object.keys(API_ROUTES).length)
  })

  it("the areas' register functions serve exactly the table", () => {
    const router = new Router()
    // handlers are not called here: the services are never touched
    registerNodeRoutes(router, new FakeController())
    registerJobRoutes(router, undefined)
    registerChainRoutes(router, {} as ChainService)
    registerPaymentsRoutes(router, {} as PaymentsService)
    registerAuditRoutes(router, {} as AuditService, 'peer')
    registerUiRoutes(router, new UiSessions())
    const served = router
      .list()
      .map((r) => `${r.method} ${r.path}`)
      .sort()
    const table = Object.values(API_ROUTES)
      .map((r) => `${r.method} ${r.path}`)
      .sort()
    expect(served).to.deep.equal(table)
  })

  it('refuses an area whose handlers miss a route or add one the table lacks, and an unknown key', () => {
    const router = new Router()
    const chain = { 'chain.wallet': () => null, 'chain.params': () => null } as never
    expect(() => router.area('chain', chain)).to.throw(RouteTableError, /no handler for chain\.stake/)
    const extra = {
      'chain.wallet': () => null,
      'chain.params': () => null,
      'chain.stake': () => null,
      'chain.gas': () => null,
    } as never
    expect(() => router.area('chain', extra)).to.throw(RouteTableError, /not in the table: chain\.gas/)
    expect(() => router.handle('chain.gas' as never, () => null as never)).to.throw(
      RouteTableError,
      /no route "chain\.gas"/,
    )
    expect(router.list()).to.deep.equal([])
  })

  it("checks a route's query before its handler runs, naming the parameter", async () => {
    const router = new Router()
    registerNodeRoutes(router, new FakeController())
    const { definition } = router.match('GET', '/v1/providers')
    for (const [query, code, parameter] of [
      ['limit=0', 'INVALID_PARAMETER', 'limit'],
      ['gpuVendor=nvidia', 'UNKNOWN_PARAMETER', 'gpuVendor'],
      ['executor=%3Cx%3E', 'INVALID_PARAMETER', 'executor'],
      ['timeout=1.5', 'INVALID_PARAMETER', 'timeout'],
    ] as const) {
      const err = await apiErrorOf(() => definition.handler(requestContext('/v1/providers', query)))
      expect([err.status, err.code, err.details.parameter], query).to.deep.equal([400, code, parameter])
    }
  })

  it('writes a typed query as the server reads it back, leaving absent values out', () => {
    const spec = { job: q.string(/^[0-9a-f]{4}$/), limit: q.int(1, 10), score: q.number(0, 1), types: q.list() }
    const written = writeQuery(spec, { job: 'beef', limit: 3, score: 0.5, types: ['a', 'b'] })
    expect(written.toString()).to.equal('job=beef&limit=3&score=0.5&types=a%2Cb')
    expect(parseQuery(spec, written)).to.deep.equal({ job: 'beef', limit: 3, score: 0.5, types: ['a', 'b'] })
    expect(writeQuery(spec, { limit: undefined, types: [] }).toString()).to.equal('')
    expect(parseQuery(spec, new URLSearchParams('types=,%20'))).to.deep.equal({})
  })

  it('NOT_A_REQUESTER names flags that `hive node start` has (it once said --roles)', async () => {
    const router = new Router()
    registerJobRoutes(router, undefined)
    const err = await apiErrorOf(() => router.match('GET', '/v1/jobs').definition.handler(requestContext('/v1/jobs')))
    expect([err.status, err.code]).to.deep.equal([409, 'NOT_A_REQUESTER'])
    const named = err.message.match(/--[a-z-]+/g) ?? []
    expect(named).to.not.deep.equal([])
    const flags = addNodeSettingOptions(new Command()).options.map((o) => o.long)
    for (const flag of named) expect(flags, flag).to.include(flag)
  })
})
