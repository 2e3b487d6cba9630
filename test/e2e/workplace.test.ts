import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccount, recordsFor, startSandbox, workplaceFor, type Sandbox } from '../../src/sandbox/index.js';
import { runCli, sandboxEnv, tempDir } from '../helpers/cli.js';
import { readJson, type Rec } from './export-helpers.js';

const PEOPLE = ['alice.martin@cedarpine.example', 'bruno.costa@cedarpine.example', 'chen.wei@cedarpine.example'];

interface Manifest {
  subjects: Array<{ email: string; status: string; path: string; categories: Record<string, { status: string; note?: string; reason?: string; records?: number; coverage?: { why: string } }> }>;
}

const set = (xs: Iterable<unknown>) => new Set([...xs].map(String));
const records = (dir: string, file: string): Rec[] => (existsSync(join(dir, file)) ? readJson<Rec[]>(join(dir, file)) : []);

describe('export: Clips, Calendar, Scheduler, workspace reservations, AI Companion (issue 27)', () => {
  let sb: Sandbox;
  let manifest: Manifest;
  let pkg: string;
  let code: number | null;

  beforeAll(async () => {
    sb = await startSandbox({ seed: 7, latencyMs: { min: 1, max: 4 }, faults: '429=0.02:1,500=0.02,pagetokenexpire=0.03' });
    const res = await runCli(['export', '--emails', PEOPLE.join(','), '--out', tempDir('zdsar-out-'), '--json'], sandboxEnv(sb));
    code = res.code;
    expect(res.stderr).not.toMatch(/unexpected error|TypeError/);
    pkg = (JSON.parse(res.stdout) as { package: string }).package;
    manifest = readJson<Manifest>(join(pkg, 'manifest.json'));
  });
  afterAll(() => sb.close());

  it("holds exactly each person's records of each product, and nothing of anyone else's", () => {
    expect(code).toBe(0);
    for (const email of PEOPLE) {
      const want = workplaceFor(sb.account, email);
      const s = manifest.subjects.find((x) => x.email === email)!;
      expect(s.status, email).toBe('completed');
      const dir = join(pkg, s.path);
      expect(want.clips.length).toBeGreaterThan(0);

      const clips = records(dir, 'clips.json');
      expect(set(clips.map((c) => c.clip_id)), `${email} clips`).toEqual(set(want.clips.map((c) => c.clip_id)));
      expect(clips.length).toBe(want.clips.length);
      expect(clips.some((c) => c.status === 'RECORD_DELETE')).toBe(true);
      const comments = records(dir, 'clip_comments.json');
      expect(set(comments.map((c) => (c.comment as Rec).comment_id))).toEqual(set(want.clipComments.map((c) => c.comment_id)));
      expect(comments.length).toBe(want.clipComments.length);
      const collaborators = records(dir, 'clip_collaborators.json');
      expect(collaborators.length).toBe(want.clipCollaborators.length);
      for (const c of [...comments, ...collaborators]) expect(set(want.clips.map((x) => x.clip_id))).toContain(String((c.clip as Rec).clip_id));

      // Calendar: the calendar list and settings are user-level only; events of the primary calendar.
      expect(s.categories.calendar_list!.status).toBe('unavailable');
      expect(s.categories.calendar_list!.reason).toBe('user_level');
      expect(s.categories.calendar_list!.note).toMatch(/user-level apps only.*admin Server-to-Server app cannot read/);
      expect(s.categories.calendar_settings!.reason).toBe('user_level');
      const events = records(dir, 'calendar_events.json');
      const primaryId = String(want.calendars.find((c) => c.primary)!.id);
      const primary = sb.account.workplace!.events[primaryId] ?? [];
      expect(primary.length).toBeGreaterThan(0);
      expect(set(events.map((e) => (e.event as Rec).id))).toEqual(set(primary.map((e) => e.id)));
      expect(events.every((e) => (e.calendar as Rec).id === primaryId)).toBe(true);
      expect(events.some((e) => (e.event as Rec).status === 'cancelled')).toBe(true);
      expect(s.categories.calendar_events!.note).toMatch(/only the primary calendar/);

      const booked = records(dir, 'scheduler_events.json');
      expect(set(booked.map((e) => e.event_id))).toEqual(set(want.scheduledEvents.map((e) => e.event_id)));
      expect(booked.some((e) => e.status === 'cancelled')).toBe(true);
      expect(set(records(dir, 'scheduler_schedules.json').map((e) => e.schedule_id))).toEqual(set(want.schedules.map((e) => e.schedule_id)));
      expect(set(records(dir, 'scheduler_availability.json').map((e) => e.availability_id))).toEqual(set(want.availability.map((e) => e.availability_id)));

      const user = recordsFor(sb.account, email).user!;
      const reservations = records(dir, 'workspace_reservations.json');
      expect(set(reservations.map((r) => r.id))).toEqual(set(want.reservations.map((r) => r.id)));
      expect(reservations.length).toBe(new Set(reservations.map((r) => r.id)).size);
      for (const r of reservations) expect(r.user_id).toBe(user.id);

      // The archive as Zoom serves it: the sandbox's record plus the download links Zoom makes for each answer.
      const aic = records(dir, 'aic_conversation_archive.json');
      expect(aic.length).toBe(1);
      const { aic_history_download_url: link, physical_files: files, ...rest } = aic[0]!;
      const { physical_files: wantFiles, ...wantRest } = want.aicArchive!;
      expect(rest).toEqual(wantRest);
      expect(String(link)).toMatch(/^http/);
      expect((files as Rec[]).map((f) => f.file_id)).toEqual((wantFiles as Rec[]).map((f) => f.file_id));

      // Mail: the profile, every message (SPAM and TRASH included) and draft in full, exactly as Zoom serves them; threads, labels, filters, delegates, vacation.
      const box = want.mailbox!;
      expect(records(dir, 'mail_profile.json')).toEqual([box.profile]);
      const byId = (xs: Rec[]) => [...xs].sort((a, b) => String(a.id).localeCompare(String(b.id)));
      expect(byId(records(dir, 'mail_messages.json')), `${email} mail`).toEqual(byId(box.messages));
      for (const l of ['SPAM', 'TRASH', 'SENT', 'INBOX']) expect(records(dir, 'mail_messages.json').some((m) => (m.labelIds as string[]).includes(l)), l).toBe(true);
      expect(byId(records(dir, 'mail_drafts.json'))).toEqual(byId(box.drafts));
      expect(set(records(dir, 'mail_threads.json').map((t) => t.id))).toEqual(set(box.messages.map((m) => m.threadId)));
      expect(records(dir, 'mail_labels.json')).toEqual(box.labels);
      expect(records(dir, 'mail_filters.json')).toEqual(box.filters);
      expect(records(dir, 'mail_delegates.json')).toEqual(box.delegates);
      expect(records(dir, 'mail_vacation.json')).toEqual([box.vacation]);
      expect(s.categories.mail_messages!.coverage?.why).toMatch(/SPAM and TRASH/);

      // Whiteboards: the person's own (trashed ones too), each one's collaborators beside it, and only the archived sessions they took part in.
      const boards = records(dir, 'whiteboards.json');
      expect(want.whiteboards.length).toBeGreaterThan(0);
      expect(byId(boards.map((b) => ({ ...b, id: b.whiteboard_id })))).toEqual(byId(want.whiteboards.map((b) => ({ ...b, id: b.whiteboard_id }))));
      expect(boards.some((b) => b.trashed === true)).toBe(true);
      const wbCollaborators = records(dir, 'whiteboard_collaborators.json');
      expect(wbCollaborators.map((c) => c.collaborator).sort((a, b) => String((a as Rec).collaborator_id).localeCompare(String((b as Rec).collaborator_id)))).toEqual(
        [...want.whiteboardCollaborators].sort((a, b) => String(a.collaborator_id).localeCompare(String(b.collaborator_id))),
      );
      for (const c of wbCollaborators) expect(set(want.whiteboards.map((b) => b.whiteboard_id))).toContain(String((c.whiteboard as Rec).whiteboard_id));
      const sessions = records(dir, 'whiteboard_sessions.json');
      expect(want.whiteboardSessions.length).toBeGreaterThan(0);
      expect(set(sessions.map((x) => x.id))).toEqual(set(want.whiteboardSessions.map((x) => x.id)));
      expect(sessions.length).toBe(want.whiteboardSessions.length);

      for (const name of ['docs', 'tasks']) {
        expect(s.categories[name]!.status).toBe('unavailable');
        expect(s.categories[name]!.note).toMatch(/--zoom-export/);
      }
    }
  });

  it("reads the account's whiteboard session list once for everyone, not once per person", () => {
    // Zoom lists the account's sessions with no per-person filter; each person keeps those naming them.
    const firstPages = sb.log.filter((e) => e.path === '/v2/whiteboards/sessions' && e.status === 200 && !e.query.next_page_token);
    expect(new Set(firstPages.map((e) => `${e.query.from}_${e.query.to}`)).size).toBe(1);
    expect(firstPages[0]!.query.from).toBe('2021-01-01T00:00:00Z');
  });

  it('asks Zoom within its windows and page maxima', () => {
    const clips = sb.log.filter((e) => e.path === '/v2/clips');
    expect(clips.length).toBeGreaterThan(0);
    for (const e of clips) expect(Date.parse(e.query.to!) - Date.parse(e.query.from!)).toBeLessThanOrEqual(31 * 86_400_000);
    const res = sb.log.filter((e) => e.path.endsWith('/reservations'));
    for (const e of res) expect(Date.parse(e.query.to!) - Date.parse(e.query.from!)).toBeLessThan(14 * 86_400_000);
    for (const e of sb.log.filter((x) => x.path.endsWith('/comments'))) expect(Number(e.query.page_size)).toBeLessThanOrEqual(50);
    for (const e of sb.log.filter((x) => x.path.endsWith('/events') && x.path.startsWith('/v2/calendars/'))) expect(e.query.showDeleted).toBe('true');
    for (const e of sb.log.filter((x) => x.path === '/v2/scheduler/events')) expect(e.query.show_deleted).toBe('true');
    const mail = sb.log.filter((x) => /^\/v2\/emails\/mailboxes\/[^/]+\/(messages|threads|drafts)$/.test(x.path));
    expect(mail.length).toBeGreaterThanOrEqual(3 * PEOPLE.length);
    for (const e of mail) {
      expect(e.query.includeSpamTrash, e.path).toBe('true');
      expect(Number(e.query.maxResults)).toBeLessThanOrEqual(500);
    }
    for (const e of sb.log.filter((x) => x.path === '/v2/whiteboards')) {
      expect(Date.parse(e.query.to!) - Date.parse(e.query.from!)).toBeLessThanOrEqual(31 * 86_400_000);
      expect(Number(e.query.page_size)).toBeLessThanOrEqual(50);
    }
    // Only the people's own mailboxes were read.
    const boxes = new Set(sb.log.filter((x) => x.path.startsWith('/v2/emails/mailboxes/')).map((x) => decodeURIComponent(x.path.split('/')[4]!).toLowerCase()));
    expect(boxes).toEqual(new Set(PEOPLE));
  });

  it('explains the new categories in report.html', () => {
    const alice = manifest.subjects[0]!;
    const html = readFileSync(join(pkg, alice.path, 'report.html'), 'utf8');
    for (const title of ['Your whiteboards', 'Whiteboard sessions you took part in', 'Your email', 'Your email drafts', 'People who may use your mailbox', 'Zoom Clips', 'Comments on your clips', 'Calendar events', 'Appointments booked with you', 'Desk and room reservations', 'AI Companion conversations', 'Zoom Docs', 'Zoom Tasks']) expect(html).toContain(title);
    expect(html).toContain('not readable by an admin app');
  });
});

