// Builds the example jobs (AssemblyScript from npm -> WASI preview 1 commands) into
// examples/build/<name>.wasm, only when a build is missing or older than its sources, so
// tests and the demo can call buildExamples() cheaply. `npx tsx examples/build.ts` builds
// from the command line and prints the paths.
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { PACKAGE_ROOT } from '../node/util/package-root.ts'

// the sources stay here when this file runs compiled from dist/examples/
const examplesDir = join(PACKAGE_ROOT, 'examples')
const buildDir = join(examplesDir, 'build')

/** The example jobs; each has its source in examples/<name>/assembly/index.ts. */
export const EXAMPLES = ['wordcount', 'mandelbrot', 'primes'] as const
export type ExampleName = (typeof EXAMPLES)[number]

// Start and abort are wired so that the module imports nothing but wasi_snapshot_preview1:
// top-level code becomes the `_start` export, and aborts print to stderr and trap.
const ASC_FLAGS = [
  '-O3',
  '--exportStart',
  '_start',
  '--use',
  'abort=lib/assembly/wasi/abortToStderr',
  '--runtime',
  'incremental',
]

function newestMtime(path: string): number {
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  let newest = st.mtimeMs
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)))
  return newest
}

function mtimeOrZero(path: string): number {
  try {
    return statSync(path).mtimeMs
  } catch {
    return 0
  }
}

async function compile(name: ExampleName, out: string): Promise<void> {
  const { default: asc } = await import('assemblyscript/asc') // loading the compiler takes seconds: only when needed
  let binary: Uint8Array | undefined
  const messages: string[] = []
  const { error } = await asc.main(
    [`${name}/assembly/index.ts`, '--baseDir', examplesDir, '--outFile', `${name}.wasm`, ...ASC_FLAGS],
    {
      writeFile: (file, contents) => {
        if (file.endsWith('.wasm') && typeof contents !== 'string') binary = contents
      },
      stdout: asc.createMemoryStream(),
      stderr: asc.createMemoryStream((chunk) => {
        messages.push(typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk))
      }),
    },
  )
  if (error !== null || binary === undefined) {
    throw new Error(`building example ${name} failed: ${error?.message ?? 'no output'}\n${messages.join('')}`)
  }
  // write then rename: a concurrent reader (another test process) never sees half a module
  const tmp = `${out}.${process.pid}.tmp`
  writeFileSync(tmp, binary)
  renameSync(tmp, out)
}

let building: Promise<Record<string, string>> | undefined

/** Builds what is stale; resolves to { name: absolute path of the .wasm }. */
export async function buildExamples(): Promise<Record<string, string>> {
  building ??= (async () => {
    mkdirSync(buildDir, { recursive: true })
    const shared = Math.max(newestMtime(join(examplesDir, 'lib')), mtimeOrZero(join(examplesDir, 'build.ts')))
    const paths: Record<string, string> = {}
    for (const name of EXAMPLES) {
      const out = join(buildDir, `${name}.wasm`)
      const sources = Math.max(shared, newestMtime(join(examplesDir, name)))
      if (mtimeOrZero(out) < sources) await compile(name, out)
      paths[name] = out
    }
    return paths
  })()
  try {
    return await building
  } finally {
    building = undefined
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const paths = await buildExamples()
  for (const [name, path] of Object.entries(paths)) console.log(`${name}\t${path}\t${statSync(path).size} bytes`)
}
