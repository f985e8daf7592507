#!/usr/bin/env node
// The JavaScript entry of `hive`, run by the launcher cli/hive (a shell script that finds Node 22).
// It keeps its shebang: links made before the launcher existed (e.g. npx's cache) still run it.
// It runs the compiled CLI in dist/ (`npm install` and `npm run build` write it): no TypeScript
// to transpile at start, which is what lets `hive --version` answer in well under 150 ms.
// When dist/ is missing or older than a source it was compiled from (someone edited a file or
// pulled, and did not rebuild), it runs the sources through tsx instead: slower to start, but
// never stale code; on a terminal it says how to get the fast start back.
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 13)) {
  console.error(`hive needs Node >= 22.13; this is Node ${process.versions.node} (${process.execPath}).`)
  console.error(
    'Fix: run `npm install` in the project folder (it puts Node 22 in node_modules), then run cli/hive, ' +
      'node_modules/.bin/hive or `npx hive`, or put a Node >= 22.13 first on PATH.',
  )
  process.exit(1)
}

/** The first source newer than the build, 'dist/' when there is no build, undefined when the build is current. */
function staleSource(root) {
  let stamp
  try {
    stamp = JSON.parse(readFileSync(join(root, 'dist', 'build-stamp.json'), 'utf8'))
  } catch {
    return 'dist/'
  }
  for (const source of stamp.sources) {
    const st = statSync(join(root, source), { throwIfNoEntry: false })
    if (st !== undefined && st.mtimeMs > stamp.builtAt) return source
  }
  return undefined
}

const root = join(import.meta.dirname, '..')
const stale = staleSource(root)
if (stale === undefined) {
  await import('../dist/cli/main.js')
} else {
  if (process.stderr.isTTY) {
    const why = stale === 'dist/' ? 'dist/ is not built' : `${stale} changed after the last build`
    process.stderr.write(
      `hive: running from the TypeScript sources (${why}); \`npm run build\` makes it start fast again\n`,
    )
  }
  // protons' generated codecs use enums and namespaces, which Node's type stripping rejects: tsx
  const { register } = await import('tsx/esm/api')
  register()
  await import('./main.ts')
}
