import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { AuthError, UsageError } from './errors.js';
import { isIPv4, isIPv6 } from 'node:net';
import { Secret } from './secrets.js';

/** Zoom plans whose per-second limits zdsar schedules for (shared/zoom-api/README.md). */
export const PLANS = ['free', 'pro', 'business'] as const;
export type Plan = (typeof PLANS)[number];


function zoomUrl(name: string) {
  return z
    .string()
    .trim()
    .refine((v) => URL.canParse(v), `${name} is not a URL`)
    .refine((v) => {
      return isAllowedScheme(new URL(v));
    }, `${name} must be https (plain http is accepted only for a loopback address: 127.0.0.0/8 or [::1], not a name such as localhost)`)
    .transform((v) => v.replace(/\/+$/, ''));
}

const publicEnv = z.object({
  ZOOM_API_URL: zoomUrl('ZOOM_API_URL').default('https://api.zoom.us/v2'),
  ZOOM_OAUTH_URL: zoomUrl('ZOOM_OAUTH_URL').default('https://zoom.us'),
  ZDSAR_PLAN: z.enum(PLANS, { message: `ZDSAR_PLAN must be one of ${PLANS.join(', ')}` }).optional(),
});

export interface ZoomCredentials {
  accountId: string;
  clientId: string;
  clientSecret: Secret;
  apiUrl: string;
  oauthUrl: string;
}

