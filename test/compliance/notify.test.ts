import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notifyForEvent, recordDeauthorization, type ComplianceDeps, type VerifiedDeauthorization } from '../../src/compliance/notify.js';
import { complianceStatus } from '../../src/compliance/status.js';
import { signZoomEvent, verifyZoomEvent } from '../../src/compliance/verify.js';
import { Secret } from '../../src/secrets.js';
import { DataComplianceError, type DataComplianceCall } from '../../src/zoom/endpoints/compliance.js';
import { Ledger } from '../../src/ledger/index.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'events');
const SECRET = new Secret('zdsar-fixture-secret-token');
const CLIENT_SECRET = 'unit-test-client-secret-value';

function delivery(name: string, mutate?: (payload: Record<string, unknown>) => void): VerifiedDeauthorization {
  let body = readFileSync(join(FIXTURES, name));
  if (mutate) {
    const json = JSON.parse(body.toString());
    mutate(json.payload);
    body = Buffer.from(JSON.stringify(json));
  }
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = signZoomEvent(SECRET, ts, body);
  const r = verifyZoomEvent({ body, signature, timestamp: ts, secret: SECRET, now: new Date() });
  expect(r.verdict).toBe('ok');
  return { ...r.deauth!, body: r.body, signature, timestamp: ts, timestampSeconds: r.timestampSeconds! };
}

/** Deauthorized an hour ago, so no deadline warning unless a test wants one. */
function recent(p: Record<string, unknown>) {
  p.deauthorization_time = new Date(Date.now() - 3600_000).toISOString();
}

let home: string;
let ledger: Ledger;
let calls: DataComplianceCall[];
let answer: () => Promise<{ status: number; body: unknown }>;
let deps: ComplianceDeps;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'zdsar-notify-'));
  ledger = Ledger.open(home);
  calls = [];
  answer = async () => ({ status: 200, body: null });
  deps = {
    ledger,
    home,
    now: () => new Date(),
    signal: new AbortController().signal,
    credentials: () => ({ clientId: 'ABcDefGHIj12A', clientSecret: new Secret(CLIENT_SECRET), apiUrl: 'https://api.zoom.test/v2' }),
    post: async (call) => {
      calls.push(call);
      return answer();
    },
  };
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

async function run(d: VerifiedDeauthorization, force = false) {
  const { request } = await recordDeauthorization(deps, d);
  return notifyForEvent(deps, request, d, { force });
}

