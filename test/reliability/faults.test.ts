/**
 * The fault suite (issue 8): an export against a sandbox that misbehaves the way Zoom does.
 * For each fault the export either finishes with every record exactly once, or stops cleanly:
 * exit 1, a message that says what happened and when to resume, a resumable request, and a
 * resumed run that completes. Every run is bounded: a hang fails the "hung" assertion.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { sandboxEnv, sandboxLogReaches, startCli, tempDir } from '../helpers/cli.js';
import { BOUND_MS, TEST_MS, PEOPLE, expectClean, expectEveryRecordExactlyOnce, exportWith, type Summary, HEAVY, startHeavySandbox } from './helpers.js';

describe('fault injection: every record exactly once, or a clean resumable stop', { timeout: TEST_MS }, () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ seed: 11, latencyMs: { min: 2, max: 12 } });
  });
  afterAll(async () => {
    await sb.close();
  });

  const completes: Array<[string, string, Record<string, string>?]> = [
    ['429 storms (3 in a row)', '429=0.05:3'],
    ['500', '500=0.1'],
    ['502', '502=0.1'],
    ['503', '503=0.1'],
    ['5xx (any)', '5xx=0.12'],
    ['connection resets mid-body', 'reset=0.1'],
    ['slow answers, under the timeout', 'slow=0.08:400'],
    ['slow answers beyond the timeout (ZDSAR_HTTP_TIMEOUT_MS=300)', 'slow=0.08:1500', { ZDSAR_HTTP_TIMEOUT_MS: '300' }],
    ['tokens that die mid-run (401 code 124)', 'tokenexpire=0.05'],
    ['the OAuth server resetting the connection mid-answer once', 'reset=once@oauth'],
    [
      'everything at once',
      '429=0.03:2,500=0.03,502=0.02,503=0.02,reset=0.03,slow=0.03:200,tokenexpire=0.02,pagetokenexpire=0.05,500=once@oauth',
    ],
  ];

  for (const [name, spec, extra] of completes) {
    it(`${name} (${spec}): exit 0, every record exactly once`, async () => {
      const { res, log, summary } = await exportWith(sb, spec, extra);
      expectClean(res);
      expect(log.some((e) => e.fault), 'the fault never fired: the test proves nothing').toBe(true);
      expect(res.code, res.stderr + JSON.stringify(summary?.subjects.map((s) => s.errors))).toBe(0);
      expect(summary!.status).toBe('completed');
      expectEveryRecordExactlyOnce(sb, summary!.package);
    });
  }

  it('a token revoked twice while requests are in flight: renewed once per expiry, shared, and nothing lost', async () => {
    sb.setFaults(undefined);
    const env = sandboxEnv(sb);
    const start = sb.log.length;
    const child = startCli(['export', '--emails', PEOPLE, '--out', tempDir('zdsar-fault-out-'), '--json'], env);
    child.stdin!.end();
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const killer = setTimeout(() => child.kill('SIGKILL'), BOUND_MS);
    for (const at of [25, 60]) {
      await sandboxLogReaches(sb, start + at, child);
      sb.expireTokens();
    }
    const code = await closed;
    clearTimeout(killer);
    expect(code, stderr).toBe(0);
    const log = sb.log.slice(start);
    expect(log.some((e) => e.status === 401), 'no request saw the dead token').toBe(true);
    const tokens = new Set(log.map((e) => e.tokenId).filter((t) => t && t !== 'unknown'));
    // One token, then one renewal per expiry (a few concurrent 401s must share a renewal).
    expect(tokens.size).toBeLessThanOrEqual(4);
    expect(log.filter((e) => e.path === '/oauth/token').length).toBeLessThanOrEqual(4);
    expectEveryRecordExactlyOnce(sb, (JSON.parse(stdout) as Summary).package);
  });

});

describe('fault injection on lists long enough to paginate', { timeout: TEST_MS }, () => {
  // The demo people's lists fit in one page of 300: a generated heavy user has several pages
  // (700 meetings, about 500 calls a month), so next_page_token really is used and can expire.
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startHeavySandbox();
  });
  afterAll(async () => {
    await sb.close();
  });

  it('expired next_page_tokens (meetings and phone lists): the walk restarts, exit 0, every record exactly once', async () => {
    // Deterministic: page tokens are random, so a probabilistic rule would make the test flaky.
    const { res, log, summary } = await exportWith(sb, 'pagetokenexpire=once@/v2/users,pagetokenexpire=once@/v2/phone', {}, HEAVY);
    expectClean(res);
    expect(log.some((e) => e.fault === 'pagetokenexpire'), 'no page token expired: the test proves nothing').toBe(true);
    expect(res.code, res.stderr + JSON.stringify(summary?.subjects.map((s) => s.errors))).toBe(0);
    expectEveryRecordExactlyOnce(sb, summary!.package);
  });

});
