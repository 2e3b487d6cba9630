import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { complianceBody, dueAt, eventKey, retentionOf, retentionRaw } from '../../src/compliance/event.js';
import { exitCodeOf, signZoomEvent, urlValidationAnswer, verifyZoomEvent } from '../../src/compliance/verify.js';
import { Secret } from '../../src/secrets.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'events');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));
const SECRET = 'zdsar-fixture-secret-token';
const secret = new Secret(SECRET);
const NOW = new Date('2024-06-10T06:13:20Z'); // = 1718000000
const TS = '1718000000';

function check(body: Buffer | string, over: Partial<Parameters<typeof verifyZoomEvent>[0]> = {}) {
  return verifyZoomEvent({ body, signature: signZoomEvent(SECRET, TS, body), timestamp: TS, secret, now: NOW, ...over });
}

describe('signature scheme', () => {
  it('matches an independent test vector (openssl dgst -sha256 -hmac, fixtures/events/README.md)', () => {
    expect(signZoomEvent(SECRET, TS, fixture('retention-false.json'))).toBe(
      'v0=9b65898a37ccc3330aab48d246775719fce0af78feddae13410b4deb92ecc626',
    );
    expect(signZoomEvent(secret, 1718000000, fixture('retention-absent.json'))).toBe(
      'v0=6c09983b713984a5eef19437608ee6eba904f548874e0e511e4528192b7b86d4',
    );
    expect(urlValidationAnswer(secret, 'qgg8vlvZRS6UYooatFL8Aw')).toEqual({
      plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
      encryptedToken: '67391455727511c3a7fb992739ee6241d69b839d2a6216d045e46d1911c0e7a0',
    });
  });
});

