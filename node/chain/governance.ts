// Token-holder governance, read and explained: proposals from ProposalCreated logs, their state
// and votes from the governor's views, actions decoded with the deployment's ABIs, and the
// checks that tell a user in words why a vote, queue or execute cannot happen now.
import { Interface, decodeBytes32String, formatUnits, getAddress, id as keccakText, isAddress } from 'ethers'
import type { Log } from 'ethers'
import type { ChainClient } from './client.ts'
import { deploymentBlock } from './contracts.ts'
import type { ContractName } from './deployment-schema.ts'
import { ChainError } from './errors.ts'
import { formatHive } from './units.ts'
import { isAddressParam, isParamName, paramKey } from './params.ts'
import type { ParamName } from './params.ts'

export const PROPOSAL_STATES = [
  'pending',
  'active',
  'canceled',
  'defeated',
  'succeeded',
  'queued',
  'expired',
  'executed',
] as const
export type ProposalState = (typeof PROPOSAL_STATES)[number]
export const VOTE_SUPPORT = { against: 0, for: 1, abstain: 2 } as const
export type VoteChoice = keyof typeof VOTE_SUPPORT

/** How each parameter's value is written by people and shown back. */
export const PARAM_KINDS: Record<ParamName, 'token' | 'seconds' | 'bps' | 'address'> = {
  minProviderStake: 'token',
  unbondingPeriod: 'seconds',
  escrowChallengeWindow: 'seconds',
  channelChallengePeriod: 'seconds',
  protocolFeeBps: 'bps',
  reporterShareBps: 'bps',
  equivocationSlashBps: 'bps',
  disputeBondBps: 'bps',
  arbitrationWindow: 'seconds',
  treasury: 'address',
  arbiter: 'address',
}

export interface ProposalAction {
  target: string
  value: bigint
  calldata: string
}

export interface ProposalRecord {
  id: bigint
  proposer: string
  actions: ProposalAction[]
  description: string
  descriptionHash: string
  /** unix seconds (the token's clock is the timestamp) */
  voteStart: number
  voteEnd: number
  blockNumber: number
  transactionHash: string
}

export interface ProposalView extends ProposalRecord {
  state: ProposalState
  votes: { for: bigint; against: bigint; abstain: bigint }
  /** votes needed (for + abstain); null until the snapshot is in the past */
  quorum: bigint | null
  quorumReached: boolean | null
  /** when the timelock lets it run (unix seconds); null unless queued */
  eta: number | null
  /** chain time and block when read */
  now: number
  block: number
  decoded: string[]
}

export class GovernanceError extends ChainError {
  static override name = 'GovernanceError'
}

const units = (v: bigint | null): string => formatUnits(v ?? 0n, 18).replace(/\.0$/, '')
const iso = (unix: number): string => new Date(unix * 1000).toISOString().replace('.000Z', 'Z')
const inSeconds = (at: number, now: number): string =>
  at > now ? `in ${at - now} s by the chain's clock` : `${now - at} s ago`

/** The ProtocolParams call a `--set name=value` makes (value already parsed by kind). */
export function paramAction(client: ChainClient, name: string, value: bigint | string): ProposalAction {
  if (!isParamName(name))
    throw new GovernanceError(
      'GOV_UNKNOWN_PARAM',
      `"${name}" is not a protocol parameter; choose from ${Object.keys(PARAM_KINDS).join(', ')}`,
      { name },
    )
  const params = client.contracts.params
  const calldata = isAddressParam(name)
    ? params.interface.encodeFunctionData('setAddressParam', [paramKey(name), getAddress(String(value))])
    : params.interface.encodeFunctionData('setParam', [paramKey(name), BigInt(value)])
  return { target: params.target as string, value: 0n, calldata }
}

/** Checks a numeric value against ProtocolParams.bounds before anyone votes on it. */
export async function checkParamBounds(client: ChainClient, name: ParamName, value: bigint): Promise<void> {
  const [min, max] = await client.contracts.params.bounds.staticCall(paramKey(name))
  if (value < min || value > max)
    throw new GovernanceError(
      'GOV_PARAM_OUT_OF_BOUNDS',
      `${name} = ${formatParam(name, value)} is outside its bounds ` +
        `[${formatParam(name, min)}, ${formatParam(name, max)}]; the proposal ` +
        `would fail at execution`,
      { name, value, min, max },
    )
}

