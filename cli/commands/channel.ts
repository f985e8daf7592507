// `hive channel list|open|close`: the running node's payment channels (node/payments).
// A requester opens a channel to a provider's address; either side may close: the provider
// settles with its best voucher at once, a requester starts the challenge period.
import { isAddress } from 'ethers'
import type { Command } from 'commander'
import { HiveClient } from '../client.ts'
import type { CommandContext } from '../context.ts'
import { roundTokenAmount, shortPeerId, table } from '../format.ts'
import { parseTokenAmount } from '../parse.ts'
import { UsageError } from '../../protocol/errors.ts'
import type { ChannelSummary } from '../../node/api/contract/index.ts'

const short = (hex: string): string => `${hex.slice(0, 10)}…`
const amount = (units: string): string => roundTokenAmount(BigInt(units))

export function channelsTable(channels: ChannelSummary[]): string {
  return table(
    ['channel', 'role', 'counterparty', 'status', 'deposit', 'paid', 'left', 'nonce'],
    channels.map((c) => [
      short(c.channelId),
      c.role,
      c.role === 'requester' ? c.provider : c.requester,
      c.status,
      amount(c.deposit),
      amount(c.cumulativeAmount),
      amount(c.remaining),
      c.nonce,
    ]),
  )
}

export function registerChannelCommands(channel: Command, context: (cmd: Command) => CommandContext): void {
  channel
    .command('list')
    .description('every channel of this node, as requester or provider, with what was paid through it')
    .addHelpText('after', '\nExample:\n  hive channel list --json')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = context(cmd)
      const client = await HiveClient.forDataDir(ctx.dataDir)
      const { address, channels } = await client.call('payments.channels')
      if (ctx.json) {
        ctx.printJson({ address, channels })
        return
      }
      ctx.say(
        channels.length === 0
          ? `no channels yet for ${address} (a requester opens one with its first channel-mode job)`
          : channelsTable(channels),
      )
    })

  channel
    .command('open <provider> <deposit>')
    .description(
      'open a channel to the provider address <provider> with <deposit> HIVE (one transaction, with a permit)',
    )
    .option('--peer <peerId>', "the provider's peer id (vouchers are sent to it)")
    .addHelpText(
      'after',
      '\nExample:\n  hive channel open 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 50 --peer 12D3KooW…',
    )
    .action(async (provider: string, depositText: string, opts: { peer?: string }, cmd: Command) => {
      const ctx = context(cmd)
      if (!isAddress(provider))
        throw new UsageError(
          'BAD_ARGUMENT',
          `<provider> must be an Ethereum address (0x + 40 hex), not ${JSON.stringify(provider)}`,
          {},
        )
      const deposit = parseTokenAmount(depositText)
      const client = await HiveClient.forDataDir(ctx.dataDir)
      const { channel: c } = await client.call('payments.openChannel', {
        body: { provider, deposit: deposit.toString(), peer: opts.peer ?? '' },
      })
      if (ctx.json) {
        ctx.printJson({ channel: c })
        return
      }
      ctx.say(
        `opened channel ${c.channelId} to` +
          ` ${c.provider}${c.peer !== undefined ? ` (${shortPeerId(c.peer)})` : ''} with` +
          ` ${amount(c.deposit)} HIVE (tx ${c.openTx ?? '?'})`,
      )
    })

  channel
    .command('close <channelId>')
    .description(
      'close a channel: a provider settles with its best voucher now; a requester starts the challenge period',
    )
    .addHelpText('after', '\nExample:\n  hive channel close 0x3f2a…')
    .action(async (channelId: string, _opts: unknown, cmd: Command) => {
      const ctx = context(cmd)
      if (!/^0x[0-9a-fA-F]{64}$/.test(channelId))
        throw new UsageError(
          'BAD_ARGUMENT',
          '<channelId> must be 0x + 64 hex characters (see `hive channel list --json`)',
          {},
        )
      const client = await HiveClient.forDataDir(ctx.dataDir)
      const { channel: c } = await client.call('payments.closeChannel', { body: { channelId } })
      if (ctx.json) {
        ctx.printJson({ channel: c })
        return
      }
      if (c.status === 'closed')
        ctx.say(
          `channel ${c.channelId} is closed${c.payout !== undefined ? `: ${amount(c.payout)} HIVE paid out` : ''}`,
        )
      else
        ctx.say(
          `channel ${c.channelId} is closing: the provider can answer with its best voucher` +
            ` until ${new Date(Number(c.closesAt ?? '0') * 1000).toISOString()}`,
        )
    })
}
