// The lint rule "services are constructed only through their factory" (eslint.config.js) fires:
// the fixture builds a MarketService with `new`, which is an error anywhere but in the service's
// own factory module. Run with the project's real ESLint config.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect } from 'chai'
import { ESLint } from 'eslint'

const root = resolve(import.meta.dirname, '..', '..', '..')
const fixture = readFileSync(join(root, 'test/fixtures/lint/new-service.ts.fixture'), 'utf8')

async function ruleHits(pretendPath: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root })
  const [result] = await eslint.lintText(fixture, { filePath: join(root, pretendPath) })
  return result.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message)
}

describe('lint: services are built only through their factory', () => {
  it('refuses `new MarketService(` in a node module, a script and a test', async () => {
    for (const path of ['node/other/wiring.ts', 'scripts/bench/wiring.ts', 'test/node/market/wiring.test.ts']) {
      const hits = await ruleHits(path)
      expect(hits, path).to.have.length(1)
      expect(hits[0]).to.match(/through their factory/)
    }
  })

  it("allows it in the service's own factory module", async () => {
    expect(await ruleHits('node/market/service.ts')).to.deep.equal([])
  })
})