/** An arbitrary call for the timelock: target is an address or a contract name of the deployment. */
export function callAction(
  client: ChainClient,
  target: string,
  signature: string,
  args: unknown[],
  value = 0n,
): ProposalAction {
  const rec = client.deployment.contracts[target as ContractName]
  const address = rec !== undefined ? rec.address : isAddress(target) ? getAddress(target) : undefined
  if (address === undefined)
    throw new GovernanceError(
      'GOV_BAD_TARGET',
      `--call target "${target}" is neither an address nor a contract of the ` +
        `deployment (${Object.keys(client.deployment.contracts).join(', ')})`,
      { target },
    )
  let iface: Interface
  try {
    iface = new Interface([`function ${signature.trim()}`])
  } catch (err) {
    throw new GovernanceError(
      'GOV_BAD_SIGNATURE',
      `"${signature}" is not a function signature like transfer(address,uint256)`,
      { signature },
      { cause: err },
    )
  }
  const fn = iface.fragments[0] as unknown as { name: string; inputs: unknown[] }
  if (fn.inputs.length !== args.length)
    throw new GovernanceError(
      'GOV_BAD_ARGUMENTS',
      `${signature} takes ${fn.inputs.length} argument(s), ${args.length} given`,
      { signature },
    )
  try {
    return { target: address, value, calldata: iface.encodeFunctionData(fn.name, args) }
  } catch (err) {
    throw new GovernanceError(
      'GOV_BAD_ARGUMENTS',
      `the arguments do not fit ${signature}: ${(err as { shortMessage?: string }).shortMessage ?? String(err)}`,
      { signature },
      { cause: err },
    )
  }
}

export async function proposalIdOf(
  client: ChainClient,
  actions: ProposalAction[],
  description: string,
): Promise<bigint> {
  return await client.contracts.governor.hashProposal.staticCall(
    actions.map((a) => a.target),
    actions.map((a) => a.value),
    actions.map((a) => a.calldata),
    keccakText(description),
  )
}

function recordOf(client: ChainClient, entry: Log): ProposalRecord | undefined {
  const parsed = client.contracts.governor.interface.parseLog({ topics: [...entry.topics], data: entry.data })
  if (parsed?.name !== 'ProposalCreated') return undefined
  const a = parsed.args
  const targets = a.getValue('targets') as string[]
  const values = a.getValue('values') as bigint[]
  const calldatas = a.getValue('calldatas') as string[]
  const description = a.getValue('description') as string
  return {
    id: a.getValue('proposalId') as bigint,
    proposer: getAddress(a.getValue('proposer') as string),
    actions: targets.map((t, i) => ({ target: getAddress(t), value: values[i], calldata: calldatas[i] })),
    description,
    descriptionHash: keccakText(description),
    voteStart: Number(a.getValue('voteStart') as bigint),
    voteEnd: Number(a.getValue('voteEnd') as bigint),
    blockNumber: entry.blockNumber,
    transactionHash: entry.transactionHash,
  }
}

/** Every proposal since the governor's deployment, oldest first. */
export async function findProposals(client: ChainClient): Promise<ProposalRecord[]> {
  const governor = client.contracts.governor
  const topic = governor.interface.getEvent('ProposalCreated')!.topicHash
  const logs = await client.provider.getLogs({
    address: governor.target as string,
    topics: [topic],
    fromBlock: deploymentBlock(client.deployment, 'HiveGovernor'),
    toBlock: 'latest',
  })
  return logs.map((l) => recordOf(client, l)).filter((r): r is ProposalRecord => r !== undefined)
}

export function parseProposalId(text: string): bigint {
  try {
    const id = BigInt(text.trim())
    if (id > 0n) return id
  } catch {
    /* below */
  }
  throw new GovernanceError(
    'GOV_BAD_ID',
    `"${text}" is not a proposal id (the decimal or 0x number \`hive gov propose\` and \`hive gov list\` print)`,
    { id: text },
  )
}

