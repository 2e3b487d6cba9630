/** The sandbox's Data & Privacy requests, over raw HTTP: the spec's limits, states and errors. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { api, call, token } from '../sandbox/helpers.js';
import { dataRequestSandbox } from './helpers.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const start_date = '2025-01-01T00:00:00Z';
const end_date = '2025-02-01T00:00:00Z';

describe('sandbox /data_requests', () => {
  it('validates the POST as the spec says, one request id per email, one in process at a time', async () => {
    const e = await dataRequestSandbox(12, { dataRequestDelayMs: 60_000 });
    sb = e.sb;
    const dr = api(sb, await token(sb));
    const post = (body: unknown) => dr('/data_requests/requests', { method: 'POST', body });
    expect((await post({ request_type: 'EXPORT', emails: e.emails.slice(0, 11), start_date, end_date })).json).toMatchObject({ code: 200 });
    expect((await post({ request_type: 'EXPORT', emails: ['not-an-email'], start_date, end_date })).json).toMatchObject({ code: 300 });
    expect((await post({ request_type: 'EXPORT', emails: [e.emails[0]], start_date: end_date, end_date })).status).toBe(400);
    expect((await post({ request_type: 'EXPORT', emails: [e.emails[0]] })).status).toBe(400);
    const unknown = await post({ request_type: 'DELETE', emails: [e.emails[0], 'x@nowhere.example'] });
    expect(unknown.status).toBe(400);
    expect(unknown.json.code).toBe(14111);
    expect(unknown.json.message).toContain('x@nowhere.example');
    const ok = await post({ request_type: 'EXPORT', emails: e.emails.slice(0, 3), start_date, end_date });
    expect(ok.status).toBe(201);
    expect(ok.json.data.map((d: { email: string }) => d.email)).toEqual(e.emails.slice(0, 3));
    expect(new Set(ok.json.data.map((d: { request_id: string }) => d.request_id)).size).toBe(3);
    const busy = await post({ request_type: 'DELETE', emails: [e.emails[5]] });
    expect(busy.status).toBe(409);
    expect(busy.json.code).toBe(14114);
    // Not ready: 14103; the history says Pending or Processing.
    const files = await dr(`/data_requests/requests/${ok.json.data[0].request_id}`);
    expect(files.status).toBe(404);
    expect(files.json.code).toBe(14103);
    const hist = await dr('/data_requests/requests?page_size=2');
    expect(hist.json.total_records).toBe(3);
    expect(hist.json.records).toHaveLength(2);
    expect(hist.json.next_page_token).not.toBe('');
    expect(['Pending', 'Processing']).toContain(hist.json.records[0].state);
    // An export cannot be canceled.
    expect((await dr(`/data_requests/requests/${ok.json.data[0].request_id}`, { method: 'DELETE' })).json.code).toBe(14105);
  });

  it('serves the zip through a five-minute single-use link; cancels a deletion within 30 minutes only', async () => {
    const e = await dataRequestSandbox(3, { dataRequestDelayMs: 0 });
    sb = e.sb;
    const dr = api(sb, await token(sb));
    const ok = await dr('/data_requests/requests', { method: 'POST', body: { request_type: 'EXPORT', emails: [e.emails[0]], start_date, end_date } });
    const id = ok.json.data[0].request_id;
    const files = await dr(`/data_requests/requests/${id}`);
    expect(files.status).toBe(200);
    expect(files.json).toMatchObject({ total_records: 1, request_type: 'EXPORT' });
    const f = files.json.file_records[0];
    const link = (await dr(`/data_requests/files/${f.file_id}/url`)).json.download_url as string;
    const first = await call(link);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('application/zip');
    expect(String(first.text.length > 0)).toBe('true');
    expect((await call(link)).status).toBe(403); // used once
    const link2 = (await dr(`/data_requests/files/${f.file_id}/url`)).json.download_url as string;
    e.advance(5 * 60_000 + 1);
    expect((await call(link2)).status).toBe(403); // expired
    // Deletions: revocable for 30 minutes, then 422 code 14106.
    const del = await dr('/data_requests/requests', { method: 'POST', body: { request_type: 'DELETE', emails: [e.emails[1]] } });
    const delId = del.json.data[0].request_id;
    expect((await dr(`/data_requests/requests/${delId}`, { method: 'DELETE' })).status).toBe(204);
    expect(sb.dataRequests.stateOf(delId)).toBe('Canceled');
    const del2 = await dr('/data_requests/requests', { method: 'POST', body: { request_type: 'DELETE', emails: [e.emails[2]] } });
    e.advance(30 * 60_000);
    const late = await dr(`/data_requests/requests/${del2.json.data[0].request_id}`, { method: 'DELETE' });
    expect(late.status).toBe(422);
    expect(late.json.code).toBe(14106);
    expect((await dr('/data_requests/requests/999', { method: 'DELETE' })).status).toBe(404);
  });

  it('checks the granular scopes', async () => {
    const e = await dataRequestSandbox(2);
    sb = e.sb;
    sb.account.scopes = sb.account.scopes.filter((s) => !s.startsWith('data_request:'));
    const r = await api(sb, await token(sb))('/data_requests/requests');
    expect(r.status).toBe(400);
    expect(r.json.code).toBe(4711);
  });
});
