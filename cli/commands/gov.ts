// `hive gov propose|list|show|vote|queue|execute`: token-holder governance of ProtocolParams
// (and anything else the timelock may do). Every refusal says why, from the governor's views.
import { InvalidArgumentError } from 'commander'
import type { Command } from 'commander'
import { openChain, requireSender } from '../../node/chain/client.ts'
import type { ChainClient } from '../../node/chain/client.ts'
import {
  PARAM_KINDS,
  PROPOSAL_STATES,
  VOTE_SUPPORT,
  callAction,
  checkCanExecute,
  checkCanQueue,
  checkCanVote,
  checkParamBounds,
  findProposal,
  findProposals,
  paramAction,
  proposalArgs,
  proposalIdOf,
  viewProposal,
} from '../../node/chain/governance.ts'
import type { ProposalAction, ProposalView, VoteChoice } from '../../node/chain/governance.ts'
import { isParamName } from '../../node/chain/params.ts'
import { UsageError } from '../../protocol/errors.ts'
import type { CommandContext } from '../context.ts'
import { roundTokenAmount, table } from '../format.ts'
import { parseDuration, parseTokenAmount } from '../parse.ts'
import { addChainOptions, cliConfig, hive, openCliChain, parseArg } from '../chain-options.ts'
import type { ChainCliOptions } from '../chain-options.ts'
import { parseAddress } from './token.ts'

const iso = (unix: number): string => new Date(unix * 1000).toISOString().replace('.000Z', 'Z')
const rel = (at: number, now: number): string => (at > now ? `in ${at - now} s` : `${now - at} s ago`)
const collect = (value: string, previous: string[]): string[] => [...previous, value]

/** `name=value` in the parameter's own units: HIVE amounts, durations, bps or %, addresses. */
export function parseSetting(text: string): { name: string; value: bigint | string } {
  const at = text.indexOf('=')
  const name = at < 0 ? text : text.slice(0, at).trim()
  const raw = at < 0 ? '' : text.slice(at + 1).trim()
  if (!isParamName(name))
    throw new InvalidArgumentError(
      `"${name}" is not a protocol parameter; choose from ${Object.keys(PARAM_KINDS).join(', ')}`,
    )
  if (raw === '') throw new InvalidArgumentError(`--set ${name} needs a value, e.g. --set ${name}=${example(name)}`)
  switch (PARAM_KINDS[name]) {
    case 'token':
      return { name, value: parseTokenAmount(raw) }
    case 'seconds': {
      const ms = parseDuration(raw)
      if (ms % 1000 !== 0) throw new InvalidArgumentError(`${name} is whole seconds; "${raw}" is not`)
      return { name, value: BigInt(ms / 1000) }
    }
    case 'bps': {
      const pct = /^(\d+(?:\.\d{1,2})?)%$/.exec(raw)
      if (pct !== null) return { name, value: BigInt(Math.round(Number(pct[1]) * 100)) }
      if (!/^\d+$/.test(raw))
        throw new InvalidArgumentError(`${name} is in basis points (50) or percent (0.5%); "${raw}" is neither`)
      return { name, value: BigInt(raw) }
    }
    case 'address':
      return { name, value: parseAddress(raw, name) }
  }
}

function example(name: keyof typeof PARAM_KINDS): string {
  return { token: '1000', seconds: '1d', bps: '50', address: '0x…' }[PARAM_KINDS[name]]
}

/** `--call` arguments: `<n>hive` is an amount of HIVE, anything else goes to the ABI coder as is. */
function callArg(text: string): string {
  const m = /^(.+?)\s*hive$/i.exec(text)
  return m !== null ? parseArg(`--call argument ${text}`, () => parseTokenAmount(m[1])).toString() : text
}

