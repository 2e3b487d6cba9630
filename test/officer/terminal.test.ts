/**
 * #16 items 1 and 10: progress on any terminal, and without one.
 * A terminal reporting 0 columns made ora clear endless lines (the run hung, filled the disk and
 * ignored Ctrl-C); a run without a terminal printed nothing until the end.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { createProgress, type Ticker } from '../../src/ui/progress.js';
import { sandboxEnv, startCli } from '../helpers/cli.js';
import { runInPty } from './pty.js';

const CHEN = 'chen.wei@cedarpine.example';
const NOBODY = 'nobody.here@elsewhere.example';

describe('export on a terminal that reports 0 columns', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ seed: 3, latencyMs: { min: 40, max: 80 } });
  });
  afterAll(async () => {
    await sb.close();
  });

  it('finishes, without a spinner, in a few lines', async () => {
    const env = sandboxEnv(sb);
    const run = runInPty(['export', '--emails', `${CHEN},${NOBODY}`], env, { cols: 0 });
    const code = await run.done;
    expect(code, run.screen().slice(-1500)).toBe(0);
    const screen = run.screen();
    expect(screen.length).toBeLessThan(20_000);
    expect(screen).not.toMatch(/\u001b\[\d*[AK]/); // no cursor-up or line-clearing codes
    expect(screen).toMatch(/#1: completed, \d+ records/);
    expect(screen).toMatch(/#2: no Zoom user/);
  }, 90_000);

  it('stops on Ctrl-C with 130 and says how to resume', async () => {
    const env = sandboxEnv(sb);
    // --skip meeting_answers: the person without a Zoom user is answered at once (no scan of the account's sessions).
    const run = runInPty(['export', '--emails', `${NOBODY},${CHEN}`, '--skip', 'meeting_answers'], env, { cols: 0 });
    await run.waitFor(/#1: no Zoom user/);
    run.type('\u0003');
    const code = await run.done;
    expect(code, run.screen().slice(-1500)).toBe(130);
    expect(run.screen()).toMatch(/zdsar requests resume r-/);
  }, 90_000);

  it('on a terminal with a width, still shows the spinner and every person', async () => {
    const env = sandboxEnv(sb);
    const run = runInPty(['export', '--emails', `${CHEN},${NOBODY}`], env, { cols: 100 });
    const code = await run.done;
    expect(code, run.screen().slice(-1500)).toBe(0);
    expect(run.screen()).toMatch(/#1: completed, \d+ records/);
    expect(run.screen()).toMatch(/Done: request r-/);
  }, 90_000);
});

describe('export without a terminal (cron, CI)', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ seed: 3, latencyMs: { min: 60, max: 120 } });
  });
  afterAll(async () => {
    await sb.close();
  });

  it('prints a line on stderr as each person finishes, while the others are still running', async () => {
    // --skip meeting_answers: the person without a Zoom user is answered at once (no scan of the account's sessions).
    const child = startCli(['export', '--emails', `${NOBODY},${CHEN}`, '--skip', 'meeting_answers'], sandboxEnv(sb));
    child.stdin!.end();
    let stderr = '';
    const seen = new Promise<void>((resolve) => {
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/#1: no Zoom user/.test(stderr)) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await seen;
    // The person without a user is answered at once; the other is still being collected: stop the run.
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).not.toMatch(/#2: completed/);
    expect(stderr).toMatch(/zdsar requests resume r-/);
  }, 90_000);
});

describe('createProgress without a terminal', () => {
  function io() {
    const err = new PassThrough();
    let text = '';
    err.on('data', (d: Buffer) => (text += d.toString()));
    return { io: { stdout: new PassThrough(), stderr: err, stdin: new PassThrough(), env: {} }, text: () => text };
  }
  function fakeTicker() {
    const jobs: Array<{ ms: number; fn: () => void; at: number; on: boolean }> = [];
    let now = 0;
    const ticker: Ticker = {
      every(ms, fn) {
        const job = { ms, fn, at: ms, on: true };
        jobs.push(job);
        return () => (job.on = false);
      },
    };
    const advance = (ms: number) => {
      const end = now + ms;
      for (;;) {
        const next = jobs.filter((j) => j.on).sort((a, b) => a.at - b.at)[0];
        if (!next || next.at > end) break;
        now = next.at;
        next.at += next.ms;
        next.fn();
      }
      now = end;
    };
    return { ticker, advance };
  }

  it('prints notes as they come and a one-line status every interval, and stops with stop()', () => {
    const { io: channels, text } = io();
    const clock = fakeTicker();
    let done = 0;
    const p = createProgress(channels, { title: 't', status: () => `${done}/3 people done`, statusEveryMs: 60_000, ticker: clock.ticker });
    // Without a terminal the lines are never drawn, so never even computed.
    p.update(() => {
      throw new Error('computed without a terminal');
    });
    p.note('#1: completed, 3 records');
    clock.advance(59_000);
    expect(text()).toBe('#1: completed, 3 records\n');
    done = 1;
    clock.advance(1_000);
    expect(text()).toBe('#1: completed, 3 records\n1/3 people done\n');
    done = 2;
    clock.advance(120_000);
    expect(text().split('\n').filter((l) => l === '2/3 people done')).toHaveLength(2);
    p.stop();
    const before = text();
    clock.advance(600_000);
    expect(text()).toBe(before);
  });

  it('with --json prints no status at all', () => {
    const { io: channels, text } = io();
    const clock = fakeTicker();
    const p = createProgress(channels, { json: true, title: 't', status: () => 'status', ticker: clock.ticker });
    clock.advance(600_000);
    p.stop();
    expect(text()).toBe('');
  });
});
