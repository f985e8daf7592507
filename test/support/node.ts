// The one way tests build a node: createHiveNode (node/create.ts) with a loopback config, test
// hardware (no benchmark) and the services the test names, started. Test helpers per area
// (market, audit, payments, chain) add only what their tests look at.
import { join } from 'node:path'
import { loadConfig } from '../../node/config.ts'
import { createHiveNode } from '../../node/create.ts'
import type { CreateHiveNodeOptions, HiveNodeWith, ServiceFactories } from '../../node/create.ts'
import type { HiveNode } from '../../node/node.ts'
import type { HiveSettings } from '../../node/config.ts'
import type { ProfileHardware } from '../../protocol/profile.ts'

const GIB = 1024 ** 3

/** A fixed machine: no hardware probe and no CPU benchmark in tests. */
export const TEST_HARDWARE: ProfileHardware = {
  cpu: { model: 'Test CPU', cores: 4, threads: 8, arch: 'x64', speedMhz: 3000 },
  memoryBytes: 16 * GIB,
  gpus: [],
  os: { platform: 'linux', distro: 'test', release: '1', kernel: '6' },
  benchmark: { cpuScore: 1000, durationMs: 1000 },
}

export interface TestNodeOptions<F extends ServiceFactories> extends CreateHiveNodeOptions<F> {
  /** the data dir is `<root>/<name>` */
  root: string
  /** 'requester', 'provider' or both comma-separated (default 'requester') */
  roles?: string
  /** peers to bootstrap from (their addresses) */
  bootstrap?: HiveNode | string[]
  /** HIVE per price unit for wasm (default 0.001) */
  price?: string
  /** any other config setting, as flags (e.g. rpcUrl and deployments for a chain) */
  settings?: Partial<Record<keyof HiveSettings, unknown>>
  /** build only (default: start too) */
  start?: boolean
}

/** Builds (and starts) a node on 127.0.0.1 with the given services. */
export async function startTestNode<F extends ServiceFactories = Record<never, never>>(
  name: string,
  options: TestNodeOptions<F>,
): Promise<HiveNodeWith<F>> {
  const { root, roles, bootstrap, price, settings, start, ...create } = options
  const config = loadConfig({
    dataDir: join(root, name),
    flags: {
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap: Array.isArray(bootstrap) ? bootstrap : (bootstrap?.info().addresses ?? []),
      roles: roles ?? 'requester',
      prices: { wasm: price ?? '0.001' },
      // every test peer is on 127.0.0.1: providers must dial loopback requesters
      allowPrivateAddrs: true,
      // every node of this process shares its event loop: one node's lag would be every provider's
      maxLoopLagMs: 0,
      ...settings,
    },
  })
  const node = await createHiveNode(config, { hardware: TEST_HARDWARE, ...create })
  if (start !== false) await node.start()
  return node
}