/** Read a variable, or the file named by NAME_FILE (for secrets kept out of the environment). */
function fromEnvOrFile(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const direct = env[name];
  if (direct !== undefined && direct.trim() !== '') return direct.trim();
  const file = env[`${name}_FILE`];
  if (file) {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (e) {
      throw new UsageError(`${name}_FILE: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  return undefined;
}

function parsePublic(env: NodeJS.ProcessEnv) {
  const parsed = publicEnv.safeParse({
    ZOOM_API_URL: env.ZOOM_API_URL || undefined,
    ZOOM_OAUTH_URL: env.ZOOM_OAUTH_URL || undefined,
    ZDSAR_PLAN: env.ZDSAR_PLAN || undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

/** The API and OAuth bases and the credentials; a missing one is a one-line message naming it (exit 3). */
export function loadZoomCredentials(env: NodeJS.ProcessEnv): ZoomCredentials {
  const urls = parsePublic(env);
  const missing = ['ZOOM_ACCOUNT_ID', 'ZOOM_CLIENT_ID', 'ZOOM_CLIENT_SECRET'].filter((n) => !fromEnvOrFile(env, n));
  if (missing.length > 0) {
    throw new AuthError(
      `missing ${missing.join(', ')}: set ${missing.length > 1 ? 'them' : 'it'} in the environment`,
      `Set ${missing.map((n) => `${n}=…`).join(' ')} (or ${missing[0]}_FILE=path to a file holding it), from a Server-to-Server OAuth app in the Zoom App Marketplace (Account ID, Client ID, Client secret; see README). To try zdsar first: npx zdsar sandbox --write-env sandbox.env --detach && source sandbox.env`,
    );
  }
  return {
    accountId: fromEnvOrFile(env, 'ZOOM_ACCOUNT_ID')!,
    clientId: fromEnvOrFile(env, 'ZOOM_CLIENT_ID')!,
    clientSecret: new Secret(fromEnvOrFile(env, 'ZOOM_CLIENT_SECRET')!),
    apiUrl: urls.ZOOM_API_URL,
    oauthUrl: urls.ZOOM_OAUTH_URL,
  };
}

export function loadPlan(env: NodeJS.ProcessEnv, flag?: string): Plan {
  if (flag !== undefined) {
    if (!(PLANS as readonly string[]).includes(flag)) throw new UsageError(`--plan: must be one of ${PLANS.join(', ')} (got "${flag}")`);
    return flag as Plan;
  }
  return parsePublic(env).ZDSAR_PLAN ?? 'pro';
}

export function loadWebhookSecret(env: NodeJS.ProcessEnv): Secret {
  const v = fromEnvOrFile(env, 'ZOOM_WEBHOOK_SECRET_TOKEN');
  if (!v) throw new UsageError('missing ZOOM_WEBHOOK_SECRET_TOKEN: the app\'s webhook secret token is needed to verify events');
  return new Secret(v);
}

/** ZDSAR_SIGNING_KEY (or ZDSAR_SIGNING_KEY_FILE): the Ed25519 key that signs manifests; optional. */
export function loadSigningKey(env: NodeJS.ProcessEnv): Secret | undefined {
  const v = fromEnvOrFile(env, 'ZDSAR_SIGNING_KEY');
  return v ? new Secret(v) : undefined;
}

/** ZDSAR_HOME, else $XDG_DATA_HOME/zdsar, else ~/.zdsar. */
export function zdsarHome(env: NodeJS.ProcessEnv): string {
  if (env.ZDSAR_HOME) return env.ZDSAR_HOME;
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, 'zdsar');
  return join(homedir(), '.zdsar');
}

/**
 * Tuning of the HTTP client, from the environment (not flags: these are for operators and tests).
 * ZDSAR_HTTP_TIMEOUT_MS: per-request timeout (default 60 s); ZDSAR_CONNECTIONS: connections at once
 * (default 64; 1 sends one request at a time, the benchmark's baseline); ZDSAR_MAX_UNSIZED_DOWNLOAD_MB:
 * the cap on a downloaded file whose size neither Zoom's listing nor the server declares (default 4096).
 */
export type ClientTuning = { timeoutMs?: number; connections?: number; maxUnsizedDownloadBytes?: number; participantsFrom?: 'report' | 'past_meetings'; whiteboardExportWaitMs?: number };

/** A whole-number variable within [min, max], or undefined when unset; anything else is a usage error naming it. */
function envInteger(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}`);
  return n;
}

/**
 * Operators' (and tests') limits for `compliance listen`: ZDSAR_LISTEN_MAX_CONNECTIONS (default 32) and
 * ZDSAR_LISTEN_BODY_TIMEOUT_MS, the longest a delivery may take to arrive (default 10000).
 */
export function listenTuning(env: NodeJS.ProcessEnv): { maxConnections?: number; bodyTimeoutMs?: number } {
  return { maxConnections: envInteger(env, 'ZDSAR_LISTEN_MAX_CONNECTIONS', 1, 10_000), bodyTimeoutMs: envInteger(env, 'ZDSAR_LISTEN_BODY_TIMEOUT_MS', 100, 600_000) };
}

export function clientTuning(env: NodeJS.ProcessEnv): ClientTuning {
  const num = (name: string, min: number, max: number): number | undefined => envInteger(env, name, min, max);
  const mb = num('ZDSAR_MAX_UNSIZED_DOWNLOAD_MB', 1, 1_048_576);
  // How long --with-files waits for Zoom's whiteboard export per person (default 10 minutes; 0: ask once, resume later).
  const wb = num('ZDSAR_WHITEBOARD_EXPORT_WAIT_MS', 0, 86_400_000);
  return {
    ...(wb !== undefined ? { whiteboardExportWaitMs: wb } : {}),
    timeoutMs: num('ZDSAR_HTTP_TIMEOUT_MS', 100, 600_000),
    connections: num('ZDSAR_CONNECTIONS', 1, 256),
    ...(mb !== undefined ? { maxUnsizedDownloadBytes: mb * 1024 * 1024 } : {}),
    ...participantsFrom(env),
  };
}

/**
 * ZDSAR_PARTICIPANTS_FROM: where attendance rows are read, `report` (Heavy; the account needs the report
 * scopes) or `past_meetings` (Medium). Unset: each session from whichever gate has room first.
 */
function participantsFrom(env: NodeJS.ProcessEnv): Pick<ClientTuning, 'participantsFrom'> {
  const v = env.ZDSAR_PARTICIPANTS_FROM;
  if (v === undefined || v === '') return {};
  if (v !== 'report' && v !== 'past_meetings') throw new UsageError('ZDSAR_PARTICIPANTS_FROM must be report or past_meetings (or unset: chosen per meeting by the rate limits)');
  return { participantsFrom: v };
}

/**
 * The one rule for "plain http is allowed here": the URL's host is a literal loopback address,
 * 127.0.0.0/8 or ::1, parsed as an IP (so `127.attacker.example` is a name, not a loopback address).
 * "localhost" is refused on purpose: it is a name that /etc/hosts or a resolver can point anywhere,
 * and the client secret must never go over plain http to a host that is not this machine.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (isIPv4(h)) return h.split('.')[0] === '127';
  if (isIPv6(h)) return new URL(`http://[${h}]/`).hostname === '[::1]';
  return false;
}

/** https anywhere; plain http only to a loopback address (see isLoopbackHost). */
export function isAllowedScheme(u: URL): boolean {
  return u.protocol === 'https:' || (u.protocol === 'http:' && isLoopbackHost(u.hostname));
}