export function registerGovCommands(gov: Command, context: (cmd: Command) => CommandContext): void {
  addChainOptions(gov.command('propose'))
    .description('propose ProtocolParams changes (--set) or any call the timelock may make (--call)')
    .option(
      '--set <param=value>',
      'a parameter change, e.g. minProviderStake=1.5k, unbondingPeriod=7d, protocolFeeBps=0.5% (repeatable)',
      collect,
      [],
    )
    .option(
      '--call <target signature args...>',
      'one call: target (address or contract name), function signature, arguments (`500hive` = 500 HIVE)',
    )
    .requiredOption('--description <text>', 'what the proposal does and why (part of its id)')
    .addHelpText(
      'after',
      '\nExamples:\n  hive gov propose --set minProviderStake=300 ' +
        '--description "Raise the minimum stake to 300 HIVE"\n  hive gov propose ' +
        '--call HiveToken "transfer(address,uint256)" 0xabc… 5000hive ' +
        '--description "Grant from the treasury"',
    )
    .action(async (opts: ChainCliOptions & { set: string[]; call?: string[]; description: string }, cmd: Command) => {
      const ctx = context(cmd)
      const settings = opts.set.map((s) => parseArg(`--set ${s}`, () => parseSetting(s)))
      if (settings.length === 0 && opts.call === undefined)
        throw new UsageError('GOV_NOTHING_TO_PROPOSE', 'give at least one --set <param=value> or a --call', {})
      if (opts.call !== undefined && opts.call.length < 2)
        throw new UsageError('GOV_BAD_CALL', '--call needs a target and a function signature, then the arguments', {})
      const client = await openCliChain(ctx, opts, { wallet: true })
      try {
        const actions: ProposalAction[] = []
        for (const s of settings) {
          if (typeof s.value === 'bigint' && isParamName(s.name)) await checkParamBounds(client, s.name, s.value)
          actions.push(paramAction(client, s.name, s.value))
        }
        if (opts.call !== undefined) {
          const [target, signature, ...args] = opts.call
          actions.push(callAction(client, target, signature, args.map(callArg)))
        }
        const id = await proposalIdOf(client, actions, opts.description)
        const sent = await requireSender(client).call(
          client.contracts.governor,
          'propose',
          [actions.map((a) => a.target), actions.map((a) => a.value), actions.map((a) => a.calldata), opts.description],
          { label: 'propose' },
        )
        const view = await viewProposal(client, await findProposal(client, id.toString()))
        if (ctx.json) {
          ctx.printJson({ proposalId: id, tx: sent.hash, ...jsonView(view) })
          return
        }
        ctx.say(`proposal ${id}`)
        ctx.say(`actions:\n${view.decoded.map((d, i) => `  ${i + 1}. ${d}`).join('\n')}`)
        ctx.say(
          `voting opens ${iso(view.voteStart)} (${rel(view.voteStart, view.now)}) ` +
            `and closes ${iso(view.voteEnd)} (${rel(view.voteEnd, view.now)})`,
        )
        ctx.say(
          `next: \`hive gov vote ${id} for|against|abstain\`, then \`hive gov ` +
            `queue ${id}\` and \`hive gov execute ${id}\``,
        )
      } finally {
        client.close()
      }
    })

  addChainOptions(gov.command('list'))
    .description('proposals since the deployment, newest first')
    .option('--state <state>', `only proposals in this state (${PROPOSAL_STATES.join(', ')})`)
    .action(async (opts: ChainCliOptions & { state?: string }, cmd: Command) => {
      const ctx = context(cmd)
      if (opts.state !== undefined && !(PROPOSAL_STATES as readonly string[]).includes(opts.state))
        throw new UsageError('GOV_BAD_STATE', `--state must be one of ${PROPOSAL_STATES.join(', ')}`, {
          state: opts.state,
        })
      const client = await openChain({ settings: cliConfig(ctx, opts) })
      try {
        const views = await Promise.all(
          (await findProposals(client)).reverse().map(async (p) => await viewProposal(client, p)),
        )
        const shown = views.filter((v) => opts.state === undefined || v.state === opts.state)
        if (ctx.json) {
          ctx.printJson({ proposals: shown.map(jsonView) })
          return
        }
        if (shown.length === 0) {
          ctx.say(
            opts.state === undefined
              ? 'no proposals yet: `hive gov propose --set …` makes one'
              : `no ${opts.state} proposals`,
          )
          return
        }
        ctx.say(
          table(
            ['id', 'state', 'for', 'against', 'abstain', 'voting ends', 'description'],
            shown.map((v) => [
              v.id.toString().slice(0, 12) + '…',
              v.state,
              roundTokenAmount(v.votes.for),
              roundTokenAmount(v.votes.against),
              roundTokenAmount(v.votes.abstain),
              `${iso(v.voteEnd)} (${rel(v.voteEnd, v.now)})`,
              v.description.split('\n')[0].slice(0, 60),
            ]),
          ),
        )
        ctx.say('(an id prefix of 6+ digits works in the other gov commands)')
      } finally {
        client.close()
      }
    })

  addChainOptions(gov.command('show <id>'))
    .description('one proposal: state, votes, quorum, deadlines, decoded actions')
    .action(async (idText: string, opts: ChainCliOptions, cmd: Command) => {
      const ctx = context(cmd)
      const client = await openChain({ settings: cliConfig(ctx, opts) })
      try {
        const v = await viewProposal(client, await findProposal(client, idText))
        if (ctx.json) {
          ctx.printJson(jsonView(v))
          return
        }
        ctx.say(showText(v))
      } finally {
        client.close()
      }
    })

  addChainOptions(gov.command('vote <id> <choice>'))
    .description("vote for, against or abstain with this wallet's delegated votes")
    .option('--reason <text>', 'a reason, recorded on chain with the vote')
    .action(async (idText: string, choice: string, opts: ChainCliOptions & { reason?: string }, cmd: Command) => {
      const ctx = context(cmd)
      if (!(choice in VOTE_SUPPORT))
        throw new UsageError('GOV_BAD_CHOICE', `vote "for", "against" or "abstain", not "${choice}"`, { choice })
      await withProposal(ctx, opts, idText, async (client, v) => {
        const sender = requireSender(client)
        const weight = await checkCanVote(client, v, sender.address)
        const sent = await sender.call(
          client.contracts.governor,
          'castVoteWithReason',
          [v.id, VOTE_SUPPORT[choice as VoteChoice], opts.reason ?? ''],
          { label: 'vote' },
        )
        const after = await viewProposal(client, v)
        if (ctx.json) {
          ctx.printJson({ proposalId: v.id, voter: sender.address, choice, weight, tx: sent.hash, votes: after.votes })
          return
        }
        ctx.say(
          `voted ${choice} on proposal ${v.id} with ${hive(weight)}; now ` +
            `${roundTokenAmount(after.votes.for)} for, ` +
            `${roundTokenAmount(after.votes.against)} against, ` +
            `${roundTokenAmount(after.votes.abstain)} abstain`,
        )
      })
    })

  addChainOptions(gov.command('queue <id>'))
    .description('put a proposal that passed into the timelock (its delay starts then)')
    .action(async (idText: string, opts: ChainCliOptions, cmd: Command) => {
      const ctx = context(cmd)
      await withProposal(ctx, opts, idText, async (client, v) => {
        checkCanQueue(v)
        const sent = await requireSender(client).call(client.contracts.governor, 'queue', proposalArgs(v), {
          label: 'queue',
        })
        const after = await viewProposal(client, v)
        if (ctx.json) {
          ctx.printJson({ proposalId: v.id, tx: sent.hash, state: after.state, eta: after.eta })
          return
        }
        ctx.say(
          `queued proposal ${v.id}; it can be executed from ${iso(after.eta ?? 0)} ` +
            `(${rel(after.eta ?? 0, after.now)}) with \`hive gov execute ${v.id}\``,
        )
      })
    })

  addChainOptions(gov.command('execute <id>'))
    .description('run a queued proposal once its timelock delay has passed')
    .action(async (idText: string, opts: ChainCliOptions, cmd: Command) => {
      const ctx = context(cmd)
      await withProposal(ctx, opts, idText, async (client, v) => {
        checkCanExecute(v)
        const sent = await requireSender(client).call(client.contracts.governor, 'execute', proposalArgs(v), {
          label: 'execute',
        })
        if (ctx.json) {
          ctx.printJson({ proposalId: v.id, tx: sent.hash, block: sent.receipt.blockNumber, actions: v.decoded })
          return
        }
        ctx.say(
          `executed proposal ${v.id} in block ` +
            `${sent.receipt.blockNumber}:\n${v.decoded.map((d, i) => `  ${i + 1}. ${d}`).join('\n')}`,
        )
      })
    })
}

