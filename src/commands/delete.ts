import type { Command } from 'commander';
import { action, notBuiltYet, type CommandContext } from './context.js';

export function register(program: Command, ctx: CommandContext): void {
  program
    .command('delete')
    .description('(not built yet)')
    .action(action(ctx, async () => notBuiltYet('zdsar delete')));
}
