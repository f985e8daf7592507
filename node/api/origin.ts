// Browser-facing rules of the local API (issue 17). Cookies are not scoped by port and every
// 127.0.0.1 port is the same site, so SameSite=Strict alone lets a page served by any other
// local program (another node's dashboard, a dev server) send requests carrying our cookie.
// What tells them apart is the Origin header, which scripts cannot forge: a request that
// changes state must come from exactly our origin, port included.
import { isLoopbackHost } from './auth.ts'

/** `hive_session_<last 8 characters of the peer id>`: two nodes on one machine keep separate logins. */
export function sessionCookieName(peerId: string): string {
  return `hive_session_${peerId.slice(-8).replace(/[^A-Za-z0-9]/g, '')}`
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header == null) return undefined
  for (const part of header.split(';')) {
    const at = part.indexOf('=')
    if (at < 0) continue
    if (part.slice(0, at).trim() === name) return part.slice(at + 1).trim()
  }
  return undefined
}

/**
 * Whether `origin` is this server's own: http, a loopback name, and our port. A browser writes
 * the origin of the page that made the request, `null` for sandboxed or opaque ones (refused).
 */
export function isOwnOrigin(origin: string, port: number): boolean {
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    return false
  }
  if (url.protocol !== 'http:' || url.origin !== origin) return false
  return Number(url.port) === port && isLoopbackHost(url.hostname)
}

/** Methods that never change state on this API (the route table has no state-changing GET). */
export function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD'
}

export function sessionCookie(name: string, value: string, maxAgeSeconds: number): string {
  // no Secure: the API is plain http on loopback, where browsers keep such cookies
  return `${name}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeSeconds}`
}
