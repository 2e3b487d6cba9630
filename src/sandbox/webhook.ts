/**
 * Webhooks as Zoom sends them: x-zm-request-timestamp (seconds) and
 * x-zm-signature = "v0=" + HEX(HMAC-SHA256(secret token, "v0:{timestamp}:{raw body}")).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { request } from 'undici';
import type { SandboxAccount } from './model.js';

export interface DeauthorizationPayload {
  account_id: string;
  user_id: string;
  signature: string;
  deauthorization_time: string;
  client_id: string;
  user_data_retention?: string | boolean | null;
}

export type RetentionOption = 'true' | 'false' | true | false | null | 'absent';

export interface EmitOptions {
  /** The three shapes Zoom has sent: the string "true"/"false" (older), null (2025), absent (current schema). Booleans are sent as JSON booleans. Default "false". */
  userDataRetention?: RetentionOption;
  /** Override the timestamp header (seconds since epoch), e.g. to send a stale event. */
  timestamp?: number;
  /** Sign with another secret (a forged event). */
  secret?: string;
  /** Extra headers. */
  headers?: Record<string, string>;
}

export function signWebhook(secret: string, timestamp: string, rawBody: string): string {
  return 'v0=' + createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex');
}

export function deauthorizationEvent(account: SandboxAccount, now: number, payload: Partial<DeauthorizationPayload> = {}, retention: RetentionOption = 'false'): Record<string, unknown> {
  const admin = account.users.find((u) => u.role_id === '0') ?? account.users.find((u) => u.role_id === '1') ?? account.users[0];
  const p: Record<string, unknown> = {
    account_id: account.id,
    user_id: admin?.id ?? '',
    signature: randomBytes(32).toString('hex'),
    deauthorization_time: new Date(now).toISOString(),
    client_id: account.credentials.clientId,
  };
  if (retention !== 'absent') p.user_data_retention = retention;
  Object.assign(p, payload);
  return { event: 'app_deauthorized', event_ts: now, payload: p };
}

export async function emitSigned(url: string, event: unknown, secret: string, now: number, opts: EmitOptions = {}): Promise<{ status: number; body: string; headers: Record<string, string> }> {
  const raw = JSON.stringify(event);
  const ts = String(opts.timestamp ?? Math.floor(now / 1000));
  const sentHeaders: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': 'Zoom Marketplace/1.0a',
    'x-zm-request-timestamp': ts,
    'x-zm-signature': signWebhook(opts.secret ?? secret, ts, raw),
    'x-zm-trackingid': `Webhook_${randomBytes(12).toString('hex')}`,
    ...(opts.headers ?? {}),
  };
  const res = await request(url, { method: 'POST', headers: sentHeaders, body: raw });
  const body = await res.body.text();
  return { status: res.statusCode, body, headers: sentHeaders };
}