describe('notify', () => {
  it('sends the documented body once; a second run sends nothing', async () => {
    const d = delivery('retention-false.json', recent);
    const first = await run(d);
    expect(first).toMatchObject({ action: 'sent', status: 200, exitCode: 0, retention: 'delete' });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.origin).toBe('https://api.zoom.test/v2');
    expect(calls[0]!.body).toEqual({
      client_id: 'ABcDefGHIj12A',
      user_id: 'a8yCxjayaSiw02igC8p8l0',
      account_id: 'abcdEfghIJklMn00',
      deauthorization_event_received: d.received,
      compliance_completed: true,
    });
    const second = await run(d);
    expect(second).toMatchObject({ action: 'already-notified', exitCode: 0 });
    expect(calls).toHaveLength(1);
    const forced = await run(d, true);
    expect(forced.action).toBe('sent');
    expect(calls).toHaveLength(2);

    const [req] = await ledger.list();
    expect(req!.status).toBe('completed');
    expect(req!.evidence.map((e) => `${e.action}:${e.outcome}`)).toEqual([
      'event-received:verified',
      'data-compliance-notify:sending',
      'data-compliance-notify:sent',
      'data-compliance-notify:sending',
      'data-compliance-notify:sent',
    ]);
    expect(JSON.stringify(await ledger.list())).not.toContain(CLIENT_SECRET);
    expect(JSON.stringify(await ledger.list())).not.toContain('zdsar-fixture-secret-token');
  });

  it('keeps the raw body (0600) and the headers that authenticate it', async () => {
    const d = delivery('retention-false.json', recent);
    await run(d);
    const [req] = await ledger.list();
    const file = String(req!.options!.event_file);
    expect(readFileSync(file).equals(d.body)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(req!.options).toMatchObject({ account_id: 'abcdEfghIJklMn00', retention: 'delete', user_data_retention: 'string "false"' });
  });

  it('retention true (string or boolean): records that nothing is owed and sends nothing', async () => {
    expect(await run(delivery('retention-true.json', recent))).toMatchObject({ action: 'not-owed', exitCode: 0 });
    expect(
      await run(
        delivery('retention-true.json', (p) => {
          recent(p);
          p.user_data_retention = true;
          p.user_id = 'boolean-true-user';
        }),
      ),
    ).toMatchObject({ action: 'not-owed' });
    expect(calls).toHaveLength(0);
    expect((await ledger.list()).every((r) => r.status === 'completed')).toBe(true);
    // No credentials are needed for that.
    deps.credentials = () => {
      throw new Error('credentials must not be loaded');
    };
    expect((await run(delivery('retention-true.json', recent))).action).toBe('not-owed');
  });

  it.each(['retention-null.json', 'retention-absent.json'])('%s: the obligation is to delete; the notice is sent', async (name) => {
    const out = await run(delivery(name, recent));
    expect(out).toMatchObject({ action: 'sent', retention: 'unspecified' });
    expect(calls).toHaveLength(1);
  });

  it.each([404, 410])('a %s from the endpoint is recorded as retired, not a failure', async (status) => {
    answer = async () => ({ status, body: { code: status, message: 'Not Found' } });
    const d = delivery('retention-absent.json', recent);
    expect(await run(d)).toMatchObject({ action: 'retired', status, exitCode: 0 });
    expect((await ledger.list())[0]!.status).toBe('completed');
    expect((await run(d)).action).toBe('already-notified');
    expect(calls).toHaveLength(1);
    expect(complianceStatus(await ledger.list(), new Date())).toMatchObject({ received: 1, retired: 1, pending: 0, overdue: 0 });
  });

  it('401 is exit 3; a 500 fails and may be sent again', async () => {
    answer = async () => ({ status: 401, body: { reason: 'Invalid client_id or client_secret', error: 'invalid_client' } });
    const d = delivery('retention-false.json', recent);
    expect(await run(d)).toMatchObject({ action: 'rejected', exitCode: 3 });
    answer = async () => ({ status: 500, body: 'oops' });
    expect(await run(d)).toMatchObject({ action: 'failed', exitCode: 1 });
    expect((await ledger.list())[0]!.status).toBe('failed');
    answer = async () => ({ status: 200, body: null });
    expect((await run(d)).action).toBe('sent');
    expect(calls).toHaveLength(3);
  });

  it('no answer at all: Zoom may have it, so a rerun needs --force; no connection: a rerun is fine', async () => {
    const d = delivery('retention-false.json', recent);
    answer = async () => {
      throw new DataComplianceError('socket hang up', 'unknown', 'UND_ERR_SOCKET');
    };
    expect(await run(d)).toMatchObject({ action: 'uncertain', exitCode: 1 });
    expect(await run(d)).toMatchObject({ action: 'uncertain', exitCode: 1 });
    expect(calls).toHaveLength(1);
    answer = async () => {
      throw new DataComplianceError('connect ECONNREFUSED', 'no', 'ECONNREFUSED');
    };
    expect(await run(d, true)).toMatchObject({ action: 'not-sent', exitCode: 1 });
    answer = async () => ({ status: 200, body: null });
    expect((await run(d)).action).toBe('sent');
    expect(calls).toHaveLength(3);
  });

  it('refuses to notify for another app than ZOOM_CLIENT_ID', async () => {
    const d = delivery('retention-false.json', (p) => {
      recent(p);
      p.client_id = 'SomeOtherApp';
    });
    await expect(run(d)).rejects.toThrow(/client id SomeOtherApp.*nothing was sent/);
    expect(calls).toHaveLength(0);
  });

  it('warns when the ten-day deadline is near or past', async () => {
    const near = await run(
      delivery('retention-false.json', (p) => {
        p.deauthorization_time = new Date(Date.now() - 9 * 86400_000).toISOString();
      }),
    );
    expect(near.warnings.join()).toMatch(/deadline is near/);
    const past = await run(
      delivery('retention-false.json', (p) => {
        p.user_id = 'late-user';
        p.deauthorization_time = new Date(Date.now() - 12 * 86400_000).toISOString();
      }),
    );
    expect(past.warnings.join()).toMatch(/deadline passed .*2 days ago/);
    expect(past.action).toBe('sent');
  });

  it('status: received, notified, pending, overdue', async () => {
    await run(delivery('retention-false.json', recent));
    await recordDeauthorization(deps, delivery('retention-null.json', recent));
    await recordDeauthorization(
      deps,
      delivery('retention-absent.json', (p) => {
        p.deauthorization_time = new Date(Date.now() - 11 * 86400_000).toISOString();
      }),
    );
    await run(delivery('retention-true.json', recent));
    const s = complianceStatus(await ledger.list(), new Date());
    expect(s).toMatchObject({ received: 4, notified: 1, not_owed: 1, pending: 1, overdue: 1, retired: 0 });
  });
});
