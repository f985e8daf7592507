// Step 5: governance. A token holder proposes raising the minimum provider stake, both holders
// vote for it, it is queued and executed, with `hive devnet time` moving the chain's clock past
// the voting delay, the voting period and the timelock. The running nodes follow the change
// live: each reports the new value, provider-3 (staked below it) stops bidding, and a job posted
// afterwards gets no bid from it.
import { setTimeout as sleep } from 'node:timers/promises'
import { formatTokenAmount } from '../parse.ts'
import { roundTokenAmount } from '../format.ts'
import { hiveJson } from './cli.ts'
import { NEW_MIN_STAKE, byRole, nodesOf, person, running } from './demo-context.ts'
import type { DemoContext, Participant } from './demo-context.ts'
import type { Step } from './steps.ts'
import { nameOf, postJob, waitEscrowReleased } from './step-jobs.ts'

const OBEY_TIMEOUT_MS = 15_000

interface Proposed {
  proposalId: string
  state: string
  voteStart: number
  voteEnd: number
  now: number
  actions: Array<{ decoded: string }>
}
interface Clock {
  block: number
  timestamp: number
}

export const governanceStep: Step<DemoContext> = {
  name: 'governance: raise the minimum stake by proposal, vote, queue and execute; the nodes obey',
  run: async (ctx) => {
    const [h1, h2] = byRole(ctx, 'holder')
    const chain = ctx.chain!
    const oldValue = await chain.contracts.params.minProviderStake.staticCall()
    const newText = formatTokenAmount(NEW_MIN_STAKE)
    const gov = async <T>(who: Participant, args: string[]): Promise<T> => {
      ctx.say(`$ ${ctx.cli.show(who.dir, args)}`)
      return await hiveJson<T>(ctx.cli, who.dir, args)
    }
    const advanceTo = async (who: Participant, target: number, now: number, why: string): Promise<void> => {
      const seconds = Math.max(1, target - now + 1)
      const c = await gov<Clock>(who, ['devnet', 'time', `${seconds}s`])
      ctx.say(`  (${why}: chain clock now at block ${c.block})`)
    }

    const description = `Raise the minimum provider stake from ${formatTokenAmount(oldValue)} to ${newText} HIVE`
    const p = await gov<Proposed>(h1, [
      'gov',
      'propose',
      '--set',
      `minProviderStake=${newText}`,
      '--description',
      description,
    ])
    const id = p.proposalId
    // the CLI takes any unambiguous prefix of a proposal id
    const short = id.slice(0, 12)
    ctx.say(`proposal ${short}…: ${p.actions.map((a) => a.decoded).join('; ')} (${p.state})`)
    await advanceTo(h1, p.voteStart, p.now, 'past the voting delay')
    const votes = await Promise.all(
      [h1, h2].map(
        async (h) =>
          await gov<{ weight: string; votes: { for: string } }>(h, [
            'gov',
            'vote',
            short,
            'for',
            '--reason',
            'providers should have more at stake',
          ]),
      ),
    )
    ctx.say(`votes for: ${roundTokenAmount(BigInt(votes.at(-1)!.votes.for))} HIVE (quorum: 4% of the supply)`)
    await advanceTo(
      h1,
      p.voteEnd,
      Number((await chain.provider.getBlock('latest'))!.timestamp),
      'past the voting period',
    )
    const queued = await gov<{ state: string; eta: number }>(h2, ['gov', 'queue', short])
    await advanceTo(
      h2,
      queued.eta,
      Number((await chain.provider.getBlock('latest'))!.timestamp),
      'past the timelock delay',
    )
    const executed = await gov<{ block: number; actions: string[] }>(h2, ['gov', 'execute', short])
    const executedAt = Date.now()
    const onChain = await chain.contracts.params.minProviderStake.staticCall()
    if (onChain !== NEW_MIN_STAKE)
      throw new Error(
        `ProtocolParams.minProviderStake is ${formatTokenAmount(onChain)} after execution, expected ${newText}`,
      )
    ctx.say(
      `executed in block ${executed.block}: ProtocolParams.minProviderStake = ` +
        `${formatTokenAmount(onChain)} HIVE on-chain`,
    )

    const seenBy = await Promise.all(nodesOf(ctx).map(async (n) => await waitForParam(ctx, n, executedAt)))
    ctx.say(
      `every node reports minProviderStake ${newText} HIVE: ` +
        `${seenBy.map((s) => `${s.name} after ${s.ms} ms`).join(', ')}`,
    )
    const below = byRole(ctx, 'provider').filter((x) => x.stake! < NEW_MIN_STAKE)
    const stopped = await Promise.all(below.map(async (x) => await waitForIneligible(ctx, x, executedAt)))
    for (const s of stopped)
      ctx.say(
        `${s.name} (staked ${roundTokenAmount(person(ctx, s.name).stake!)}) ` +
          `stopped bidding ${s.ms} ms after the execution: ${s.reason}`,
      )

    const probe = await postJob(
      ctx,
      'primes below 200,000 (after the change)',
      'primes',
      [
        '--wasm',
        (await (ctx.pending.get('examples') as Promise<Record<string, string>>)).primes,
        '--arg',
        '200000',
        '--redundancy',
        '1',
        '--payment',
        'escrow',
      ],
      { bidWindow: '800ms' },
    )
    await waitEscrowReleased(ctx, person(ctx, 'requester'), probe)
    const record = await running(person(ctx, 'requester')).client.call('jobs.get', { params: { jobId: probe.jobId } })
    const bidders = record.bids.map((b) => nameOf(ctx, b.provider))
    const offenders = below.filter((x) => bidders.includes(x.name))
    if (offenders.length > 0)
      throw new Error(
        `${offenders.map((x) => x.name).join(', ')} still bid after the minimum stake rose above their stake`,
      )
    ctx.say(`bids on the new job came from ${bidders.join(', ')}: none from ${below.map((x) => x.name).join(', ')}`)
    ctx.report.governance = {
      proposalId: id,
      change: description,
      param: 'minProviderStake',
      oldValue: oldValue.toString(),
      newValue: onChain.toString(),
      executedBlock: executed.block,
      seenBy,
      stoppedBidding: stopped,
      probe: { jobId: probe.jobId, bidders },
    }
    return (
      `minProviderStake ${formatTokenAmount(oldValue)} -> ${newText} HIVE; all ` +
      `${seenBy.length} nodes saw it within ` +
      `${Math.max(...seenBy.map((s) => s.ms))} ms; ` +
      `${below.map((x) => x.name).join(', ')} stopped bidding`
    )
  },
}

