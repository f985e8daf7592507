// A NodeController made of plain data, to test the HTTP layer on its own: auth, routing, JSON
// and SSE. The real HiveNode behind the same API is exercised in node-api.test.ts and test/e2e.
import type {
  NodeController,
  NodeEvent,
  NodeInfo,
  PeerSummary,
  ProtocolOutcomes,
  ProviderFilter,
  ProviderProfileView,
} from '../../../node/controller.ts'

export function sampleProfile(peerId: string, overrides: Partial<ProviderProfileView> = {}): ProviderProfileView {
  return {
    peerId,
    hardware: {
      cpu: { model: 'Test CPU', cores: 4, threads: 8, arch: 'x64', speedGHz: 3.2 },
      memoryBytes: 16 * 1024 ** 3,
      gpus: [],
      os: { platform: 'linux', distro: 'Debian', release: '12', kernel: '6.1.0' },
      benchmark: { cpuScore: 1000, durationMs: 1000 },
    },
    executors: ['wasm'],
    capabilities: ['executor/wasm', 'arch/x64'],
    issuedAt: 1_700_000_000_000,
    expiresAt: 1_700_003_600_000,
    ...overrides,
  }
}

export class FakeController implements NodeController {
  readonly listeners = new Set<(event: NodeEvent) => void>()
  readonly filters: ProviderFilter[] = []
  providers: ProviderProfileView[] = []
  findImpl: ((filter: ProviderFilter, signal?: AbortSignal) => Promise<ProviderProfileView[]>) | undefined
  private readonly _info: NodeInfo

  constructor(peerId = '12D3KooWFakeNodeForApiTests') {
    this._info = {
      peerId,
      addresses: [`/ip4/127.0.0.1/tcp/4001/p2p/${peerId}`],
      dataDir: '/tmp/x',
      version: '0.1.0',
      roles: ['provider'],
      startedAt: Date.now(),
    }
  }

  info(): NodeInfo {
    return this._info
  }

  peers(): PeerSummary[] {
    return [
      { peerId: '12D3KooWPeerA', addresses: ['/ip4/127.0.0.1/tcp/4002'], rttMs: 3, protocols: ['/ipfs/ping/1.0.0'] },
    ]
  }

  hardware(): ProviderProfileView {
    return sampleProfile(this._info.peerId)
  }

  protocols(): ProtocolOutcomes {
    return { protocols: { bid: { OK: 2, RATE_LIMITED: 1 } } }
  }

  async findProviders(filter: ProviderFilter, options?: { signal?: AbortSignal }): Promise<ProviderProfileView[]> {
    this.filters.push(filter)
    if (this.findImpl != null) return this.findImpl(filter, options?.signal)
    return this.providers
  }

  onEvent(listener: (event: NodeEvent) => void): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  emit(event: NodeEvent): void {
    for (const l of this.listeners) l(event)
  }
}
