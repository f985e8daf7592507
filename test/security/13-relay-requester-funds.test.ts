// Issue 13: a relay under the default `market` policy serves providers (signed profile) and its
// own counterparties - so a requester behind a NAT, which has neither, got no reservation and
// providers could not dial it back (both-nat lost jobs). Its tie is now an account: the relay
// asks it for the signed binding of its peer id to an Ethereum account and serves it only when
// that account holds funds on the relay's chain. And a profile alone no longer buys relaying
// where the relay has a chain: the provider's stake must be on chain.
// Attacks, over the wire and a real Hardhat chain: (1) a stranger with an account but no funds
// asks for a reservation (it must be refused), (2) a "provider" publishes a valid signed profile
// without staking (refused), while (3) a funded requester and (4) a staked provider are served.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { expect } from 'chai'
import { parseEther } from 'ethers'
import { openChain } from '../../node/chain/client.ts'
import { chainService } from '../../node/chain/service.ts'
import { depositStake } from '../../node/chain/staking.ts'
import { DEVNET_KDF, createWallet, unlockWallet } from '../../node/chain/wallet.ts'
import { initDataDir } from '../../node/config.ts'
import type { HiveNode } from '../../node/node.ts'
import { startDevChain } from '../support/chain.ts'
import type { DevChain } from '../support/chain.ts'
import { startTestNode } from '../support/node.ts'
import { waitFor } from '../support/wait.ts'

const PASS = 'test passphrase'

describe('13: a market relay serves funded requesters and staked providers, not strangers', function () {
  this.timeout(120_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-13-relay-funds-'))
  let chain: DevChain
  let relay: HiveNode
  const nodes: HiveNode[] = []

  /** a wallet in <root>/<name> with `hive` HIVE and gas money; its address */
  async function wallet(name: string, hive: bigint): Promise<string> {
    mkdirSync(join(root, name), { recursive: true, mode: 0o700 })
    const { address } = await createWallet(join(root, name), PASS, { kdf: DEVNET_KDF })
    await chain.setEth(address, parseEther('10'))
    if (hive > 0n) await chain.giveHive(address, hive)
    return address
  }

  async function privatePeer(name: string, roles: string): Promise<HiveNode> {
    const node = await startTestNode(name, {
      root,
      roles,
      bootstrap: relay,
      settings: {
        listen: [],
        reachability: 'private',
        relayReservations: 1,
        rpcUrl: chain.url,
        deployments: chain.deploymentsDir,
      },
      services: { chain: chainService({ passphrase: PASS }) },
    })
    nodes.push(node)
    return node
  }

  /** the relay's verdict on `node`'s reservation: its circuit address, or a refusal counted after `refusedBefore` */
  async function verdict(node: HiveNode, refusedBefore: number): Promise<'served' | 'refused'> {
    return await waitFor(
      () => {
        if (node.info().addresses.some((a) => a.includes('/p2p-circuit'))) return 'served'
        return relay.info().reach!.relayServer!.refused > refusedBefore ? 'refused' : undefined
      },
      { timeoutMs: 40_000, what: `the relay's verdict on ${node.config.dataDir}` },
    )
  }

  before(async function () {
    this.timeout(180_000)
    chain = await startDevChain()
    await wallet('relay', 0n)
    relay = await startTestNode('relay', {
      root,
      settings: {
        relayServer: true,
        reachability: 'public',
        dhtMode: 'server',
        rpcUrl: chain.url,
        deployments: chain.deploymentsDir,
      },
      services: { chain: chainService({ passphrase: PASS }) },
    })
    nodes.push(relay)
    expect(relay.config.relayPolicy).to.equal('market')
  })

  after(async () => {
    for (const n of nodes.splice(0).reverse()) await n.stop().catch(() => {})
    await chain?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it('refuses a requester whose account holds no HIVE', async () => {
    await wallet('pauper', 0n)
    const before = relay.info().reach!.relayServer!.refused
    const pauper = await privatePeer('pauper', 'requester')
    expect(await verdict(pauper, before)).to.equal('refused')
    expect(relay.info().reach!.relayServer!.reservations).to.equal(0)
    expect(pauper.info().reach!.relays).to.deep.equal([])
  })

  it('serves a requester that shows a funded account', async () => {
    await wallet('requester', parseEther('50'))
    const before = relay.info().reach!.relayServer!.refused
    const requester = await privatePeer('requester', 'requester')
    expect(await verdict(requester, before)).to.equal('served')
    const server = relay.info().reach!.relayServer!
    expect(server.admittedFunded, 'requesters admitted on a funded account').to.equal(1)
    expect(requester.info().reach!.relays.map((r) => r.relay)).to.deep.equal([relay.peerId.toString()])
  })

  it('refuses a provider whose signed profile has no stake behind it on chain', async () => {
    // no HIVE either: an account with funds would be served as a requester, which is fine
    await wallet('unstaked', 0n)
    const before = relay.info().reach!.relayServer!.refused
    const unstaked = await privatePeer('unstaked', 'provider')
    expect(await verdict(unstaked, before)).to.equal('refused')
    expect(relay.info().reach!.relayServer!.refusedUnstaked).to.be.greaterThan(0)
  })

  it('serves a provider whose stake is on chain', async () => {
    const address = await wallet('staked', parseEther('1000'))
    const { peerId } = await initDataDir(join(root, 'staked'))
    const client = await openChain({
      settings: chain.settings,
      wallet: await unlockWallet(join(root, 'staked'), PASS),
      tx: { pollMs: 50 },
    })
    try {
      expect(client.wallet!.address).to.equal(address)
      await depositStake(client, peerIdFromString(peerId), parseEther('300'))
    } finally {
      client.close()
    }
    const before = relay.info().reach!.relayServer!.refused
    const staked = await privatePeer('staked', 'provider')
    expect(await verdict(staked, before)).to.equal('served')
  })
})
