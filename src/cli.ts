import { Command, CommanderError } from 'commander';
import { setMaxListeners } from 'node:events';
import type { CommandContext, Register } from './commands/context.js';
import { asInvoked, CliError, EXIT } from './errors.js';
import { redact } from './secrets.js';
import { printJson, processIO, type IO } from './ui/io.js';

import { VERSION } from './version.js';

/** Every command of the contract, by name; each file registers its options and lazy-loads its work. */
const COMMANDS: Record<string, () => Promise<{ register: Register }>> = {
  export: () => import('./commands/export.js'),
  registrants: () => import('./commands/registrants.js'),
  compliance: () => import('./commands/compliance.js'),
  requests: () => import('./commands/requests.js'),
  delete: () => import('./commands/delete.js'),
  doctor: () => import('./commands/doctor.js'),
  sandbox: () => import('./commands/sandbox.js'),
  redact: () => import('./commands/redact.js'),
  verify: () => import('./commands/verify.js'),
  'init-profile': () => import('./commands/init-profile.js'),
  desk: () => import('./commands/desk.js'),
};

/**
 * The commands an invocation needs: only the one it names (`zdsar export …`), none for `--version`,
 * and every one otherwise (help, an unknown command, no arguments), so help lists them all and
 * commander can suggest the right name. What one command loads (zod, undici) is then paid only by it.
 */
function commandsFor(argv: readonly string[] | undefined): Array<() => Promise<{ register: Register }>> {
  const first = argv?.[0];
  if (first !== undefined && Object.hasOwn(COMMANDS, first)) return [COMMANDS[first]!];
  if (argv?.length === 1 && (first === '--version' || first === '-V')) return [];
  return Object.values(COMMANDS);
}

export async function buildProgram(ctx: CommandContext, argv?: readonly string[]): Promise<Command> {
  const program = new Command()
    .name('zdsar')
    .description('Answer data subject requests (GDPR, CCPA) for a Zoom account: completely, fast, and with evidence.')
    .version(VERSION, '-V, --version', 'print the version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
      // One prefix for every error, commander's own included ("error: unknown option" → "zdsar: unknown option").
      outputError: (s, write) => write(redact(s.replace(/^error: /, 'zdsar: '))),
    })
    .addHelpText(
      'after',
      `
Examples:
  $ zdsar doctor                                   check credentials and scopes
  $ zdsar export --csv people.csv                  export up to 50 people
  $ zdsar registrants find --emails a@example.com  find a person's registrations
  $ zdsar requests list                            the request ledger and deadlines
  $ zdsar sandbox                                  a local Zoom to try zdsar on

Environment: ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET (Server-to-Server OAuth app),
ZOOM_API_URL, ZOOM_OAUTH_URL, ZOOM_WEBHOOK_SECRET_TOKEN, ZDSAR_HOME, ZDSAR_PLAN.
Exit codes: 0 done, 1 done in part, 2 bad input, 3 authentication, 130 interrupted.`,
    );
  for (const load of commandsFor(argv)) (await load()).register(program, ctx);
  for (const cmd of program.commands) propagate(cmd);
  return program;
}

/** Subcommands inherit exitOverride and output routing (commander does not copy them to added commands). */
function propagate(cmd: Command): void {
  cmd.exitOverride();
  cmd.showHelpAfterError('(run with --help for usage)');
  for (const sub of cmd.commands) propagate(sub);
}

export async function main(argv: string[], io: IO = processIO()): Promise<number> {
  const controller = new AbortController();
  // Every in-flight request listens to the run's signal; dozens at once are expected.
  setMaxListeners(0, controller.signal);
  const ctx: CommandContext = { io, signal: controller.signal, exitCode: EXIT.ok };
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      // A second Ctrl-C: stop now. The ledger is written before each step, so this is still resumable.
      process.exit(EXIT.interrupted);
    }
    controller.abort(new Error(sig));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const program = await buildProgram(ctx, argv);
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    // A usage error found by commander (unknown option, missing argument) before any action ran: --json still gets its document.
    if (err instanceof CommanderError && argv.includes('--json') && !['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code)) {
      printJson(io, { status: 'failed', error: { message: redact(err.message.replace(/^error: /, '')) } });
    }
    return reportError(err, io);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The one place that maps a failure to a message and an exit code. */
export function reportError(err: unknown, io: IO): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.ok;
    // Help shown because a command was incomplete (e.g. `zdsar requests` without a subcommand) is a usage error.
    if (err.code === 'commander.help') return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    // Commander has already printed its message; usage errors are exit 2 by contract.
    return EXIT.usage;
  }
  if (err instanceof CliError) {
    io.stderr.write(redact(`zdsar: ${asInvoked(err.message, io.env)}\n`));
    if (err.hint) io.stderr.write(redact(`  ${asInvoked(err.hint, io.env)}\n`));
    return err.exitCode;
  }
  const e = err as Error;
  io.stderr.write(redact(`zdsar: unexpected error: ${e?.message ?? String(err)}\n`));
  if (io.env.ZDSAR_DEBUG && e?.stack) io.stderr.write(redact(e.stack) + '\n');
  return EXIT.partial;
}
