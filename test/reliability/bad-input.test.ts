/**
 * The bad-input corpus (issue 8): test/fixtures/bad-input/ plus inputs too large or too
 * situational to commit (generated here). Each case: the contract's exit code, a short message
 * on stderr that names the file (and line and field where there is one) or the flag, no stack
 * trace, and not one request to Zoom (the environment points at a live sandbox that logs all).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { signZoomEvent } from '../../src/compliance/verify.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ROOT, runCli, sandboxEnv, tempDir } from '../helpers/cli.js';
import { ALICE, BRUNO, STACK, expectEveryRecordExactlyOnce, runBounded } from './helpers.js';

const BAD = join(ROOT, 'test', 'fixtures', 'bad-input');
const EVENTS = join(ROOT, 'fixtures', 'events');
const bad = (name: string) => join(BAD, name);

interface Case {
  name: string;
  /** Also run through bin/zdsar.js as a child process (the others run main() in-process: same code, no node start-up). */
  e2e?: boolean;
  args: () => string[];
  env?: Record<string, string>;
  stdin?: string | Buffer;
  code: number;
  /** What the first line must say: the file/line/field, or the flag or variable. */
  says: RegExp;
}

const now = () => String(Math.floor(Date.now() / 1000));
let sb: Sandbox;
let env: Record<string, string>;
let gen: string;
/** A delivery header pair for a body, signed with the sandbox's webhook secret (or another one). */
const signed = (file: string, opts: { secret?: string; ageSeconds?: number } = {}) => {
  const ts = String(Number(now()) - (opts.ageSeconds ?? 0));
  return ['--signature', signZoomEvent(opts.secret ?? sb.credentials.webhookSecretToken, ts, readFileSync(file)), '--timestamp', ts];
};
const GOOD_EVENT = join(EVENTS, 'retention-false.json');

const exportCsv = (file: string) => () => ['export', '--csv', bad(file)];
const emails = (...more: string[]) => () => ['export', '--emails', ALICE, ...more];

