// `hive token balance|transfer|delegate`: HIVE, the market's currency and governance's vote.
import { getAddress, isAddress } from 'ethers'
import type { Command } from 'commander'
import { openChain } from '../../node/chain/client.ts'
import { requireSender } from '../../node/chain/client.ts'
import { readWalletAddress } from '../../node/chain/wallet.ts'
import { UsageError } from '../../protocol/errors.ts'
import type { CommandContext } from '../context.ts'
import { formatTokenAmount, parseTokenAmount } from '../parse.ts'
import { addChainOptions, cliConfig, hive, openCliChain, parseArg } from '../chain-options.ts'
import type { ChainCliOptions } from '../chain-options.ts'

export function parseAddress(text: string, what = 'address'): string {
  if (!isAddress(text))
    throw new UsageError('BAD_ADDRESS', `${what} "${text}" is not an Ethereum address (0x + 40 hex digits)`, {
      value: text,
    })
  return getAddress(text)
}

export function registerTokenCommands(token: Command, context: (cmd: Command) => CommandContext): void {
  addChainOptions(token.command('balance [address]'))
    .description('HIVE balance, voting power and delegate of an address (default: this wallet)')
    .action(async (addressText: string | undefined, opts: ChainCliOptions, cmd: Command) => {
      const ctx = context(cmd)
      const address = addressText !== undefined ? parseAddress(addressText) : readWalletAddress(ctx.dataDir)
      const client = await openChain({ settings: cliConfig(ctx, opts) })
      try {
        const t = client.contracts.token
        const [balance, votes, delegate] = await Promise.all([
          t.balanceOf.staticCall(address),
          t.getVotes.staticCall(address),
          t.delegates.staticCall(address),
        ])
        const delegatedTo = BigInt(delegate) === 0n ? null : getAddress(delegate)
        if (ctx.json) {
          ctx.printJson({ address, balance, votes, delegate: delegatedTo })
          return
        }
        ctx.say(
          `${address}\nbalance   ${hive(balance)}\nvotes     ${hive(votes)}\ndelegate ` +
            ` ${delegatedTo ?? "none: these tokens count as nobody's votes (run `hive token delegate`)"}`,
        )
      } finally {
        client.close()
      }
    })

  addChainOptions(token.command('transfer <to> <amount>'))
    .description('send HIVE from this wallet (amount in HIVE: 1000, 1.5k, 0.25)')
    .action(async (toText: string, amountText: string, opts: ChainCliOptions, cmd: Command) => {
      const ctx = context(cmd)
      const to = parseAddress(toText, '<to>')
      const amount = parseArg('<amount>', () => parseTokenAmount(amountText))
      const client = await openCliChain(ctx, opts, { wallet: true })
      try {
        const sender = requireSender(client)
        const balance = await client.contracts.token.balanceOf.staticCall(sender.address)
        if (balance < amount)
          throw new UsageError(
            'INSUFFICIENT_HIVE',
            `${sender.address} holds ${formatTokenAmount(balance)} HIVE, less than ${formatTokenAmount(amount)} HIVE`,
            { balance, amount },
          )
        const sent = await sender.call(client.contracts.token, 'transfer', [to, amount], { label: 'transfer' })
        if (ctx.json) {
          ctx.printJson({ from: sender.address, to, amount, tx: sent.hash, block: sent.receipt.blockNumber })
          return
        }
        ctx.say(`sent ${hive(amount)} to ${to} (transaction ${sent.hash}, block ${sent.receipt.blockNumber})`)
      } finally {
        client.close()
      }
    })

  addChainOptions(token.command('delegate [to]'))
    .description("give this wallet's votes to an address (default: yourself); tokens vote only once delegated")
    .action(async (toText: string | undefined, opts: ChainCliOptions, cmd: Command) => {
      const ctx = context(cmd)
      const client = await openCliChain(ctx, opts, { wallet: true })
      try {
        const sender = requireSender(client)
        const to = toText !== undefined ? parseAddress(toText, '[to]') : sender.address
        const sent = await sender.call(client.contracts.token, 'delegate', [to], { label: 'delegate' })
        const t = client.contracts.token
        const [balance, votes] = await Promise.all([t.balanceOf.staticCall(sender.address), t.getVotes.staticCall(to)])
        if (ctx.json) {
          ctx.printJson({ from: sender.address, delegate: to, balance, votesOfDelegate: votes, tx: sent.hash })
          return
        }
        ctx.say(
          `delegated the votes of ${sender.address} (${hive(balance)}) to` +
            ` ${to === sender.address ? 'itself' : to}; ${to} now has ${hive(votes)} of` +
            ` votes.`,
        )
        ctx.say(
          'why: HIVE counts as votes only once delegated (to yourself or someone else), and only for' +
            ' proposals created after this moment — each vote uses a snapshot taken when the proposal was' +
            ' made.',
        )
      } finally {
        client.close()
      }
    })
}
