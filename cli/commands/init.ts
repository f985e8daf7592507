import type { Command } from 'commander'
import { HiveError } from '../../protocol/errors.ts'
import type { CommandContext } from '../context.ts'

// placeholder until node/hardware lands
export function registerInitCommand (program: Command, _context: (cmd: Command) => CommandContext): void {
  program.command('init').description('create the data dir').action(() => {
    throw new HiveError('NOT_IMPLEMENTED', 'hive init is not implemented yet')
  })
}