async function withProposal(
  ctx: CommandContext,
  opts: ChainCliOptions,
  idText: string,
  fn: (client: ChainClient, v: ProposalView) => Promise<void>,
): Promise<void> {
  const client = await openCliChain(ctx, opts, { wallet: true })
  try {
    await fn(client, await viewProposal(client, await findProposal(client, idText)))
  } finally {
    client.close()
  }
}

function jsonView(v: ProposalView): Record<string, unknown> {
  return {
    id: v.id,
    state: v.state,
    proposer: v.proposer,
    description: v.description,
    votes: v.votes,
    quorum: v.quorum,
    quorumReached: v.quorumReached,
    voteStart: v.voteStart,
    voteEnd: v.voteEnd,
    eta: v.eta,
    now: v.now,
    block: v.block,
    clock: 'timestamp',
    createdBlock: v.blockNumber,
    actions: v.actions.map((a, i) => ({ ...a, decoded: v.decoded[i] })),
  }
}

function showText(v: ProposalView): string {
  const quorum =
    v.quorum === null
      ? 'known once voting opens'
      : `${hive(v.quorum)} ` +
        `(${v.quorumReached === true ? 'reached' : 'not reached'}: for + abstain ` +
        `= ${hive(v.votes.for + v.votes.abstain)})`
  return [
    `proposal   ${v.id}`,
    `state      ${v.state}`,
    `proposer   ${v.proposer} (block ${v.blockNumber})`,
    `votes      for ${roundTokenAmount(v.votes.for)}, against ` +
      `${roundTokenAmount(v.votes.against)}, abstain ` +
      `${roundTokenAmount(v.votes.abstain)} HIVE`,
    `quorum     ${quorum}`,
    `voting     opens ${iso(v.voteStart)} (${rel(v.voteStart, v.now)}), ` +
      `closes ${iso(v.voteEnd)} (${rel(v.voteEnd, v.now)})`,
    `           chain block ${v.block}; the token's clock is timestamps, so deadlines are times, not block numbers`,
    ...(v.eta !== null ? [`timelock   executable from ${iso(v.eta)} (${rel(v.eta, v.now)})`] : []),
    'actions',
    ...v.decoded.map((d, i) => `  ${i + 1}. ${d}`),
    'description',
    ...v.description.split('\n').map((l) => `  ${l}`),
  ].join('\n')
}
