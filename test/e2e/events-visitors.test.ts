/**
 * Zoom Events and visitor invitations (issue 28), over real sockets, run as the CLI: a person known only
 * by an address and a phone number gets their event tickets, registrations, attendance and visitor
 * invitations; a person with two addresses gets the union, each record once and naming the address that
 * found it; a person whose address merely contains another's (the sandbox's ticket search is loose, as
 * the spec allows) leaks into nobody's package; the account-wide lists are read once per run; the
 * disclosure copy masks the hosts and other people named. Revenue Accelerator and Quality Management are
 * found by the Zoom user only.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EV_PEOPLE, eventsVisitorsFor, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runCli, sandboxEnv, tempDir } from '../helpers/cli.js';
import { readJson, type Rec, type ManifestCategoryView, type ManifestSubjectView } from './export-helpers.js';

type Category = ManifestCategoryView;
type Subject = ManifestSubjectView;

const { pat: PAT, similar: SIMILAR, danaNew: DANA_NEW, danaOld: DANA_OLD, alex: ALEX } = EV_PEOPLE;

describe('Zoom Events and visitor invitations: people found by their addresses', () => {
  let sb: Sandbox;
  let pkg: string;
  let subjects: Subject[];
  let res: Awaited<ReturnType<typeof runCli>>;
  let host: { id: string; email: string; display_name: string };
  let log: string[];

  beforeAll(async () => {
    sb = await startSandbox({ seed: 11, latencyMs: { min: 5, max: 15 } });
    const u = sb.account.users.filter((x) => x.status === 'active')[0]!;
    host = { id: u.id, email: u.email, display_name: u.display_name };
    const dir = tempDir('zdsar-ev-');
    const csv = join(dir, 'people.csv');
    // Pat: an address and a phone number, no Zoom user. Dana: a current and a former address. The host: a Zoom user.
    writeFileSync(csv, `Email,Phone,Other Emails\n${PAT.email},${PAT.phone},\n${DANA_NEW.email},,${DANA_OLD.email}\n${host.email},,\n`);
    const before = sb.log.length;
    res = await runCli(['export', '--csv', csv, '--redact', '--out', join(dir, 'out'), '--json'], sandboxEnv(sb));
    // The answered requests (a 429's retry is not a second read).
    log = sb.log.slice(before).filter((e) => e.status === 200).map((e) => `${e.method} ${e.path}`);
    const out = JSON.parse(res.stdout) as { package: string; manifest: string };
    pkg = out.package;
    subjects = readJson<{ subjects: Subject[] }>(out.manifest).subjects;
  }, 300_000);
  afterAll(async () => {
    await sb?.close();
  });

  const file = (s: Subject, name: string) => {
    const p = join(pkg, s.path, name);
    return existsSync(p) ? readJson<Rec[]>(p) : [];
  };
  const ticketIds = (rows: Rec[]) => rows.map((r) => String((r.ticket as Rec).ticket_id)).sort();
  const want = (email: string) => eventsVisitorsFor(sb.account, email);

  it('a person known only by an address and a phone number gets their tickets, registrations, attendance and visitor invitations', () => {
    expect(res.code, res.stderr).toBe(0);
    const pat = subjects[0]!;
    expect(pat.status).toBe('not_found');
    const tickets = file(pat, 'zoom_events_tickets.json');
    expect(want(PAT.email).tickets.length).toBeGreaterThan(1);
    expect(ticketIds(tickets)).toEqual(want(PAT.email).tickets.map((t) => String(t.ticket_id)).sort());
    // Exactly as Zoom sent them, beside their event and the address that found them.
    for (const r of tickets) {
      expect(r.found_by).toBe(PAT.email);
      expect((r.ticket as Rec).email).toBe(PAT.email);
      expect(String((r.event as Rec).event_id)).not.toBe('');
    }
    expect(file(pat, 'zoom_events_registrations.json').map((r) => (r.registrant as Rec).email)).toEqual(want(PAT.email).registrants.map((r) => r.email));
    expect(file(pat, 'zoom_events_attendance.json').map((r) => (r.attendee as Rec).email)).toEqual([PAT.email]);
    // Each session Pat attended, from the sessions' attendance reports.
    const sessions = file(pat, 'zoom_events_session_attendance.json');
    expect(want(PAT.email).sessionAttendance.length).toBeGreaterThan(1);
    expect(sessions.map((r) => (r.session_attendee as Rec).session_id).sort()).toEqual(want(PAT.email).sessionAttendance.map((r) => r.session_id).sort());
    expect(sessions.every((r) => r.found_by === PAT.email && (r.session as Rec).name)).toBe(true);
    const invitations = file(pat, 'visitor_invitations.json');
    expect(invitations.map((r) => (r.invitation as Rec).invitation_id)).toEqual(want(PAT.email).invitations.map((i) => i.invitation_id));
    expect(invitations.every((r) => r.as === 'visitor' && r.found_by === PAT.email)).toBe(true);
    for (const c of ['events_tickets', 'events_registrations', 'events_attendance', 'events_session_attendance', 'visitor_invitations']) expect(pat.categories[c]!.status, c).toBe('done');
  });

  it("nothing of a person whose address contains another's leaks in, though Zoom's ticket search found it", () => {
    // The sandbox's search by Pat's address answered the lookalike's tickets too (a loose reading of the filter).
    const looseAnswers = sb.account.workplace!.eventsVisitors!.tickets;
    expect(Object.values(looseAnswers).flat().filter((t) => String(t.email).includes(PAT.email)).length).toBeGreaterThan(want(PAT.email).tickets.length);
    for (const s of subjects) {
      for (const name of ['zoom_events_tickets.json', 'zoom_events_registrations.json', 'zoom_events_attendance.json', 'zoom_events_session_attendance.json', 'visitor_invitations.json']) {
        const text = JSON.stringify(file(s, name));
        expect(text, `${s.email} ${name}`).not.toContain(SIMILAR.email);
        expect(text, `${s.email} ${name}`).not.toContain(SIMILAR.last);
        expect(text, `${s.email} ${name}`).not.toContain(ALEX.email);
      }
    }
  });

  it('a person with two addresses gets the union, each record once, and the manifest says which address found what', () => {
    const dana = subjects[1]!;
    const tickets = file(dana, 'zoom_events_tickets.json');
    const expected = [...want(DANA_NEW.email).tickets, ...want(DANA_OLD.email).tickets];
    expect(want(DANA_NEW.email).tickets.length).toBeGreaterThan(0);
    expect(want(DANA_OLD.email).tickets.length).toBeGreaterThan(0);
    expect(ticketIds(tickets)).toEqual(expected.map((t) => String(t.ticket_id)).sort());
    expect(new Set(ticketIds(tickets)).size).toBe(tickets.length);
    for (const r of tickets) expect(r.found_by).toBe((r.ticket as Rec).email);
    // The former address found the invitation.
    const inv = file(dana, 'visitor_invitations.json');
    expect(inv.map((r) => r.found_by)).toEqual([DANA_OLD.email]);
    const ids = dana.identifiers!;
    expect(ids.find((i) => i.value === DANA_OLD.email)!.searched).toEqual(expect.arrayContaining(['events_tickets', 'events_registrations', 'events_attendance', 'events_session_attendance', 'visitor_invitations']));
    expect(ids.find((i) => i.value === DANA_NEW.email)!.primary).toBe(true);
  });

  it("a Zoom user gets their own ticket and the invitations they sent as host; the account-wide lists are read once per run", () => {
    const h = subjects[2]!;
    expect(h.status).toBe('completed');
    expect(ticketIds(file(h, 'zoom_events_tickets.json'))).toEqual(want(host.email).tickets.map((t) => String(t.ticket_id)).sort());
    const inv = file(h, 'visitor_invitations.json');
    expect(inv.length).toBeGreaterThan(0);
    expect(inv.every((r) => r.as === 'host' && (r.invitation as Rec).host_email === host.email)).toBe(true);
    expect(inv.map((r) => (r.invitation as Rec).invitation_id).sort()).toEqual(want(host.email).invitations.map((i) => i.invitation_id).sort());
    // Once for three people: each event state's list, each event's registrants and attendance, the invitations.
    const count = (re: RegExp) => log.filter((l) => re.test(l)).length;
    expect(count(/^GET \/v2\/zoom_events\/events$/)).toBe(4);
    expect(count(/^GET \/v2\/visitor\/invitation$/)).toBe(1);
    const events = sb.account.workplace!.eventsVisitors!.events.filter((e) => e.state !== 'draft');
    expect(count(/\/zoom_events\/events\/[^/]+\/registrants$/)).toBe(events.length);
    const past = events.filter((e) => e.state === 'past').length;
    expect(count(/\/zoom_events\/events\/[^/]+\/sessions$/)).toBe(past);
    expect(count(/\/reports\/sessions\/[^/]+\/attendance$/)).toBe(past * 2);
    // Tickets are asked per event and per address: 1 + 2 + 1 addresses.
    expect(count(/\/zoom_events\/events\/[^/]+\/tickets$/)).toBe(events.length * 4);
  });

  it("the person's copy masks the hosts and the other people named, and keeps the person's own details", () => {
    const copy = (s: Subject, name: string) => JSON.stringify(readJson<Rec[]>(join(pkg, 'disclosure', s.path.replace(/^subjects\//, ''), name)));
    const pat = subjects[0]!;
    const inv = copy(pat, 'visitor_invitations.json');
    expect(inv).toContain(PAT.email);
    const hostOfPat = String(want(PAT.email).invitations[0]!.host_email);
    const hostUser = sb.account.users.find((u) => u.email === hostOfPat)!;
    expect(inv).not.toContain(hostOfPat);
    expect(inv).not.toContain(hostUser.display_name);
    expect(copy(pat, 'zoom_events_tickets.json')).toContain(PAT.first);
    // The host's copy: the visitors they invited are masked.
    const hostCopy = copy(subjects[2]!, 'visitor_invitations.json');
    for (const v of want(host.email).invitations) {
      expect(hostCopy).not.toContain(String(v.visitor_email));
      expect(hostCopy).not.toContain(String(v.visitor_name));
    }
  });
  it('doctor checks Zoom Events and visitor management: on the account and permitted, or the scope to add', async () => {
    type Report = { workplace: { products: Record<string, { licensed: string; permitted: boolean; missing_scopes: string[] }> } };
    const ok = JSON.parse((await runCli(['doctor', '--json'], sandboxEnv(sb))).stdout) as Report;
    expect(ok.workplace.products.zoom_events).toMatchObject({ licensed: 'yes', permitted: true, missing_scopes: [] });
    expect(ok.workplace.products.visitors).toMatchObject({ licensed: 'yes', permitted: true, missing_scopes: [] });
    const scopes = [...sb.account.scopes];
    sb.account.scopes = scopes.filter((x) => x !== 'zoom_events:read:list_tickets:admin');
    sb.account.workplace!.enabled.visitors = false;
    try {
      const missing = JSON.parse((await runCli(['doctor', '--json'], sandboxEnv(sb))).stdout) as Report;
      expect(missing.workplace.products.zoom_events).toMatchObject({ permitted: false, missing_scopes: ['zoom_events:read:list_tickets:admin'] });
      expect(missing.workplace.products.visitors).toMatchObject({ licensed: 'no' });
    } finally {
      sb.account.scopes = scopes;
      sb.account.workplace!.enabled.visitors = true;
    }
  });
  it('Revenue Accelerator and Quality Management: a host gets the conversations they hosted with transcripts, an agent the interactions they handled; an outsider is not searchable; the copy masks the customer', () => {
    const h = subjects[2]!;
    const ev = sb.account.workplace!.eventsVisitors!;
    const conversations = file(h, 'revenue_accelerator_conversations.json');
    const mine = ev.conversations.filter((c) => c.owner === host.id).map((c) => String(c.data.conversation_id)).sort();
    expect(mine.length).toBeGreaterThan(0);
    expect(conversations.map((r) => String((r.conversation as Rec).conversation_id)).sort()).toEqual(mine);
    for (const r of conversations) {
      expect((r.conversation as Rec).recording_download_url).toBeTruthy();
      expect((r.interactions as Rec[]).some((x) => ((x.transcripts as Rec[]) ?? []).length > 0)).toBe(true);
    }
    const interactions = file(h, 'quality_management_interactions.json');
    const handled = ev.qmInteractions.filter((x) => x.owner === host.id).map((x) => String((x.data.interaction_info as Rec).interaction_id)).sort();
    expect(interactions.map((r) => String(((r.interaction as Rec).interaction_info as Rec).interaction_id)).sort()).toEqual(handled);
    // Only the host's: no other host's conversation.
    const others = ev.conversations.filter((c) => c.owner !== host.id).map((c) => String(c.data.conversation_id));
    expect(others.length).toBeGreaterThan(0);
    for (const id of others) expect(JSON.stringify(conversations)).not.toContain(id);
    // Every list asked one month at a time, QM pages below 100 (valid under both readings of its maximum).
    const lists = sb.log.filter((e) => e.path === '/v2/zra/conversations' || e.path === '/v2/qm/interactions');
    expect(lists.length).toBeGreaterThan(0);
    for (const e of lists) expect(Date.parse(e.query.to!) - Date.parse(e.query.from!)).toBeLessThanOrEqual(32 * 86_400_000);
    for (const e of lists.filter((x) => x.path === '/v2/qm/interactions')) expect(Number(e.query.page_size)).toBeLessThan(100);
    for (const c of ['ra_conversations', 'qm_interactions']) expect(subjects[0]!.categories[c], c).toMatchObject({ status: 'unavailable', reason: 'not_searchable' });
    // The package holds the customer as Zoom sent them; the person's copy does not.
    expect(JSON.stringify(conversations)).toContain(ALEX.email);
    expect(JSON.stringify(interactions)).toContain(ALEX.email);
    const copy = JSON.stringify(readJson<Rec[]>(join(pkg, 'disclosure', h.path.replace(/^subjects\//, ''), 'revenue_accelerator_conversations.json')));
    expect(copy).not.toContain(ALEX.email);
    expect(copy).not.toContain(`${ALEX.first} ${ALEX.last}`);
    const qmCopy = JSON.stringify(readJson<Rec[]>(join(pkg, 'disclosure', h.path.replace(/^subjects\//, ''), 'quality_management_interactions.json')));
    expect(qmCopy).not.toContain(ALEX.email);
    expect(qmCopy).not.toContain(`${ALEX.first} ${ALEX.last}`);
  });
});

describe('an account without Zoom Events, visitor management, Revenue Accelerator or Quality Management', () => {
  it('says each is not enabled, never a failure, and the export completes', async () => {
    const sb = await startSandbox({ seed: 12 });
    try {
      const w = sb.account.workplace!;
      for (const p of ['zoom_events', 'visitors', 'revenue_accelerator', 'quality_management'] as const) w.enabled[p] = false;
      const u = sb.account.users.filter((x) => x.status === 'active')[0]!;
      const dir = tempDir('zdsar-ev-off-');
      const res = await runCli(['export', '--emails', u.email, '--skip', 'chat,mail,calendar,clips,scheduler,workspaces,whiteboards,ai_companion,contact_center,attendance,summaries,sign_ins', '--out', join(dir, 'out'), '--json'], sandboxEnv(sb));
      expect(res.code, res.stderr).toBe(0);
      const s = readJson<{ subjects: Subject[] }>((JSON.parse(res.stdout) as { manifest: string }).manifest).subjects[0]!;
      for (const c of ['events_tickets', 'events_registrations', 'events_attendance', 'events_session_attendance', 'visitor_invitations']) expect(s.categories[c], c).toMatchObject({ status: 'unavailable', reason: 'not_enabled' });
      // Revenue Accelerator documents only "host does not exist" (404 code 1005) for its list: no conversation of theirs.
      expect(s.categories.ra_conversations!.status).toBe('no_data');
      expect(s.categories.qm_interactions).toMatchObject({ status: 'unavailable', reason: 'not_enabled' });
    } finally {
      await sb.close();
    }
  }, 300_000);
});