const CASES: Case[] = [
  // CSVs from real spreadsheets gone wrong
  { name: 'CSV without an email column', args: exportCsv('no-email-column.csv'), code: 2, says: /no-email-column\.csv:1: no email column.*"Name", "Department", "Phone"/ },
  { name: 'CSV with an invalid address on line 7', e2e: true, args: exportCsv('invalid-address-line-7.csv'), code: 2, says: /invalid-address-line-7\.csv:7: Email: "alice\.martin\(at\)cedarpine\.example" is not a valid email address/ },
  { name: 'CSV with 51 people', args: exportCsv('fifty-one-people.csv'), code: 2, says: /fifty-one-people\.csv: 51 distinct people; .*at most 50/ },
  { name: 'CSV with only a header', args: exportCsv('only-header.csv'), code: 2, says: /only-header\.csv: no people/ },
  { name: 'CSV with an unbalanced quote', args: exportCsv('unbalanced-quote.csv'), code: 2, says: /unbalanced-quote\.csv:\d+: not a readable CSV/ },
  { name: 'an .xlsx (zip bytes) given as CSV', e2e: true, args: exportCsv('people.xlsx'), code: 2, says: /people\.xlsx: not a text CSV/ },
  { name: 'CSV with NUL bytes', args: exportCsv('nul-bytes.csv'), code: 2, says: /nul-bytes\.csv: not a text CSV/ },
  { name: 'CSV in Latin-1 (not UTF-8)', args: exportCsv('latin1-not-utf8.csv'), code: 2, says: /latin1-not-utf8\.csv: not valid UTF-8/ },
  { name: 'UTF-16 without a BOM', args: exportCsv('utf16-without-bom.csv'), code: 2, says: /utf16-without-bom\.csv: not a text CSV/ },
  { name: 'an empty file', args: exportCsv('empty.csv'), code: 2, says: /empty\.csv: no people/ },
  { name: 'only blank lines', args: exportCsv('blank-lines-only.csv'), code: 2, says: /blank-lines-only\.csv: no people/ },
  { name: 'a spreadsheet formula in the email column', args: exportCsv('formula-injection.csv'), code: 2, says: /formula-injection\.csv:3: / },
  { name: 'a display name with an unclosed <', args: exportCsv('broken-display-name.csv'), code: 2, says: /broken-display-name\.csv:2: Email Address: "Alice <alice/ },
  { name: 'an empty email cell on line 3', args: exportCsv('empty-email-cell.csv'), code: 2, says: /empty-email-cell\.csv:3: email: empty address/ },
  { name: 'text after a closing quote', args: exportCsv('quote-then-garbage.csv'), code: 2, says: /quote-then-garbage\.csv:2: not a readable CSV/ },
  { name: 'two dots in a row in an address', args: exportCsv('double-dot.csv'), code: 2, says: /double-dot\.csv:2: Email: "alice\.\.martin@/ },
  { name: 'a space inside an address', args: exportCsv('space-in-address.csv'), code: 2, says: /space-in-address\.csv:2: Email: "alice martin@/ },
  { name: 'a CSV larger than 5 MiB', args: () => ['export', '--csv', join(gen, 'huge.csv')], code: 2, says: /huge\.csv: too large/ },
  { name: 'more than 5 MiB on standard input', e2e: true, args: () => ['export', '--csv', '-'], stdin: Buffer.alloc(6 * 1024 * 1024, 'a@b.example\n'), code: 2, says: /<stdin>: too large/ },
  { name: 'binary on standard input', args: () => ['export'], stdin: readFileSync(bad('people.xlsx')), code: 2, says: /<stdin>: not a text CSV/ },
  { name: 'a folder given as the CSV', args: () => ['export', '--csv', BAD], code: 2, says: /bad-input: is a folder/ },
  { name: 'a CSV that does not exist', args: exportCsv('no-such-file.csv'), code: 2, says: /no-such-file\.csv: no such file/ },
  { name: 'registrants erase with a binary CSV, even with --yes', e2e: true, args: () => ['registrants', 'erase', '--csv', bad('nul-bytes.csv'), '--yes'], code: 2, says: /nul-bytes\.csv: not a text CSV/ },
  { name: 'registrants find with an invalid address on line 7', args: () => ['registrants', 'find', '--csv', bad('invalid-address-line-7.csv')], code: 2, says: /invalid-address-line-7\.csv:7: Email:/ },
  // Further identifiers (issue 28): phone numbers and further addresses, read before anything is sent
  { name: 'a phone number that cannot be read, on line 3', e2e: true, args: exportCsv('bad-phone-line-3.csv'), code: 2, says: /bad-phone-line-3\.csv:3: Phone: "call me" is not a phone number zdsar can read/ },
  { name: 'a national phone number without its country code', args: exportCsv('national-phone.csv'), code: 2, says: /national-phone\.csv:2: Phone: "020 7946 0018" is not a phone number .*country code/ },
  { name: 'two columns that could hold the phone numbers', e2e: true, args: exportCsv('ambiguous-phone-columns.csv'), code: 2, says: /ambiguous-phone-columns\.csv:1: several columns could hold the phone numbers: "Work Phone", "Mobile" \(columns 3, 4\)/ },
  { name: '--phone-column naming no column', args: () => ['export', '--csv', bad('ambiguous-phone-columns.csv'), '--phone-column', 'Fax'], code: 2, says: /ambiguous-phone-columns\.csv:1: --phone-column "Fax": no such column/ },
  { name: 'one number given for two people', args: exportCsv('shared-phone.csv'), code: 2, says: /shared-phone\.csv:3: the number \+442079460000 is also given for another person \(.*shared-phone\.csv:2\)/ },
  { name: 'an invalid further address', args: exportCsv('bad-other-email.csv'), code: 2, says: /bad-other-email\.csv:2: Other Emails: "alice\(at\)home\.example" is not a valid email address/ },
  { name: 'a bad number in --emails', args: () => ['export', '--emails', `${ALICE}|+1-2`], code: 2, says: /--emails: item 1: "\+1-2" is not a phone number/ },
  { name: '--phone-column with --emails', args: () => ['export', '--emails', ALICE, '--phone-column', 'Phone'], code: 2, says: /--phone-column applies to a CSV/ },
  { name: 'a number with spaces given after "," in --emails (no address of its own)', args: () => ['export', '--emails', `${ALICE},+1 415 555 0100`], code: 2, says: /--emails: item 2: "\+1 415 555 0100" is a phone number, not an address: join a person's numbers to their address with "\|"/ },
  { name: 'an invalid address in --emails', args: () => ['export', '--emails', `${ALICE},alice@@x.example`], code: 2, says: /--emails: item 2: "alice@@x\.example" is not a valid email address/ },
  { name: 'an empty --emails', args: () => ['export', '--emails', ' , '], code: 2, says: /--emails: no people/ },
  { name: 'both --csv and --emails', args: () => ['export', '--emails', ALICE, '--csv', bad('empty.csv')], code: 2, says: /either with --csv or with --emails/ },
  { name: 'no people at all', args: () => ['export'], code: 2, says: /no people given/ },

  // Dates and ranges
  { name: '--from 2026-02-30', e2e: true, args: emails('--from', '2026-02-30'), code: 2, says: /--from: "2026-02-30" is not a date on the calendar/ },
  { name: '--from with month 13', args: emails('--from', '2025-13-01'), code: 2, says: /--from: "2025-13-01"/ },
  { name: '--to in words', args: emails('--to', 'yesterday'), code: 2, says: /--to: "yesterday" is not a date/ },
  { name: '--from after --to', args: emails('--from', '2025-06-01', '--to', '2025-05-01'), code: 2, says: /--from 2025-06-01 is after --to 2025-05-01/ },
  { name: '--from in the future', args: emails('--from', '2999-01-01'), code: 2, says: /--from 2999-01-01 is in the future/ },
  { name: '--received in the future', args: emails('--received', '2999-01-01'), code: 2, says: /--received 2999-01-01 is in the future/ },

  // Flags and settings
  { name: 'an unknown flag', e2e: true, args: emails('--bogus'), code: 2, says: /unknown option '--bogus'/ },
  { name: 'an unknown command', args: () => ['frobnicate'], code: 2, says: /unknown command 'frobnicate'/ },
  { name: '--plan gold', args: emails('--plan', 'gold'), code: 2, says: /--plan: must be one of free, pro, business \(got "gold"\)/ },
  { name: '--regime xyz', args: emails('--regime', 'xyz'), code: 2, says: /--regime: must be gdpr or ccpa \(got "xyz"\)/ },
  { name: 'ZDSAR_PLAN=gold', args: emails(), env: { ZDSAR_PLAN: 'gold' }, code: 2, says: /ZDSAR_PLAN/ },
  { name: 'ZDSAR_HTTP_TIMEOUT_MS=abc', args: emails(), env: { ZDSAR_HTTP_TIMEOUT_MS: 'abc' }, code: 2, says: /ZDSAR_HTTP_TIMEOUT_MS must be a whole number/ },
  { name: 'a plain-http API URL that is not loopback', args: emails(), env: { ZOOM_API_URL: 'http://api.zoom.example/v2' }, code: 2, says: /ZOOM_API_URL must be https/ },
  { name: 'registrants find --max-age abc', args: () => ['registrants', 'find', '--emails', ALICE, '--max-age', 'abc'], code: 2, says: /--max-age/ },
  { name: 'registrants find --concurrency 0', args: () => ['registrants', 'find', '--emails', ALICE, '--concurrency', '0'], code: 2, says: /--concurrency/ },
  { name: 'requests show of an unknown id', e2e: true, args: () => ['requests', 'show', 'r-20000101-000000-dead'], code: 2, says: /no request r-20000101-000000-dead/ },
  { name: 'requests resume of an unknown id', args: () => ['requests', 'resume', 'r-20000101-000000-dead'], code: 2, says: /no request r-20000101-000000-dead/ },
  { name: 'requests purge --older-than -1', args: () => ['requests', 'purge', '--older-than', '-1'], code: 2, says: /--older-than/ },
  { name: 'sandbox with an unknown fault', args: () => ['sandbox', '--faults', 'bogus=1'], code: 2, says: /--faults: unknown fault "bogus"/ },
  { name: 'sandbox --port 99999', args: () => ['sandbox', '--port', '99999'], code: 2, says: /--port/ },

  // Output folders
  { name: '--out under a regular file', e2e: true, args: emails('--out', '/etc/passwd/zdsar'), code: 2, says: /--out \/etc\/passwd\/zdsar: cannot create or write the folder \(ENOTDIR\)/ },
  { name: '--out naming a regular file', args: emails('--out', '/etc/passwd'), code: 2, says: /--out \/etc\/passwd is not a folder/ },
  { name: 'ZDSAR_HOME under a regular file', args: emails(), env: { ZDSAR_HOME: '/etc/passwd/zdsar' }, code: 2, says: /\/etc\/passwd\/zdsar/ },

  // Credentials
  { name: 'no client secret', args: emails(), env: { ZOOM_CLIENT_SECRET: '' }, code: 3, says: /missing ZOOM_CLIENT_SECRET/ },
  { name: 'no credentials at all', e2e: true, args: emails(), env: { ZOOM_ACCOUNT_ID: '', ZOOM_CLIENT_ID: '', ZOOM_CLIENT_SECRET: '' }, code: 3, says: /missing ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET/ },
  { name: 'a secret file that does not exist', args: emails(), env: { ZOOM_CLIENT_SECRET: '', ZOOM_CLIENT_SECRET_FILE: '/nonexistent/secret' }, code: 2, says: /ZOOM_CLIENT_SECRET_FILE: cannot read \/nonexistent\/secret/ },

  // Webhook events: malformed (2), forged or stale (1)
  { name: 'a truncated event body', e2e: true, args: () => ['compliance', 'verify', '--event', bad('event-truncated.json'), ...signed(bad('event-truncated.json'))], code: 2, says: /event-truncated\.json: .*not JSON/ },
  { name: 'a binary event body', args: () => ['compliance', 'verify', '--event', bad('event-binary.json'), ...signed(bad('event-binary.json'))], code: 2, says: /event-binary\.json: .*not JSON/ },
  { name: 'an event that is a JSON array', args: () => ['compliance', 'verify', '--event', bad('event-array.json'), ...signed(bad('event-array.json'))], code: 2, says: /event-array\.json: .*not a Zoom event/ },
  { name: 'an event without --signature', args: () => ['compliance', 'verify', '--event', GOOD_EVENT, '--timestamp', now()], code: 2, says: /missing x-zm-signature \(--signature\)/ },
  { name: 'an event without --timestamp', args: () => ['compliance', 'verify', '--event', GOOD_EVENT, '--signature', `v0=${'0'.repeat(64)}`], code: 2, says: /missing x-zm-request-timestamp \(--timestamp\)/ },
  { name: 'a timestamp that is not a number', args: () => ['compliance', 'verify', '--event', GOOD_EVENT, '--signature', `v0=${'0'.repeat(64)}`, '--timestamp', 'abc'], code: 2, says: /x-zm-request-timestamp is not a Unix time/ },
  { name: 'an event file larger than 1 MiB', args: () => ['compliance', 'verify', '--event', join(gen, 'big-event.json'), ...signed(join(gen, 'big-event.json'))], code: 2, says: /big-event\.json is larger than/ },
  { name: 'a folder as the event', args: () => ['compliance', 'verify', '--event', BAD, '--signature', `v0=${'0'.repeat(64)}`, '--timestamp', now()], code: 2, says: /--event: .*bad-input is not a file/ },
  { name: '--tolerance abc', args: () => ['compliance', 'verify', '--event', GOOD_EVENT, ...signed(GOOD_EVENT), '--tolerance', 'abc'], code: 2, says: /--tolerance/ },
  { name: 'a forged signature', e2e: true, args: () => ['compliance', 'verify', '--event', GOOD_EVENT, ...signed(GOOD_EVENT, { secret: 'not-the-secret-token' })], code: 1, says: /not authentic: the signature does not match/ },
  { name: 'a signature of the wrong form', args: () => ['compliance', 'verify', '--event', GOOD_EVENT, '--signature', 'sha256=deadbeef', '--timestamp', now()], code: 1, says: /not authentic: x-zm-signature is not of the form/ },
  { name: 'a stale (replayed) event', args: () => ['compliance', 'verify', '--event', GOOD_EVENT, ...signed(GOOD_EVENT, { ageSeconds: 3600 })], code: 1, says: /stale: the request timestamp is 36\d\d s old/ },
  { name: 'notify with a forged event', args: () => ['compliance', 'notify', '--event', GOOD_EVENT, ...signed(GOOD_EVENT, { secret: 'not-the-secret-token' })], code: 1, says: /not authentic/ },
  { name: 'notify without ZOOM_WEBHOOK_SECRET_TOKEN', args: () => ['compliance', 'notify', '--event', GOOD_EVENT, ...signed(GOOD_EVENT)], env: { ZOOM_WEBHOOK_SECRET_TOKEN: '' }, code: 2, says: /missing ZOOM_WEBHOOK_SECRET_TOKEN/ },
];

/** main() with the channels a child process would have (pipes, CI=true, NO_COLOR=1), bounded. */
async function inProcess(args: string[], env: Record<string, string>, input?: string | Buffer) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const stdin = Readable.from(input === undefined ? [] : [Buffer.isBuffer(input) ? input : Buffer.from(input)]);
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), 20_000)));
  const code = await Promise.race([main(args, { stdout, stderr, stdin, env: { PATH: process.env.PATH ?? '', CI: 'true', NO_COLOR: '1', ...env } }), hang]);
  clearTimeout(timer);
  return { code: code === 'hung' ? null : code, stdout: out, stderr: err, hung: code === 'hung' };
}

