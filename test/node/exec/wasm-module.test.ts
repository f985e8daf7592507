// prepareModule: the checks and the rewrite that make V8 enforce the sandbox's limits.
import { expect } from 'chai'
import { MalformedWasm } from '../../../node/exec/wasm-binary.ts'
import { UnsupportedWasm } from '../../../node/exec/wasm-code.ts'
import {
  ForbiddenImport,
  GROW_FAILED_EXPORT,
  MemoryOverLimit,
  prepareModule,
  type ModulePolicy,
} from '../../../node/exec/wasm-module.ts'
import { wat } from './wat.ts'

const POLICY: ModulePolicy = { memoryLimitPages: 16, maxTableElements: 1000 }

async function prepared(
  text: string,
  policy = POLICY,
): Promise<{ original: Uint8Array; bytes: Uint8Array; growFailedExport: string | null }> {
  const original = await wat(text)
  const p = prepareModule(original, policy)
  expect(WebAssembly.validate(p.bytes), 'the rewritten module validates').to.equal(true)
  return { original, bytes: p.bytes, growFailedExport: p.growFailedExport }
}

function instantiate(bytes: Uint8Array): WebAssembly.Exports {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports
}

async function expectRefused(text: string, type: new (...args: never[]) => Error, pattern?: RegExp): Promise<Error> {
  const bytes = await wat(text)
  try {
    prepareModule(bytes, POLICY)
  } catch (err) {
    expect(err).to.be.instanceOf(type)
    if (pattern !== undefined) expect((err as Error).message).to.match(pattern)
    return err as Error
  }
  expect.fail(`accepted: ${text}`)
}

