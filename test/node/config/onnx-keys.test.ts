// Issue 18: how many inference children a provider that offers executor onnx keeps warm.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { loadConfig } from '../../../node/config.ts'

describe('node/config: onnxChildren', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hive-config-'))
  })
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('defaults to one child, reads HIVE_ONNX_CHILDREN and flags, and refuses 0 or too many', () => {
    expect(loadConfig({ dataDir: dir }).onnxChildren).to.equal(1)
    expect(loadConfig({ dataDir: dir, env: { HIVE_ONNX_CHILDREN: '2' } }).onnxChildren).to.equal(2)
    expect(loadConfig({ dataDir: dir, flags: { onnxChildren: 3 } }).onnxChildren).to.equal(3)
    expect(() => loadConfig({ dataDir: dir, env: { HIVE_ONNX_CHILDREN: '0' } })).to.throw(
      /onnxChildren|inference child/,
    )
    expect(() => loadConfig({ dataDir: dir, flags: { onnxChildren: 99 } })).to.throw(/inference child/)
  })

  it('accepts onnx among the executors', () => {
    const c = loadConfig({ dataDir: dir, env: { HIVE_EXECUTORS: 'wasm,onnx' } })
    expect(c.executors).to.deep.equal(['wasm', 'onnx'])
  })
})
