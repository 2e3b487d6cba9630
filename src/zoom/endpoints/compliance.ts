import { Agent, errors as undiciErrors, request } from 'undici';
import { redact, type Secret } from '../../secrets.js';

/**
 * Zoom's Data Compliance API: `POST {origin}/oauth/data/compliance`, Basic auth with the app's
 * client id and secret, a JSON body; 200 means Zoom recorded the notice
 * (marketplace.zoom.us/docs/guides/publishing/data-compliance).
 *
 * One call, self-contained: its own short-lived Agent, a timeout, no redirects, and never
 * retried here. It is a POST with no idempotency key, so whether to send again is the caller's
 * decision, made from the ledger.
 */

export const DATA_COMPLIANCE_PATH = '/oauth/data/compliance';

export interface DataComplianceCall {
  /** The origin of ZOOM_API_URL, e.g. https://api.zoom.us (any path is ignored). */
  origin: string;
  clientId: string;
  clientSecret: Secret;
  body: unknown;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface DataComplianceAnswer {
  status: number;
  /** Parsed JSON when Zoom answered JSON, else the text (at most 4 KiB), else null. */
  body: unknown;
}

/**
 * A call that got no HTTP answer. `sent` says whether Zoom may have received it:
 * `no` when the connection was never made (safe to send again), `unknown` otherwise.
 */
export class DataComplianceError extends Error {
  constructor(
    message: string,
    readonly sent: 'no' | 'unknown',
    readonly code: string | undefined,
    readonly aborted = false,
  ) {
    super(redact(message));
    this.name = 'DataComplianceError';
  }
}

const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export function dataComplianceUrl(origin: string): URL {
  const base = new URL(origin);
  return new URL(DATA_COMPLIANCE_PATH, base.origin);
}

export async function postDataCompliance(call: DataComplianceCall): Promise<DataComplianceAnswer> {
  const url = dataComplianceUrl(call.origin);
  const timeout = call.timeoutMs ?? 30_000;
  const dispatcher = new Agent({
    connectTimeout: Math.min(timeout, 10_000),
    headersTimeout: timeout,
    bodyTimeout: timeout,
    keepAliveTimeout: 1,
    pipelining: 0,
  });
  const credentials = Buffer.from(`${call.clientId}:${call.clientSecret.reveal()}`, 'utf8').toString('base64');
  try {
    const res = await request(url, {
      method: 'POST',
      dispatcher,
      signal: call.signal,
      headers: {
        authorization: `Basic ${credentials}`,
        'content-type': 'application/json',
        accept: 'application/json',
        'user-agent': 'zdsar',
      },
      body: JSON.stringify(call.body),
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: parseBody(text, res.headers['content-type']) };
  } catch (err) {
    throw toError(err, call.signal);
  } finally {
    await dispatcher.close().catch(() => undefined);
  }
}

function parseBody(text: string, contentType: string | string[] | undefined): unknown {
  if (text === '') return null;
  const type = Array.isArray(contentType) ? contentType[0] : contentType;
  if (type?.includes('json') || /^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      // fall through: keep the text
    }
  }
  return redact(text.length > 4096 ? `${text.slice(0, 4096)}…` : text);
}

function toError(err: unknown, signal: AbortSignal | undefined): DataComplianceError {
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  if (signal?.aborted || e?.name === 'AbortError' || err instanceof undiciErrors.RequestAbortedError) {
    return new DataComplianceError('the Data Compliance call was interrupted', 'unknown', 'ABORTED', true);
  }
  const code = e?.code ?? e?.cause?.code;
  const detail = e?.cause?.message ?? e?.message ?? String(err);
  if (code && NOT_CONNECTED.has(code)) {
    return new DataComplianceError(`could not connect to Zoom's Data Compliance endpoint: ${detail}`, 'no', code);
  }
  return new DataComplianceError(`the Data Compliance call failed with no answer: ${detail}`, 'unknown', code);
}
