// The lint rule "contracts are called through their typed bindings" (eslint.config.js) fires on
// `contract.getFunction('name')` everywhere (the service factory modules included, where the
// factory rule is off) and leaves an ABI Interface's `interface.getFunction(...)` alone. Run with
// the project's real ESLint config.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect } from 'chai'
import { ESLint } from 'eslint'

const root = resolve(import.meta.dirname, '..', '..', '..')
const fixture = readFileSync(join(root, 'test/fixtures/lint/get-function.ts.fixture'), 'utf8')

async function ruleHits(pretendPath: string): Promise<Array<{ line: number; message: string }>> {
  const eslint = new ESLint({ cwd: root })
  const [result] = await eslint.lintText(fixture, { filePath: join(root, pretendPath) })
  return result.messages
    .filter((m) => m.ruleId === 'no-restricted-syntax')
    .map((m) => ({ line: m.line, message: m.message }))
}

describe('lint: contracts are called through their typed bindings', () => {
  it("refuses getFunction('name') calls in node/, cli/, scripts/ and tests, and a service factory module", async () => {
    for (const path of [
      'node/payments/other.ts',
      'cli/commands/other.ts',
      'scripts/bench/other.ts',
      'test/contracts/other.test.ts',
      'test/security/other.test.ts',
      'node/payments/service.ts',
    ]) {
      const hits = await ruleHits(path)
      expect(
        hits.map((h) => h.line),
        path,
      ).to.deep.equal([6, 7])
      for (const h of hits) expect(h.message, path).to.match(/typed binding/)
    }
  })
})