describe('the bad-input corpus: refused clearly, nothing sent to Zoom', () => {
  beforeAll(async () => {
    sb = await startSandbox({ seed: 2 });
    env = { ...sandboxEnv(sb), ZOOM_WEBHOOK_SECRET_TOKEN: sb.credentials.webhookSecretToken };
    gen = tempDir('zdsar-bad-gen-');
    // Generated, not committed: a 6 MiB CSV and a 1.1 MiB event.
    writeFileSync(join(gen, 'huge.csv'), 'Email\n' + 'someone@example.com\n'.repeat(330_000));
    writeFileSync(join(gen, 'big-event.json'), `{"event":"app_deauthorized","pad":"${'x'.repeat(1_100_000)}"}`);
  });
  afterAll(async () => {
    await sb.close();
  });

  it('has at least 30 cases, and every committed corpus file is used', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    const used = CASES.map((c) => {
      try {
        return c.args().join(' ');
      } catch {
        return '';
      }
    }).join(' ');
    for (const f of ['bad-phone-line-3.csv', 'ambiguous-phone-columns.csv', 'shared-phone.csv', 'no-email-column.csv', 'invalid-address-line-7.csv', 'fifty-one-people.csv', 'people.xlsx', 'event-truncated.json']) expect(used).toContain(f);
  });

  for (const c of CASES) {
    it(`${c.name}: exit ${c.code}${c.e2e ? ' (bin/zdsar.js)' : ''}`, async () => {
      const before = sb.log.length;
      const calls = sb.complianceCalls.length;
      const res = c.e2e ? await runBounded(c.args(), { ...env, ...c.env }, 20_000, c.stdin) : await inProcess(c.args(), { ...env, ...c.env }, c.stdin);
      expect(res.hung).toBe(false);
      expect(res.code, res.stderr).toBe(c.code);
      expect(res.stderr).not.toMatch(STACK);
      expect(res.stderr).not.toMatch(/unexpected error/);
      const lines = res.stderr.split('\n').filter((l) => l.trim() !== '');
      // The message first, optionally a hint (indented) or commander's "(run with --help …)".
      expect(lines[0], res.stderr).toMatch(c.says);
      expect(lines.length, res.stderr).toBeLessThanOrEqual(3);
      expect(lines.slice(1).every((l) => /^\s|^\(run with --help/.test(l)), res.stderr).toBe(true);
      expect(sb.log.slice(before), 'a request reached Zoom').toEqual([]);
      expect(sb.complianceCalls.length).toBe(calls);
    });
  }
});

