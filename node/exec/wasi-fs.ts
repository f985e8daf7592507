// The job's whole filesystem, in memory, built on @bjorn3/browser_wasi_shim's classes:
// `/input` (read-only: no write, create, truncate, link, rename or delete), `/output` (see
// wasi-output.ts) and an empty stdin. There is no path to the host at all.
// Runs inside the worker (erasable TypeScript only).
import { Directory, File, Inode, OpenDirectory, OpenFile, wasi, type Fd } from '@bjorn3/browser_wasi_shim'
import { DirFd, OutputDir, OutputDirFd, type OutputBudget } from './wasi-output.ts'

export class InputFile extends File {
  constructor(data: Uint8Array) {
    super(data, { readonly: true })
  }

  override path_open(oflags: number, rights: bigint, fdflags: number): { ret: number; fd_obj: OpenFile } {
    const opened = super.path_open(oflags, rights, fdflags) // refuses write rights and O_TRUNC
    if (opened.ret !== wasi.ERRNO_SUCCESS) return opened
    return { ret: wasi.ERRNO_SUCCESS, fd_obj: new InputFileFd(this) }
  }
}

/** The shim's OpenFile checks `readonly` on write only; size changes must be refused too. */
class InputFileFd extends OpenFile {
  override fd_write(): { ret: number; nwritten: number } {
    return { ret: wasi.ERRNO_BADF, nwritten: 0 }
  }
  override fd_pwrite(): { ret: number; nwritten: number } {
    return { ret: wasi.ERRNO_BADF, nwritten: 0 }
  }
  override fd_allocate(): number {
    return wasi.ERRNO_BADF
  }
  override fd_filestat_set_size(): number {
    return wasi.ERRNO_BADF
  }
  override fd_filestat_set_times(): number {
    return wasi.ERRNO_BADF
  }
}

export class InputDir extends Directory {
  override path_open(): { ret: number; fd_obj: OpenDirectory } {
    return { ret: wasi.ERRNO_SUCCESS, fd_obj: new InputDirFd(this, null) }
  }

  override create_entry_for_path(): { ret: number; entry: Inode | null } {
    return { ret: wasi.ERRNO_ROFS, entry: null }
  }
}

export class InputDirFd extends DirFd {
  override path_create_directory(): number {
    return wasi.ERRNO_ROFS
  }
  override path_link(): number {
    return wasi.ERRNO_ROFS
  }
  override path_unlink(): { ret: number; inode_obj: Inode | null } {
    return { ret: wasi.ERRNO_ROFS, inode_obj: null }
  }
  override path_unlink_file(): number {
    return wasi.ERRNO_ROFS
  }
  override path_remove_directory(): number {
    return wasi.ERRNO_ROFS
  }
  override path_filestat_set_times(): number {
    return wasi.ERRNO_ROFS
  }
}

/** Builds the preopened directories for one job. */
export function buildPreopens(
  inputs: Array<{ name: string; data: Uint8Array }>,
  budget: OutputBudget,
): { input: InputDirFd; output: OutputDirFd; outputDir: OutputDir } {
  const inputDir = new InputDir(new Map(inputs.map((f) => [f.name, new InputFile(f.data)])))
  const outputDir = new OutputDir(budget)
  return { input: new InputDirFd(inputDir, '/input'), output: new OutputDirFd(outputDir, '/output'), outputDir }
}

export function emptyStdin(): Fd {
  return new InputFileFd(new InputFile(new Uint8Array(0)))
}