/** The proposal with this id, or with a unique decimal id prefix of 6+ digits (ids are 78-digit numbers). */
export async function findProposal(client: ChainClient, idText: string): Promise<ProposalRecord> {
  const all = await findProposals(client)
  const text = idText.trim()
  if (/^\d{6,}$/.test(text)) {
    const matches = all.filter((p) => p.id.toString().startsWith(text))
    if (matches.length === 1) return matches[0]
    if (matches.length > 1)
      throw new GovernanceError(
        'GOV_AMBIGUOUS_ID',
        `${matches.length} proposals start with ${text}; give more digits`,
        { id: text },
      )
  }
  const id = parseProposalId(text)
  const found = all.find((p) => p.id === id)
  if (found === undefined)
    throw new GovernanceError(
      'GOV_UNKNOWN_PROPOSAL',
      `no proposal ${text} on chain ${client.chainId} (see \`hive gov list\`)`,
      { id: text },
    )
  return found
}

export async function viewProposal(client: ChainClient, record: ProposalRecord): Promise<ProposalView> {
  const g = client.contracts.governor
  const [state, votes, eta, latest] = await Promise.all([
    g.state.staticCall(record.id),
    g.proposalVotes.staticCall(record.id),
    g.proposalEta.staticCall(record.id),
    client.provider.getBlock('latest'),
  ])
  // quorum() refuses a timepoint that is not in the past yet
  const quorum = await g.quorum.staticCall(record.voteStart).catch(() => null)
  const [against, forVotes, abstain] = votes
  return {
    ...record,
    state: PROPOSAL_STATES[Number(state)],
    votes: { for: forVotes, against, abstain },
    quorum,
    quorumReached: quorum === null ? null : forVotes + abstain >= quorum,
    eta: eta === 0n ? null : Number(eta),
    now: latest!.timestamp,
    block: latest!.number,
    decoded: record.actions.map((a) => decodeAction(client, a)),
  }
}

export function formatParam(name: ParamName, value: bigint | string): string {
  const kind = PARAM_KINDS[name]
  if (kind === 'token') return formatHive(BigInt(value))
  if (kind === 'seconds') return `${value} s`
  if (kind === 'bps') return `${value} bps (${Number(value) / 100}%)`
  return String(value)
}

/** "ProtocolParams.setParam(minProviderStake, 300 HIVE)" and the like. */
export function decodeAction(client: ChainClient, action: ProposalAction): string {
  const name = (Object.keys(client.deployment.contracts) as ContractName[]).find(
    (n) => client.deployment.contracts[n].address.toLowerCase() === action.target.toLowerCase(),
  )
  const value = action.value > 0n ? ` {value: ${formatUnits(action.value, 18)} ETH}` : ''
  if (name === undefined) return `${action.target}.call(${action.calldata})${value}`
  const iface = new Interface(client.deployment.contracts[name].abi)
  const tx = iface.parseTransaction({ data: action.calldata })
  if (tx == null) return `${name}.call(${action.calldata})${value}`
  if (name === 'ProtocolParams' && (tx.name === 'setParam' || tx.name === 'setAddressParam')) {
    const key = decodeBytes32String(tx.args[0] as string)
    return (
      `${name}.${tx.name}(${key}, ` +
      `${isParamName(key) ? formatParam(key, tx.args[1] as bigint | string) : String(tx.args[1])})${value}`
    )
  }
  return `${name}.${tx.name}(${tx.args.map((a: unknown) => String(a)).join(', ')})${value}`
}