describe('verifyZoomEvent', () => {
  for (const name of ['retention-false.json', 'retention-true.json', 'retention-null.json', 'retention-absent.json']) {
    it(`accepts an authentic, fresh ${name}`, () => {
      const r = check(fixture(name));
      expect(r).toMatchObject({ verdict: 'ok', authentic: true, fresh: true, reason: null });
      expect(r.event?.event).toBe('app_deauthorized');
      expect(r.deauth?.payload.user_id).toBeTruthy();
      expect(exitCodeOf(r.verdict)).toBe(0);
    });
  }

  it('accepts other verified events without a deauthorization payload', () => {
    const r = check(fixture('meeting-started.json'));
    expect(r.verdict).toBe('ok');
    expect(r.deauth).toBeNull();
  });

  it('rejects a tampered body as forged (exit 1)', () => {
    const body = fixture('retention-false.json');
    const sig = signZoomEvent(SECRET, TS, body);
    const tampered = Buffer.from(body.toString().replace('"false"', '"true"'));
    const r = verifyZoomEvent({ body: tampered, signature: sig, timestamp: TS, secret, now: NOW });
    expect(r).toMatchObject({ verdict: 'forged', authentic: false, event: null });
    expect(r.reason).toMatch(/signature does not match/);
    expect(exitCodeOf(r.verdict)).toBe(1);
  });

  it('rejects a signature made with another secret', () => {
    const body = fixture('retention-false.json');
    const r = verifyZoomEvent({ body, signature: signZoomEvent('another-secret', TS, body), timestamp: TS, secret, now: NOW });
    expect(r.verdict).toBe('forged');
  });

  it('rejects a signature made for another timestamp', () => {
    const body = fixture('retention-false.json');
    const r = verifyZoomEvent({ body, signature: signZoomEvent(SECRET, '1718000001', body), timestamp: TS, secret, now: NOW });
    expect(r.verdict).toBe('forged');
  });

  it('rejects a signature that is not v0=<64 hex>', () => {
    for (const signature of ['garbage', 'v1=' + 'a'.repeat(64), 'v0=' + 'a'.repeat(63), 'v0=' + 'g'.repeat(64)]) {
      expect(check(fixture('retention-false.json'), { signature }).verdict).toBe('forged');
    }
  });

  it('accepts upper-case hex and surrounding whitespace in the headers', () => {
    const body = fixture('retention-false.json');
    const sig = signZoomEvent(SECRET, TS, body);
    const r = verifyZoomEvent({ body, signature: ` v0=${sig.slice(3).toUpperCase()} `, timestamp: ` ${TS}\n`, secret, now: NOW });
    expect(r.verdict).toBe('ok');
  });

  it('rejects a stale timestamp with the default tolerance of 300 s, and honours a wider one', () => {
    const body = fixture('retention-false.json');
    const late = new Date(NOW.getTime() + 301_000);
    const r = check(body, { now: late });
    expect(r).toMatchObject({ verdict: 'stale', authentic: true, fresh: false, ageSeconds: 301 });
    expect(r.reason).toMatch(/301 s old.*300 s/);
    expect(exitCodeOf(r.verdict)).toBe(1);
    expect(check(body, { now: new Date(NOW.getTime() + 300_000) }).verdict).toBe('ok');
    expect(check(body, { now: late, toleranceSeconds: 600 }).verdict).toBe('ok');
    expect(check(body, { now: new Date(NOW.getTime() + 11_000), toleranceSeconds: 10 }).verdict).toBe('stale');
  });

  it('rejects a timestamp from the future beyond the tolerance', () => {
    const r = check(fixture('retention-false.json'), { now: new Date(NOW.getTime() - 600_000) });
    expect(r.verdict).toBe('stale');
    expect(r.reason).toMatch(/in the future/);
  });

  it('treats a 13-digit timestamp as milliseconds', () => {
    const body = fixture('retention-false.json');
    const ms = '1718000000123';
    const r = verifyZoomEvent({ body, signature: signZoomEvent(SECRET, ms, body), timestamp: ms, secret, now: NOW });
    expect(r.verdict).toBe('ok');
  });

  it('rejects missing headers as malformed input (exit 2)', () => {
    const body = fixture('retention-false.json');
    const a = check(body, { signature: undefined });
    expect(a).toMatchObject({ verdict: 'malformed', authentic: false });
    expect(a.reason).toMatch(/missing x-zm-signature/);
    const b = check(body, { timestamp: '' });
    expect(b.reason).toMatch(/missing x-zm-request-timestamp/);
    const c = check(body, { signature: '', timestamp: undefined });
    expect(c.reason).toMatch(/x-zm-signature.*and x-zm-request-timestamp/);
    expect(check(body, { timestamp: '17e8' }).verdict).toBe('malformed');
    expect(exitCodeOf('malformed')).toBe(2);
  });

  it('rejects an authentic body that is not JSON, or not an event, as malformed', () => {
    const notJson = check('{"event":"app_deauthorized",');
    expect(notJson).toMatchObject({ verdict: 'malformed', authentic: true, fresh: true });
    expect(notJson.reason).toMatch(/not JSON/);
    expect(check('[1,2]').reason).toMatch(/not a Zoom event/);
    const noUser = check(JSON.stringify({ event: 'app_deauthorized', payload: { account_id: 'a', client_id: 'c', deauthorization_time: '2024-01-01T00:00:00Z' } }));
    expect(noUser.verdict).toBe('malformed');
    expect(noUser.reason).toMatch(/payload\.user_id/);
    const badRetention = check(
      JSON.stringify({ event: 'app_deauthorized', payload: { account_id: 'a', user_id: 'u', client_id: 'c', deauthorization_time: '2024-01-01T00:00:00Z', user_data_retention: 'maybe' } }),
    );
    expect(badRetention.reason).toMatch(/user_data_retention/);
  });

  it('a forged body that is also not JSON is reported as forged (authenticity first)', () => {
    const r = check('not json', { signature: signZoomEvent('other', TS, 'not json') });
    expect(r.verdict).toBe('forged');
  });

  it('accepts a body saved with a trailing newline when the signature covers it without', () => {
    const body = fixture('retention-false.json');
    const sig = signZoomEvent(SECRET, TS, body);
    const r = verifyZoomEvent({ body: Buffer.concat([body, Buffer.from('\n')]), signature: sig, timestamp: TS, secret, now: NOW });
    expect(r.verdict).toBe('ok');
    expect(r.note).toMatch(/trailing newline/);
    expect(r.body.equals(body)).toBe(true);
  });

  it('keeps unknown fields of the event and the payload exactly as received', () => {
    const body = JSON.stringify({
      event: 'app_deauthorized',
      extra_top: { a: 1 },
      payload: { account_id: 'a', user_id: 'u', client_id: 'c', deauthorization_time: '2024-01-01T00:00:00Z', new_field: [1, 'x'], user_data_retention: null },
    });
    const r = check(body);
    expect(r.verdict).toBe('ok');
    expect((r.event as Record<string, unknown>).extra_top).toEqual({ a: 1 });
    expect(r.deauth?.received).toEqual(JSON.parse(body).payload);
  });

  it('property: whatever the body, secret and time, a signed body verifies and any changed byte does not', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.string({ minLength: 6, maxLength: 40 }),
        fc.integer({ min: 1_000_000_000, max: 4_000_000_000 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (bytes, key, ts, pos, flip) => {
          const body = Buffer.from(bytes);
          const s = new Secret(key);
          const sig = signZoomEvent(s, ts, body);
          const now = new Date(ts * 1000);
          const ok = verifyZoomEvent({ body, signature: sig, timestamp: String(ts), secret: s, now });
          expect(ok.authentic).toBe(true);
          const changed = Buffer.from(body);
          const i = pos % changed.length;
          changed[i] = changed[i]! ^ flip;
          const bad = verifyZoomEvent({ body: changed, signature: sig, timestamp: String(ts), secret: s, now });
          // The one accepted change: dropping a trailing newline an editor added is not a change in content.
          if (!(i === changed.length - 1 && (changed[i] === 0x0a || changed[i] === 0x0d))) expect(bad.authentic).toBe(false);
        },
      ),
    );
  });

  it('the signature is HMAC-SHA256 over "v0:{timestamp}:{body}" keyed with the secret token', () => {
    const body = '{"event":"x","payload":{}}';
    const expected = 'v0=' + createHmac('sha256', SECRET).update(`v0:${TS}:${body}`).digest('hex');
    expect(signZoomEvent(SECRET, TS, body)).toBe(expected);
  });
});

