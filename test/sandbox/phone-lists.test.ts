/**
 * The Zoom Phone lists (declarations in src/sandbox/routes/phone.ts, one handler) keep the window rule each
 * spec operation states in its `from` parameter: the six-month limit only where the text says "within the
 * last six months", and the default window ("within the 24 hours", "from the past 30 days"). Over sockets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { loadSpec } from '../helpers/specs.js';
import { api, call, token, type Res } from './helpers.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-01T12:34:56Z');
const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const LISTS = [
  '/phone/users/{userId}/call_history',
  '/phone/users/{userId}/call_logs',
  '/phone/users/{userId}/recordings',
  '/phone/users/{userId}/voice_mails',
  '/phone/users/{userId}/sms/sessions',
  '/phone/call_history',
  '/phone/recordings',
  '/phone/voice_mails',
  '/phone/sms/sessions',
];

/** The `from` parameter's text of a list's operation. */
const fromText = (template: string): string => (loadSpec('phone.openapi.json').paths[template].get.parameters as Array<{ name: string; description: string }>).find((p) => p.name === 'from')!.description;

describe('Zoom Phone lists: the window rules of their spec operations', () => {
  let sb: Sandbox;
  let get: (path: string) => Promise<Res>;
  let path: (template: string) => string;

  beforeAll(async () => {
    sb = await startSandbox({ seed: 7, clock: () => NOW, rateLimits: false, onWarning: () => {} });
    get = api(sb, await token(sb));
    const u = sb.account.users.find((x) => x.phone)!;
    path = (template) => template.replace('{userId}', u.id);
  });
  afterAll(() => sb?.close());

  it('a start more than six months ago is refused (quirk "error") exactly where the spec limits the window to the last six months', async () => {
    sb.account.quirks.phoneOlderThanSixMonths = 'error';
    const limited: string[] = [];
    for (const t of LISTS) {
      const r = await get(`${path(t)}?from=${ymd(NOW - 200 * DAY)}&to=${ymd(NOW - 185 * DAY)}`);
      const says = /within the last six months/i.test(fromText(t));
      expect([r.status, r.status === 400 ? r.json.code : undefined], `${t}: ${r.text.slice(0, 160)}`).toEqual(says ? [400, 300] : [200, undefined]);
      if (says) limited.push(t);
    }
    // Both kinds are present: the account's recordings and both SMS lists state no six-month limit.
    expect(limited).not.toContain('/phone/recordings');
    expect(limited).toContain('/phone/voice_mails');
  });

  it("the account's recordings older than six months: served by default (the spec as written), refused with 400 code 300 under quirk 'error'; recent months served either way", async () => {
    const old = `/phone/recordings?from=${ymd(NOW - 300 * DAY)}&to=${ymd(NOW - 271 * DAY)}`;
    const recent = `/phone/recordings?from=${ymd(NOW - 30 * DAY)}&to=${ymd(NOW)}`;
    expect(sb.account.quirks.accountRecordingsOlderThanSixMonths).toBe('served');
    expect((await get(old)).status).toBe(200);
    sb.account.quirks.accountRecordingsOlderThanSixMonths = 'error';
    try {
      const r = await get(old);
      expect([r.status, r.json.code]).toEqual([400, 300]);
      // The message is the one the spec documents for code 300 at this operation (it names no six months).
      const doc = (loadSpec('phone.openapi.json').paths['/phone/recordings'].get.responses['400'] as { description: string }).description;
      expect(doc).toContain(String(r.json.message).split('.')[0]);
      expect((await get(recent)).status).toBe(200);
    } finally {
      sb.account.quirks.accountRecordingsOlderThanSixMonths = 'served';
    }
  });

  it('without `from`, the window is the last 24 hours or the last 30 days, as each operation says', async () => {
    const checked: string[] = [];
    for (const t of LISTS) {
      const r = await get(path(t));
      expect(r.status, t).toBe(200);
      if (!('from' in r.json)) continue; // the SMS lists and the account's recordings do not echo their window
      const text = fromText(t);
      const days = /within the 24 hours/.test(text) ? 1 : /past 30 days/.test(text) ? 30 : undefined;
      expect(days, `${t}: ${text}`).toBeDefined();
      expect([r.json.from, r.json.to], t).toEqual([ymd(NOW - days! * DAY), ymd(NOW)]);
      checked.push(t);
    }
    expect(checked).toContain('/phone/users/{userId}/call_logs');
    expect(checked).toContain('/phone/users/{userId}/voice_mails');
  });

  it('an MMS picture is served by its signed link; a tampered link, or one of another kind, is 404 code 404', async () => {
    const [id, texts] = Object.entries(sb.account.breadth!.sms).find(([, ms]) => ms.some((m) => m.attachments))!;
    const mms = (await get(`/phone/sms/sessions/${id}?from=${texts[1]!.date_time.slice(0, 10)}&to=${texts[1]!.date_time.slice(0, 10)}`)).json.sms_histories.find((m: any) => m.attachments);
    const url: string = mms.attachments[0].download_url;
    const ok = await call(url);
    expect([ok.status, ok.headers['content-type'], ok.text.length]).toEqual([200, 'image/jpeg', mms.attachments[0].size]);
    const tampered = await call(url.slice(0, -1) + (url.endsWith('A') ? 'B' : 'A'));
    expect([tampered.status, tampered.json?.code]).toEqual([404, 404]);
    // The same signed token on the chat files' route: signed, but not a chat file.
    const chat = await get(`/chat/files/download/${url.split('/').pop()}`);
    expect([chat.status, chat.json?.code]).toEqual([404, 404]);
  });
});
