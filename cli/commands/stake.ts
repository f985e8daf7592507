// `hive stake deposit|withdraw|status`: the provider's bond in ProviderRegistry, under this
// node's peer id. A provider bids only while its bond reaches the live minimum stake.
import type { Command } from 'commander'
import { peerIdBytes } from '../../node/chain/binding.ts'
import { depositStake, nodeStakePeerId, readStake, withdrawStep } from '../../node/chain/staking.ts'
import type { StakeInfo } from '../../node/chain/staking.ts'
import { openChain } from '../../node/chain/client.ts'
import { readWalletAddress } from '../../node/chain/wallet.ts'
import { hexlify } from 'ethers'
import type { CommandContext } from '../context.ts'
import { parseTokenAmount } from '../parse.ts'
import { addChainOptions, cliConfig, hive, openCliChain, parseArg } from '../chain-options.ts'
import type { ChainCliOptions } from '../chain-options.ts'

const when = (unix: number): string => new Date(unix * 1000).toISOString().replace('.000Z', 'Z')

export function registerStakeCommands(stake: Command, context: (cmd: Command) => CommandContext): void {
  addChainOptions(stake.command('deposit <amount>'))
    .description("approve and stake <amount> HIVE under this node's peer id (e.g. 100, 1.5k)")
    .addHelpText('after', '\nExample:\n  HIVE_PASSPHRASE=… hive stake deposit 1k')
    .action(async (amountText: string, opts: ChainCliOptions, cmd: Command) => {
      const ctx = context(cmd)
      const amount = parseArg('<amount>', () => parseTokenAmount(amountText))
      const peerId = await nodeStakePeerId(ctx.dataDir)
      const client = await openCliChain(ctx, opts, { wallet: true })
      try {
        const result = await depositStake(client, peerId, amount, (step) => ctx.note(step))
        const after = await readStake(client, client.wallet!.address)
        const transactions = [...(result.approve !== undefined ? [result.approve.hash] : []), result.stake.hash]
        if (ctx.json) {
          ctx.printJson({
            address: after.address,
            peerId: peerId.toString(),
            amount,
            bonded: after.bonded,
            minStake: after.minStake,
            status: after.status,
            transactions,
          })
          return
        }
        ctx.say(`staked ${hive(amount)} from ${after.address} under peer id ${peerId.toString()}`)
        ctx.say(
          `bonded now ${hive(after.bonded)} (minimum ${hive(after.minStake)}): ` +
            `${after.status === 'active' ? 'this node may bid' : 'still not enough to bid'}`,
        )
      } finally {
        client.close()
      }
    })

  addChainOptions(stake.command('withdraw'))
    .description('get the stake back: starts unbonding, or withdraws what has finished unbonding')
    .option('--amount <amount>', 'unbond only this much (default: everything bonded)', (v: string) =>
      parseTokenAmount(v),
    )
    .addHelpText(
      'after',
      '\nStake leaves in two steps. The first `hive stake withdraw` starts the ' +
        'unbonding period\n(ProtocolParams.unbondingPeriod): the amount stops ' +
        'counting as stake at once, so a node below\nthe minimum stops bidding, ' +
        'but it can still be slashed until the period ends. Run\n`hive stake ' +
        'withdraw` again after that to receive it.',
    )
    .action(async (opts: ChainCliOptions & { amount?: bigint }, cmd: Command) => {
      const ctx = context(cmd)
      const client = await openCliChain(ctx, opts, { wallet: true })
      try {
        const out = await withdrawStep(client, opts.amount)
        const after = await readStake(client, client.wallet!.address)
        if (ctx.json) {
          ctx.printJson({
            ...out,
            tx: out.tx.hash,
            bonded: after.bonded,
            unbonding: after.unbonding,
            unbondingEndsAt: after.unbondingEndsAt,
          })
          return
        }
        if (out.action === 'withdrawn') {
          ctx.say(`withdrew ${hive(out.amount)} to ${after.address}; bonded ${hive(after.bonded)}`)
        } else {
          ctx.say(
            `unbonding ${hive(out.amount)}: it no longer counts as stake (bonded now ` +
              `${hive(after.bonded)}, minimum ` +
              `${hive(after.minStake)}${after.bonded < after.minStake ? ': this node stops bidding' : ''}).`,
          )
          ctx.say(
            `it can still be slashed until ${when(out.endsAt)} (unbonding period ` +
              `${after.unbondingPeriod} s); run \`hive stake withdraw\` again after ` +
              `that to receive it.`,
          )
        }
      } finally {
        client.close()
      }
    })

  addChainOptions(stake.command('status'))
    .description("this node's stake: bonded, unbonding, slashed, and whether it may bid")
    .action(async (opts: ChainCliOptions, cmd: Command) => {
      const ctx = context(cmd)
      const address = readWalletAddress(ctx.dataDir)
      const peerId = await nodeStakePeerId(ctx.dataDir)
      const client = await openChain({ settings: cliConfig(ctx, opts) })
      try {
        const s = await readStake(client, address)
        const boundHere = s.peerId.toLowerCase() === hexlify(peerIdBytes(peerId)).toLowerCase()
        const canBid = s.status === 'active' && boundHere
        if (ctx.json) {
          ctx.printJson({ ...s, peerIdBoundHere: boundHere, canBid, nodePeerId: peerId.toString() })
          return
        }
        ctx.say(statusText(s, boundHere, canBid))
      } finally {
        client.close()
      }
    })
}

function statusText(s: StakeInfo, boundHere: boolean, canBid: boolean): string {
  const lines = [
    `address    ${s.address}`,
    `status     ${s.status}${canBid ? ' (may bid)' : ' (may not bid)'}`,
    `bonded     ${hive(s.bonded)} (minimum ${hive(s.minStake)})`,
  ]
  if (s.unbonding > 0n) {
    lines.push(
      `unbonding  ${hive(s.unbonding)}, ` +
        `${
          s.now >= s.unbondingEndsAt
            ? 'ready: run `hive stake withdraw`'
            : `until ${when(s.unbondingEndsAt)} ` + `(${s.unbondingEndsAt - s.now} s)`
        }`,
    )
  }
  if (s.slashed) lines.push('slashed    yes: this account cannot stake again')
  lines.push(
    `peer id    ` +
      `${s.peerId === '0x' ? 'none bound' : boundHere ? 'bound to this node' : "bound to ANOTHER node's peer id"}`,
  )
  return lines.join('\n')
}
