// ProtocolParams as the node sees them: read once at a known block, then kept current from
// ParamChanged / AddressParamChanged logs (delivered by the LogPoller), so a governance change
// applies within one poll of its execution block, without a restart.
import { decodeBytes32String, encodeBytes32String, getAddress } from 'ethers'
import type { Log } from 'ethers'
import { logger } from '../log/logger.ts'
import type { LogPoller } from './log-poller.ts'
import type { Bound } from './contracts.ts'
import type { ProtocolParams } from './typechain.ts'
// the names and values' types live with the API's route table, which returns the values (node/api
// imports no service)
import type { AddressParam, NumericParam, ParamName, ProtocolParamValues } from '../api/contract/views/chain.ts'

export type { AddressParam, NumericParam, ParamName, ProtocolParamValues } from '../api/contract/views/chain.ts'

const log = logger('hive:chain:params')

export const NUMERIC_PARAMS = [
  'minProviderStake',
  'unbondingPeriod',
  'escrowChallengeWindow',
  'channelChallengePeriod',
  'protocolFeeBps',
  'reporterShareBps',
  'equivocationSlashBps',
  'disputeBondBps',
  'arbitrationWindow',
] as const satisfies readonly NumericParam[]
export const ADDRESS_PARAMS = ['treasury', 'arbiter'] as const satisfies readonly AddressParam[]
// readParams reads the listed names only: a name the types declare but the lists miss fails here
type NoneMissing<T extends never> = T
type _EveryParamListed = NoneMissing<
  Exclude<ParamName, (typeof NUMERIC_PARAMS)[number] | (typeof ADDRESS_PARAMS)[number]>
>

export interface ParamChange {
  key: ParamName
  oldValue: bigint | string
  newValue: bigint | string
  blockNumber: number
  transactionHash: string
}

export function isParamName(name: string): name is ParamName {
  return (NUMERIC_PARAMS as readonly string[]).includes(name) || (ADDRESS_PARAMS as readonly string[]).includes(name)
}
export function isAddressParam(name: string): name is AddressParam {
  return (ADDRESS_PARAMS as readonly string[]).includes(name)
}
/** The on-chain key of a parameter: its ASCII name as bytes32. */
export function paramKey(name: ParamName): string {
  return encodeBytes32String(name)
}

/** Reads every parameter at `blockTag` (one consistent state). */
export async function readParams(
  params: Bound<ProtocolParams>,
  blockTag: number | 'latest' = 'latest',
): Promise<ProtocolParamValues> {
  const values = {} as Record<string, bigint | string>
  await Promise.all([
    ...NUMERIC_PARAMS.map(async (k) => {
      values[k] = await params.getParam.staticCall(paramKey(k), { blockTag })
    }),
    ...ADDRESS_PARAMS.map(async (k) => {
      values[k] = getAddress(await params.getAddressParam.staticCall(paramKey(k), { blockTag }))
    }),
  ])
  return values as ProtocolParamValues
}

export class ParamsFollower {
  private readonly contract: Bound<ProtocolParams>
  private values: ProtocolParamValues
  private _block: number
  private readonly loadBlock: number
  private readonly listeners = new Set<(change: ParamChange) => void>()

  constructor(contract: Bound<ProtocolParams>, values: ProtocolParamValues, block: number) {
    this.contract = contract
    this.values = values
    this._block = block
    this.loadBlock = block
  }

  /** Reads all parameters at `block` (default: the latest); follow later changes with `attach`. */
  static async load(contract: Bound<ProtocolParams>, block?: number): Promise<ParamsFollower> {
    const at = block ?? (await contract.runner!.provider!.getBlockNumber())
    return new ParamsFollower(contract, await readParams(contract, at), at)
  }

  /** A frozen copy of the current values. */
  get current(): Readonly<ProtocolParamValues> {
    return Object.freeze({ ...this.values })
  }
  get<K extends ParamName>(key: K): ProtocolParamValues[K] {
    return this.values[key]
  }
  /** The block the values are known to be current at (the load block or the last change). */
  get block(): number {
    return this._block
  }

  /** Calls `listener` after each change is applied; returns an unsubscribe function. */
  onChange(listener: (change: ParamChange) => void): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  /** Follows the contract's change events through `poller` (which must start after the load block). */
  attach(poller: LogPoller): () => void {
    const offLogs = poller.subscribe(this.contract.target as string, (entry) => {
      this.apply(entry)
    })
    // a reorg may have dropped a change already applied: the new branch's state is the truth
    const offReorg = poller.onReorg(() => {
      this.resync().catch((err: unknown) => {
        log.error('re-reading the parameters after a reorg failed - %e', err)
      })
    })
    return () => {
      offLogs()
      offReorg()
    }
  }

  /**
   * Re-reads every parameter at the chain's head (after a reorg): a value that differs is applied
   * and reported like a logged change (no transaction: `transactionHash` is empty).
   */
  async resync(): Promise<void> {
    const at = await this.contract.runner!.provider!.getBlockNumber()
    const fresh = await readParams(this.contract, at)
    for (const key of [...NUMERIC_PARAMS, ...ADDRESS_PARAMS] as ParamName[]) {
      const oldValue = this.values[key]
      const newValue = fresh[key]
      if (oldValue === newValue) continue
      ;(this.values as Record<string, bigint | string>)[key] = newValue
      const change: ParamChange = { key, oldValue, newValue, blockNumber: at, transactionHash: '' }
      log('parameter re-read after a reorg %o', { key, old: String(oldValue), new: String(newValue), block: at })
      for (const l of this.listeners) {
        try {
          l(change)
        } catch (err) {
          log.error('param listener failed - %e', err)
        }
      }
    }
    this._block = at
  }

  /** Applies one ProtocolParams log (others are ignored). */
  apply(entry: Log): void {
    // the loaded values already include everything up to the load block
    if (entry.blockNumber <= this.loadBlock) return
    const parsed = this.contract.interface.parseLog({ topics: [...entry.topics], data: entry.data })
    if (parsed == null || (parsed.name !== 'ParamChanged' && parsed.name !== 'AddressParamChanged')) return
    const name = decodeBytes32String(parsed.args[0] as string)
    if (!isParamName(name)) {
      log('ignoring a change of unknown parameter %s', name)
      return
    }
    const oldValue = this.values[name]
    const newValue = isAddressParam(name) ? getAddress(parsed.args[2] as string) : (parsed.args[2] as bigint)
    ;(this.values as Record<string, bigint | string>)[name] = newValue
    this._block = Math.max(this._block, entry.blockNumber)
    const change: ParamChange = {
      key: name,
      oldValue,
      newValue,
      blockNumber: entry.blockNumber,
      transactionHash: entry.transactionHash,
    }
    log('parameter changed %o', { key: name, old: String(oldValue), new: String(newValue), block: entry.blockNumber })
    for (const l of this.listeners) {
      try {
        l(change)
      } catch (err) {
        log.error('param listener failed - %e', err)
      }
    }
  }
}
