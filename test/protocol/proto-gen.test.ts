// The committed codecs in protocol/gen/ must be exactly what protons generates from the .proto
// sources: nobody edits generated code by hand, and nobody forgets to regenerate.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect } from 'chai'
import { compileProtos } from '../../scripts/build-proto.ts'

const root = resolve(import.meta.dirname, '..', '..')

describe('protocol/gen is generated from protocol/proto', function () {
  this.timeout(60_000)
  let out: string
  before(() => {
    out = mkdtempSync(join(tmpdir(), 'hive-proto-gen-'))
    compileProtos(out)
  })
  after(() => {
    rmSync(out, { recursive: true, force: true })
  })

  const protos = readdirSync(join(root, 'protocol', 'proto')).filter((f) => f.endsWith('.proto'))

  it('has .proto sources to check', () => {
    expect(protos).to.include('market.proto')
  })

  for (const proto of protos) {
    const file = proto.replace(/\.proto$/, '.ts')
    it(`protocol/gen/${file} equals protons' output for ${proto}`, () => {
      const committed = join(root, 'protocol', 'gen', file)
      expect(existsSync(committed), `${committed} is missing: run npm run build:proto`).to.equal(true)
      const fresh = readFileSync(join(out, file), 'utf8')
      expect(
        readFileSync(committed, 'utf8') === fresh,
        `protocol/gen/${file} is stale or hand-edited: run npm run build:proto`,
      ).to.equal(true)
    })
  }
})
