// Governance end to end on a deployment made by scripts/deploy.ts: HIVE holders delegate,
// propose a ProtocolParams change, vote, queue it in the timelock, wait, execute; nobody can
// change anything by going around the governor.
import { expect } from 'chai'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { network } from 'hardhat'
import { deployAll } from '../../node/chain/deploy.ts'
import { devnetParams } from '../../node/chain/deploy-params.ts'
import { connectContracts } from '../../node/chain/contracts.ts'
import { as, hive } from './helpers.ts'

const { ethers, networkHelpers } = await network.connect()
const { loadFixture, time, mine } = networkHelpers
const dir = mkdtempSync(join(tmpdir(), 'hive-gov-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const key = (name: string): string => ethers.encodeBytes32String(name)
const ProposalState = {
  Pending: 0n,
  Active: 1n,
  Canceled: 2n,
  Defeated: 3n,
  Succeeded: 4n,
  Queued: 5n,
  Expired: 6n,
  Executed: 7n,
}

async function deployed() {
  const [deployer, alice, bob, outsider] = await ethers.getSigners()
  const d = await deployAll({ signer: deployer, params: devnetParams, deploymentsDir: dir })
  const at = connectContracts(d, deployer)
  const token = at.token
  await as(token, deployer).transfer(alice.address, hive(100_000_000)) // 10% of the supply
  await as(token, deployer).transfer(bob.address, hive(1_000_000)) // 0.1%: below quorum alone
  await as(token, alice).delegate(alice.address)
  await as(token, bob).delegate(bob.address)
  await mine(1)
  return {
    deployer,
    alice,
    bob,
    outsider,
    d,
    token,
    governor: at.governor,
    timelock: at.timelock,
    params: at.params,
    registry: at.registry,
  }
}

describe('governance end to end', () => {
  it('delegate -> propose -> vote -> queue -> wait the delay -> execute changes the parameter', async () => {
    const g = await loadFixture(deployed)
    const paramsAddr = await g.params.getAddress()
    const calldata = g.params.interface.encodeFunctionData('setParam', [key('protocolFeeBps'), 200n])
    const description = 'Raise the protocol fee to 2%'
    const descriptionHash = ethers.id(description)
    const proposal: [string[], bigint[], string[]] = [[paramsAddr], [0n], [calldata]]
    const proposalId = await g.governor.hashProposal(...proposal, descriptionHash)

    await expect(as(g.governor, g.bob).propose(...proposal, description)).to.emit(g.governor, 'ProposalCreated')
    expect(await g.governor.state(proposalId)).to.equal(ProposalState.Pending)
    await time.increase(devnetParams.votingDelay + 1n)
    expect(await g.governor.state(proposalId)).to.equal(ProposalState.Active)
    await expect(as(g.governor, g.alice).castVote(proposalId, 1))
      .to.emit(g.governor, 'VoteCast')
      .withArgs(g.alice.address, proposalId, 1, hive(100_000_000), '')
    await as(g.governor, g.bob).castVote(proposalId, 0)
    await time.increase(devnetParams.votingPeriod)
    expect(await g.governor.state(proposalId)).to.equal(ProposalState.Succeeded)

    await expect(as(g.governor, g.outsider).queue(...proposal, descriptionHash)).to.emit(g.timelock, 'CallScheduled')
    expect(await g.governor.state(proposalId)).to.equal(ProposalState.Queued)
    await expect(as(g.governor, g.outsider).execute(...proposal, descriptionHash)).to.be.revertedWithCustomError(
      g.timelock,
      'TimelockUnexpectedOperationState',
    )
    await time.increase(devnetParams.timelockDelay)
    await expect(as(g.governor, g.outsider).execute(...proposal, descriptionHash))
      .to.emit(g.params, 'ParamChanged')
      .withArgs(key('protocolFeeBps'), devnetParams.protocolFeeBps, 200n)
    expect(await g.params.protocolFeeBps()).to.equal(200n)
    expect(await g.governor.state(proposalId)).to.equal(ProposalState.Executed)
  })

  it('a proposal without quorum is defeated and cannot be queued', async () => {
    const g = await loadFixture(deployed)
    const calldata = g.params.interface.encodeFunctionData('setParam', [key('protocolFeeBps'), 0n])
    const proposal: [string[], bigint[], string[]] = [[await g.params.getAddress()], [0n], [calldata]]
    await as(g.governor, g.bob).propose(...proposal, 'fee to zero')
    const proposalId = await g.governor.hashProposal(...proposal, ethers.id('fee to zero'))
    await time.increase(devnetParams.votingDelay + 1n)
    await as(g.governor, g.bob).castVote(proposalId, 1)
    await time.increase(devnetParams.votingPeriod)
    expect(await g.governor.state(proposalId)).to.equal(ProposalState.Defeated)
    await expect(as(g.governor, g.bob).queue(...proposal, ethers.id('fee to zero'))).to.be.revertedWithCustomError(
      g.governor,
      'GovernorUnexpectedProposalState',
    )
  })

  it(
    'a change made directly, by the deployer or anyone, fails: only' +
      ' the timelock owns the parameters and the registry',
    async () => {
      const g = await loadFixture(deployed)
      for (const who of [g.deployer, g.alice, g.outsider]) {
        await expect(as(g.params, who).setParam(key('protocolFeeBps'), 0n))
          .to.be.revertedWithCustomError(g.params, 'OwnableUnauthorizedAccount')
          .withArgs(who.address)
        await expect(as(g.registry, who).slash(g.alice.address, 1n, key('x')))
          .to.be.revertedWithCustomError(g.registry, 'OwnableUnauthorizedAccount')
          .withArgs(who.address)
        const proposer = await g.timelock.PROPOSER_ROLE()
        await expect(
          as(g.timelock, who).schedule(
            await g.params.getAddress(),
            0n,
            '0x',
            ethers.ZeroHash,
            ethers.ZeroHash,
            devnetParams.timelockDelay,
          ),
        )
          .to.be.revertedWithCustomError(g.timelock, 'AccessControlUnauthorizedAccount')
          .withArgs(who.address, proposer)
      }
      // the governor's own settings change only through governance too
      await expect(as(g.governor, g.deployer).setVotingPeriod(1n))
        .to.be.revertedWithCustomError(g.governor, 'GovernorOnlyExecutor')
        .withArgs(g.deployer.address)
    },
  )

  it('the governor counts votes by timestamp, like the token', async () => {
    const g = await loadFixture(deployed)
    expect(await g.governor.CLOCK_MODE()).to.equal('mode=timestamp')
    expect(await g.governor.clock()).to.equal(BigInt(await time.latest()))
    expect(await g.governor.votingDelay()).to.equal(devnetParams.votingDelay)
    expect(await g.governor.votingPeriod()).to.equal(devnetParams.votingPeriod)
    expect(await g.governor.version()).to.equal('hive-governor/1')
    const t = BigInt(await time.latest()) - 1n
    expect(await g.governor.quorum(t)).to.equal((hive(1_000_000_000) * devnetParams.quorumPercent) / 100n)
  })
})
