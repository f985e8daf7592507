// ParamsFollower + LogPoller against a real Hardhat JSON-RPC node: the state read at start, then
// every ParamChanged / AddressParamChanged applied within 2 s of its block, without a restart.
import { expect } from 'chai'
import { getAddress, parseEther } from 'ethers'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { signEthIdentity, verifyEthIdentity } from '../../../node/chain/binding.ts'
import { LogPoller } from '../../../node/chain/log-poller.ts'
import { ParamsFollower, paramKey, readParams } from '../../../node/chain/params.ts'
import type { ParamChange } from '../../../node/chain/params.ts'
import { ValidationError } from '../../../protocol/errors.ts'
import { devnetParams } from '../../../node/chain/deploy-params.ts'
import { startDevChain } from '../../support/chain.ts'
import type { DevChain } from '../../support/chain.ts'

describe('node/chain ProtocolParams follower (Hardhat JSON-RPC)', function () {
  this.timeout(60_000)
  let chain: DevChain
  let timelock: string

  before(async function () {
    this.timeout(120_000)
    chain = await startDevChain()
    timelock = chain.deployment.contracts.TimelockController.address
    // the timelock owns ProtocolParams; impersonating it stands in for an executed proposal
    await chain.rpc('hardhat_impersonateAccount', [timelock])
    await chain.setEth(timelock, parseEther('10'))
  })
  after(async () => {
    await chain?.stop()
  })

  async function asTimelock(
    fn: 'setParam' | 'setAddressParam',
    args: unknown[],
  ): Promise<{ block: number; at: number }> {
    const data = chain.contracts.params.interface.encodeFunctionData(fn, args)
    const hash = (await chain.rpc('eth_sendTransaction', [
      { from: timelock, to: chain.deployment.contracts.ProtocolParams.address, data },
    ])) as string
    // automine: the receipt exists once eth_sendTransaction has answered
    const receipt = (await chain.rpc('eth_getTransactionReceipt', [hash])) as { status: string; blockNumber: string }
    expect(receipt.status).to.equal('0x1')
    return { block: Number(BigInt(receipt.blockNumber)), at: Date.now() }
  }

  it('reads every parameter at start, as deployed', async () => {
    const follower = await ParamsFollower.load(chain.contracts.params)
    expect(follower.current).to.deep.equal({
      minProviderStake: devnetParams.minProviderStake,
      unbondingPeriod: devnetParams.unbondingPeriod,
      escrowChallengeWindow: devnetParams.escrowChallengeWindow,
      channelChallengePeriod: devnetParams.channelChallengePeriod,
      protocolFeeBps: devnetParams.protocolFeeBps,
      reporterShareBps: devnetParams.reporterShareBps,
      equivocationSlashBps: devnetParams.equivocationSlashBps,
      disputeBondBps: devnetParams.disputeBondBps,
      arbitrationWindow: devnetParams.arbitrationWindow,
      treasury: getAddress(timelock),
      arbiter: getAddress(timelock),
    })
  })

  it('applies numeric and address changes within 2 s of their block, in order', async () => {
    const start = await chain.provider.getBlockNumber()
    const follower = await ParamsFollower.load(chain.contracts.params, start)
    const poller = new LogPoller({ provider: chain.provider, fromBlock: start + 1, pollMs: 500 })
    const seen: Array<ParamChange & { at: number }> = []
    follower.onChange((c) => seen.push({ ...c, at: Date.now() }))
    const detach = follower.attach(poller)
    poller.start()
    try {
      const fee = await asTimelock('setParam', [paramKey('protocolFeeBps'), 125n])
      const window = await asTimelock('setParam', [paramKey('channelChallengePeriod'), 3600n])
      const arbiter = chain.account(7).address
      const addr = await asTimelock('setAddressParam', [paramKey('arbiter'), arbiter])
      const until = Date.now() + 3_000
      while (seen.length < 3 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20))
      expect(seen.map((c) => [c.key, c.oldValue, c.newValue, c.blockNumber])).to.deep.equal([
        ['protocolFeeBps', devnetParams.protocolFeeBps, 125n, fee.block],
        ['channelChallengePeriod', devnetParams.channelChallengePeriod, 3600n, window.block],
        ['arbiter', getAddress(timelock), arbiter, addr.block],
      ])
      for (const [c, sent] of [
        [seen[0], fee],
        [seen[1], window],
        [seen[2], addr],
      ] as const)
        expect(c.at - sent.at, `${c.key} applied after`).to.be.below(2_000)
      expect(follower.current).to.deep.equal(await readParams(chain.contracts.params))
      expect(follower.get('protocolFeeBps')).to.equal(125n)
    } finally {
      detach()
      await poller.stop()
    }
  })

  it('a follower loaded after changes does not apply them twice', async () => {
    // raw RPC: ethers' getBlockNumber may answer from a cache that predates the changes
    const block = Number(BigInt((await chain.rpc('eth_blockNumber', [])) as string))
    const follower = await ParamsFollower.load(chain.contracts.params, block)
    const poller = new LogPoller({ provider: chain.provider, fromBlock: chain.deployment.blockNumber, pollMs: 100 })
    const seen: ParamChange[] = []
    follower.onChange((c) => seen.push(c))
    follower.attach(poller)
    await poller.poll() // replays the whole history, all at or before the load block
    expect(seen).to.deep.equal([])
    expect(poller.syncedBlock).to.equal(block)
  })

  it('signs a peerId <-> address binding that verifies, and refuses it for another chain or peer', async () => {
    const key = await generateKeyPair('Ed25519')
    const peerId = peerIdFromPrivateKey(key)
    const wallet = chain.account(3)
    const identity = await signEthIdentity(wallet, peerId, 31337n, 1_000n)
    expect(identity.ethAddress).to.equal(wallet.address.toLowerCase())
    expect(identity.ethBinding.length).to.equal(73)
    expect(verifyEthIdentity(peerId, identity, 31337n, 1_001n)).to.equal(wallet.address)
    const other = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    const cases: Array<[string, () => unknown]> = [
      // the chain id is not carried: a binding checked against another chain fails its signature
      ['BINDING_SIGNER_MISMATCH', () => verifyEthIdentity(peerId, identity, 1n, 1_001n)],
      ['BINDING_EXPIRED', () => verifyEthIdentity(peerId, identity, 31337n, 1_000n + 31n * 24n * 3600n)],
      ['BINDING_SIGNER_MISMATCH', () => verifyEthIdentity(other, identity, 31337n, 1_001n)],
      [
        'BINDING_MALFORMED',
        () => verifyEthIdentity(peerId, { ...identity, ethBinding: identity.ethBinding.subarray(1) }, 31337n, 1_001n),
      ],
    ]
    for (const [code, fn] of cases) {
      let err: unknown
      try {
        fn()
      } catch (e) {
        err = e
      }
      expect(err, code).to.be.instanceOf(ValidationError)
      expect((err as ValidationError).code, code).to.equal(code)
    }
  })
})
