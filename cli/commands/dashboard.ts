// `hive dashboard [--open]`: a one-time login URL for the running node's web dashboard (issue 17).
// The node mints the code (the API token asks for it); the page trades it for a session cookie
// within 60 s, so the token never travels in a URL and the printed URL is useless once used.
import { spawn } from 'node:child_process'
import type { Command } from 'commander'
import { HiveApiClient } from '../client.ts'
import type { CommandContext } from '../context.ts'

/** The platform's "open this URL" program; failing to start it is reported, not fatal. */
function openInBrowser(url: string): Promise<string | undefined> {
  const program = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open'
  return new Promise((resolve) => {
    const child = spawn(program, [url], { stdio: 'ignore', detached: true })
    child.once('error', (err) => resolve(`could not run ${program}: ${err.message}; open the URL yourself`))
    child.once('spawn', () => {
      child.unref()
      resolve(undefined)
    })
  })
}

export function registerDashboardCommand(dashboard: Command, context: (cmd: Command) => CommandContext): void {
  dashboard
    .option('--open', 'open the login URL in the default browser')
    .action(async (opts: { open?: boolean }, cmd: Command) => {
      const ctx = context(cmd)
      const client = await HiveApiClient.forDataDir(ctx.dataDir)
      const login = await client.call('ui.loginCode')
      const url = `${client.baseUrl}${login.path}`
      if (ctx.json) ctx.printJson({ url, expiresAt: login.expiresAt })
      else {
        ctx.say(url)
        ctx.note('one-time login: open it within 60 s; run `hive dashboard` again for a new one')
      }
      if (opts.open === true) {
        const problem = await openInBrowser(url)
        if (problem !== undefined) ctx.note(problem)
      }
    })
}