/** Polls a node's live view of ProtocolParams until it shows the new minimum stake. */
async function waitForParam(
  ctx: DemoContext,
  p: Participant,
  since: number,
): Promise<{ name: string; value: string; ms: number }> {
  const until = Date.now() + OBEY_TIMEOUT_MS
  for (;;) {
    const view = await running(p).client.call('chain.params')
    if (BigInt(view.params.minProviderStake) === NEW_MIN_STAKE)
      return { name: p.name, value: view.params.minProviderStake, ms: Date.now() - since }
    if (Date.now() > until)
      throw new Error(
        `${p.name}'s node still reports minProviderStake ` +
          `${view.params.minProviderStake} ${OBEY_TIMEOUT_MS / 1000} s after the ` +
          `execution`,
      )
    await sleep(50, undefined, { signal: ctx.signal })
  }
}

/** Polls a provider's own standing until it reports that it may not bid. */
async function waitForIneligible(
  ctx: DemoContext,
  p: Participant,
  since: number,
): Promise<{ name: string; reason: string; ms: number }> {
  const until = Date.now() + OBEY_TIMEOUT_MS
  for (;;) {
    const s = await running(p).client.call('chain.stake')
    if (!s.eligible) return { name: p.name, reason: s.reason ?? 'not eligible', ms: Date.now() - since }
    if (Date.now() > until)
      throw new Error(
        `${p.name} still says it may bid ${OBEY_TIMEOUT_MS / 1000} s after the minimum stake rose above its stake`,
      )
    await sleep(50, undefined, { signal: ctx.signal })
  }
}
