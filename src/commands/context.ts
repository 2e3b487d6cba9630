import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { IO } from '../ui/io.js';

/** What every command gets from the entry: the channels, the run's abort signal, and a place to put its exit code. */
export interface CommandContext {
  io: IO;
  signal: AbortSignal;
  exitCode: number;
}

export type Register = (program: Command, ctx: CommandContext) => void;

/**
 * Wrap an action: it returns an exit code (or nothing for 0); errors propagate to
 * src/cli.ts, which is the only place that turns them into exit codes and messages.
 */
export function action<A extends unknown[]>(ctx: CommandContext, fn: (...args: A) => Promise<number | void>) {
  return async (...args: A): Promise<void> => {
    const code = await fn(...args);
    ctx.exitCode = code ?? 0;
  };
}

/** Shared flags, declared once. */
export function withJson(cmd: Command): Command {
  return cmd.option('--json', 'print a machine-readable result on stdout (no spinner)');
}

export function withPeople(cmd: Command): Command {
  return cmd
    .option('--csv <file>', 'a CSV of people (header with an email column, or one address per line); "-" for stdin')
    .option('--emails <list>', 'comma-separated email addresses')
    .option('--email-column <name>', 'the CSV column that holds the addresses, when the header has several candidates')
    .option('--show-emails', 'name people by address in progress and log lines (default: by position)');
}

export function withZoom(cmd: Command): Command {
  return cmd
    .option('--plan <plan>', "your Zoom plan's rate limits: free, pro or business (env ZDSAR_PLAN; default pro)")
    .option('--verbose', 'log each request and retry to stderr (secrets are never shown)');
}

export function notBuiltYet(name: string): never {
  throw new UsageError(`${name} is not built yet in this version of zdsar`);
}
