// The audit trail as one node service: the log (opened at start, closed at stop, before the
// store closes), the /hive/audit server, the anchorer (when the node has a chain and a wallet),
// the market/payments hook, and the auditor. Built by `auditService()` (node/audit/index.ts); the
// market and payments depend on it, so they stop writing before the log closes.
import { logger } from '../log/logger.ts'
import { signAnchorBinding } from '../../protocol/audit/binding.ts'
import { HiveError } from '../../protocol/errors.ts'
import { peerIdToBytes } from '../../protocol/signing.ts'
import { Anchorer } from './anchorer.ts'
import { AuditClient } from './client.ts'
import { AuditLog } from './log.ts'
import { AuditHook } from './market-hook.ts'
import { ensurePeerBound } from './peer-binding.ts'
import { AuditServer } from './server.ts'
import { Auditor } from './verify.ts'
import type { AnchorReader, AnchorWriter } from './anchor-chain.ts'
import type { AnchorerOptions } from './anchorer.ts'
import type { AuditServerInit } from './server.ts'
import type { AnchorBinding } from '../../protocol/audit/wire.ts'
import type { HiveService } from '../service.ts'
import type { RouteRegistry } from '../api/router.ts'
import type { HiveStore } from '../store.ts'
import type { NodeEvents } from '../events.ts'
import type { Libp2p, PrivateKey } from '@libp2p/interface'

const log = logger('hive:audit')

export interface AuditServiceInit {
  libp2p: Pick<Libp2p, 'peerId' | 'handle' | 'unhandle' | 'dialProtocol' | 'getPeers'>
  store: HiveStore
  /** the node's peer key: signs the anchoring binding */
  privateKey: PrivateKey
  /** this node's account on AuditAnchor: anchoring runs only with it */
  anchors?: AnchorWriter
  /** reads other peers' anchors for auditing (default: `anchors`) */
  reader?: AnchorReader
  anchorer?: AnchorerOptions
  server?: Partial<Omit<AuditServerInit, 'libp2p' | 'log' | 'binding'>>
  /** audit failures and anchoring trouble become 'log' events here */
  events?: NodeEvents
  now?: () => number
  /**
   * adds the audit routes to the node's API; passed in by the factory because the routes module
   * reads this service (a cycle if this file imported it)
   */
  routes?: (registry: RouteRegistry, audit: AuditService) => void
}

export class AuditService implements HiveService {
  readonly name = 'audit'
  /** the journal the market and payments write through (MarketJournal, PaymentJournal) */
  readonly journal: AuditHook
  readonly client: AuditClient
  private readonly init: AuditServiceInit
  private _log: AuditLog | undefined
  private _server: AuditServer | undefined
  private _anchorer: Anchorer | undefined
  private _binding: AnchorBinding | undefined
  private started = false

  constructor(init: AuditServiceInit) {
    this.init = init
    this.client = new AuditClient({ libp2p: init.libp2p, timeoutMs: 8_000 })
    this.journal = new AuditHook({
      log: () => this._log,
      jobs: init.store.jobs,
      writeState: async (ops) => {
        await init.store.batchDurable(ops)
      },
      onFailure: (message) => {
        this.problem('error', message)
      },
    })
  }

  get log(): AuditLog {
    if (this._log === undefined) throw new HiveError('AUDIT_NOT_STARTED', 'the audit service is not running')
    return this._log
  }

  get server(): AuditServer {
    if (this._server === undefined) throw new HiveError('AUDIT_NOT_STARTED', 'the audit service is not running')
    return this._server
  }

  /** Undefined when the node has no chain account (the log is kept and served, not anchored). */
  get anchorer(): Anchorer | undefined {
    return this._anchorer
  }
  get binding(): AnchorBinding | undefined {
    return this._binding
  }
  get chain(): AnchorReader | undefined {
    return this.init.reader ?? this.init.anchors
  }

  async start(): Promise<void> {
    if (this.started) return
    const { libp2p, store } = this.init
    const now = this.init.now ?? Date.now
    this._log = await AuditLog.open({ db: store.audit, peer: peerIdToBytes(libp2p.peerId), now })
    const w = this.init.anchors
    if (w !== undefined) {
      this._binding = await signAnchorBinding(
        { chainId: w.chainId, contract: w.contract, address: w.address, issuedAt: now() },
        this.init.privateKey,
      )
    }
    this._server = new AuditServer({ ...this.init.server, libp2p, log: this._log, binding: () => this._binding })
    await this._server.start()
    if (w !== undefined) {
      const key = this.init.privateKey
      const peer = peerIdToBytes(libp2p.peerId)
      this._anchorer = new Anchorer(this._log, w, {
        ...this.init.anchorer,
        bind: async () => await ensurePeerBound(w, key, peer, now),
        onProblem: (m) => {
          this.problem('warn', m)
        },
      })
      this._anchorer.start()
    }
    this.started = true
    log('audit service started %o', { size: this._log.size(), anchoring: w !== undefined })
  }

  async stop(): Promise<void> {
    if (!this.started) return
    await this._anchorer?.stop()
    await this._server?.stop()
    await this._log?.close()
    this._anchorer = undefined
    this.started = false
  }

  routes(registry: RouteRegistry): void {
    this.init.routes?.(registry, this)
  }

  /** An auditor that asks this node's connections and reads this service's chain. */
  auditor(options: { maxCandidates?: number } = {}): Auditor {
    const { libp2p } = this.init
    const chain = this.chain
    return new Auditor({
      client: this.client,
      ...(chain !== undefined ? { chain } : {}),
      ...(this._server !== undefined ? { self: { peerId: libp2p.peerId.toString(), server: this._server } } : {}),
      candidates: () => libp2p.getPeers().map((p) => p.toString()),
      ...options,
    })
  }

  private problem(level: 'warn' | 'error', message: string): void {
    this.init.events?.emit({ type: 'log', at: Date.now(), level, message })
  }
}
