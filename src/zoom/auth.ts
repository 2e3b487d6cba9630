import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import type { ZoomCredentials } from '../config.js';
import { AuthError } from '../errors.js';
import { redact, rememberSecret } from '../secrets.js';
import type { Logger } from '../run-context.js';
import { ZoomConnectionError } from './errors.js';

const tokenAnswer = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive(),
  scope: z.string().optional(),
  api_url: z.string().optional(),
});

/** The OAuth server refused the app's credentials (exit 3). */
export class ZoomCredentialsError extends AuthError {}

interface Held {
  token: string;
  expiresAt: number;
  scopes: string[];
}

/**
 * Server-to-Server OAuth (account_credentials): one token, reused while valid, renewed a
 * minute before expiry or when Zoom answers 401/124. Concurrent callers share one renewal.
 */
export class TokenProvider {
  private held: Held | undefined;
  private inflight: Promise<Held> | undefined;
  renewals = 0;

  constructor(
    private readonly creds: ZoomCredentials,
    private readonly opts: { dispatcher?: Dispatcher; signal?: AbortSignal; timeoutMs?: number; logger?: Logger; now?: () => number; earlyRenewMs?: number } = {},
  ) {}

  private now(): number {
    return this.opts.now?.() ?? Date.now();
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

  /**
   * Zoom said `token` is invalid. Forget it if it is still the current one; returns false if another
   * request already replaced it (so the caller just retries with the new one).
   */
  invalidate(token: string): boolean {
    if (this.held?.token !== token) return false;
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
    let lastError: unknown;
    for (let attempt = 0; attempt < 4; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
      let res: Dispatcher.ResponseData;
      let text: string;
      try {
        res = await request(url, {
          method: 'POST',
          headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
          dispatcher: this.opts.dispatcher,
          signal: this.opts.signal,
          headersTimeout: this.opts.timeoutMs ?? 30_000,
          bodyTimeout: this.opts.timeoutMs ?? 30_000,
        });
        // A connection cut mid-answer is a network error like any other: ask again.
        text = await res.body.text();
      } catch (e) {
        if (this.opts.signal?.aborted) throw e;
        lastError = e;
        this.opts.logger?.debug(`token request failed (${(e as Error).message}); retrying`);
        continue;
      }
      if (res.statusCode >= 500 || res.statusCode === 429) {
        lastError = new Error(`OAuth server answered ${res.statusCode}`);
        continue;
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      if (res.statusCode !== 200) {
        const body = (json ?? {}) as { reason?: string; error?: string };
        throw new ZoomCredentialsError(
          redact(`Zoom refused the app's credentials (${res.statusCode} ${body.error ?? ''}${body.reason ? `: ${body.reason}` : ''})`),
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
      this.held = held;
      this.opts.logger?.debug(`got an access token valid for ${parsed.data.expires_in}s`);
      return held;
    }
    // No answer at all is a connection problem (exit 1), not refused credentials (exit 3).
    const cause = lastError as (Error & { code?: string; cause?: { code?: string } }) | undefined;
    throw new ZoomConnectionError(`could not reach Zoom's OAuth server at ${this.creds.oauthUrl}: ${cause?.message ?? 'unknown error'}`, 'POST', '/oauth/token', cause?.code ?? cause?.cause?.code);
  }
}