describe('node/exec prepareModule', () => {
  it('caps a memory that declares no maximum at the limit', async () => {
    const { bytes, growFailedExport } = await prepared('(module (memory (export "memory") 2))')
    expect(growFailedExport).to.equal(null) // no memory.grow in the code: nothing to watch
    const memory = instantiate(bytes).memory as WebAssembly.Memory
    expect(memory.grow(14)).to.equal(2)
    expect(() => memory.grow(1)).to.throw(RangeError)
  })

  it('lowers a larger maximum and keeps a smaller one', async () => {
    const larger = instantiate((await prepared('(module (memory (export "memory") 1 60000))')).bytes)
      .memory as WebAssembly.Memory
    expect(() => larger.grow(16)).to.throw(RangeError)
    expect(larger.grow(15)).to.equal(1)
    const smaller = instantiate((await prepared('(module (memory (export "memory") 1 4))')).bytes)
      .memory as WebAssembly.Memory
    expect(() => smaller.grow(4)).to.throw(RangeError)
    expect(smaller.grow(3)).to.equal(1)
  })

  it('refuses an initial memory over the limit', async () => {
    const err = await expectRefused('(module (memory 17))', MemoryOverLimit)
    expect((err as MemoryOverLimit).requestedPages).to.equal(17)
  })

  it('redirects memory.grow so a refused grow is recorded, and keeps what the code computes', async () => {
    const text = `(module (memory (export "memory") 1)
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "calc") (param i32) (result i32)
        (block $b (result i32) (drop (memory.grow (i32.const 0))) (i32.mul (local.get 0) (i32.const 3)))))`
    const { original, bytes, growFailedExport } = await prepared(text)
    expect(growFailedExport).to.equal(GROW_FAILED_EXPORT)
    const before = instantiate(original)
    const after = instantiate(bytes)
    expect((after.calc as (x: number) => number)(14)).to.equal((before.calc as (x: number) => number)(14))
    const grow = after.grow as (n: number) => number
    const failed = after[GROW_FAILED_EXPORT] as WebAssembly.Global
    expect(grow(5)).to.equal(1)
    expect(failed.value).to.equal(0)
    expect(grow(11)).to.equal(-1) // 6 + 11 > 16
    expect(failed.value).to.equal(11)
    expect(grow(10)).to.equal(6)
  })

  it('walks every instruction family it allows and leaves their meaning intact', async () => {
    const text =
      `(module
      (type $t (func (param i32) (result i32)))
      (tag $e (param i32))
      (table $tab 4 funcref)
      (memory (export "memory") 1)
      (global $g (mut i64) (i64.const -9223372036854775808))
      (elem (table $tab) (i32.const 0) func $double $triple)
      (data $d "\\01\\02\\03\\04\\05\\06\\07\\08\\09\\0a\\0b\\0c\\0d\\0e\\0f\\10")
      (func $double (type $t) (i32.shl (local.get 0) (i32.const 1)))
      (func $triple (type $t) (i32.mul (local.get 0) (i32.const 3)))
      (func $tail (param i32) (result i32) (return_call $double (local.get 0)))
      (func (export "run") (param $x i32) (result i32) (local $v v128) (local $r funcref)
        (memory.init $d (i32.const 100) (i32.const 0) (i32.const 16))
        (memory.copy (i32.const 200) (i32.const 100) (i32.const 16))
        (memory.fill (i32.const 300) (i32.const 7) (i32.const 4))
        (local.set $v (v128.load offset=200 (i32.const 0)))
        (local.set $v (i8x16.shuffle 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0 (local.get $v) (v128.const i32x4 1 2 3 4)))
        (local.set $v (v128.load8_lane 3 (i32.const 300) (local.get $v)))
        (local.set $r (ref.func $triple))
        (drop (ref.is_null (ref.null func)))
        (global.set $g (i64.add (global.get $g) (i64.extend_i32_s (i32.extend8_s (local.get $x)))))
        (drop (i32.trunc_sat_f64_s (f64.const 1e300)))
        (drop (f32.const 1.5))
        (drop (memory.grow (i32.const 0)))
        (i32.add
          (i32.add (i8x16.extract_lane_u 3 (local.get $v)) (call_indirect (type $t) (local.get` +
      ` $x) (i32.and (local.get $x) (i32.const 1))))
          (i32.add
            (try (result i32) (do (throw $e (i32.const 40))) (catch $e))
            (block $out (result i32)
              (block $b0 (block $b1 (br_table $b0 $b1 $b1 (local.get $x)))
                (br $out (select (result i32) (call $tail (i32.const 1)) (i32.const 9) (local.get $x))))
              (i32.const 5))))))`
    const { original, bytes } = await prepared(text)
    for (const x of [0, 1, 2, 7]) {
      const run = (e: WebAssembly.Exports): number => (e.run as (x: number) => number)(x)
      expect(run(instantiate(bytes)), `x = ${x}`).to.equal(run(instantiate(original)))
    }
  })

  it('refuses imports other than WASI preview 1 functions and AssemblyScript env helpers', async () => {
    for (const imp of [
      '(import "env" "memory" (memory 1))',
      '(import "env" "t" (table 1 funcref))',
      '(import "wasi_snapshot_preview1" "g" (global i32))',
      '(import "env" "fetch" (func))',
      '(import "wasi_unstable" "fd_write" (func))',
      '(import "wasi_snapshot_preview1" "not_a_call" (func))',
    ]) {
      await expectRefused(`(module ${imp})`, ForbiddenImport)
    }
    await prepared(
      '(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32)' +
        ' (result i32))) (import "env" "abort" (func (param i32 i32 i32 i32))))',
    )
  })

  it('refuses what is nondeterministic or escapes the accounting', async () => {
    await expectRefused('(module (memory 1 2 shared))', UnsupportedWasm, /shared/)
    await expectRefused('(module (memory i64 1))', UnsupportedWasm, /64-bit/)
    await expectRefused('(module (memory 1) (memory 1))', UnsupportedWasm, /more than one memory/)
    await expectRefused('(module (memory 1) (func (drop (i32.atomic.load (i32.const 0)))))', UnsupportedWasm, /atomics/)
    await expectRefused(
      '(module (func (param v128 v128 v128) (result v128)' +
        ' (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2))))',
      UnsupportedWasm,
      /relaxed SIMD/,
    )
    await expectRefused('(module (type (struct (field i32))))', UnsupportedWasm, /GC/)
    await expectRefused('(module (table 5000 funcref))', UnsupportedWasm, /table/)
    const capped = instantiate((await prepared('(module (table (export "t") 10 funcref))')).bytes).t as unknown as {
      grow: (n: number) => number
    }
    expect(() => capped.grow(991)).to.throw(RangeError)
  })

  it('refuses malformed binaries with MalformedWasm', () => {
    for (const bytes of [
      new Uint8Array(0),
      new TextEncoder().encode('\0asm\x02\0\0\0'),
      Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 0xff]),
    ]) {
      expect(() => prepareModule(bytes, POLICY)).to.throw(MalformedWasm)
    }
  })
})
