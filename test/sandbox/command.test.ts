import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { register } from '../../src/commands/sandbox.js';
import type { CommandContext } from '../../src/commands/context.js';
import { call, basic } from './helpers.js';

function setup() {
  const controller = new AbortController();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const ctx: CommandContext = { io: { stdout, stderr, stdin: new PassThrough(), env: {} }, signal: controller.signal, exitCode: -1 };
  const program = new Command().exitOverride();
  register(program, ctx);
  return { program, ctx, controller, out: () => out, err: () => err };
}

describe('zdsar sandbox', () => {
  it('prints export lines with the bound port, serves, and stops cleanly on abort', async () => {
    const s = setup();
    const run = s.program.parseAsync(['sandbox', '--port', '0', '--plan', 'pro', '--faults', '500=0'], { from: 'user' });
    for (let i = 0; i < 200 && !s.out().includes('ZOOM_WEBHOOK_SECRET_TOKEN'); i++) await new Promise((r) => setTimeout(r, 10));
    const env = Object.fromEntries(
      s
        .out()
        .trim()
        .split('\n')
        .map((l) => {
          const m = /^export ([A-Z_]+)=(.*)$/.exec(l);
          expect(m, l).not.toBeNull();
          return [m![1], m![2]];
        }),
    ) as Record<string, string>;
    expect(Object.keys(env).sort()).toEqual(['ZDSAR_HOME', 'ZDSAR_PLAN', 'ZOOM_ACCOUNT_ID', 'ZOOM_API_URL', 'ZOOM_CLIENT_ID', 'ZOOM_CLIENT_SECRET', 'ZOOM_OAUTH_URL', 'ZOOM_WEBHOOK_SECRET_TOKEN']);
    expect(env.ZDSAR_PLAN).toBe('pro'); // the sandbox's plan, and a home of its own (#16)
    expect(env.ZOOM_API_URL).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*\/v2$/);
    expect(s.err()).toContain('listening on');
    const r = await call(`${env.ZOOM_OAUTH_URL}/oauth/token?grant_type=account_credentials&account_id=${env.ZOOM_ACCOUNT_ID}`, {
      method: 'POST',
      headers: { authorization: basic(env.ZOOM_CLIENT_ID!, env.ZOOM_CLIENT_SECRET!) },
    });
    expect(r.status).toBe(200);
    s.controller.abort();
    await run;
    expect(s.ctx.exitCode).toBe(0);
    await expect(call(`${env.ZOOM_API_URL}/users`)).rejects.toThrow();
  });

  it('refuses bad flags as usage errors', async () => {
    for (const args of [['--port', 'x'], ['--plan', 'gold'], ['--latency', '150-80'], ['--faults', 'boom=1']]) {
      const s = setup();
      await expect(s.program.parseAsync(['sandbox', ...args], { from: 'user' })).rejects.toMatchObject({ exitCode: 2 });
    }
  });
});
