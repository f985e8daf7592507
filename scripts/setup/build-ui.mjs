// Bundles the web dashboard (ui/, Preact + uPlot) into dist/ui with esbuild: one app.js, one
// app.css, index.html. The node serves that folder under /ui/ (node/api/ui-static.ts): no CDN,
// works offline. Run by build.mjs (npm install, npm run build, npm test); also on its own.
// Plain JavaScript like build.mjs; esbuild comes with tsx (already a dependency of the tests).
import { copyFileSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..', '..')
const out = join(root, 'dist', 'ui')

export async function buildUi() {
  const started = Date.now()
  const { build } = await import('esbuild')
  mkdirSync(join(out, 'assets'), { recursive: true })
  await build({
    entryPoints: { app: join(root, 'ui', 'main.tsx') },
    outdir: join(out, 'assets'),
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    logLevel: 'warning',
  })
  copyFileSync(join(root, 'ui', 'index.html'), join(out, 'index.html'))
  return Date.now() - started
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const ms = await buildUi()
  console.log(`[hive build] dashboard bundled to dist/ui in ${(ms / 1000).toFixed(1)} s`)
}
