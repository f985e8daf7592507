// POST /v1/jobs refuses a module no provider could run (400 INVALID_MODULE) before the requester
// signs and gossips it: API users get the same check as `hive job post`.
import { expect } from 'chai'
import { ApiError } from '../../../node/api/errors.ts'
import { Router } from '../../../node/api/router.ts'
import { registerJobRoutes } from '../../../node/market/api-routes.ts'
import type { RequestContext } from '../../../node/api/router.ts'
import type { PostJobInput, Requester } from '../../../node/market/requester.ts'
import { helloWat, wat } from '../exec/wat.ts'

function postContext(body: unknown): RequestContext {
  return {
    method: 'POST',
    path: '/v1/jobs',
    params: {},
    query: new URLSearchParams(),
    headers: {},
    signal: new AbortController().signal,
    json: async () => body,
  }
}

/** Records what reaches the requester; a refused module must never get there. */
function fakeRequester(store: Map<string, Uint8Array> = new Map()): { requester: Requester; posted: PostJobInput[] } {
  const posted: PostJobInput[] = []
  const fake = {
    post: async (input: PostJobInput) => {
      posted.push(input)
      return { jobId: 'a'.repeat(64) }
    },
    blob: async (cid: string) => {
      const bytes = store.get(cid)
      if (bytes === undefined) throw new Error('not found')
      return bytes
    },
  }
  return { requester: fake as unknown as Requester, posted }
}

async function post(requester: Requester, body: Record<string, unknown>): Promise<unknown> {
  const router = new Router()
  registerJobRoutes(router, requester)
  return await router.match('POST', '/v1/jobs').definition.handler(postContext({ maxPrice: '1000', ...body }))
}

async function refusal(run: () => Promise<unknown>): Promise<ApiError> {
  try {
    await run()
  } catch (err) {
    if (err instanceof ApiError) return err
    throw err
  }
  throw new Error('expected an ApiError')
}

const b64 = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64')

describe('POST /v1/jobs checks the module', () => {
  it('refuses a README with 400 INVALID_MODULE and does not post it', async () => {
    const { requester, posted } = fakeRequester()
    const err = await refusal(async () => await post(requester, { module: b64('# ComputeHive\n\nhello\n') }))
    expect([err.status, err.code]).to.deep.equal([400, 'INVALID_MODULE'])
    expect(err.message).to.include('not a WebAssembly module')
    expect(err.details).to.include({ field: 'module', reason: 'NOT_WASM' })
    expect(posted).to.have.length(0)
  })

  it('refuses a module importing a function the sandbox does not provide', async () => {
    const { requester, posted } = fakeRequester()
    const bytes = await wat('(module (import "env" "fetch" (func)))')
    const err = await refusal(async () => await post(requester, { module: b64(bytes) }))
    expect([err.status, err.code]).to.deep.equal([400, 'INVALID_MODULE'])
    expect(err.message).to.include('env.fetch')
    expect(posted).to.have.length(0)
  })

  it('checks a module named by CID from the store too', async () => {
    const cid = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
    const { requester, posted } = fakeRequester(new Map([[cid, new TextEncoder().encode('not wasm at all')]]))
    const err = await refusal(async () => await post(requester, { moduleCid: cid }))
    expect(err.code).to.equal('INVALID_MODULE')
    expect(err.message).to.include(cid)
    expect(posted).to.have.length(0)
  })

  it('posts a WASI command', async () => {
    const { requester, posted } = fakeRequester()
    expect(await post(requester, { module: b64(await wat(helloWat('hi'))) })).to.deep.equal({ jobId: 'a'.repeat(64) })
    expect(posted).to.have.length(1)
  })
})
