import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import type { ZoomCredentials } from '../config.js';
import { redact, rememberSecret } from '../secrets.js';
import type { Logger } from '../run-context.js';
import { ZoomConnectionError, ZoomCredentialsError, trackingIdOf, zoomError } from './errors.js';
import { RetryPolicy, netCode } from './retry.js';

const tokenAnswer = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive(),
  scope: z.string().optional(),
  api_url: z.string().optional(),
});

export { ZoomCredentialsError };

/** The token request's retries: fewer than an API call's, since every command waits for it first. */
const TOKEN_RETRIES = 3;

interface Held {
  token: string;
  expiresAt: number;
  scopes: string[];
  /** Zoom answered a request sent with it. */
  answered?: boolean;
}

/**
 * Server-to-Server OAuth (account_credentials): one token, reused while valid, renewed a
 * minute before expiry or when Zoom answers 401/124. Concurrent callers share one renewal.
 */
export class TokenProvider {
  private held: Held | undefined;
  /** The last tokens Zoom rejected, newest first (a request may still hold one): whether each had worked. */
  private replaced: Held[] = [];
  private inflight: Promise<Held> | undefined;
  renewals = 0;

  constructor(
    private readonly creds: ZoomCredentials,
    private readonly opts: { dispatcher?: Dispatcher; signal?: AbortSignal; timeoutMs?: number; logger?: Logger; retry?: RetryPolicy; earlyRenewMs?: number } = {},
  ) {
    this.retry = (opts.retry ?? new RetryPolicy()).with({ maxRetries: TOKEN_RETRIES });
  }

  private readonly retry: RetryPolicy;

  private now(): number {
    return this.retry.clock.now();
  }

  async token(): Promise<string> {
    const h = this.held;
    if (h && h.expiresAt - (this.opts.earlyRenewMs ?? 60_000) > this.now()) return h.token;
    return (await this.renew()).token;
  }

  async scopes(): Promise<string[]> {
    await this.token();
    return this.held?.scopes ?? [];
  }

  /** Zoom answered a request sent with `token` (anything but 401): the credentials work. */
  answered(token: string): void {
    const h = this.find(token);
    if (h) h.answered = true;
  }

  /** Whether Zoom ever answered a request sent with `token` (the current token or one of the last few it replaced). */
  wasAnswered(token: string): boolean {
    return this.find(token)?.answered === true;
  }

  private find(token: string): Held | undefined {
    return this.held?.token === token ? this.held : this.replaced.find((h) => h.token === token);
  }

  /**
   * Zoom said `token` is invalid. Forget it if it is still the current one; returns false if another
   * request already replaced it (so the caller just retries with the new one).
   */
  invalidate(token: string): boolean {
    if (this.held?.token !== token) return false;
    this.replaced = [this.held, ...this.replaced.slice(0, 15)];
    this.held = undefined;
    return true;
  }

  private renew(): Promise<Held> {
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async fetchToken(): Promise<Held> {
    const url = new URL(`${this.creds.oauthUrl}/oauth/token`);
    url.searchParams.set('grant_type', 'account_credentials');
    url.searchParams.set('account_id', this.creds.accountId);
    const basic = Buffer.from(`${this.creds.clientId}:${this.creds.clientSecret.reveal()}`).toString('base64');
    rememberSecret(basic);
    const retry = this.retry;
    const signal = this.opts.signal;
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      let res: Dispatcher.ResponseData;
      let text: string;
      let cut = false;
      try {
        res = await request(url, {
          method: 'POST',
          headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
          dispatcher: this.opts.dispatcher,
          signal,
          headersTimeout: this.opts.timeoutMs ?? 30_000,
          bodyTimeout: this.opts.timeoutMs ?? 30_000,
        });
        try {
          text = await res.body.text();
        } catch (e) {
          cut = true;
          throw e;
        }
      } catch (e) {
        if (signal?.aborted) throw signal.reason ?? e;
        // Asking for a token again changes nothing at Zoom: repeatable whatever went wrong.
        const code = netCode(e);
        const d = retry.decide('POST', cut ? { kind: 'cut' } : { kind: 'network', code }, attempt, true);
        if (d.retry) {
          this.opts.logger?.debug(`token request failed (${code ?? (e as Error).message}); retrying in ${d.waitMs} ms`);
          await retry.sleep(d.waitMs, signal);
          continue;
        }
        throw new ZoomConnectionError({ server: 'oauth', url, code, detail: (e as Error).message, cut });
      }
      if (res.statusCode === 429 || res.statusCode >= 500) {
        const d = retry.decide('POST', { kind: 'status', status: res.statusCode, retryAfter: res.headers['retry-after'] }, attempt, true);
        if (d.retry) {
          this.opts.logger?.debug(`the OAuth server answered ${res.statusCode}; retrying in ${d.waitMs} ms`);
          await retry.sleep(d.waitMs, signal);
          continue;
        }
        const body = parseJson(text) as { reason?: unknown; error?: unknown; message?: unknown } | undefined;
        const why = [body?.error, body?.reason, body?.message].filter((x) => typeof x === 'string' && x).join(': ');
        throw zoomError({ status: res.statusCode, message: why || `the OAuth server answered ${res.statusCode}`, method: 'POST', path: '/oauth/token', body }, res.headers as Record<string, string | string[] | undefined>, retry.clock.now());
      }
      const json = parseJson(text);
      if (res.statusCode !== 200) {
        const body = (json ?? {}) as { reason?: string; error?: string };
        const tracking = trackingIdOf(res.headers as Record<string, string | string[] | undefined>);
        throw new ZoomCredentialsError(
          redact(`Zoom refused the app's credentials (${res.statusCode} ${body.error ?? ''}${body.reason ? `: ${body.reason}` : ''})${tracking ? ` (Zoom tracking id ${tracking})` : ''}`),
          'Check ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET against the Server-to-Server OAuth app in the Zoom App Marketplace, and that the app is activated.',
        );
      }
      const parsed = tokenAnswer.safeParse(json);
      if (!parsed.success) throw new ZoomCredentialsError('the OAuth server sent an answer without an access token');
      rememberSecret(parsed.data.access_token);
      this.renewals++;
      const held: Held = {
        token: parsed.data.access_token,
        expiresAt: this.now() + parsed.data.expires_in * 1000,
        scopes: (parsed.data.scope ?? '').split(/\s+/).filter(Boolean),
      };
      if (this.held) this.replaced = [this.held, ...this.replaced.slice(0, 15)];
      this.held = held;
      this.opts.logger?.debug(`got an access token valid for ${parsed.data.expires_in}s`);
      return held;
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
