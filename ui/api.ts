// The dashboard's calls to its own node: same-origin fetches that carry the session cookie (the
// browser adds Origin to every POST, which the node checks). Typed by the API's route table.
import type { RouteReply } from '../node/api/contract/index.ts'

export class ApiFailure extends Error {
  readonly status: number
  readonly code: string
  constructor(status: number, code: string, message: string) {
    super(message)
    this.status = status
    this.code = code
  }
}

/** Set when a call answered 401: the app shows how to log in instead of the page. */
export const auth = { lost: false, listeners: new Set<() => void>() }

async function send<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body !== undefined ? { 'content-type': 'application/json', accept: 'application/json' } : {},
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })
  const text = await res.text()
  const json: unknown = text === '' ? undefined : JSON.parse(text)
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error
    if (res.status === 401 && !path.startsWith('/ui/')) {
      auth.lost = true
      for (const l of auth.listeners) l()
    }
    throw new ApiFailure(res.status, err?.code ?? 'HTTP_' + res.status, err?.message ?? res.statusText)
  }
  return json as T
}

export const api = {
  info: () => send<RouteReply<'node.info'>>('GET', '/v1/info'),
  peers: () => send<RouteReply<'node.peers'>>('GET', '/v1/peers'),
  hardware: () => send<RouteReply<'node.hardware'>>('GET', '/v1/hardware'),
  providers: () => send<RouteReply<'node.providers'>>('GET', '/v1/providers?timeout=5000'),
  jobs: () => send<RouteReply<'jobs.list'>>('GET', '/v1/jobs'),
  job: (jobId: string) => send<RouteReply<'jobs.get'>>('GET', `/v1/jobs/${encodeURIComponent(jobId)}`),
  result: (jobId: string) => send<RouteReply<'jobs.result'>>('GET', `/v1/jobs/${encodeURIComponent(jobId)}/result`),
  logs: (jobId: string) => send<RouteReply<'jobs.logs'>>('GET', `/v1/jobs/${encodeURIComponent(jobId)}/logs`),
  postJob: (body: unknown) => send<RouteReply<'jobs.post'>>('POST', '/v1/jobs', body),
  wallet: () => send<RouteReply<'chain.wallet'>>('GET', '/v1/chain/wallet'),
  params: () => send<RouteReply<'chain.params'>>('GET', '/v1/chain/params'),
  proposals: () => send<RouteReply<'chain.proposals'>>('GET', '/v1/chain/proposals'),
  vote: (proposalId: string, choice: 'for' | 'against' | 'abstain') =>
    send<RouteReply<'chain.vote'>>('POST', '/v1/chain/vote', { proposalId, choice }),
  stake: () => send<RouteReply<'chain.stake'>>('GET', '/v1/chain/stake'),
  channels: () => send<RouteReply<'payments.channels'>>('GET', '/v1/payments/channels'),
  escrows: () => send<RouteReply<'payments.escrows'>>('GET', '/v1/payments/escrows'),
  audit: () => send<RouteReply<'audit.status'>>('GET', '/v1/audit'),
  auditEntries: (limit = 50) => send<RouteReply<'audit.entries'>>('GET', `/v1/audit/entries?limit=${limit}`),
  anchor: () => send<RouteReply<'audit.anchor'>>('POST', '/v1/audit/anchor'),
  verify: (job: string) => send<RouteReply<'audit.verify'>>('POST', '/v1/audit/verify', { job }),
  login: (code: string) => send<{ cookie: string }>('POST', '/ui/session', { code }),
  logout: () => send<undefined>('POST', '/ui/logout'),
}

/** A route this node does not serve (no chain, no audit …) answers 404 ROUTE_NOT_FOUND. */
export function notServed(err: unknown): boolean {
  return err instanceof ApiFailure && err.code === 'ROUTE_NOT_FOUND'
}
