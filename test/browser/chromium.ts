// Debian's Chromium for the browser suite (playwright-core drives it; npm's browser download
// cannot work offline). Missing and running as root: `apt-get install -y chromium`. Otherwise the
// suite is skipped with the reason, never passed.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chromium } from 'playwright-core'
import type { Browser } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'

/** undefined when Chromium is there (installed now if need be), else why the suite cannot run */
export function ensureChromium(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined
  if (process.platform !== 'linux') return `no ${CHROMIUM} and not Linux: install Chromium to run the browser suite`
  if (process.getuid?.() !== 0) return `no ${CHROMIUM}, and not root: run \`apt-get install -y chromium\` first`
  const r = spawnSync('apt-get', ['install', '-y', 'chromium'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeout: 600_000,
  })
  if (r.status !== 0 || !existsSync(CHROMIUM))
    return `apt-get install -y chromium failed (${r.status ?? r.signal}): ${String(r.stderr).slice(-300)}`
  return undefined
}

export async function launchChromium(): Promise<Browser> {
  return await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  })
}
