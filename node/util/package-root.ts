// The package's root folder (package.json, artifacts/, deployments/, examples/). Code runs
// either from its TypeScript sources (node/util/) or from the build (dist/node/util/), one
// folder deeper, so a fixed number of '..' would be wrong in one of them: walk up to the
// nearest package.json instead (dist/ has none of its own).
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`)
  }
}

export const PACKAGE_ROOT = findPackageRoot(import.meta.dirname)
