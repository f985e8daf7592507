// The dashboard's static bundle (built by scripts/setup/build-ui.mjs into dist/ui), served under
// /ui/ with a strict Content-Security-Policy: scripts and styles only from this origin, no
// inline script, no plugins, no framing. The bundle holds no secret, so it needs no login;
// every page route (/ui/, /ui/login, /ui/market …) answers index.html and the app picks the page.
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import type { ServerResponse } from 'node:http'
import { PACKAGE_ROOT } from '../util/package-root.ts'

export const UI_PREFIX = '/ui'
export const DEFAULT_UI_DIR = join(PACKAGE_ROOT, 'dist', 'ui')

export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.map': 'application/json; charset=utf-8',
}

/** Headers every dashboard response carries. */
export function uiHeaders(type: string, length: number): Record<string, string> {
  return {
    'content-type': type,
    'content-length': String(length),
    'content-security-policy': UI_CSP,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    // index.html names the bundle; a stale cached copy after an upgrade would load the old one
    'cache-control': 'no-cache',
  }
}

/**
 * Serves GET/HEAD /ui/…: a file of the bundle when the path names one (assets/…), index.html
 * otherwise. Paths are resolved inside `dir` only.
 */
export async function serveUiFile(res: ServerResponse, dir: string, path: string, head: boolean): Promise<void> {
  const rest = path.slice(UI_PREFIX.length).replace(/^\/+/, '')
  const isAsset = rest.startsWith('assets/')
  const file = isAsset ? normalize(join(dir, rest)) : join(dir, 'index.html')
  let body: Buffer
  try {
    if (!file.startsWith(dir + sep)) throw new Error('outside the bundle')
    body = await readFile(file)
  } catch {
    const missing = !isAsset
    const text = missing
      ? 'the dashboard is not built: run `npm run build` (it bundles the dashboard into dist/ui)\n'
      : 'not found\n'
    res.writeHead(missing ? 503 : 404, uiHeaders('text/plain; charset=utf-8', Buffer.byteLength(text)))
    res.end(head ? undefined : text)
    return
  }
  res.writeHead(200, uiHeaders(TYPES[extname(file)] ?? 'application/octet-stream', body.length))
  res.end(head ? undefined : body)
}
