import type { Command } from 'commander';
import { spawn } from 'node:child_process';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { printJson, writeLine } from '../ui/io.js';
import { action, withJson, type CommandContext } from './context.js';

/** --idle: 30m, 90s, 2h (0 never stops). */
export const idleOption = z
  .string()
  .default('30m')
  .transform((v) => {
    const m = /^(\d{1,6})(s|m|h)$/.exec(v.trim());
    if (!m) throw new UsageError(`--idle: a duration such as 30m, 90s or 2h (got "${v}")`);
    return Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'];
  });

const deskOptions = z.strictObject({ open: z.boolean().default(false), idle: idleOption, json: z.boolean().default(false) });

export function register(program: Command, ctx: CommandContext): void {
  withJson(
    program
      .command('desk')
      .description("the officer's desk: a local page (127.0.0.1, a secret URL) to see the requests, review a disclosure copy record by record, and approve it")
      .option('--open', 'open the page in the default browser')
      .option('--idle <duration>', 'stop after this long without a request (30m, 90s, 2h; 0s never)', '30m'),
  )
    .addHelpText(
      'after',
      `
The URL (with its secret token) is printed on stdout ({"url":…} with --json). Stop with Ctrl-C.
Every action calls the same workflow as the CLI: decisions on a copy are saved beside the request
and applied by \`zdsar redact\` too; approving is \`zdsar requests approve --sha256\`.

Example:
  $ zdsar desk --open`,
    )
    .action(
      action(ctx, deskOptions, async (opts) => {
        const { startDesk } = await import('./desk/server.js');
        const desk = await startDesk({ env: ctx.io.env, idleMs: opts.idle || Number.POSITIVE_INFINITY });
        if (opts.json) printJson(ctx.io, { url: desk.url });
        else writeLine(ctx.io.stdout, desk.url);
        writeLine(ctx.io.stderr, `The desk is open at the URL above (127.0.0.1 only). Ctrl-C stops it${opts.idle ? `; it stops by itself after ${Math.round(opts.idle / 60_000) || 1} min without a request` : ''}.`);
        if (opts.open) openBrowser(desk.url);
        const timer = opts.idle ? setInterval(() => desk.checkIdle(), Math.min(opts.idle, 30_000)) : undefined;
        const onAbort = () => void desk.close();
        ctx.signal.addEventListener('abort', onAbort, { once: true });
        const why = await desk.stopped;
        if (timer) clearInterval(timer);
        ctx.signal.removeEventListener('abort', onAbort);
        writeLine(ctx.io.stderr, why === 'idle' ? 'The desk stopped: idle.' : 'The desk stopped.');
        return 0;
      }),
    );
}

/** The platform's opener; a failure to open is said, not fatal (the URL is printed). */
function openBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => {});
  child.unref();
}
