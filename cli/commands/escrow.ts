// `hive escrow list`: the running node's per-job escrows (node/payments), both roles.
import type { Command } from 'commander'
import { HiveClient } from '../client.ts'
import type { CommandContext } from '../context.ts'
import { roundTokenAmount, table } from '../format.ts'

export function registerEscrowCommands(escrow: Command, context: (cmd: Command) => CommandContext): void {
  escrow
    .command('list')
    .description('every escrow this node created (requester) or worked for (provider), and its state')
    .addHelpText('after', '\nExample:\n  hive escrow list --json')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = context(cmd)
      const client = await HiveClient.forDataDir(ctx.dataDir)
      const { address, escrows } = await client.call('payments.escrows')
      if (ctx.json) {
        ctx.printJson({ address, escrows })
        return
      }
      if (escrows.length === 0) {
        ctx.say(`no escrows for ${address}`)
        return
      }
      ctx.say(
        table(
          ['job', 'role', 'counterparty', 'amount', 'deadline', 'state'],
          escrows.map((e) => [
            `${e.jobId.slice(0, 12)}…`,
            e.role,
            e.role === 'requester' ? e.provider : e.requester,
            roundTokenAmount(BigInt(e.amount)),
            new Date(Number(e.deadline) * 1000).toISOString().slice(0, 19) + 'Z',
            e.state,
          ]),
        ),
      )
    })
}
