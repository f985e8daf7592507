// Test helper: WebAssembly text to bytes with wabt (npm), so adversarial modules are
// readable in the tests themselves.
import wabtInit from 'wabt'

let wabt: ReturnType<typeof wabtInit> | undefined

export async function wat(text: string): Promise<Uint8Array> {
  wabt ??= wabtInit()
  const w = await wabt
  // every feature wabt knows, so that tests can also build what the sandbox must refuse
  const mod = w.parseWat('test.wat', text, {
    multi_value: true,
    bulk_memory: true,
    reference_types: true,
    simd: true,
    mutable_globals: true,
    sat_float_to_int: true,
    sign_extension: true,
    tail_call: true,
    exceptions: true,
    threads: true,
    relaxed_simd: true,
    memory64: true,
    extended_const: true,
    function_references: true,
    gc: true,
  })
  try {
    return new Uint8Array(mod.toBinary({}).buffer)
  } finally {
    mod.destroy()
  }
}

/** A WASI command that writes `text` to stdout and exits with `code`. */
export function helloWat(text: string, code = 0): string {
  const bytes = new TextEncoder().encode(text)
  const data = Array.from(bytes, (b) => `\\${b.toString(16).padStart(2, '0')}`).join('')
  return `(module
    (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
    (memory (export "memory") 1)
    (data (i32.const 64) "${data}")
    (func (export "_start")
      (i32.store (i32.const 0) (i32.const 64))
      (i32.store (i32.const 4) (i32.const ${bytes.length}))
      (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      (call $proc_exit (i32.const ${code}))))`
}
