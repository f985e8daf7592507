// Shared test helpers for node/exec.
import { readFileSync } from 'node:fs'
import { expect } from 'chai'
import { isHiveError } from '../../../protocol/errors.ts'
import { wat, helloWat } from './wat.ts'
import type { ExecErrorCode, ExecJob, ExecLimits, ExecResult } from '../../../node/exec/index.ts'

export const LIMITS: ExecLimits = { memoryBytes: 64 * 1024 * 1024, wallTimeMs: 10_000, outputBytes: 4 * 1024 * 1024 }

export const text = (s: string): Uint8Array => new TextEncoder().encode(s)
export const str = (b: Uint8Array): string => new TextDecoder().decode(b)

export async function fixture(name: string): Promise<Uint8Array> {
  return await wat(readFileSync(new URL(`../../fixtures/wasm/${name}`, import.meta.url), 'utf8'))
}

export function job(module: Uint8Array, over: Partial<ExecJob> = {}): ExecJob {
  return { module, inputs: [], args: [], ...over, limits: { ...LIMITS, ...over.limits } }
}

/** Awaits `p`, expecting an ExecError with `code`; returns it for further checks. */
export async function expectExecError(
  p: Promise<unknown>,
  code: ExecErrorCode,
): Promise<{ code: string; details: Record<string, unknown>; message: string }> {
  try {
    await p
  } catch (err) {
    expect(isHiveError(err, code), `expected ${code}, got ${String(err)}`).to.equal(true)
    return err as { code: string; details: Record<string, unknown>; message: string }
  }
  expect.fail(`expected ${code}, but the job succeeded`)
}

let hello: Promise<Uint8Array> | undefined
/** A normal job: prints "still serving\n" and exits 0. */
export async function helloModule(): Promise<Uint8Array> {
  hello ??= wat(helloWat('still serving\n'))
  return await hello
}

export function expectHello(r: ExecResult): void {
  expect(r.exitCode).to.equal(0)
  expect(str(r.stdout)).to.equal('still serving\n')
}

export { wat, helloWat }
