// createHiveNode: services built from factories in dependency order, started in that order and
// stopped in reverse; a service left out by the config leaves its dependants out; bad
// dependency declarations are refused before anything is opened.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { loadConfig } from '../../../node/config.ts'
import { createHiveNode, startOrder } from '../../../node/create.ts'
import { isHiveError } from '../../../protocol/errors.ts'
import { TEST_HARDWARE } from '../../support/node.ts'
import type { HiveService, PreComponents, ServiceFactory } from '../../../node/create.ts'

describe('node/create: createHiveNode', function () {
  this.timeout(60_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-create-'))
  after(() => {
    rmSync(root, { recursive: true, force: true })
  })
  const flags = { listen: ['/ip4/127.0.0.1/tcp/0'], roles: 'requester', mdns: false }
  const configFor = (name: string): ReturnType<typeof loadConfig> => loadConfig({ dataDir: join(root, name), flags })

  type Deps = Pick<ServiceFactory, 'dependencies' | 'optionalDependencies'>
  function fake(name: string, calls: string[], deps: Deps = {}, enabled = true): ServiceFactory {
    return {
      ...deps,
      create: (components, services) => {
        calls.push(
          `create ${name} with ${[...(deps.dependencies ?? []), ...(deps.optionalDependencies ?? [])]
            .filter((d) => services.get(d) !== undefined)
            .join(',')}`,
        )
        expect(components.peerId.equals(components.libp2p.peerId)).to.equal(true)
        if (!enabled) return undefined
        const service: HiveService = {
          name,
          start: () => {
            calls.push(`start ${name}`)
          },
          stop: () => {
            calls.push(`stop ${name}`)
          },
        }
        return service
      },
    }
  }

  it('orders services after what they depend on, and refuses loops and unknown names', () => {
    const none = (): undefined => undefined
    const cases: Array<[Record<string, ServiceFactory>, string[] | string]> = [
      [{ market: { dependencies: ['audit'], create: none }, audit: { create: none } }, ['audit', 'market']],
      [{ a: { optionalDependencies: ['missing', 'b'], create: none }, b: { create: none } }, ['b', 'a']],
      [
        { a: { dependencies: ['b'], create: none }, b: { dependencies: ['a'], create: none } },
        'SERVICE_DEPENDENCY_CYCLE',
      ],
      [{ a: { dependencies: ['chain'], create: none } }, 'SERVICE_DEPENDENCY_MISSING'],
    ]
    for (const [factories, expected] of cases) {
      if (Array.isArray(expected)) {
        expect(startOrder(factories)).to.deep.equal(expected)
        continue
      }
      try {
        startOrder(factories)
        expect.fail('accepted')
      } catch (err) {
        expect(isHiveError(err, expected)).to.equal(true)
      }
    }
  })

  it('starts services in dependency order, stops them in reverse; a disabled one disables its dependants', async () => {
    const calls: string[] = []
    const node = await createHiveNode(configFor('a'), {
      hardware: TEST_HARDWARE,
      libp2pDatastore: 'memory',
      services: {
        market: fake('market', calls, { optionalDependencies: ['audit', 'payments', 'chain'] }),
        payments: fake('payments', calls, { dependencies: ['chain'] }),
        audit: fake('audit', calls, { optionalDependencies: ['chain'] }),
        chain: fake('chain', calls, {}, false),
      },
    })
    expect(node.services.payments).to.equal(undefined)
    expect(node.services.chain).to.equal(undefined)
    expect(node.services.audit?.name).to.equal('audit')
    await node.start()
    await node.stop()
    expect(calls).to.deep.equal([
      'create chain with ',
      'create audit with ',
      'create market with audit',
      'start audit',
      'start market',
      'stop market',
      'stop audit',
    ])
  })

  it('hands prepare the peer key before the node exists, and discards when building fails', async () => {
    let preparedFor: string | undefined
    let discarded = false
    const config = configFor('b')
    try {
      await createHiveNode(config, {
        hardware: TEST_HARDWARE,
        libp2pDatastore: 'memory',
        services: {
          chain: {
            prepare: async ({ peerId }: PreComponents) => {
              preparedFor = peerId.toString()
              return undefined
            },
            discard: () => {
              discarded = true
            },
            create: () => {
              throw new Error('no chain today')
            },
          },
        },
      })
      expect.fail('built')
    } catch (err) {
      expect((err as Error).message).to.equal('no chain today')
    }
    expect(discarded).to.equal(true)
    // the same data dir opens again: the store was closed
    const node = await createHiveNode(config, { hardware: TEST_HARDWARE, libp2pDatastore: 'memory' })
    expect(node.peerId.toString()).to.equal(preparedFor)
    await node.discard()
  })
})
