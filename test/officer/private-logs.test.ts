/**
 * #16 item 2: no address on stderr unless --show-emails (retry lines, failure summaries, --verbose);
 * paths are redacted where they are built; --verbose lines carry status and duration.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { route } from '../../src/zoom/route.js';
import { addressMask } from '../../src/ui/people.js';
import { runCli, sandboxEnv } from '../helpers/cli.js';

const CHEN = 'chen.wei@cedarpine.example';
const NOBODY = 'nobody.here@elsewhere.example';
const leaks = /chen\.wei|nobody\.here|cedarpine\.example|elsewhere\.example/i;

describe('addresses on stderr', () => {
  const sandboxes: Sandbox[] = [];
  afterAll(async () => {
    for (const sb of sandboxes) await sb.close();
  });
  const sandbox = async (faults?: string) => {
    const sb = await startSandbox({ seed: 5, faults });
    sandboxes.push(sb);
    return sb;
  };

  it('--verbose names the person by position, with each answer\'s status and duration', async () => {
    const sb = await sandbox('500=once@/v2/users/chen.wei');
    const r = await runCli(['export', '--emails', `${CHEN},${NOBODY}`, '--verbose'], sandboxEnv(sb));
    expect(r.code, r.stderr.slice(-1500)).toBe(0);
    expect(r.stderr).not.toMatch(leaks);
    expect(r.stderr).toMatch(/^debug: GET \/users\/\[email\]: 500 in \d+ ms$/m);
    expect(r.stderr).toMatch(/^debug: GET \/users\/\[email\]: 500; retrying in \d+ms$/m);
    expect(r.stderr).toMatch(/^debug: GET \/users\/\[email\]: 404 in \d+ ms$/m);
    expect(r.stderr).toMatch(/^debug: GET \/users\/[A-Za-z0-9_-]+\/settings: 200 in \d+ ms$/m);
  }, 60_000);

  it('--show-emails shows them', async () => {
    const sb = await sandbox();
    const r = await runCli(['export', '--emails', `${CHEN},${NOBODY}`, '--show-emails'], sandboxEnv(sb));
    expect(r.code, r.stderr.slice(-1500)).toBe(0);
    expect(r.stderr).toContain(CHEN);
  }, 60_000);

  it('retry lines and the failure summary do not name the person', async () => {
    // Every lookup of this person fails: the client retries (lines on stderr), then the person fails.
    const sb = await sandbox('500=always@/v2/users/chen.wei');
    const r = await runCli(['export', '--emails', `${CHEN},${NOBODY}`], sandboxEnv(sb));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/GET \/users\/\[email\]: 500; retrying in \d+s/);
    expect(r.stderr).toMatch(/#1: failed/);
    expect(r.stderr).toMatch(/Zoom answered 500 .*to GET \/users\/\[email\]/);
    expect(r.stderr).not.toMatch(leaks);
  }, 90_000);

  it('registrants find --verbose does not name the person on stderr', async () => {
    const sb = await sandbox();
    const r = await runCli(['registrants', 'find', '--emails', CHEN, '--verbose'], sandboxEnv(sb));
    expect(r.code, r.stderr.slice(-1500)).toBe(0);
    expect(r.stderr).toMatch(/^debug: GET /m);
    expect(r.stderr).not.toMatch(leaks);
  }, 60_000);
});

describe('display forms', () => {
  it('route() gives the path with an address parameter shown as [email]', () => {
    const r = route('GET', '/users/{userId}/meetings', { userId: 'Ann.Lee+x@example.com' });
    expect(r.path).toBe('/users/Ann.Lee%2Bx%40example.com/meetings');
    expect(r.display).toBe('/users/[email]/meetings');
    expect(route('GET', '/users/{userId}/meetings', { userId: 'abcDEF123' }).display).toBe('/users/abcDEF123/meetings');
  });

  it('the mask names known people by position and any other address as [email]', () => {
    const mask = addressMask([{ index: 2, email: 'ann@example.com' }], false);
    expect(mask('User ANN@example.com not found; see /users/ann%40example.com and bob@x.example')).toBe('User #2 not found; see /users/#2 and [email]');
    expect(addressMask([{ index: 2, email: 'ann@example.com' }], true)('ann@example.com')).toBe('ann@example.com');
  });
});
