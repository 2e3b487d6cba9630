/**
 * Server-to-Server OAuth (POST /oauth/token) and the Data Compliance API (POST /oauth/data/compliance).
 * Neither is in the OpenAPI documents; shapes follow /work/shared/zoom-api/README.md and Zoom's
 * OAuth error table (developers.zoom.us/docs/integrations/oauth-error-messages).
 */
import { timingSafeEqual } from 'node:crypto';
import { json, OAuthError, randomToken, type Reply, type RouteCtx, type RouteDef } from '../core.js';

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Basic credentials from the Authorization header, or undefined. */
export function basicAuth(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header) return undefined;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  return { id: decoded.slice(0, i), secret: decoded.slice(i + 1) };
}

function credentialsOk(c: RouteCtx): boolean {
  const b = basicAuth(c.req.headers.authorization);
  const cred = c.state.account.credentials;
  return Boolean(b && safeEqual(b.id, cred.clientId) && safeEqual(b.secret, cred.clientSecret));
}

function tokenHandler(c: RouteCtx): Reply {
  // Zoom takes grant_type and account_id in the query string or a form body.
  const params = new URLSearchParams(c.query);
  const ct = String(c.req.headers['content-type'] ?? '');
  if (c.rawBody && c.rawBody.length > 0 && ct.includes('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(c.rawBody.toString('utf8'))) if (!params.has(k)) params.set(k, v);
  }
  const b = basicAuth(c.req.headers.authorization);
  if (!b) throw new OAuthError(400, 'invalid_request', 'Client ID or client secret is missing.');
  if (!credentialsOk(c)) throw new OAuthError(401, 'invalid_client', 'Invalid client_id or client_secret');
  const grant = params.get('grant_type');
  if (!grant) throw new OAuthError(400, 'invalid_request', 'Missing grant type.');
  if (grant !== 'account_credentials') throw new OAuthError(400, 'unsupported_grant_type', 'Unsupported grant type');
  const accountId = params.get('account_id');
  if (!accountId) throw new OAuthError(400, 'invalid_request', 'Missing account_id.');
  if (accountId !== c.state.account.id) throw new OAuthError(400, 'invalid_client', 'Invalid account_id.');
  const token = `sbx.${randomToken(48)}`;
  c.state.tokenCount++;
  const scopes = [...c.state.account.scopes];
  c.state.tokens.set(token, { id: `tok-${c.state.tokenCount}`, expiresAt: c.now + c.state.opts.tokenTtlSeconds * 1000, scopes, revoked: false });
  return json(
    {
      access_token: token,
      token_type: 'bearer',
      expires_in: c.state.opts.tokenTtlSeconds,
      scope: scopes.join(' '),
      api_url: c.state.origin,
    },
    200,
    { 'cache-control': 'no-store', pragma: 'no-cache' },
  );
}

function complianceHandler(c: RouteCtx): Reply {
  const ok = credentialsOk(c);
  const record = (status: number) => c.state.complianceCalls.push({ headersAuthOk: ok, body: c.body ?? (c.rawBody?.toString('utf8') || undefined), at: new Date(c.now).toISOString(), status });
  const mode = c.state.account.quirks.complianceEndpoint;
  if (mode === 'not_found') {
    record(404);
    return json({ code: 404, message: 'Not Found' }, 404);
  }
  if (mode === 'gone') {
    record(410);
    return json({ code: 410, message: 'The Data Compliance API has been retired.' }, 410);
  }
  if (!ok) {
    record(401);
    throw new OAuthError(401, 'invalid_client', 'Invalid client_id or client_secret');
  }
  const body = c.body as Record<string, unknown> | undefined;
  const acct = c.state.account;
  const problems: string[] = [];
  if (!body || typeof body !== 'object' || Array.isArray(body)) problems.push('body must be a JSON object');
  else {
    if (body.client_id !== acct.credentials.clientId) problems.push('client_id');
    if (typeof body.user_id !== 'string' || body.user_id === '') problems.push('user_id');
    if (body.account_id !== acct.id) problems.push('account_id');
    const ev = body.deauthorization_event_received;
    if (!ev || typeof ev !== 'object' || Array.isArray(ev)) problems.push('deauthorization_event_received');
    if (body.compliance_completed !== true) problems.push('compliance_completed');
  }
  if (problems.length > 0) {
    record(400);
    return json({ code: 300, message: 'Validation Failed.', errors: problems.map((field) => ({ field, message: 'Invalid field.' })) }, 400);
  }
  record(200);
  return { status: 200, body: '' };
}

export const oauthRoutes: RouteDef[] = [
  { method: 'POST', path: '/oauth/token', category: null, area: 'oauth', auth: 'none', handler: tokenHandler },
  { method: 'POST', path: '/oauth/data/compliance', category: null, area: 'compliance', auth: 'none', handler: complianceHandler },
];
