// The chain as a node service: a verified connection, the unlocked wallet and its one TxSender,
// live ProtocolParams, the stake registry the market consults, and this node's own standing.
// One LogPoller feeds every watcher. Built by `chainService()` for createHiveNode: its prepare step
// (`prepareChain`) runs before the node exists, so the profile can carry the address binding.
import { logger } from '../log/logger.ts'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { signEthIdentity } from './binding.ts'
import { formatHive } from './units.ts'
import type { EthIdentity } from './binding.ts'
import { openChain, requireSender } from './client.ts'
import { VOTE_SUPPORT, checkCanVote, findProposal, findProposals, viewProposal } from './governance.ts'
import type { ChainClient, ChainSettings, OpenChainOptions } from './client.ts'
import { DEVNET_CHAIN_ID } from './deployments.ts'
import { LogPoller } from './log-poller.ts'
import { ParamsFollower } from './params.ts'
import type { ParamChange, ProtocolParamValues } from './params.ts'
import type { ChainHeadBlock } from './log-poller.ts'
import { OwnStake, StakeRegistry } from './registry.ts'
import { stakeWithOwner } from './stake-owner.ts'
import type { OwnedStake } from './stake-owner.ts'
import type { OwnStakeStatus } from './registry.ts'
import { readPassphrase } from './passphrase.ts'
import { readWalletAddress, unlockWallet, walletExists } from './wallet.ts'
import { WalletError } from './errors.ts'
import { registerChainRoutes } from './api-routes.ts'
import { relayChainChecks } from './relay-checks.ts'
import type { RelayChainChecks } from '../p2p/reach/relay-policy.ts'
import type { HiveConfig } from '../config.ts'
import type { NodeEvents } from '../events.ts'
import type { HiveService, ServiceFactory } from '../service.ts'
import type { RouteRegistry } from '../api/router.ts'
import type { ChainApi, WalletSummary } from './api-port.ts'
import type { ProposalSummary, VoteChoice, VoteResult } from '../api/contract/views/chain.ts'
import type { PeerId, PrivateKey } from '@libp2p/interface'

const log = logger('hive:chain')

export interface PreparedChain {
  client: ChainClient
  peerId: PeerId
  /** ethAddress + ethBinding for the HardwareProfile (HiveNodeOptions) */
  identity: EthIdentity
}

export interface PrepareChainOptions {
  /** the node's peer key (createHiveNode read it): the address binding is signed for its peer id */
  privateKey: PrivateKey
  env?: Readonly<Record<string, string | undefined>>
  /** the passphrase itself (tests); otherwise HIVE_PASSPHRASE or a prompt */
  passphrase?: string
  tx?: OpenChainOptions['tx']
}

/**
 * Connects, verifies the deployment and unlocks the wallet of `config.dataDir`. Returns
 * undefined when no rpcUrl is configured (a node without a chain). Throws the chain's clear
 * refusals (RPC_UNREACHABLE, DEPLOYMENT_MISSING, CONTRACT_MISSING, CONTRACT_WRONG_VERSION),
 * NO_WALLET, WRONG_PASSPHRASE, PASSPHRASE_REQUIRED.
 */
export async function prepareChain(
  config: HiveConfig,
  options: PrepareChainOptions,
): Promise<PreparedChain | undefined> {
  if (config.rpcUrl === '') return undefined
  if (!walletExists(config.dataDir)) {
    throw new WalletError(
      'NO_WALLET',
      `rpcUrl is set but ${config.dataDir} has no wallet: create one with \`hive wallet create --data-dir` +
        ` ${config.dataDir}\` (or import a key with \`hive wallet import\`), or unset rpcUrl to run without` +
        ` a chain`,
      { dataDir: config.dataDir },
    )
  }
  readWalletAddress(config.dataDir) // refuses a keystore others can read before asking for the passphrase
  const passphrase = options.passphrase ?? (await readPassphrase({ env: options.env ?? {} }))
  const wallet = await unlockWallet(config.dataDir, passphrase)
  const client = await openChain({
    settings: chainSettings(config),
    wallet,
    ...(options.tx !== undefined ? { tx: options.tx } : {}),
  })
  try {
    const peerId = peerIdFromPrivateKey(options.privateKey)
    const now = BigInt((await client.provider.getBlock('latest'))!.timestamp)
    const identity = await signEthIdentity(client.wallet!, peerId, BigInt(client.chainId), now)
    return { client, peerId, identity }
  } catch (err) {
    client.close()
    throw err
  }
}

export function chainSettings(
  config: Pick<HiveConfig, 'rpcUrl' | 'deployments' | 'maxFeeGwei' | 'confirmations'>,
): ChainSettings {
  return {
    rpcUrl: config.rpcUrl,
    deployments: config.deployments,
    maxFeeGwei: config.maxFeeGwei,
    confirmations: config.confirmations,
  }
}

