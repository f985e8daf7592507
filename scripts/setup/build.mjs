// `npm run build`, also the last step of `npm install` and the first of `npm test`: compiles
// the TypeScript that the CLI and the node run (cli/, node/, protocol/ and what they import) to
// JavaScript in dist/, so that `hive` starts without transpiling anything (tsconfig.build.json).
// Types are checked by `npm run typecheck`, not here: the build only emits, incrementally.
// First it builds the contracts (`hardhat build`, incremental): that also generates the TypeChain
// bindings in types/ethers-contracts/ (not committed) that node/chain types its contracts with, so
// a fresh clone typechecks after `npm install`. The CLI does not need them to run (type-only).
// Then bundles the web dashboard into dist/ui (build-ui.mjs) and writes dist/build-stamp.json:
// when the build started and which sources it compiled, so that cli/hive.js can tell a build
// older than the sources (see there) with a few stat calls.
// Plain JavaScript, for the same reason as ensure-node22.mjs: it must run before anything else.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import { buildUi } from './build-ui.mjs'

const root = resolve(import.meta.dirname, '..', '..')
const dist = join(root, 'dist')
const started = Date.now()
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
const hardhat = join(root, 'node_modules', 'hardhat', 'dist', 'src', 'cli.js')
// npm test builds the contracts itself just before (HIVE_BUILD_CONTRACTS=0)
if (existsSync(join(root, 'contracts')) && process.env.HIVE_BUILD_CONTRACTS !== '0') {
  const h = spawnSync(process.execPath, [hardhat, 'build', '--quiet'], { cwd: root, stdio: 'inherit' })
  // not fatal here: `hive` runs without the bindings; `npm run typecheck` then names what is missing
  if (h.status !== 0)
    console.error(
      '[hive build] hardhat build failed: the contract bindings (types/ethers-contracts) are missing or stale',
    )
}
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' })
if (r.status !== 0) {
  console.error(
    '[hive build] tsc -p tsconfig.build.json failed; `hive` runs from the TypeScript sources until it succeeds',
  )
  process.exit(r.status ?? 1)
}

// the web dashboard (issue 17): not fatal, the node and the CLI run without it (/ui/ says so)
try {
  await buildUi()
} catch (err) {
  console.error(`[hive build] bundling the dashboard (ui/) failed: ${err instanceof Error ? err.message : err}`)
}

/** dist/a/b.js -> a/b.ts, for every compiled file whose source still exists */
function compiledSources(dir) {
  const out = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...compiledSources(p))
    else if (entry.name.endsWith('.js')) {
      const source = relative(dist, p).slice(0, -'.js'.length) + '.ts'
      if (existsSync(join(root, source))) out.push(source.split(sep).join('/'))
    }
  }
  return out
}

const sources = compiledSources(dist).sort()
writeFileSync(join(dist, 'build-stamp.json'), JSON.stringify({ builtAt: started, sources }) + '\n')
console.log(`[hive build] ${sources.length} files compiled to dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`)
