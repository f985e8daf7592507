// Runs after `npm install`. Hardhat 3 and its native EVM package need Node >= 22.13, but the
// machines we target ship Node 20. The devDependency `node@22` puts a real Node 22 binary at
// node_modules/.bin/node, and `npm run`/`npx` put that folder first on PATH. What remains is
// that npm, running under Node 20, skipped the optional native package
// @nomicfoundation/edr-linux-x64-gnu (its engines say >=22). So when we run under an older
// Node we run `npm install` once more with node_modules/.bin first on PATH: npm itself then
// runs under Node 22 and installs it. Idempotent: on Node >= 22 this does nothing.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { delimiter, join, resolve } from 'node:path'

const MIN_MAJOR = 22
// `npm run` puts node_modules/.bin first on PATH, so this script may already run under Node 22
// while npm itself runs under the machine's Node: judge npm's Node (its user agent says which).
const npmNode = /node\/v(\d+)/.exec(process.env.npm_config_user_agent ?? '')?.[1]
const major = Number(npmNode ?? process.versions.node.split('.')[0])
const root = resolve(import.meta.dirname, '..', '..')
const binDir = join(root, 'node_modules', '.bin')

if (major >= MIN_MAJOR || process.env.HIVE_SETUP_NESTED === '1') process.exit(0)
if (!existsSync(join(binDir, 'node'))) {
  console.error('[hive setup] node_modules/.bin/node is missing: the devDependency "node@22" did not install.')
  console.error('[hive setup] Fix: run `npm install` again, or install Node >= 22.13 yourself.')
  process.exit(1)
}
const probe = spawnSync(join(binDir, 'node'), ['--version'], { encoding: 'utf8' })
if (probe.status !== 0 || Number(probe.stdout.trim().replace(/^v/, '').split('.')[0]) < MIN_MAJOR) {
  console.error(
    `[hive setup] node_modules/.bin/node does not run Node >= ${MIN_MAJOR} (${probe.stdout || probe.error})`,
  )
  process.exit(1)
}
console.log(
  `[hive setup] npm runs under Node ${npmNode ?? process.versions.node}, too old for Hardhat 3;` +
    ` re-running npm install under Node ${probe.stdout.trim()} (from the node@22 package) to add the native` +
    ` EVM package`,
)
const env = { ...process.env, HIVE_SETUP_NESTED: '1', PATH: binDir + delimiter + (process.env.PATH ?? '') }
// npm reads npm_config_* from the environment as its own config: drop the outer npm's user
// agent (it names Node 20) so the nested npm reports the Node it really runs under.
delete env.npm_config_user_agent
// npm_execpath is the npm CLI that runs us; call it with the Node 22 binary.
const npmCli = process.env.npm_execpath
const cmd = npmCli ? join(binDir, 'node') : 'npm'

const args = npmCli ? [npmCli, 'install', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund']
const r = spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit' })
process.exit(r.status ?? 1)