describe('export: a Workplace product the account does not have, or the app may not read, is unavailable with the reason', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    const account = demoAccount({ seed: 7 });
    account.workplace!.enabled.clips = false;
    account.workplace!.enabled.scheduler = false;
    account.workplace!.enabled.whiteboards = false;
    account.scopes = account.scopes.filter((s) => s !== 'workspace:read:list_reservations:admin');
    // Alice's mailbox is end-to-end encrypted; Bruno has none (Mail not onboarded for him).
    const [alice, bruno] = ['alice.martin@cedarpine.example', 'bruno.costa@cedarpine.example'].map((e) => account.users.find((u) => u.email === e)!);
    account.workplace!.mailboxes[alice!.id]!.profile.encryptionEnabled = true;
    delete account.workplace!.mailboxes[bruno!.id];
    sb = await startSandbox({ seed: 7, account });
  });
  afterAll(() => sb.close());

  it('says which setting or scope to change; neither makes the answer partial (Zoom refused nothing it should serve), and nothing is sent without the scope', async () => {
    const res = await runCli(['export', '--emails', 'alice.martin@cedarpine.example', '--out', tempDir('zdsar-out-'), '--json'], sandboxEnv(sb));
    const pkg = (JSON.parse(res.stdout) as { package: string }).package;
    const m = readJson<Manifest>(join(pkg, 'manifest.json'));
    const c = m.subjects[0]!.categories;
    for (const name of ['clips', 'clip_comments', 'clip_collaborators']) {
      expect(c[name]!.status, name).toBe('unavailable');
      expect(c[name]!.reason, name).toBe('not_enabled');
      expect(c[name]!.note, name).toMatch(/Clips/);
    }
    for (const name of ['whiteboards', 'whiteboard_collaborators', 'whiteboard_sessions']) {
      expect(c[name]!.status, name).toBe('unavailable');
      expect(c[name]!.reason, name).toBe('not_enabled');
      expect(c[name]!.note, name).toMatch(/Whiteboard is not on this account.*Account Settings > Whiteboard/);
    }
    expect(c.scheduler_events!.reason).toBe('not_enabled');
    expect(c.scheduler_events!.note).toMatch(/Scheduler licence/);
    expect(c.workspace_reservations!.status).toBe('unavailable');
    expect(c.workspace_reservations!.reason).toBe('not_granted');
    expect(c.workspace_reservations!.note).toMatch(/workspace:read:list_reservations:admin/);
    expect(sb.log.some((e) => e.path.includes('/workspaces/'))).toBe(false);
    expect(sb.log.some((e) => e.path.includes('/calendarList'))).toBe(false);
    // Mail: the profile is read and says encryption is on; nothing else of the mailbox is asked for.
    expect(c.mail_profile!.status).toBe('done');
    for (const name of ['mail_messages', 'mail_threads', 'mail_drafts', 'mail_labels', 'mail_filters', 'mail_delegates', 'mail_vacation']) {
      expect(c[name]!.status, name).toBe('unavailable');
      expect(c[name]!.reason, name).toBe('not_enabled');
      expect(c[name]!.note, name).toMatch(/end-to-end encryption is on.*turn off end-to-end encryption/i);
    }
    expect(sb.log.filter((e) => e.path.startsWith('/v2/emails/')).map((e) => e.path.split('/').slice(5).join('/'))).toEqual(['profile']);
    expect(m.subjects[0]!.status).toBe('completed');
    expect(res.code).toBe(0);
    const html = readFileSync(join(pkg, m.subjects[0]!.path, 'report.html'), 'utf8');
    expect(html).toContain('scope not granted to the app');
  });

  it('a person without a mailbox the API can read (Mail not onboarded) has every mail category unavailable with the setting, never "no data"', async () => {
    const res = await runCli(['export', '--emails', 'bruno.costa@cedarpine.example', '--out', tempDir('zdsar-out-'), '--json'], sandboxEnv(sb));
    expect(res.code).toBe(0);
    const pkg = (JSON.parse(res.stdout) as { package: string }).package;
    const s = readJson<Manifest>(join(pkg, 'manifest.json')).subjects[0]!;
    for (const name of ['mail_profile', 'mail_messages', 'mail_threads', 'mail_drafts', 'mail_labels', 'mail_filters', 'mail_delegates', 'mail_vacation']) {
      expect(s.categories[name]!.status, name).toBe('unavailable');
      expect(s.categories[name]!.reason, name).toBe('not_enabled');
      expect(s.categories[name]!.note, name).toMatch(/not onboarded.*Admin > Zoom Workplace > Mail/);
    }
    expect(s.status).toBe('completed');
  });

  it('says what stands in the way of a category once per run, not once per person', async () => {
    const res = await runCli(['export', '--emails', 'alice.martin@cedarpine.example,chen.wei@cedarpine.example', '--out', tempDir('zdsar-out-')], sandboxEnv(sb));
    expect(res.code).toBe(0);
    for (const cat of ['docs', 'tasks', 'calendar_list', 'clips']) expect(res.stderr.split(`    ${cat}: `).length - 1, cat).toBe(1);
    expect(res.stderr).toMatch(/as above, not collected: .*docs, tasks/);
  });

  it('doctor reports each product as on the account or not, and permitted or not', async () => {
    const res = await runCli(['doctor', '--json'], sandboxEnv(sb));
    const report = JSON.parse(res.stdout) as { workplace: { products: Record<string, { licensed: string; permitted: boolean; missing_scopes: string[]; detail?: string }>; user_level_only: string[] } };
    const w = report.workplace.products;
    expect(w.clips!.licensed).toBe('no');
    expect(w.clips!.detail).toMatch(/Clips/);
    expect(w.scheduler!.licensed).toBe('no');
    expect(w.whiteboards!.licensed).toBe('no');
    expect(w.workspaces!.permitted).toBe(false);
    expect(w.workspaces!.detail).toMatch(/workspace:read:list_reservations:admin/);
    expect(w.workspaces!.missing_scopes).toEqual(['workspace:read:list_reservations:admin']);
    for (const name of ['calendar', 'ai_companion']) {
      expect(w[name]!.licensed, name).toBe('yes');
      expect(w[name]!.permitted, name).toBe(true);
    }
    expect(report.workplace.user_level_only).toContain('GET /calendars/users/{userIdentifier}/calendarList');
  });

});

