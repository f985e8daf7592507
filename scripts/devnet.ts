// `npm run demo`: the whole ComputeHive story on an embedded devnet, in one command (see
// cli/devnet/demo.ts). `hive devnet` runs the same.
import { runCli } from '../cli/program.ts'
import { parseDemoArgs, runDemo } from '../cli/devnet/demo.ts'

const options = parseDemoArgs(process.argv.slice(2))
if ('usage' in options) {
  ;(options.code === 0 ? process.stdout : process.stderr).write(options.usage + '\n')
  process.exit(options.code)
}
// exit explicitly: everything the demo started is stopped by now, and a handle some library left
// open must not keep a finished demo waiting
process.exit(await runDemo(options, runCli))
