import type { Command } from 'commander'
import { HiveApiClient } from '../client.ts'
import type { CommandContext } from '../context.ts'
import { peersTable } from '../format.ts'

export function registerPeersCommand(peers: Command, context: (cmd: Command) => CommandContext): void {
  peers.action(async (_opts: unknown, cmd: Command) => {
    const ctx = context(cmd)
    const client = await HiveApiClient.forDataDir(ctx.dataDir)
    const peers = await client.peers()
    if (ctx.json) {
      ctx.printJson({ peers })
      return
    }
    ctx.say(peers.length === 0 ? 'no connected peers (is a bootstrap peer configured?)' : peersTable(peers))
    if (peers.length > 0) ctx.say(`${peers.length} peer${peers.length === 1 ? '' : 's'}`)
  })
}