describe('user_data_retention in every shape', () => {
  it.each([
    ['false', 'delete'],
    ['FALSE', 'delete'],
    [false, 'delete'],
    ['true', 'retain'],
    ['TRUE', 'retain'],
    [true, 'retain'],
    [null, 'unspecified'],
    [undefined, 'unspecified'],
  ] as const)('%s → %s', (value, expected) => {
    expect(retentionOf(value)).toBe(expected);
  });

  it('describes how the field looked', () => {
    expect(retentionRaw({ user_data_retention: 'false' })).toBe('string "false"');
    expect(retentionRaw({ user_data_retention: true })).toBe('boolean true');
    expect(retentionRaw({ user_data_retention: null })).toBe('null');
    expect(retentionRaw({})).toBe('absent');
  });
});

describe('the Data Compliance body', () => {
  it("is Zoom's documented shape, echoing the payload as received", () => {
    const received = JSON.parse(fixture('retention-false.json').toString()).payload;
    const r = check(fixture('retention-false.json'));
    expect(complianceBody(r.deauth!.payload, r.deauth!.received)).toEqual({
      client_id: 'ABcDefGHIj12A',
      user_id: 'a8yCxjayaSiw02igC8p8l0',
      account_id: 'abcdEfghIJklMn00',
      deauthorization_event_received: received,
      compliance_completed: true,
    });
  });

  it('leaves user_data_retention out when Zoom left it out, and null when Zoom sent null', () => {
    const absent = check(fixture('retention-absent.json')).deauth!;
    expect(Object.hasOwn(complianceBody(absent.payload, absent.received).deauthorization_event_received, 'user_data_retention')).toBe(false);
    const nul = check(fixture('retention-null.json')).deauth!;
    expect(complianceBody(nul.payload, nul.received).deauthorization_event_received.user_data_retention).toBeNull();
  });

  it('the event key names the deauthorization, not the delivery; the deadline is ten days', () => {
    const a = check(fixture('retention-false.json')).deauth!.payload;
    const b = { ...a, event_ts: 5 };
    expect(eventKey(a)).toBe(eventKey(b));
    expect(eventKey(a)).not.toBe(eventKey({ ...a, user_id: 'other' }));
    expect(dueAt(a).toISOString()).toBe('2024-06-20T06:13:20.000Z');
  });
});
