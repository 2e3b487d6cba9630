/**
 * Issue 27 (leftover): a leaver's call recordings over their whole history. A person whose Zoom Phone licence
 * was removed has their call recordings in the account's list, GET /phone/recordings, whose spec states one
 * month per call and no six-month limit (phone.openapi.json getPhoneRecordings: "The date range defined in the
 * from and to parameters should be a month…"; the user's list adds "The month defined should fall within the
 * last six months"). The spec says nothing of what Zoom answers for older months, so both readings are run:
 * A, the spec as written (the sandbox's default): every month is served and a recording ten months old is theirs;
 * B, Zoom keeps the six months after all (quirk accountRecordingsOlderThanSixMonths 'error': 400 code 300 for an
 * older month): the category is done, its coverage starts where Zoom answered and names what Zoom refused.
 * A colleague's recording of the same month is never theirs. Run as the CLI against the sandbox over real sockets.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxUser } from '../../src/sandbox/index.js';
import { runCli, sandboxEnv, tempDir, type CliResult } from '../helpers/cli.js';
import { readJson, type Rec } from './export-helpers.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface Coverage {
  from?: string;
  to?: string;
  limit?: string;
  refused?: string[];
  refused_answer?: string;
}
interface Subject {
  email: string;
  status: string;
  path: string;
  categories: Record<string, { status: string; note?: string; records?: number; coverage?: Coverage; error?: string }>;
}

describe("a leaver's call recordings over their whole history (the account's list states no six-month limit)", () => {
  let sb: Sandbox;
  let leaver: SandboxUser;
  const now = Date.now();
  const oldAt = iso(now - 300 * DAY); // about ten months ago
  const oldId = 'leaver-recording-ten-months-old';
  const othersId = 'colleague-recording-ten-months-old';

  beforeAll(async () => {
    sb = await startSandbox({ seed: 7, latencyMs: { min: 1, max: 3 }, onWarning: () => {} });
    const recent = (at: string) => Date.parse(at) > now - 150 * DAY;
    leaver = sb.account.users.find((u) => u.phone && Date.parse(u.created_at) < now - 400 * DAY && [...u.phoneRecordings].some((r) => recent(r.date_time)))!;
    const colleague = sb.account.users.find((u) => u.id !== leaver.id && u.phone && [...u.phoneRecordings].length > 0)!;
    // One recording of theirs ten months old, and one of the colleague's the same day (never theirs).
    for (const [u, id] of [[leaver, oldId], [colleague, othersId]] as const) {
      const rows = [...u.phoneRecordings];
      rows.push({ ...rows[0]!, id, owner_id: u.id, call_id: `${id}-call`, call_log_id: `${id}-log`, date_time: oldAt });
      rows.sort((a, b) => a.date_time.localeCompare(b.date_time));
      u.phoneRecordings = rows;
    }
    delete (leaver as { phone?: unknown }).phone; // the licence is removed; the history stays with the account
    sb.reindex();
  }, 60_000);
  afterAll(() => sb.close());

  async function run(): Promise<{ res: CliResult; s: Subject; rows: Rec[]; pkg: string }> {
    const before = sb.log.length;
    const res = await runCli(['export', '--emails', leaver.email, '--skip', 'chat,attendance,summaries,sign_ins', '--out', tempDir('zdsar-leaver-rec-'), '--json'], sandboxEnv(sb));
    const pkg = (JSON.parse(res.stdout) as { package: string }).package;
    const s = readJson<{ subjects: Subject[] }>(join(pkg, 'manifest.json')).subjects[0]!;
    const rows = readJson<Rec[]>(join(pkg, s.path, 'phone_recordings.json'));
    log = sb.log.slice(before);
    return { res, s, rows, pkg };
  }
  let log: Sandbox['log'] = [];
  const ownerId = (r: Rec) => String((r.owner as Rec | undefined)?.id);
  const createdDay = () => leaver.created_at.slice(0, 10);

  it('reading A (the spec as written): every month is read; the recording ten months old is theirs, the colleague’s is not', async () => {
    const { res, s, rows } = await run();
    expect(res.code, res.stderr).toBe(0);
    expect(s.status).toBe('completed');
    expect(s.categories.phone_profile!.status).toBe('no_data');
    const cat = s.categories.phone_recordings!;
    expect(cat.status).toBe('done');
    expect(cat.coverage!.from).toBe(createdDay());
    expect(cat.coverage!.refused).toBeUndefined();
    const ids = rows.map((r) => String(r.id));
    expect(ids).toContain(oldId);
    expect(ids).not.toContain(othersId);
    for (const r of rows) expect(ownerId(r)).toBe(leaver.id);
    // Months older than six were asked of the account's list, and answered.
    const sixAgo = new Date(now - 190 * DAY).toISOString().slice(0, 10);
    const old = log.filter((e) => e.path === '/v2/phone/recordings' && String(e.query.from) < sixAgo);
    expect(old.length).toBeGreaterThan(0);
    expect(old.every((e) => e.status === 200)).toBe(true);
  }, 240_000);

  it('reading B (Zoom refuses older months with 400 code 300): done, covering from the earliest month Zoom answered, the refusal quoted', async () => {
    sb.account.quirks.accountRecordingsOlderThanSixMonths = 'error';
    try {
      const { res, s, rows } = await run();
      expect(res.code, res.stderr).toBe(0);
      expect(s.status).toBe('completed');
      const cat = s.categories.phone_recordings!;
      expect(cat.status, cat.error).toBe('done');
      const cov = cat.coverage!;
      expect(cov.limit).toBe('zoom');
      expect(cov.refused!.length).toBeGreaterThan(0);
      expect(cov.refused_answer).toMatch(/^400 code 300 "Validation failed/);
      // Coverage starts the day after the newest month refused, within Zoom's six months, not at the user's creation.
      const newestRefused = cov.refused!.map((w) => w.slice(-10)).sort().at(-1)!;
      expect(cov.from! > newestRefused).toBe(true);
      expect(cov.from! > createdDay()).toBe(true);
      expect(Date.parse(cov.from!)).toBeGreaterThan(now - 190 * DAY);
      expect(cat.note).toMatch(/Zoom refused .* as outside what it serves \(it answered 400 code 300 "Validation failed/);
      expect(cat.note).toContain(`Covers ${cov.from} to`);
      // The recent months are still theirs; the old one could not be read.
      const ids = rows.map((r) => String(r.id));
      expect(ids.length).toBeGreaterThan(0);
      expect(ids).not.toContain(oldId);
      expect(ids).not.toContain(othersId);
      for (const r of rows) expect(ownerId(r)).toBe(leaver.id);
      expect(log.some((e) => e.path === '/v2/phone/recordings' && e.status === 400)).toBe(true);
    } finally {
      sb.account.quirks.accountRecordingsOlderThanSixMonths = 'served';
    }
  }, 240_000);
});
