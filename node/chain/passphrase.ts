// Where the wallet passphrase comes from: HIVE_PASSPHRASE, or a prompt without echo when a
// person sits at a terminal. Never from config files or command-line arguments (both end up
// in shell histories, process lists and backups).
import { UsageError } from '../../protocol/errors.ts'

export const PASSPHRASE_ENV = 'HIVE_PASSPHRASE'

export interface PassphraseInput {
  env: Readonly<Record<string, string | undefined>>
  /** what to ask; default "wallet passphrase" */
  prompt?: string
  /** ask twice and compare (new wallets) */
  confirm?: boolean
  input?: NodeJS.ReadStream
  output?: NodeJS.WriteStream
}

/** The passphrase, or UsageError('PASSPHRASE_REQUIRED') when there is no env and no terminal. */
export async function readPassphrase(opts: PassphraseInput): Promise<string> {
  const fromEnv = opts.env[PASSPHRASE_ENV]
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  const input = opts.input ?? process.stdin
  const output = opts.output ?? process.stderr
  if (input.isTTY !== true) {
    throw new UsageError(
      'PASSPHRASE_REQUIRED',
      `the wallet passphrase is needed: set ${PASSPHRASE_ENV}, or run this command in a terminal to be prompted`,
      { env: PASSPHRASE_ENV },
    )
  }
  const label = opts.prompt ?? 'wallet passphrase'
  const first = await promptHidden(`${label}: `, input, output)
  if (opts.confirm === true) {
    const second = await promptHidden(`repeat ${label}: `, input, output)
    if (first !== second)
      throw new UsageError('PASSPHRASE_MISMATCH', 'the two passphrases differ; nothing was written', {})
  }
  return first
}

/** Reads one line from a terminal in raw mode, echoing nothing. Ctrl-C aborts. */
export async function promptHidden(
  question: string,
  input: NodeJS.ReadStream,
  output: NodeJS.WriteStream,
): Promise<string> {
  output.write(question)
  const wasRaw = input.isRaw
  input.setRawMode(true)
  input.resume()
  try {
    return await new Promise<string>((resolve, reject) => {
      let text = ''
      const onData = (chunk: Buffer): void => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            done()
            resolve(text)
            return
          }
          if (ch === '\u0003' || ch === '\u0004') {
            done()
            reject(new UsageError('PASSPHRASE_ABORTED', 'no passphrase given (aborted)', {}))
            return
          }
          if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1)
          else if (ch >= ' ') text += ch
        }
      }
      const done = (): void => {
        input.off('data', onData)
        output.write('\n')
      }
      input.on('data', onData)
    })
  } finally {
    input.setRawMode(wasRaw)
    input.pause()
  }
}
