import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { generateAccount, startSandbox, DATA_REQUEST_SCOPES, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { GENERATED_SCOPES } from '../../src/sandbox/generate.js';
import { Secret } from '../../src/secrets.js';
import type { Logger } from '../../src/ui/logger.js';
import { ZoomClient } from '../../src/zoom/client.js';
import type { Clock } from '../../src/zoom/retry.js';

/** A sandbox with `users` account users (user00000@bigcorp.example …) and the data request scopes, plus a movable clock. */
export async function dataRequestSandbox(users: number, opts: SandboxOptions = {}): Promise<{ sb: Sandbox; emails: string[]; advance: (ms: number) => void }> {
  let offset = 0;
  const account = generateAccount({ seed: 11, users, meetingsPerUser: 2, callsPerUser: 0, recordingEveryDays: 0, registrationShare: 0, scopes: [...GENERATED_SCOPES, ...DATA_REQUEST_SCOPES] });
  const sb = await startSandbox({ account, rateLimits: false, dataRequestDelayMs: 150, clock: () => Date.now() + offset, onWarning: () => {}, ...opts });
  return { sb, emails: account.users.map((u) => u.email.toLowerCase()), advance: (ms) => void (offset += ms) };
}

export function clientFor(sb: Sandbox, clock?: Clock): ZoomClient {
  return new ZoomClient({
    clock,
    credentials: { accountId: sb.credentials.accountId, clientId: sb.credentials.clientId, clientSecret: new Secret(sb.credentials.clientSecret), apiUrl: sb.apiUrl, oauthUrl: sb.oauthUrl },
    plan: 'business',
    maxRetries: 2,
  });
}

export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, debug: (m) => void lines.push(`debug: ${m}`), info: (m) => void lines.push(m), warn: (m) => void lines.push(`warning: ${m}`) };
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** The POSTs to /data_requests/requests the sandbox received, with their statuses. */
export function posts(sb: Sandbox): number[] {
  return sb.log.filter((e) => e.method === 'POST' && e.path === '/v2/data_requests/requests').map((e) => e.status);
}
