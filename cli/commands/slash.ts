// `hive slash --job <id>`: submits the stored evidence that a provider signed two different
// result commitments for one job (ProviderRegistry.slashEquivocation); the reporter gets a share.
import type { Command } from 'commander'
import { HiveClient } from '../client.ts'
import type { CommandContext } from '../context.ts'
import { UsageError } from '../../protocol/errors.ts'

export function registerSlashCommand(slash: Command, context: (cmd: Command) => CommandContext): void {
  slash
    .option('--job <jobId>', 'the job (64 hex characters)')
    .option('--list', 'only list the evidence this node holds')
    .addHelpText('after', '\nExamples:\n  hive slash --list\n  hive slash --job 9f2c…e1')
    .action(async (opts: { job?: string; list?: boolean }, cmd: Command) => {
      const ctx = context(cmd)
      const client = await HiveClient.forDataDir(ctx.dataDir)
      if (opts.list === true || opts.job === undefined) {
        const { evidence } = await client.call('payments.evidence')
        if (ctx.json) {
          ctx.printJson({ evidence })
          return
        }
        if (opts.job === undefined && opts.list !== true) ctx.note('no --job given: listing the evidence instead')
        ctx.say(
          evidence.length === 0
            ? 'no equivocation evidence'
            : evidence
                .map(
                  (e) =>
                    `${e.jobId}  ${e.provider} ` +
                    ` ${e.slashTx !== undefined ? `slashed (${e.slashTx})` : 'not submitted'}`,
                )
                .join('\n'),
        )
        return
      }
      if (!/^(0x)?[0-9a-fA-F]{64}$/.test(opts.job))
        throw new UsageError('BAD_ARGUMENT', '--job must be a job id: 64 hex characters', {})
      const { evidence } = await client.call('payments.slash', { body: { jobId: opts.job } })
      if (ctx.json) {
        ctx.printJson({ evidence })
        return
      }
      ctx.say(
        `submitted: provider ${evidence.provider} signed outputs ${evidence.a.commitment.outputHash} and` +
          ` ${evidence.b.commitment.outputHash} for job ${evidence.jobId} (tx ${evidence.slashTx ?? '?'})`,
      )
    })
}
