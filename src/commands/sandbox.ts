import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Option, type Command } from 'commander';
import { z } from 'zod';
import { isLoopbackHost } from '../config.js';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { writeLine } from '../ui/io.js';
import { action, type CommandContext } from './context.js';

const sandboxOptions = z.strictObject({
  port: z.string().optional(),
  plan: z.string().optional(),
  latency: z.string().optional(),
  faults: z.string().optional(),
  large: z.boolean().optional(),
  seed: z.string().optional(),
  writeEnv: z.string().optional(),
  home: z.string().optional(),
  detach: z.boolean().optional(),
  stop: z.boolean().optional(),
  readyIpc: z.boolean().optional(),
  sendDeauthorization: z.string().optional(),
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

/** A value as the shell reads it back with `source`: plain when safe, else single-quoted. */
function shellValue(v: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

const PID_LINE = /^# zdsar sandbox pid (\d+)$/m;

/** `--stop`: end the sandbox that `--detach --write-env FILE` started, and remove FILE. */
async function stopDetached(ctx: CommandContext, envFile: string): Promise<number> {
  const text = await readFile(envFile, 'utf8').catch(() => undefined);
  if (text === undefined) throw new UsageError(`--stop: ${envFile} does not exist: no sandbox was started with --write-env ${envFile}, or it was stopped already`);
  const pid = Number(PID_LINE.exec(text)?.[1]);
  if (!pid) throw new UsageError(`--stop: ${envFile} names no sandbox process (it was not written by zdsar sandbox --detach)`);
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (alive()) process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(); i++) await sleep(50);
  if (alive()) throw new UsageError(`--stop: the sandbox (pid ${pid}) did not stop; stop it with: kill ${pid}`);
  await rm(envFile, { force: true });
  writeLine(ctx.io.stderr, `zdsar sandbox: stopped (pid ${pid}); removed ${envFile}.`);
  return 0;
}

/**
 * `--send-deauthorization URL`: send the signed app_deauthorized event Zoom sends when an admin
 * removes the app, as the sandbox's account, to a `zdsar compliance listen` (or your own endpoint).
 * Signed with ZOOM_WEBHOOK_SECRET_TOKEN (only from a sandbox's env file: ZOOM_API_URL on loopback), else the
 * sandbox's sample one; sent only to a loopback address.
 */
function loopbackUrl(url: string | undefined): boolean {
  try {
    return url !== undefined && isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}

async function sendDeauthorization(ctx: CommandContext, url: string, seed: number): Promise<number> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new UsageError(`--send-deauthorization: expected a URL such as http://127.0.0.1:8787/, got "${url}"`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new UsageError(`--send-deauthorization: expected an http(s) URL, got "${url}"`);
  // A made-up event goes only to a listener on this machine, signed only with a sandbox's secret.
  if (!isLoopbackHost(target.hostname)) throw new UsageError(`--send-deauthorization: ${target.hostname} is not a loopback address (127.0.0.1 or [::1]): the sandbox sends made-up events only to a listener on this machine`);
  const env = ctx.io.env;
  if (env.ZOOM_WEBHOOK_SECRET_TOKEN && !loopbackUrl(env.ZOOM_API_URL)) {
    throw new UsageError("--send-deauthorization: ZOOM_WEBHOOK_SECRET_TOKEN is set, but ZOOM_API_URL is not a local sandbox: not signing a made-up event with what may be your account's real secret (source the sandbox's env file, or unset it to use the sandbox's sample secret)");
  }
  const sb = await import('../sandbox/index.js');
  const account = sb.demoAccount({ seed, now: Date.now() });
  const payload = { ...(env.ZOOM_ACCOUNT_ID ? { account_id: env.ZOOM_ACCOUNT_ID } : {}), ...(env.ZOOM_CLIENT_ID ? { client_id: env.ZOOM_CLIENT_ID } : {}) };
  const event = sb.deauthorizationEvent(account, Date.now(), payload);
  const secret = env.ZOOM_WEBHOOK_SECRET_TOKEN || account.credentials.webhookSecretToken;
  let r: { status: number; body: string };
  try {
    r = await sb.emitSigned(target.href, event, secret, Date.now());
  } catch (e) {
    writeLine(ctx.io.stderr, `zdsar sandbox: could not deliver the event to ${target.href}: ${(e as Error).message}`);
    return 1;
  }
  const p = (event as { payload: { user_id: string; account_id: string } }).payload;
  writeLine(ctx.io.stderr, `zdsar sandbox: sent a signed app_deauthorized event (user ${p.user_id} of account ${p.account_id}) to ${target.href}: HTTP ${r.status}.`);
  return r.status >= 200 && r.status < 300 ? 0 : 1;
}

/** `--detach`: run this same command in the background and return once it listens (its env file is written). */
async function detach(ctx: CommandContext, envFile: string): Promise<number> {
  const args = process.argv.slice(2).filter((a) => a !== '--detach');
  const child = spawn(process.execPath, [process.argv[1]!, ...args, '--ready-ipc'], { detached: true, stdio: ['ignore', 'ignore', 'ignore', 'ipc'], env: ctx.io.env });
  const ready = await new Promise<{ url: string; pid: number } | { error: string }>((done) => {
    child.once('message', (m) => done(m as { url: string; pid: number } | { error: string }));
    child.once('exit', (code) => done({ error: `the sandbox exited (code ${code}) before it was ready` }));
    child.once('error', (e) => done({ error: e.message }));
  });
  child.removeAllListeners();
  if (child.connected) child.disconnect();
  child.unref();
  if ('error' in ready) throw new UsageError(`zdsar sandbox --detach: ${ready.error}`);
  writeLine(ctx.io.stderr, `zdsar sandbox: listening on ${ready.url} in the background (pid ${ready.pid}).`);
  writeLine(ctx.io.stderr, `Use it with: source ${envFile}`);
  writeLine(ctx.io.stderr, `Stop it with: zdsar sandbox --stop --write-env ${envFile}`);
  return 0;
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
    .option('--write-env <file>', 'write the export lines to FILE (0600) once listening, instead of to stdout: `source FILE` then')
    .option('--home <dir>', 'ZDSAR_HOME for requests made against the sandbox, kept apart from real ones (default: .zdsar-sandbox beside the env file, or here)')
    .option('--detach', 'run in the background and return once ready (needs --write-env); stop it with --stop --write-env FILE')
    .option('--stop', 'stop the sandbox started with --detach --write-env FILE, and remove FILE')
    .option('--send-deauthorization <url>', "send a signed app_deauthorized event (as Zoom does when the app is removed) to URL, e.g. a `zdsar compliance listen`, and exit")
    .addOption(new Option('--ready-ipc').hideHelp())
    .addHelpText(
      'after',
      `
Try zdsar without a Zoom account:
  $ zdsar sandbox --write-env sandbox.env --detach
  $ source sandbox.env        # the sandbox's URLs, sample credentials, its own ZDSAR_HOME and plan
  $ zdsar export --emails chen.wei@cedarpine.example
  $ zdsar sandbox --stop --write-env sandbox.env
A deauthorization event to try compliance listen with (after source sandbox.env):
  $ zdsar compliance listen --port 8787 &
  $ zdsar sandbox --send-deauthorization http://127.0.0.1:8787/`,
    )
    .action(
      action(ctx, sandboxOptions, async (flags) => {
        if (flags.stop) {
          if (!flags.writeEnv) throw new UsageError('--stop needs --write-env FILE (the file --detach wrote)');
          return stopDetached(ctx, flags.writeEnv);
        }
        if (flags.detach && !flags.writeEnv) throw new UsageError('--detach needs --write-env FILE: that is where the sandbox\'s settings are written');
        const o = parseFlags(flags);
        if (flags.sendDeauthorization !== undefined) return sendDeauthorization(ctx, flags.sendDeauthorization, o.seed);
        if (flags.detach) return detach(ctx, flags.writeEnv!);
        const envFile = flags.writeEnv ? resolve(flags.writeEnv) : undefined;
        const home = resolve(flags.home ?? resolve(envFile ? dirname(envFile) : '.', '.zdsar-sandbox'));
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
        const ipc = flags.readyIpc && process.send ? process.send.bind(process) : undefined;
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
        const lines = [
          ...(envFile ? ['# zdsar sandbox: a local Zoom with sample data. These are sample credentials, not secrets.', `# zdsar sandbox pid ${process.pid}`] : []),
          ...([
            ['ZOOM_API_URL', sandbox.apiUrl],
            ['ZOOM_OAUTH_URL', sandbox.oauthUrl],
            ['ZOOM_ACCOUNT_ID', c.accountId],
            ['ZOOM_CLIENT_ID', c.clientId],
            ['ZOOM_CLIENT_SECRET', c.clientSecret],
            ['ZOOM_WEBHOOK_SECRET_TOKEN', c.webhookSecretToken],
            // Requests made against the sandbox get their own ledger, apart from real ones, and its plan's limits.
            ['ZDSAR_HOME', home],
            ['ZDSAR_PLAN', o.plan],
          ] as const).map(([name, value]) => `export ${name}=${shellValue(value)}`),
        ];
        try {
          if (envFile) await writeFileAtomic(envFile, lines.join('\n') + '\n');
          // The sandbox's own ledger gets the sample company's controller profile (the Article 15 statement of its answers).
          if (envFile) await (await import('../dsar/article15.js')).writeSandboxProfile(home);
        } catch (e) {
          await sandbox.close();
          const msg = `--write-env ${envFile}: cannot write it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
          ipc?.({ error: msg });
          throw new UsageError(msg);
        }
        if (!envFile) for (const l of lines) writeLine(ctx.io.stdout, l);
        const users = sandbox.account.users.length;
        writeLine(
          ctx.io.stderr,
          `zdsar sandbox: listening on ${sandbox.url} (plan ${o.plan}, ${users} users${o.latencyMs ? `, latency ${o.latencyMs.min}-${o.latencyMs.max} ms` : ''}${faults && faults.rules.length > 0 ? `, faults ${sb.formatFaults(faults)}` : ''}).`,
        );
        if (envFile) writeLine(ctx.io.stderr, `Wrote ${envFile}: source it to use the sandbox.`);
        writeLine(ctx.io.stderr, 'Sample people: chen.wei@cedarpine.example, alice.martin@cedarpine.example (users); jordan.lee@gmail.example (registrant only). Press Ctrl-C to stop.');
        if (ipc) {
          ipc({ url: sandbox.url, pid: process.pid });
          process.disconnect?.();
        }
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
