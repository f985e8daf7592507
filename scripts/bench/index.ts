// `npm run bench -- <name> [args]` runs scripts/bench/<name>.ts with the remaining arguments.
// Each benchmark prints progress to stderr and, as its last stdout line, one JSON object.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const dir = import.meta.dirname
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
const [name, ...rest] = process.argv.slice(2)
if (name == null || !existsSync(join(dir, `${name}.ts`)) || name === 'index') {
  console.error(
    `usage: npm run bench -- <name> [options]\navailable benchmarks: ${available.join(', ') || '(none yet)'}`,
  )
  process.exit(2)
}
const child = spawn(process.execPath, ['--import=tsx', join(dir, `${name}.ts`), ...rest], { stdio: 'inherit' })
child.on('exit', (code) => process.exit(code ?? 1))
