import { redact } from '../secrets.js';
import type { RateCategory } from './categories.generated.js';

/** Zoom's documented error codes that change what zdsar does. */
export const ZOOM_CODE = {
  invalidToken: 124,
  invalidField: 300,
  userNotFound: 1001,
  meetingNotFound: 3001,
  noScope: 4711,
  noPermission: 4700,
} as const;

export interface ZoomErrorInit {
  status: number;
  code?: number;
  message: string;
  method: string;
  path: string;
  /** The spec's path template, e.g. /users/{userId}/meetings: how scopes are looked up. */
  template?: string;
  category?: RateCategory;
  body?: unknown;
}

/** An HTTP answer from Zoom that was not a success: status, Zoom's code and message, and the request (no secrets). */
export class ZoomApiError extends Error {
  readonly status: number;
  readonly code: number | undefined;
  readonly zoomMessage: string;
  readonly method: string;
  readonly path: string;
  readonly template: string | undefined;
  readonly category: RateCategory | undefined;
  readonly body: unknown;
  constructor(init: ZoomErrorInit) {
    const codePart = init.code !== undefined ? ` (code ${init.code})` : '';
    super(redact(`Zoom answered ${init.status}${codePart} to ${init.method} ${init.path}: ${init.message}`));
    this.name = new.target.name;
    this.status = init.status;
    this.code = init.code;
    this.zoomMessage = redact(init.message);
    this.method = init.method;
    this.path = redact(init.path);
    this.template = init.template;
    this.category = init.category;
    this.body = init.body;
  }

  /** Zoom says the token lacks a scope this endpoint needs: a failure, never "no data". */
  get isMissingScope(): boolean {
    return this.code === ZOOM_CODE.noScope || this.code === ZOOM_CODE.noPermission || /scope/i.test(this.zoomMessage);
  }
}

export class ZoomNotFoundError extends ZoomApiError {}
export class ZoomAuthError extends ZoomApiError {}

/** 429. kind 'daily' means: stop this category until retryAt; do not retry soon. */
export class ZoomRateLimitError extends ZoomApiError {
  constructor(
    init: ZoomErrorInit,
    readonly kind: 'qps' | 'daily',
    readonly retryAt: Date | undefined,
  ) {
    super(init);
  }
}

/** The request never got an HTTP answer: reset, refused, timeout, DNS. */
export class ZoomConnectionError extends Error {
  constructor(
    message: string,
    readonly method: string,
    readonly path: string,
    readonly causeCode?: string,
  ) {
    super(redact(`${method} ${path}: ${message}`));
    this.name = 'ZoomConnectionError';
  }
}

export function zoomError(init: ZoomErrorInit, headers: Record<string, string | string[] | undefined>): ZoomApiError {
  if (init.status === 429) {
    const type = String(headers['x-ratelimit-type'] ?? '').toLowerCase();
    const daily = type.includes('daily') || /daily/i.test(init.message);
    return new ZoomRateLimitError(init, daily ? 'daily' : 'qps', parseRetryAfter(headers['retry-after']));
  }
  if (init.status === 401 || (init.status === 403 && init.code !== undefined && (init.code === ZOOM_CODE.noScope || init.code === ZOOM_CODE.noPermission))) {
    return new ZoomAuthError(init);
  }
  if (init.status === 404) return new ZoomNotFoundError(init);
  return new ZoomApiError(init);
}

/** Retry-After as seconds ("120") or as a date ("2020-05-31T00:00:00Z" or an HTTP-date). */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): Date | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return new Date(now + Number(v) * 1000);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t);
}
