// `hive job post --spec` files (cli/job-spec.ts): a valid file becomes the post's options with
// its paths resolved against the file; a wrong one is refused naming the field; the shipped
// examples parse.
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect } from 'chai'
import { parseJobSpec } from '../../../cli/job-spec.ts'
import { parseTokenAmount } from '../../../cli/parse.ts'
import { UsageError } from '../../../protocol/errors.ts'

const EXAMPLES = resolve(import.meta.dirname, '..', '..', '..', 'examples')

function refusal(source: string): { code: string; message: string; field?: unknown } {
  try {
    parseJobSpec(source, 'job.yaml')
  } catch (err) {
    expect(err).to.be.instanceOf(UsageError)
    const e = err as UsageError & { details?: Record<string, unknown> }
    return { code: e.code, message: e.message, field: e.details?.field }
  }
  throw new Error('the spec was accepted')
}

describe('cli job spec files', () => {
  it('reads every field, resolving module and inputs against the file', () => {
    const spec = parseJobSpec(
      [
        'module: build/wordcount.wasm',
        'inputs: [a.txt, sub/b.txt]',
        "args: ['5', 7]",
        'k: 2',
        'spotCheck: 5%',
        'payment: escrow',
        'maxPrice: 0.25',
        'timeout: 2m',
        'bidWindow: 500ms',
        'limits: { memory: 64MiB, wallTime: 10s, maxOutput: 1MiB }',
        'requirements: { gpu: nvidia, minMemory: 8GiB, minCpuScore: 800 }',
      ].join('\n'),
      '/jobs/job.yaml',
    )
    expect(spec).to.deep.equal({
      wasm: '/jobs/build/wordcount.wasm',
      input: ['/jobs/a.txt', '/jobs/sub/b.txt'],
      arg: ['5', '7'],
      redundancy: 2,
      spotCheck: 0.05,
      payment: 'escrow',
      maxPrice: parseTokenAmount('0.25'),
      timeout: 120_000,
      bidWindow: 500,
      memory: 64 * 1024 * 1024,
      wallTime: 10_000,
      maxOutput: 1024 * 1024,
      gpu: 'nvidia',
      minMem: 8 * 1024 ** 3,
      minCpuScore: 800,
    })
  })

  it('keeps a module CID as it is', () => {
    const cid = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
    expect(parseJobSpec(`module: ${cid}`, '/x/job.yaml').wasm).to.equal(cid)
  })

  const wrong: Array<[string, string, string]> = [
    ['limits:\n  memory: lots', 'limits.memory', 'limits.memory: expected a size such as 64MiB, got "lots"'],
    ['module: a.wasm\nk: 0', 'k', 'k: expected a whole number from 1 to 99'],
    ['module: a.wasm\npayment: cash', 'payment', 'payment: expected channel or escrow'],
    ['module: a.wasm\nmaxPrice: free', 'maxPrice', 'maxPrice: expected an amount of HIVE'],
    ['module: a.wasm\ninputs: a.txt', 'inputs', 'inputs: expected a list'],
    ['module: a.wasm\nlimits:\n  cpu: 2', 'limits.cpu', 'limits.cpu is not a field here'],
    ['module: a.wasm\nredundancy: 2', 'redundancy', 'redundancy is not a field here (known: module, inputs'],
    ['args: [x]', 'module', 'module is required'],
    [
      'module: a.wasm\nrequirements:\n  minCpuScore: fast',
      'requirements.minCpuScore',
      'requirements.minCpuScore: expected a whole number',
    ],
    ['module: a.wasm\nrequirements:\n  gpus: 2', 'requirements.gpus', 'requirements.gpus is not a field here'],
  ]
  for (const [source, field, message] of wrong) {
    it(`refuses ${field} naming it`, () => {
      const r = refusal(source)
      expect(r.code).to.equal('INVALID_JOB_SPEC')
      expect(r.field).to.equal(field)
      expect(r.message).to.include(`job.yaml: ${message}`)
    })
  }

  it('refuses a file that is not YAML, or not a mapping', () => {
    expect(refusal('module: [unclosed').message).to.match(/^job\.yaml: not valid YAML/)
    expect(refusal('- a\n- b').message).to.equal('job.yaml: the file must be a mapping of fields')
  })

  it('parses every examples/*.job.yaml, each naming a module the examples build', () => {
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.job.yaml'))
    expect(files.length).to.be.at.least(2)
    for (const f of files) {
      const spec = parseJobSpec(readFileSync(join(EXAMPLES, f), 'utf8'), join(EXAMPLES, f))
      expect(spec.wasm).to.match(/examples\/build\/(wordcount|mandelbrot|primes)\.wasm$/)
    }
  })
})
