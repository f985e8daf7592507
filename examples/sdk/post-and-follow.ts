// Posts a job through a running node, follows it live and prints its verified output: the SDK's
// common path in one program (sdk/README.md).
//
//   node --import=tsx examples/sdk/post-and-follow.ts <dataDir> <module.wasm> [input files…]
//
// <dataDir> is the node's (it must be running: `hive node start`); the module is a WASI command
// such as examples/build/wordcount.wasm (`npx tsx examples/build.ts` builds it).
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { HiveSdkClient, fetchOutput, followJob, hive, postJob } from '../../sdk/index.ts'

async function main(argv: string[]): Promise<number> {
  const [dataDir, modulePath, ...inputFiles] = argv
  if (dataDir === undefined || modulePath === undefined) {
    console.error('usage: post-and-follow.ts <dataDir> <module.wasm> [input files…]')
    return 2
  }
  const client = await HiveSdkClient.forDataDir(dataDir)
  const inputs = await Promise.all(inputFiles.map(async (f) => ({ name: basename(f), data: await readFile(f) })))
  const { jobId } = await postJob(client, {
    module: await readFile(modulePath),
    inputs,
    args: ['3'],
    maxPrice: hive('0.5'),
    bidWindowMs: 500,
  })
  console.log(`posted ${jobId}`)
  let verified = false
  for await (const e of followJob(client, jobId, { signal: AbortSignal.timeout(120_000) })) {
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
