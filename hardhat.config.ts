import { createRequire } from 'node:module'
import { defineConfig } from 'hardhat/config'
import hardhatToolboxMochaEthers from '@nomicfoundation/hardhat-toolbox-mocha-ethers'

// Compile offline: Hardhat would otherwise download solc (no internet here). The npm `solc`
// package ships the same compiler as JavaScript; its version is pinned to SOLC_VERSION.
const SOLC_VERSION = '0.8.30'
const require = createRequire(import.meta.url)

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  solidity: {
    version: SOLC_VERSION,
    path: require.resolve('solc/soljson.js'),
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: 'cancun',
    },
  },
  paths: {
    sources: './contracts',
    tests: { mocha: './test/contracts' },
  },
})
