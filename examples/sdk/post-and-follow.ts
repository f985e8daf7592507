// Posts a job through a running node, follows it live and prints its verified output: the SDK's
// common path in one program (sdk/README.md).
//
//   node --import=tsx examples/sdk/post-and-follow.ts <dataDir> <module.wasm> [input files…]
//
// <dataDir> is the node's (it must be running: `hive node start`); the module is a WASI command
// such as examples/build/wordcount.wasm (`npx tsx examples/build.ts` builds it).
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { HiveSdkClient, fetchOutput, hive, postAndFollow } from '../../sdk/index.ts'

async function main(argv: string[]): Promise<number> {
  const [dataDir, modulePath, ...inputFiles] = argv
  if (dataDir === undefined || modulePath === undefined) {
    console.error('usage: post-and-follow.ts <dataDir> <module.wasm> [input files…]')
    return 2
  }
  const client = await HiveSdkClient.forDataDir(dataDir)
  const inputs = await Promise.all(inputFiles.map(async (f) => ({ name: basename(f), data: await readFile(f) })))
  const job = { module: await readFile(modulePath), inputs, args: ['3'], maxPrice: hive('0.5'), bidWindowMs: 500 }
  let jobId = ''
  let verified = false
  // the stream opens before the job is posted: its first bids are never missed
  const events = postAndFollow(client, job, {
    signal: AbortSignal.timeout(120_000),
    onPosted: (id) => {
      jobId = id
      console.log(`posted ${id}`)
    },
  })
  for await (const e of events) {
    if (e.type === 'job:log') {
      process.stderr.write(e.text) // the job's live stderr
      continue
    }
    console.log(`${new Date(e.at).toISOString().slice(11, 23)} ${e.type}`)
    if (e.type === 'job:failed') console.log(`failed: ${e.reason} ${e.message}`)
    verified = e.type === 'job:verified'
  }
  if (!verified) return 1
  const output = await fetchOutput(client, jobId)
  console.log(`output ${output.outputCid} (exit code ${output.exitCode})`)
  process.stdout.write(new TextDecoder().decode(output.stdout))
  for (const f of output.files) console.log(`file ${f.name}: ${f.data.byteLength} bytes`)
  return 0
}

process.exitCode = await main(process.argv.slice(2))
