import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { Secret } from '../../src/secrets.js';
import { ZoomClient } from '../../src/zoom/client.js';
import { ZoomApiError } from '../../src/zoom/errors.js';
import { listItems } from '../../src/zoom/paginate.js';
import { route } from '../../src/zoom/route.js';
import { json, scriptedServer } from '../helpers/scripted-server.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/**
 * A list served by offset tokens whose next_page_token "6" expires once; `change` edits the list at
 * that moment (records added or removed while the walk was away).
 */
async function expiringList(change: (list: Array<{ id?: string; n: number }>) => void, idless: number[] = []) {
  const list: Array<{ id?: string; n: number }> = Array.from({ length: 8 }, (_, i) => (idless.includes(i) ? { n: i } : { id: `m${i}`, n: i }));
  let expired = false;
  const srv = await scriptedServer((req, res) => {
    if (req.path === '/oauth/token') return json(res, 200, { access_token: 'tok', expires_in: 3599 });
    const size = Number(req.query.get('page_size'));
    const start = Number(req.query.get('next_page_token') || 0);
    if (start === 6 && !expired) {
      expired = true;
      change(list);
      return json(res, 400, { code: 300, message: 'The next page token is invalid or expired.' });
    }
    const next = start + size < list.length ? String(start + size) : '';
    return json(res, 200, { page_size: size, total_records: list.length, next_page_token: next, meetings: list.slice(start, start + size) });
  });
  close = srv.close;
  const client = new ZoomClient({
    credentials: { accountId: 'acc', clientId: 'cid', clientSecret: new Secret('s3cret-value-xyz'), apiUrl: `${srv.url}/v2`, oauthUrl: srv.url },
    plan: 'business',
    dispatcher: new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 }),
    timeoutMs: 2000,
  });
  return { client, r: route('GET', '/users/{userId}/meetings', { userId: 'u' }) };
}

async function walk(client: ZoomClient, r: ReturnType<typeof route>, idOf?: (m: { id?: string }) => string | undefined): Promise<number[]> {
  const got: number[] = [];
  try {
    for await (const m of listItems<{ id?: string; n: number }>(client, r, {}, { key: 'meetings', pageSize: 3, idOf })) got.push(m.n);
  } finally {
    await client.close();
  }
  return got;
}

describe('listItems: a page token that expires mid-walk', () => {
  it('restarts after the last item it yielded, found by id, when records came and went before it', async () => {
    // Newest first: a record arrives at the front and one already yielded is deleted.
    const { client, r } = await expiringList((list) => {
      list.unshift({ id: 'new', n: 100 });
      list.splice(list.findIndex((m) => m.id === 'm1'), 1);
    });
    expect(await walk(client, r, (m) => m.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('items without an id after the last one with an id are skipped by count', async () => {
    const { client, r } = await expiringList((list) => list.unshift({ id: 'new', n: 100 }), [4, 5]);
    expect(await walk(client, r, (m) => m.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('fails with the expired token rather than guess when the last item it yielded is gone', async () => {
    const { client, r } = await expiringList((list) => {
      list.splice(list.findIndex((m) => m.id === 'm5'), 1);
    });
    const err = await walk(client, r, (m) => m.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZoomApiError);
    expect((err as ZoomApiError).status).toBe(400);
  });

  it('without ids, skips as many items as it yielded', async () => {
    const { client, r } = await expiringList(() => {});
    expect(await walk(client, r)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