describe('the disclosure copy of the Workplace categories masks every other person they name', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ seed: 7 });
  });
  afterAll(() => sb.close());

  it('no colleague, guest, booker or collaborator of the person is left in the copy; the records did name them', async () => {
    const res = await runCli(['export', '--emails', PEOPLE.join(','), '--redact', '--out', tempDir('zdsar-out-'), '--json'], sandboxEnv(sb));
    expect(res.stderr).not.toMatch(/unexpected error|TypeError/);
    const pkg = (JSON.parse(res.stdout) as { package: string }).package;
    const m = readJson<Manifest>(join(pkg, 'manifest.json'));
    const files = ['whiteboards.json', 'whiteboard_collaborators.json', 'whiteboard_sessions.json', 'mail_messages.json', 'mail_drafts.json', 'mail_threads.json', 'mail_filters.json', 'mail_delegates.json', 'mail_profile.json', 'clips.json', 'clip_comments.json', 'clip_collaborators.json', 'calendar_events.json', 'scheduler_events.json', 'scheduler_schedules.json', 'scheduler_availability.json', 'workspace_reservations.json', 'aic_conversation_archive.json'];
    let named = 0;
    for (const s of m.subjects) {
      const me = recordsFor(sb.account, s.email).user!;
      // Everybody else: the account's other users, and the outsiders the Workplace records name.
      const others = new Set<string>();
      for (const u of sb.account.users) if (u.id !== me.id) for (const v of [u.email, u.display_name, u.id]) others.add(v.toLowerCase());
      const want = workplaceFor(sb.account, s.email);
      for (const e of want.scheduledEvents) {
        for (const a of e.attendees as Rec[]) for (const v of [a.email, a.display_name]) others.add(String(v).toLowerCase());
        for (const g of e.guests as string[]) others.add(g.toLowerCase());
      }
      for (const c of want.clipCollaborators) if (c.email) others.add(String(c.email).toLowerCase());
      // Everyone the person's mail names: senders and recipients (names and addresses), delegates.
      for (const msg of [...want.mailbox!.messages, ...want.mailbox!.drafts.map((d) => d.message as Rec)]) {
        for (const h of (msg.payload as { headers: Array<{ name: string; value: string }> }).headers) {
          if (!/^(from|to|cc)$/i.test(h.name)) continue;
          for (const one of h.value.split(',')) {
            const [, name, addr] = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(one) ?? [];
            if (addr && addr.toLowerCase() !== me.email.toLowerCase()) for (const v of [addr, name!]) others.add(v.toLowerCase());
          }
        }
      }
      for (const d of want.mailbox!.delegates) others.add(String(d.delegateEmail).toLowerCase());
      // Whiteboard collaborators (outsiders by name only) and session participants.
      for (const c of want.whiteboardCollaborators) if (c.user_id !== me.id) for (const v of [c.collaborator_name, c.email, c.user_id, c.collaborator_id]) if (v) others.add(String(v).toLowerCase());
      for (const x of want.whiteboardSessions) for (const q of x.regulated_participants as Rec[]) if (q.user_id !== me.id) for (const v of [q.user_name, q.email, q.user_id]) others.add(String(v).toLowerCase());
      for (const e of want.events) for (const a of e.attendees as Rec[]) if (String(a.email).toLowerCase() !== me.email.toLowerCase()) others.add(String(a.email).toLowerCase());
      const folder = s.path.replace(/^subjects\//, '');
      const leaks: string[] = [];
      for (const f of files) {
        const original = join(pkg, s.path, f);
        if (!existsSync(original)) continue;
        const before = readFileSync(original, 'utf8').toLowerCase();
        const after = readFileSync(join(pkg, 'disclosure', folder, f), 'utf8').toLowerCase();
        for (const n of others) {
          if (before.includes(n)) named++;
          if (after.includes(n)) leaks.push(`${f}: ${n}`);
        }
      }
      expect(leaks, s.email).toEqual([]);
      // What others wrote in mail (the body of each part, the snippet) is withheld; the person's own sent mail keeps its text.
      const mailOf = (dir: string) => records(dir, 'mail_messages.json');
      if (existsSync(join(pkg, s.path, 'mail_messages.json'))) {
        const copy = new Map(mailOf(join(pkg, 'disclosure', folder)).map((x) => [String(x.id), x]));
        let theirs = 0;
        let mine = 0;
        for (const msg of mailOf(join(pkg, s.path))) {
          const bodies = (r: Rec) => ((r.payload as { parts?: Array<{ body: { data?: string } }> }).parts ?? []).map((p) => p.body.data).filter((d) => d !== undefined);
          const c = copy.get(String(msg.id))!;
          if ((msg.labelIds as string[]).includes('SENT')) {
            mine++;
            expect(bodies(c)).toEqual(bodies(msg));
          } else {
            theirs++;
            for (const d of bodies(c)) expect(bodies(msg)).not.toContain(d);
            expect(c.snippet).not.toBe(msg.snippet);
          }
        }
        expect(theirs).toBeGreaterThan(0);
        expect(mine).toBeGreaterThan(0);
      }
    }
    expect(named).toBeGreaterThan(20);
  });

  it('--with-files downloads the MP4 of each finished clip of the person, their AI Companion archive and their mail attachments, at the sizes Zoom announced', async () => {
    const email = PEOPLE[0]!;
    const res = await runCli(['export', '--emails', email, '--with-files', '--out', tempDir('zdsar-out-'), '--json'], sandboxEnv(sb));
    expect(res.code).toBe(0);
    const pkg = (JSON.parse(res.stdout) as { package: string }).package;
    const s = readJson<Manifest>(join(pkg, 'manifest.json')).subjects[0]!;
    const dir = join(pkg, s.path, 'files', 'clips');
    const finished = workplaceFor(sb.account, email).clips.filter((c) => c.status === 'RECORD_SUCCESS');
    expect(finished.length).toBeGreaterThan(0);
    const got = readdirSync(dir).filter((f) => f.endsWith('.mp4'));
    expect(got.length).toBe(finished.length);
    for (const c of finished) {
      const f = got.find((x) => x.endsWith(`-${String(c.clip_id)}.mp4`));
      expect(f, String(c.clip_id)).toBeDefined();
      expect(statSync(join(dir, f!)).size).toBe(c.file_size);
    }
    // The AI Companion archive: its conversation history and each file given to AI Companion.
    const aicDir = join(pkg, s.path, 'files', 'ai_companion');
    const archive = workplaceFor(sb.account, email).aicArchive!;
    expect(statSync(join(aicDir, 'history.json')).size).toBe(archive.file_size);
    const given = archive.physical_files as Rec[];
    expect(readdirSync(aicDir).length).toBe(1 + given.length);
    for (const f of given) expect(statSync(join(aicDir, readdirSync(aicDir).find((x) => x.includes(String(f.file_id)))!)).size).toBe(f.file_size);
    // Zoom Mail: each attachment of the person's messages, decoded from Zoom's base64url, at the size Zoom announced.
    const mailDir = join(pkg, s.path, 'files', 'mail');
    const attachments = workplaceFor(sb.account, email).mailbox!.messages.flatMap((m) => ((m.payload as Rec).parts as Rec[]).map((p) => p.body as Rec).filter((b) => b.attachmentId));
    expect(attachments.length).toBeGreaterThan(0);
    expect(readdirSync(mailDir).length).toBe(attachments.length);
    for (const a of attachments) {
      const f = readdirSync(mailDir).find((x) => x.endsWith(`-${String(a.attachmentId)}.pdf`));
      expect(f, String(a.attachmentId)).toBeDefined();
      expect(statSync(join(mailDir, f!)).size).toBe(a.size);
      expect(statSync(join(mailDir, f!)).mode & 0o777).toBe(0o600);
    }
    // Whiteboards: Zoom's export of the person's boards (one task, polled, then its ZIP of PDFs and the audit log).
    const zip = readFileSync(join(pkg, s.path, 'files', 'whiteboards', 'export-1.zip'));
    expect(zip.subarray(0, 2).toString()).toBe('PK');
    for (const b of workplaceFor(sb.account, email).whiteboards) expect(zip.includes(Buffer.from(`${String(b.whiteboard_id)}.pdf`))).toBe(true);
    expect(zip.includes(Buffer.from('audit_log.csv'))).toBe(true);
    expect(readdirSync(join(pkg, s.path, 'files', 'whiteboards'))).toEqual(['export-1.zip']);
    expect(sb.log.filter((e) => e.method === 'POST' && e.path === '/v2/whiteboards/export').length).toBe(1);
    // Only the person's clips were asked for.
    const asked = sb.log.filter((e) => e.path.endsWith('/download') && e.path.startsWith('/v2/clips/')).map((e) => e.path.split('/')[3]);
    for (const id of asked) expect(finished.map((c) => String(c.clip_id))).toContain(decodeURIComponent(id!));
  });
  it("the whiteboard export resumes: a task still processing is asked about again, never made twice", async () => {
    const email = PEOPLE[1]!;
    const before = sb.log.filter((e) => e.method === 'POST' && e.path === '/v2/whiteboards/export').length;
    const env = sandboxEnv(sb);
    const first = await runCli(['export', '--emails', email, '--with-files', '--out', tempDir('zdsar-out-'), '--json'], { ...env, ZDSAR_WHITEBOARD_EXPORT_WAIT_MS: '0' });
    const out = JSON.parse(first.stdout) as { package: string; request_id: string };
    const s = readJson<Manifest>(join(out.package, 'manifest.json')).subjects[0]!;
    const dir = join(out.package, s.path, 'files', 'whiteboards');
    expect(readdirSync(dir)).toEqual(['export-1.task.json']);
    expect(first.code).not.toBe(0);
    const again = await runCli(['requests', 'resume', out.request_id, '--json'], env);
    expect(again.stderr).not.toMatch(/unexpected error|TypeError/);
    expect(readdirSync(dir)).toEqual(['export-1.zip']);
    for (const b of workplaceFor(sb.account, email).whiteboards) expect(readFileSync(join(dir, 'export-1.zip')).includes(Buffer.from(`${String(b.whiteboard_id)}.pdf`))).toBe(true);
    expect(sb.log.filter((e) => e.method === 'POST' && e.path === '/v2/whiteboards/export').length - before).toBe(1);
  });
});
