// `npm run build:proto`: compile every protocol/proto/*.proto with protons into protocol/gen/.
// The generated codecs are committed (small, reviewed in diffs, as js-libp2p does); the test
// test/protocol/proto-gen.test.ts checks they match the .proto sources.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'

export function compileProtos(outDir: string): void {
  const root = resolve(import.meta.dirname, '..')
  const protoDir = join(root, 'protocol', 'proto')
  const files = readdirSync(protoDir)
    .filter((f) => f.endsWith('.proto'))
    .map((f) => join(protoDir, f))
  if (files.length === 0) return
  const r = spawnSync('protons', ['--strict', '--path', protoDir, '--output', outDir, ...files], {
    cwd: root,
    stdio: 'inherit',
  })
  if (r.status !== 0) throw new Error(`protons failed with exit code ${r.status}`)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  compileProtos(resolve(import.meta.dirname, '..', 'protocol', 'gen'))
}