describe('a full disk', () => {
  let mnt: string | undefined;
  let why = '';
  let sbx: Sandbox;
  beforeAll(async () => {
    sbx = await startSandbox({ seed: 4, latencyMs: { min: 2, max: 6 } });
    const dir = tempDir('zdsar-full-');
    mkdirSync(join(dir, 'mnt'));
    try {
      // mode=0700: a tmpfs is 1777 by default, and zdsar refuses an --out that others can write (issue 15).
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', join(dir, 'mnt')], { stdio: 'pipe' });
      mnt = join(dir, 'mnt');
    } catch (e) {
      why = `cannot mount a small tmpfs here (${(e as Error).message.split('\n')[0]}); run as root to test a full disk`;
    }
  });
  afterAll(async () => {
    if (mnt) execFileSync('umount', ['-l', mnt], { stdio: 'pipe' });
    await sbx.close();
  });

  it('stops with a clear message naming the disk and how to resume, leaves a resumable request; resume completes once space is freed', async () => {
    // A full disk needs a tiny tmpfs (root, as in CI): without it this fails rather than quietly skipping.
    expect(mnt, why).toBeDefined();
    if (!mnt) return;
    const env = sandboxEnv(sbx);
    const res = await runBounded(['export', '--emails', `${ALICE},${BRUNO}`, '--out', mnt], env, 60_000);
    expect(res.hung).toBe(false);
    expect(res.stderr).not.toMatch(STACK);
    expect(res.code).toBe(1);
    expect(res.stderr, 'say the disk is full, not "unexpected error"').not.toMatch(/unexpected error/);
    expect(res.stderr).toMatch(/ENOSPC|no space left|disk is full/i);
    expect(res.stderr, 'name where it could not write').toContain(mnt);
    const id = /zdsar requests resume (r-[\w-]+)/.exec(res.stderr)?.[1];
    expect(id, `no resume hint in: ${res.stderr}`).toBeDefined();
    const show = await runCli(['requests', 'show', id!, '--json'], env);
    expect((JSON.parse(show.stdout) as { status: string }).status, 'the ledger must not say "processing" after the run ended').toMatch(/^(partial|failed)$/);

    execFileSync('mount', ['-o', 'remount,size=32m', mnt], { stdio: 'pipe' });
    const resumed = await runBounded(['requests', 'resume', id!], env, 60_000);
    expect(resumed.code, resumed.stderr).toBe(0);
    expectEveryRecordExactlyOnce(sbx, join(mnt, id!));
  });
});
