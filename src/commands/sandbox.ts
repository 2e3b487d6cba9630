import type { Command } from 'commander';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { writeLine } from '../ui/io.js';
import { action, type CommandContext } from './context.js';

const sandboxOptions = z.strictObject({
  port: z.string().optional(),
  plan: z.string().optional(),
  latency: z.string().optional(),
  faults: z.string().optional(),
  large: z.boolean().optional(),
  seed: z.string().optional(),
});
type SandboxFlags = z.output<typeof sandboxOptions>;

function parseFlags(f: SandboxFlags) {
  let port = 0;
  if (f.port !== undefined) {
    if (!/^\d+$/.test(f.port) || Number(f.port) > 65535) throw new UsageError(`--port: expected a port number 0-65535, got "${f.port}"`);
    port = Number(f.port);
  }
  const plan = (f.plan ?? 'business').toLowerCase();
  if (plan !== 'free' && plan !== 'pro' && plan !== 'business') throw new UsageError(`--plan: expected free, pro or business, got "${f.plan}"`);
  let latencyMs: { min: number; max: number } | undefined;
  if (f.latency !== undefined) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(f.latency.trim());
    if (!m) throw new UsageError(`--latency: expected MIN-MAX in milliseconds (e.g. 80-150), got "${f.latency}"`);
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : Number(m[2]);
    if (max < min) throw new UsageError(`--latency: MAX must not be below MIN ("${f.latency}")`);
    latencyMs = { min, max };
  }
  let seed = 1;
  if (f.seed !== undefined) {
    if (!/^\d+$/.test(f.seed)) throw new UsageError(`--seed: expected a non-negative integer, got "${f.seed}"`);
    seed = Number(f.seed);
  }
  return { port, plan: plan as 'free' | 'pro' | 'business', latencyMs, faults: f.faults, large: Boolean(f.large), seed };
}

export function register(program: Command, ctx: CommandContext): void {
  program
    .command('sandbox')
    .description('run a local Zoom-compatible server on 127.0.0.1 until interrupted (prints export lines for its URLs and sample credentials)')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '0')
    .option('--plan <plan>', 'rate limits of this Zoom plan: free, pro or business', 'business')
    .option('--latency <min-max>', 'jittered latency per request in ms, e.g. 80-150')
    .option('--faults <spec>', 'inject faults, e.g. "429=0.05,500=0.02,reset=0.01,slow=0.01:3000" (see docs/sandbox.md)')
    .option('--large', 'serve a large generated account (2,000 hosts, one heavy user) instead of the demo account')
    .option('--seed <n>', 'seed for data, latency and faults', '1')
    .action(
      action(ctx, sandboxOptions, async (flags) => {
        const o = parseFlags(flags);
        const sb = await import('../sandbox/index.js');
        let faults: ReturnType<typeof sb.parseFaults> | undefined;
        if (o.faults !== undefined) {
          try {
            faults = sb.parseFaults(o.faults);
          } catch (e) {
            throw new UsageError(`--faults: ${(e as Error).message}`);
          }
        }
        const account = o.large ? sb.generateAccount({ seed: o.seed, users: 2000, heavy: { meetings: 20_000, recordingYears: 2, calls: 100_000 } }) : undefined;
        const sandbox = await sb.startSandbox({
          port: o.port,
          plan: o.plan,
          latencyMs: o.latencyMs,
          faults,
          seed: o.seed,
          account,
          onWarning: (m) => writeLine(ctx.io.stderr, m),
        });
        const c = sandbox.credentials;
        for (const [name, value] of [
          ['ZOOM_API_URL', sandbox.apiUrl],
          ['ZOOM_OAUTH_URL', sandbox.oauthUrl],
          ['ZOOM_ACCOUNT_ID', c.accountId],
          ['ZOOM_CLIENT_ID', c.clientId],
          ['ZOOM_CLIENT_SECRET', c.clientSecret],
          ['ZOOM_WEBHOOK_SECRET_TOKEN', c.webhookSecretToken],
        ] as const) {
          writeLine(ctx.io.stdout, `export ${name}=${value}`);
        }
        const users = sandbox.account.users.length;
        writeLine(
          ctx.io.stderr,
          `zdsar sandbox: listening on ${sandbox.url} (plan ${o.plan}, ${users} users${o.latencyMs ? `, latency ${o.latencyMs.min}-${o.latencyMs.max} ms` : ''}${faults && faults.rules.length > 0 ? `, faults ${sb.formatFaults(faults)}` : ''}).`,
        );
        writeLine(ctx.io.stderr, 'These are sample credentials of a local sandbox, not secrets. Press Ctrl-C to stop.');
        await new Promise<void>((resolve) => {
          if (ctx.signal.aborted) return resolve();
          ctx.signal.addEventListener('abort', () => resolve(), { once: true });
        });
        await sandbox.close();
        writeLine(ctx.io.stderr, 'zdsar sandbox: stopped.');
        return 0;
      }),
    );
}
