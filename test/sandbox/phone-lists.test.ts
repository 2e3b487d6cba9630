/**
 * The Zoom Phone lists (declarations in src/sandbox/routes/phone.ts, one handler) keep the window rule each
 * spec operation states in its `from` parameter: the six-month limit only where the text says "within the
 * last six months", and the default window ("within the 24 hours", "from the past 30 days"). Over sockets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { loadSpec } from '../helpers/specs.js';
import { api, token, type Res } from './helpers.js';

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
});