export interface ChainServiceInit {
  prepared: PreparedChain
  events?: NodeEvents
  /** log polling interval (default 500 ms on the devnet, 2 s elsewhere) */
  pollMs?: number
}

export class ChainService implements HiveService, ChainApi {
  readonly name = 'chain'
  readonly client: ChainClient
  readonly peerId: PeerId
  readonly identity: EthIdentity
  private readonly init: ChainServiceInit
  private _params: ParamsFollower | undefined
  private _stakes: StakeRegistry | undefined
  private own: OwnStake | undefined
  private _poller: LogPoller | undefined
  private detach: Array<() => void> = []
  private ready: { promise: Promise<void>; resolve: () => void }
  private openChannels: (() => Promise<number>) | undefined
  private _state: 'created' | 'started' | 'stopped' = 'created'

  constructor(init: ChainServiceInit) {
    this.init = init
    this.client = init.prepared.client
    this.peerId = init.prepared.peerId
    this.identity = init.prepared.identity
    let resolve!: () => void
    this.ready = {
      promise: new Promise<void>((r) => {
        resolve = r
      }),
      resolve,
    }
  }

  get address(): string {
    return this.client.wallet!.address
  }
  /** live protocol parameters (after start) */
  get params(): ParamsFollower {
    return this.need(this._params)
  }
  get stakes(): StakeRegistry {
    return this.need(this._stakes)
  }
  get poller(): LogPoller {
    return this.need(this._poller)
  }
  /** the chain's newest block at the log poller's last poll (undefined before the first, or when stopped) */
  get head(): ChainHeadBlock | undefined {
    return this._poller?.head
  }
  /** this node's registry record and eligibility (after start) */
  get ownStake(): OwnStakeStatus {
    return this.need(this.own).status
  }

  async start(): Promise<void> {
    if (this._state !== 'created') return
    try {
      await this._start()
    } catch (err) {
      // a node stops only the services that started: this one closes what it holds itself
      await this.stop()
      throw err
    }
  }

  private async _start(): Promise<void> {
    const { client } = this
    const block = await client.provider.getBlockNumber()
    const params = await ParamsFollower.load(client.contracts.params, block)
    const poller = new LogPoller({
      provider: client.provider,
      fromBlock: block + 1,
      pollMs: this.init.pollMs ?? (client.chainId === DEVNET_CHAIN_ID ? 500 : 2_000),
    })
    const stakes = new StakeRegistry({ registry: client.contracts.registry, params })
    const own = new OwnStake({
      registry: client.contracts.registry,
      params,
      address: this.address,
      peerId: this.peerId,
    })
    this.detach.push(params.attach(poller), stakes.attach(poller), own.attach(poller, params))
    this.detach.push(
      params.onChange((c) => {
        this.emitParamChange(c)
      }),
      own.onChange((s) => {
        this.emitStake(s)
      }),
    )
    await own.refresh()
    this._params = params
    this._stakes = stakes
    this.own = own
    this._poller = poller
    poller.start()
    this._state = 'started'
    this.ready.resolve()
    log('started %o', {
      chainId: client.chainId,
      address: this.address,
      block,
      eligible: own.status.eligible,
      reason: own.status.reason,
    })
  }

  async stop(): Promise<void> {
    if (this._state === 'stopped') return
    this._state = 'stopped'
    for (const d of this.detach.splice(0)) d()
    await this._poller?.stop()
    this.client.close()
  }

  /** resolves once the service started (registry and params loaded) */
  async whenStarted(): Promise<void> {
    await this.ready.promise
  }

  /** The relay policy's stake and funds checks on this chain (issue 13; create.ts hands them to a relay). */
  relayChainChecks(config: Pick<HiveConfig, 'relayRequesterMinHive'>, now: () => number): RelayChainChecks {
    return relayChainChecks({
      chain: this,
      requesterMinHive: config.relayRequesterMinHive,
      nowSeconds: () => BigInt(Math.floor(now() / 1000)),
    })
  }

  /** Market hook (requester): a bidder's effective stake and its owner (stake-owner.ts); waits for start. */
  readonly stakeOf = async (peerId: PeerId, ethAddress: string): Promise<OwnedStake> => {
    await this.ready.promise
    return await stakeWithOwner(this.stakes, peerId, ethAddress)
  }

  /** Market hook: the live minimum provider stake (the bid lottery's weight unit); undefined until started. */
  readonly minProviderStake = (): bigint | undefined => this._params?.get('minProviderStake')

  /** Market hook (provider): our own bond while we may bid, else 0 (our lottery weight). */
  readonly ownBondedStake = (): bigint => (this.own?.canBid() === true ? this.own.status.bonded : 0n)

  /** Market hook (provider): false until started, and while under the live minimum stake or slashed. */
  readonly canBid = (): boolean => this.own?.canBid() ?? false