function refuseUnfinished(v: ProposalView, wanted: string): void {
  if (v.state === 'pending')
    throw new GovernanceError(
      'GOV_NOT_ACTIVE',
      `proposal ${v.id} is not active yet: voting opens at ${iso(v.voteStart)} ` +
        `(${inSeconds(v.voteStart, v.now)}); ${wanted} after voting ends at ` +
        `${iso(v.voteEnd)}`,
      { id: v.id, state: v.state, voteStart: v.voteStart },
    )
  if (v.state === 'active')
    throw new GovernanceError(
      'GOV_VOTING_NOT_OVER',
      `proposal ${v.id} is still being voted on until ${iso(v.voteEnd)} ` +
        `(${inSeconds(v.voteEnd, v.now)}); ${wanted} after that`,
      { id: v.id, state: v.state, voteEnd: v.voteEnd },
    )
  if (v.state === 'defeated') {
    if (v.quorumReached === false) {
      throw new GovernanceError(
        'GOV_QUORUM_NOT_REACHED',
        `proposal ${v.id} was defeated: quorum not reached ` +
          `(${units(v.votes.for + v.votes.abstain)} HIVE voted for or abstained, ` +
          `${units(v.quorum)} needed)`,
        { id: v.id, state: v.state, counted: v.votes.for + v.votes.abstain, quorum: v.quorum },
      )
    }
    throw new GovernanceError(
      'GOV_DEFEATED',
      `proposal ${v.id} was defeated: ${units(v.votes.against)} HIVE against, ${units(v.votes.for)} for`,
      { id: v.id, state: v.state },
    )
  }
  if (v.state === 'canceled')
    throw new GovernanceError('GOV_CANCELED', `proposal ${v.id} was canceled`, { id: v.id, state: v.state })
  if (v.state === 'expired')
    throw new GovernanceError('GOV_EXPIRED', `proposal ${v.id} expired in the timelock without being executed`, {
      id: v.id,
      state: v.state,
    })
  if (v.state === 'executed')
    throw new GovernanceError('GOV_ALREADY_EXECUTED', `proposal ${v.id} was already executed`, {
      id: v.id,
      state: v.state,
    })
}

/** Why `voter` cannot vote on `v` now (or nothing). */
export async function checkCanVote(client: ChainClient, v: ProposalView, voter: string): Promise<bigint> {
  if (v.state === 'pending')
    throw new GovernanceError(
      'GOV_NOT_ACTIVE',
      `proposal ${v.id} is not active yet: voting opens at ${iso(v.voteStart)} (${inSeconds(v.voteStart, v.now)})`,
      { id: v.id, state: v.state, voteStart: v.voteStart },
    )
  if (v.state !== 'active')
    throw new GovernanceError(
      'GOV_VOTING_CLOSED',
      `voting on proposal ${v.id} is over (it ended at ${iso(v.voteEnd)}); the proposal is ${v.state}`,
      { id: v.id, state: v.state, voteEnd: v.voteEnd },
    )
  const g = client.contracts.governor
  if (await g.hasVoted.staticCall(v.id, voter))
    throw new GovernanceError('GOV_ALREADY_VOTED', `${voter} has already voted on proposal ${v.id}`, {
      id: v.id,
      voter,
    })
  const weight = await g.getVotes.staticCall(voter, v.voteStart)
  if (weight === 0n)
    throw new GovernanceError(
      'GOV_NO_VOTES',
      `${voter} had no votes at the proposal's snapshot (${iso(v.voteStart)}): ` +
        `tokens vote only once delegated (\`hive token delegate\`), and only for ` +
        `proposals made after that`,
      { id: v.id, voter },
    )
  return weight
}

export function checkCanQueue(v: ProposalView): void {
  refuseUnfinished(v, 'queue it')
  if (v.state === 'queued')
    throw new GovernanceError(
      'GOV_ALREADY_QUEUED',
      `proposal ${v.id} is already queued; it can be executed from ` +
        `${iso(v.eta ?? 0)} (${inSeconds(v.eta ?? 0, v.now)})`,
      { id: v.id, state: v.state, eta: v.eta },
    )
}

export function checkCanExecute(v: ProposalView): void {
  refuseUnfinished(v, 'queue and execute it')
  if (v.state === 'succeeded')
    throw new GovernanceError(
      'GOV_NOT_QUEUED',
      `proposal ${v.id} passed but is not queued: run \`hive gov queue ` +
        `${v.id}\` first (the timelock delay starts then)`,
      { id: v.id, state: v.state },
    )
  if (v.state === 'queued' && v.eta !== null && v.now < v.eta) {
    throw new GovernanceError(
      'GOV_TIMELOCK_NOT_ELAPSED',
      `the timelock delay of proposal ${v.id} has not elapsed: it can be ` +
        `executed from ${iso(v.eta)} (${inSeconds(v.eta, v.now)})`,
      { id: v.id, state: v.state, eta: v.eta, now: v.now },
    )
  }
}

/** Arguments of queue()/execute(), which take the proposal's contents rather than its id. */
export function proposalArgs(p: ProposalRecord): [string[], bigint[], string[], string] {
  return [
    p.actions.map((a) => a.target),
    p.actions.map((a) => a.value),
    p.actions.map((a) => a.calldata),
    p.descriptionHash,
  ]
}
