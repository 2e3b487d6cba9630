import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/secrets.js';
import { DataComplianceError, dataComplianceUrl, postDataCompliance } from '../../src/zoom/endpoints/compliance.js';
import { startFakeZoom } from './fake-zoom.js';

const SECRET = 'endpoint-test-client-secret';
let zoom: Awaited<ReturnType<typeof startFakeZoom>>;
beforeEach(async () => {
  zoom = await startFakeZoom();
});
afterEach(() => zoom.close());

describe('postDataCompliance', () => {
  it('posts JSON with Basic auth to {origin of ZOOM_API_URL}/oauth/data/compliance', async () => {
    zoom.answer(200, { ok: true });
    const body = { client_id: 'cid', user_id: 'u', account_id: 'a', deauthorization_event_received: { x: 1 }, compliance_completed: true };
    const res = await postDataCompliance({ origin: zoom.apiUrl, clientId: 'cid', clientSecret: new Secret(SECRET), body });
    expect(res).toEqual({ status: 200, body: { ok: true } });
    expect(zoom.calls).toHaveLength(1);
    const call = zoom.calls[0]!;
    expect(call.headers.authorization).toBe(`Basic ${Buffer.from(`cid:${SECRET}`).toString('base64')}`);
    expect(call.headers['content-type']).toBe('application/json');
    expect(JSON.parse(call.body)).toEqual(body);
    expect(zoom.unexpected).toEqual([]);
  });

  it('returns 404/410 and other statuses as answers (no throw, no retry)', async () => {
    zoom.answer(404, { code: 404, message: 'Not Found' });
    expect(await postDataCompliance({ origin: zoom.origin, clientId: 'c', clientSecret: new Secret(SECRET), body: {} })).toEqual({
      status: 404,
      body: { code: 404, message: 'Not Found' },
    });
    zoom.answer(503, null);
    expect((await postDataCompliance({ origin: zoom.origin, clientId: 'c', clientSecret: new Secret(SECRET), body: {} })).status).toBe(503);
    expect(zoom.calls).toHaveLength(2);
  });

  it('a refused connection is "not sent"; an answer that never comes is "unknown"', async () => {
    const closed = zoom.origin;
    await zoom.close();
    const err = await postDataCompliance({ origin: closed, clientId: 'c', clientSecret: new Secret(SECRET), body: {} }).catch((e) => e);
    expect(err).toBeInstanceOf(DataComplianceError);
    expect(err.sent).toBe('no');
    expect(String(err.message)).not.toContain(SECRET);

    // A server that accepts and never answers.
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const hung = await postDataCompliance({
      origin: `http://127.0.0.1:${port}`,
      clientId: 'c',
      clientSecret: new Secret(SECRET),
      body: {},
      timeoutMs: 200,
    }).catch((e) => e);
    silent.close();
    expect(hung).toBeInstanceOf(DataComplianceError);
    expect(hung.sent).toBe('unknown');
    zoom = await startFakeZoom();
  });

  it('an aborted call is reported as interrupted', async () => {
    const ac = new AbortController();
    ac.abort(new Error('SIGINT'));
    const err = await postDataCompliance({ origin: zoom.origin, clientId: 'c', clientSecret: new Secret(SECRET), body: {}, signal: ac.signal }).catch((e) => e);
    expect(err).toBeInstanceOf(DataComplianceError);
    expect(err.aborted).toBe(true);
  });

  it('uses only the origin of ZOOM_API_URL', () => {
    expect(dataComplianceUrl('https://api.zoom.us/v2').toString()).toBe('https://api.zoom.us/oauth/data/compliance');
    expect(dataComplianceUrl('http://127.0.0.1:9/v2/').toString()).toBe('http://127.0.0.1:9/oauth/data/compliance');
  });
});
