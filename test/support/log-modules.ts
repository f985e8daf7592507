// WASI modules for the live job output tests (issue 17), as WebAssembly text: one writes a
// line to stderr, spins the CPU for a while (the job's clock is virtual: only real work takes
// time), and repeats; another floods stderr. Both also write a marker to stdout, which must
// never appear in the live log.
export const STDOUT_MARKER = 'STDOUT-NEVER-IN-LOG'

/** `lines` stderr lines "line <i>" with `spin` loop turns between them, then "progress: 1". */
export function slowStderrWat(lines: number, spin: bigint): string {
  return `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "${STDOUT_MARKER}\\n")
  (data (i32.const 128) "line 0\\n")
  (data (i32.const 192) "progress: 1\\n")
  (func $out (param $fd i32) (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $w (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func $spin (param $n i64)
    (loop $l
      (local.set $n (i64.sub (local.get $n) (i64.const 1)))
      (br_if $l (i64.gt_s (local.get $n) (i64.const 0)))))
  (func (export "_start") (local $i i32)
    (call $out (i32.const 1) (i32.const 64) (i32.const ${STDOUT_MARKER.length + 1}))
    (loop $l
      (i32.store8 (i32.const 133) (i32.add (i32.const 48) (local.get $i)))
      (call $out (i32.const 2) (i32.const 128) (i32.const 7))
      (call $spin (i64.const ${spin}))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const ${lines}))))
    (call $out (i32.const 2) (i32.const 192) (i32.const 12))))`
}

/** `writes` stderr writes of a 64-byte line as fast as it can, with `spin` turns between them. */
export function floodStderrWat(writes: number, spin: bigint): string {
  const line = 'flood '.padEnd(63, 'x')
  return `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "${STDOUT_MARKER}\\n")
  (data (i32.const 128) "${line}\\n")
  (func $spin (param $n i64)
    (loop $l
      (local.set $n (i64.sub (local.get $n) (i64.const 1)))
      (br_if $l (i64.gt_s (local.get $n) (i64.const 0)))))
  (func (export "_start") (local $i i32)
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const ${STDOUT_MARKER.length + 1}))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (i32.store (i32.const 0) (i32.const 128))
    (i32.store (i32.const 4) (i32.const 64))
    (loop $l
      (drop (call $w (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 8)))
      (call $spin (i64.const ${spin}))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const ${writes}))))))`
}
