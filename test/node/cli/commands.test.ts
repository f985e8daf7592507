// The list of top-level commands that `hive` loads lazily: which one an argument list runs, and
// that every listed module loads and registers under its name.
import { expect } from 'chai'
import { COMMANDS, commandFor } from '../../../cli/commands/index.ts'
import { runCli } from '../../../cli/program.ts'
import { buildProgram } from '../../../cli/command-line.ts'

async function hive(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(args, {
    stdout: (t) => {
      stdout += t
    },
    stderr: (t) => {
      stderr += t
    },
    env: { HOME: '/nonexistent-home' },
    interactive: false,
    shutdownSignal: () => new AbortController().signal,
  })
  return { code, stdout, stderr }
}

describe('cli/commands: the lazily loaded command list', () => {
  describe('commandFor() finds the command an argument list runs', () => {
    const cases: Array<[string[], string | undefined]> = [
      [['job', 'list'], 'job'],
      [['--data-dir', 'job', 'job', 'list'], 'job'],
      [['--node', '/tmp/x', '--json', 'peers'], 'peers'],
      [['--data-dir=/tmp/x', 'hw'], 'hw'],
      [['help', 'stake'], 'stake'],
      [['--json', 'help', 'gov', 'propose'], 'gov'],
      [['providers', '--help'], 'providers'],
      [['--help'], undefined],
      [['--version'], undefined],
      [['help'], undefined],
      [[], undefined],
      [['frobnicate'], undefined],
      [['--', 'job'], undefined],
    ]
    for (const [argv, name] of cases) {
      it(`hive ${argv.join(' ')} -> ${name ?? '(none)'}`, () => {
        expect(commandFor(argv)?.name).to.equal(name)
      })
    }
  })

  it('names each command once', () => {
    const names = COMMANDS.map((c) => c.name)
    expect(new Set(names).size).to.equal(names.length)
  })

  for (const entry of COMMANDS) {
    it(`hive ${entry.name} --help loads its module and shows its description`, async () => {
      const r = await hive([entry.name, '--help'])
      expect(r.code, r.stderr).to.equal(0)
      expect(r.stdout).to.include(`Usage: hive ${entry.name}`)
      expect(r.stdout.replace(/\s+/g, ' ')).to.include(entry.description)
    })
  }

  /** a silent program's I/O: building a program to read its command tree */
  const io = {
    stdout: () => {},
    stderr: () => {},
    env: {},
    interactive: false,
    shutdownSignal: () => new AbortController().signal,
  }

  it('every subcommand answers --help (a bigint default once made `hive job post --help` throw)', async () => {
    let checked = 0
    for (const entry of COMMANDS) {
      const program = await buildProgram(io, [entry.name])
      const command = program.commands.find((c) => c.name() === entry.name)
      for (const sub of command?.commands ?? []) {
        const r = await hive([entry.name, sub.name(), '--help'])
        expect(r.code, `hive ${entry.name} ${sub.name()} --help: ${r.stderr}`).to.equal(0)
        expect(r.stdout).to.include(`Usage: hive ${entry.name} ${sub.name()}`)
        checked++
      }
    }
    expect(checked, 'subcommands found').to.be.at.least(10)
  })

  it('says which commands take options, as their modules register them', async () => {
    for (const entry of COMMANDS) {
      const program = await buildProgram(io, [entry.name])
      const command = program.commands.find((c) => c.name() === entry.name)
      expect(command?.options.length !== 0, entry.name).to.equal(entry.options === true)
    }
  })

  it('hive --help lists every command without loading any', async () => {
    const r = await hive(['--help'])
    expect(r.code).to.equal(0)
    for (const entry of COMMANDS) expect(r.stdout).to.match(new RegExp(`^  ${entry.name}\\b`, 'm'))
  })

  it(
    'hive job post --spot-check: a rate for k = 1 jobs; with' + ' --redundancy 2 it is a usage error naming the fix',
    async () => {
      const r = await hive(['job', 'post', '--wasm', 'x.wasm', '--redundancy', '2', '--spot-check', '5%'])
      expect(r.code, r.stderr).to.equal(2)
      expect(r.stderr).to.include('--spot-check applies to k = 1 jobs')
      const bad = await hive(['job', 'post', '--wasm', 'x.wasm', '--spot-check', 'often'])
      expect(bad.code).to.equal(2)
      expect(bad.stderr).to.include('is not a rate from 0 to 1')
    },
  )
})
