import type { Command } from 'commander'
import { HiveError } from '../../protocol/errors.ts'
import type { CommandContext } from '../context.ts'

// placeholder until node/hardware lands
export function registerHwCommand (program: Command, _context: (cmd: Command) => CommandContext): void {
  program.command('hw').description('show this machine\'s hardware profile').action(() => {
    throw new HiveError('NOT_IMPLEMENTED', 'hive hw is not implemented yet')
  })
}