  /** Payments register how many channels are open, for `hive wallet`. */
  setOpenChannelCount(count: () => Promise<number>): void {
    this.openChannels = count
  }

  /** What `GET /v1/chain/wallet` answers: address, balances, stake, params, open channels. */
  async proposals(): Promise<ProposalSummary[]> {
    const records = (await findProposals(this.client)).reverse()
    return await Promise.all(
      records.map(async (r) => {
        const v = await viewProposal(this.client, r)
        return {
          id: v.id,
          proposer: v.proposer,
          description: v.description,
          state: v.state,
          votes: v.votes,
          quorum: v.quorum,
          voteStart: v.voteStart,
          voteEnd: v.voteEnd,
          decoded: v.decoded,
        }
      }),
    )
  }

  async vote(proposalId: bigint, choice: VoteChoice, reason = ''): Promise<VoteResult> {
    const record = await findProposal(this.client, proposalId.toString())
    const v = await viewProposal(this.client, record)
    const sender = requireSender(this.client)
    const weight = await checkCanVote(this.client, v, sender.address)
    const sent = await sender.call(
      this.client.contracts.governor,
      'castVoteWithReason',
      [v.id, VOTE_SUPPORT[choice], reason],
      { label: 'vote' },
    )
    const after = await viewProposal(this.client, record)
    return { proposalId: v.id, choice, weight, tx: sent.hash, votes: after.votes }
  }

  async walletSummary(): Promise<WalletSummary> {
    const { provider, contracts, chainId } = this.client
    const [eth, hive] = await Promise.all([
      provider.getBalance(this.address),
      contracts.token.balanceOf.staticCall(this.address),
    ])
    return {
      chainId,
      address: this.address,
      eth,
      hive,
      stake: this.own?.status,
      params: this._params?.current,
      openChannels: this.openChannels !== undefined ? await this.openChannels() : null,
    }
  }

  routes(routes: RouteRegistry): void {
    registerChainRoutes(routes, this)
  }

  private need<T>(value: T | undefined): T {
    if (value === undefined) throw new WalletError('CHAIN_NOT_STARTED', 'the chain service has not started yet', {})
    return value
  }

  private emitParamChange(c: ParamChange): void {
    const show = (v: bigint | string): string =>
      typeof v === 'bigint' && c.key === 'minProviderStake' ? `${formatHive(v)}` : String(v)
    this.init.events?.emit({
      type: 'log',
      at: Date.now(),
      level: 'info',
      message:
        `protocol parameter ${c.key} changed from` +
        ` ${show(c.oldValue)} to ${show(c.newValue)} (block` +
        ` ${c.blockNumber})`,
      data: {
        kind: 'chain:param',
        key: c.key,
        oldValue: String(c.oldValue),
        newValue: String(c.newValue),
        blockNumber: c.blockNumber,
      },
    })
  }

  private emitStake(s: OwnStakeStatus): void {
    const message = s.eligible
      ? `eligible to bid: ${formatHive(s.bonded)} staked (minimum ${formatHive(s.minStake)})`
      : `not bidding: ${s.reason ?? 'UNKNOWN'} (staked ${formatHive(s.bonded)},` +
        ` minimum ${formatHive(s.minStake)}${s.slashed ? ', slashed' : ''})`
    this.init.events?.emit({
      type: 'log',
      at: Date.now(),
      level: s.eligible ? 'info' : 'warn',
      message,
      data: {
        kind: 'chain:stake',
        eligible: s.eligible,
        reason: s.reason ?? null,
        bonded: String(s.bonded),
        minStake: String(s.minStake),
      },
    })
  }
}

export interface ChainServiceOptions extends Omit<PrepareChainOptions, 'privateKey'> {
  /** log polling interval (default 500 ms on the devnet, 2 s elsewhere) */
  pollMs?: number
}

/**
 * The chain service factory (one node per factory: it keeps what its prepare step opened). With
 * `config.rpcUrl` empty the node has no chain service. Prepare connects, verifies the deployment,
 * unlocks the wallet and signs the peer id <-> address binding the profile carries; it throws the
 * refusals listed at prepareChain, so a node with a bad chain setup stops before it starts.
 */
export function chainService(init: ChainServiceOptions = {}): ServiceFactory<ChainService> {
  let prepared: PreparedChain | undefined
  return {
    prepare: async ({ config, privateKey }) => {
      prepared = await prepareChain(config, { ...init, privateKey })
      return prepared !== undefined ? { eth: prepared.identity } : undefined
    },
    discard: () => {
      prepared?.client.close()
    },
    create: (components) =>
      prepared === undefined
        ? undefined
        : new ChainService({
            prepared,
            events: components.events,
            ...(init.pollMs !== undefined ? { pollMs: init.pollMs } : {}),
          }),
  }
}

export type { ChainClient, EthIdentity, OwnStakeStatus, ProtocolParamValues, WalletSummary }
