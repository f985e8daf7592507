// The protocol fee a provider's bids must cover. JobEscrow fixes it when an escrow is created and
// PaymentChannel when a channel is opened, both from ProtocolParams.protocolFeeBps at that time,
// so the provider prices with the value in force now: read at start, re-read every poll, so a
// governance change reaches the bids within one poll. When the node already follows the params
// (ChainService.params), `source` is used instead and nothing is polled.
import { logger } from '../log/logger.ts'
import { bindContract } from '../chain/contracts.ts'
import type { HiveContracts } from '../chain/contracts.ts'
import type { ProtocolParams } from '../chain/typechain.ts'

const log = logger('hive:payments:fee')

export interface FeeWatchInit {
  /** JobEscrow (its `params()` names the ProtocolParams both settlement contracts read) */
  escrow: HiveContracts['escrow']
  pollMs?: number
  /** the fee as a params follower knows it; replaces polling */
  source?: () => bigint
}

export class FeeWatch {
  private readonly init: FeeWatchInit
  private _feeBps = 0n
  private timer?: ReturnType<typeof setInterval>

  constructor(init: FeeWatchInit) {
    this.init = init
  }

  /** The protocol fee in basis points, as last read (0 before `start`). */
  get feeBps(): bigint {
    return this.init.source?.() ?? this._feeBps
  }

  /** Whether this watch polls the chain itself (true only when started without a `source`). */
  get polling(): boolean {
    return this.timer !== undefined
  }

  async start(): Promise<void> {
    if (this.init.source !== undefined || this.timer !== undefined) return
    // a provider that bids before knowing the fee would under-price: the first read must succeed
    const address = await this.init.escrow.params.staticCall()
    const params = bindContract<ProtocolParams>(
      address,
      ['function protocolFeeBps() view returns (uint256)'],
      this.init.escrow.runner,
    )
    const read = async (): Promise<void> => {
      this._feeBps = await params.protocolFeeBps.staticCall()
    }
    await read()
    this.timer = setInterval(() => {
      read().catch((err: Error) => {
        log.error('reading protocolFeeBps: %s', err.message)
      })
    }, this.init.pollMs ?? 2_000)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer)
    this.timer = undefined
  }
}
