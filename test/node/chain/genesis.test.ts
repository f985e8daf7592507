import { expect } from 'chai'
import { parseEther } from 'ethers'
import { DEVNET_GENESIS, defaultParams, devnetParams } from '../../../node/chain/deploy-params.ts'
import { checkGenesis } from '../../../node/chain/genesis.ts'
import type { GenesisAllocation } from '../../../node/chain/genesis.ts'

const SUPPLY = parseEther('1000')
const A = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const B = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
const code = (table: GenesisAllocation[], deployer?: string): string | undefined => {
  try {
    checkGenesis(table, SUPPLY, deployer !== undefined ? { deployer } : {})
    return undefined
  } catch (err) {
    return (err as { code?: string }).code
  }
}

describe('node/chain genesis table', () => {
  it("the shipped tables pass: production all to the treasury, the devnet's spread", () => {
    checkGenesis(defaultParams.genesis, defaultParams.tokenSupply)
    checkGenesis(devnetParams.genesis, devnetParams.tokenSupply, {
      deployer: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
    })
    expect(DEVNET_GENESIS.some((r) => r.vesting !== undefined)).to.equal(true)
  })

  it(
    'refuses a table that hands anyone but the treasury half the' +
      " supply, counting vesting rows and the deployer's address",
    () => {
      expect(code([{ name: 'all', to: A, amount: SUPPLY }])).to.equal('BAD_GENESIS')
      expect(
        code([
          { name: 'half', to: A, amount: SUPPLY / 2n },
          { name: 't', to: 'treasury', amount: SUPPLY / 2n },
        ]),
      ).to.equal('BAD_GENESIS')
      expect(
        code([
          { name: 'a1', to: A, amount: parseEther('300') },
          { name: 'a2', to: A, amount: parseEther('300'), vesting: { durationSeconds: 10n } },
          { name: 't', to: 'treasury', amount: parseEther('400') },
        ]),
      ).to.equal('BAD_GENESIS')
      expect(
        code(
          [
            { name: 'd', to: 'deployer', amount: parseEther('300') },
            { name: 'd2', to: A, amount: parseEther('300') },
            { name: 't', to: 'treasury', amount: parseEther('400') },
          ],
          A,
        ),
        "the deployer's own address is the deployer",
      ).to.equal('BAD_GENESIS')
      expect(code([{ name: 't', to: 'treasury', amount: SUPPLY }])).to.equal(undefined)
      expect(
        code([
          { name: 'a', to: A, amount: parseEther('499') },
          { name: 'b', to: B, amount: parseEther('501') },
        ]),
      ).to.equal('BAD_GENESIS')
    },
  )

  it('refuses rows that do not add up, are empty, repeat a name, or vest to a role', () => {
    expect(code([])).to.equal('BAD_GENESIS')
    expect(code([{ name: 't', to: 'treasury', amount: SUPPLY - 1n }])).to.equal('BAD_GENESIS')
    expect(
      code([
        { name: 't', to: 'treasury', amount: SUPPLY / 2n },
        { name: 't', to: 'treasury', amount: SUPPLY / 2n },
      ]),
    ).to.equal('BAD_GENESIS')
    expect(code([{ name: 't', to: 'treasury', amount: SUPPLY, vesting: { durationSeconds: 5n } }])).to.equal(
      'BAD_GENESIS',
    )
    expect(code([{ name: 'x', to: 'nobody', amount: SUPPLY }])).to.equal('BAD_GENESIS')
  })
})
