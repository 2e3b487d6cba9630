import { humanTime } from '../dates.js';
import { InterruptedError, UsageError } from '../errors.js';
import { redact, type Secret } from '../secrets.js';
import {
  dataComplianceUrl,
  DataComplianceError,
  postDataCompliance,
  type DataComplianceAnswer,
  type DataComplianceCall,
} from '../zoom/endpoints/compliance.js';
import {
  complianceBody,
  dueAt,
  eventKey,
  retentionOf,
  retentionRaw,
  summarize,
  type DeauthPayload,
  type Retention,
} from './event.js';
import { REQUEST_TYPE, storeDelivery, withEventLock, type Evidence, type LedgerLike, type LedgerRequestLike } from './store.js';

/**
 * The deauthorization workflow: record a verified event in the ledger, decide what the user's
 * retention choice obliges, and send Zoom's Data Compliance notice at most once per event.
 */

export const NOTIFY_ACTION = 'data-compliance-notify';
export const RECEIVED_ACTION = 'event-received';
export const DECISION_ACTION = 'retention-decision';
export const DELETE_ACTION = 'delete-command';

export interface ComplianceCredentials {
  clientId: string;
  clientSecret: Secret;
  apiUrl: string;
}

export interface ComplianceDeps {
  ledger: LedgerLike;
  home: string;
  now: () => Date;
  signal: AbortSignal;
  /** Loaded only when a notice is actually sent (retention true needs no credentials). */
  credentials: () => ComplianceCredentials;
  post?: (call: DataComplianceCall) => Promise<DataComplianceAnswer>;
  /** Another process is sending this event's notice: this run waits for its answer (progress line). */
  onLockWait?: (holderPid: number) => void;
}

export interface VerifiedDeauthorization {
  payload: DeauthPayload;
  /** The payload object exactly as received. */
  received: Record<string, unknown>;
  /** The raw body the signature covers. */
  body: Buffer;
  signature: string;
  timestamp: string;
  timestampSeconds: number;
}

export async function recordDeauthorization(
  deps: ComplianceDeps,
  event: VerifiedDeauthorization,
): Promise<{ request: LedgerRequestLike; created: boolean }> {
  const key = eventKey(event.payload);
  const existing = await deps.ledger.findByKey(key);
  const stored = await storeDelivery(deps.home, key, event.body, { signature: event.signature, timestamp: event.timestamp });
  const request = await deps.ledger.create({
    type: REQUEST_TYPE,
    subjects: [],
    options: {
      ...summarize(event.payload),
      event_file: stored.eventFile,
      delivery: { 'x-zm-signature': stored.signature, 'x-zm-request-timestamp': stored.timestamp },
    },
    key,
    dueAt: dueAt(event.payload),
    receivedAt: new Date(event.timestampSeconds * 1000),
  });
  if (!existing) {
    await deps.ledger.recordEvidence(request.request_id, {
      action: RECEIVED_ACTION,
      target: `user ${event.payload.user_id} of account ${event.payload.account_id}`,
      request: {
        event: 'app_deauthorized',
        'x-zm-request-timestamp': event.timestamp,
        event_file: stored.eventFile,
        user_data_retention: retentionRaw(event.received),
      },
      outcome: 'verified',
    });
  }
  return { request: (await deps.ledger.get(request.request_id)) ?? request, created: !existing };
}

export type NotifyAction =
  | 'sent'
  | 'retired'
  | 'not-owed'
  | 'already-notified'
  | 'uncertain'
  | 'not-sent'
  | 'rejected'
  | 'failed'
  | 'locked';

export interface NotifyOutcome {
  action: NotifyAction;
  request_id: string;
  retention: Retention;
  user_data_retention: string;
  due_at: string;
  /** Zoom's answer, when there was one. */
  status?: number;
  response?: unknown;
  notified_at?: string;
  warnings: string[];
  message: string;
  exitCode: number;
}

/** The last notice attempt recorded for a request. */
export function lastNotice(request: LedgerRequestLike): Evidence | undefined {
  return [...(request.evidence ?? [])].reverse().find((e) => e.action === NOTIFY_ACTION);
}

/** sent/retired: done. sending/unknown: Zoom may have it. Anything else: not notified. */
export function noticeState(request: LedgerRequestLike): 'done' | 'uncertain' | 'none' {
  const last = lastNotice(request);
  if (!last) return 'none';
  if (last.outcome === 'sent' || last.outcome === 'retired') return 'done';
  if (last.outcome === 'sending' || last.outcome === 'unknown') return 'uncertain';
  return 'none';
}

export function deadlineWarnings(payload: DeauthPayload, now: Date): string[] {
  const due = dueAt(payload);
  const left = due.getTime() - now.getTime();
  const day = 24 * 60 * 60 * 1000;
  if (left < 0) {
    const days = Math.floor(-left / day);
    return [
      `the ten-day deadline passed on ${humanTime(due)} (${days === 0 ? 'less than a day' : `${days} day${days === 1 ? '' : 's'}`} ago)`,
    ];
  }
  if (left < 2 * day) {
    const hours = Math.max(1, Math.floor(left / (60 * 60 * 1000)));
    return [`the ten-day deadline is near: ${humanTime(due)} (in about ${hours} h)`];
  }
  return [];
}

export interface NotifyOptions {
  force?: boolean;
}

export async function notifyForEvent(
  deps: ComplianceDeps,
  request: LedgerRequestLike,
  event: Pick<VerifiedDeauthorization, 'payload' | 'received'>,
  options: NotifyOptions = {},
): Promise<NotifyOutcome> {
  const { payload } = event;
  const id = request.request_id;
  const retention = retentionOf(payload.user_data_retention);
  const base = {
    request_id: id,
    retention,
    user_data_retention: retentionRaw(event.received),
    due_at: dueAt(payload).toISOString(),
    warnings: [] as string[],
  };

  if (retention === 'retain') {
    const decided = request.evidence?.some((e) => e.action === DECISION_ACTION && e.outcome === 'not-owed');
    if (!decided) {
      await deps.ledger.recordEvidence(id, {
        action: DECISION_ACTION,
        target: `user ${payload.user_id} of account ${payload.account_id}`,
        request: { user_data_retention: base.user_data_retention },
        outcome: 'not-owed',
      });
      await deps.ledger.setStatus(
        id,
        'completed',
        'user_data_retention is true: the user allowed the app to keep their data; no Data Compliance notice is owed',
      );
    }
    return {
      ...base,
      action: 'not-owed',
      message: 'user_data_retention is true: the user allowed the app to keep their data; no notice is owed and nothing was sent',
      exitCode: 0,
    };
  }

  // Before the lock only a finished notice short-circuits: an attempt in flight ("sending")
  // may belong to another run holding the lock, whose answer is worth waiting for.
  const already = alreadyOutcome(request, base, options, false);
  if (already) return already;

  const creds = deps.credentials();
  if (creds.clientId !== payload.client_id) {
    throw new UsageError(
      `the event is for the app with client id ${payload.client_id}, but ZOOM_CLIENT_ID is ${creds.clientId}: nothing was sent to Zoom`,
      "Notify with that app's client id and secret (ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET).",
    );
  }
  const warnings = deadlineWarnings(payload, deps.now());
  const body = complianceBody(payload, event.received);
  const url = dataComplianceUrl(creds.apiUrl).toString();
  const post = deps.post ?? postDataCompliance;

  const result = await withEventLock(deps.home, request.key ?? eventKey(payload), async (): Promise<NotifyOutcome> => {
    // Read again under the lock: another run may have sent it meanwhile.
    const current = (await deps.ledger.get(id)) ?? request;
    const again = alreadyOutcome(current, base, options, true);
    if (again) return again;

    await deps.ledger.recordEvidence(id, {
      action: NOTIFY_ACTION,
      target: url,
      // The Authorization header is never recorded: only whose credentials were used.
      request: { method: 'POST', url, auth: `Basic (client id ${creds.clientId})`, body },
      outcome: 'sending',
    });
    await deps.ledger.setStatus(id, 'processing', 'sending the Data Compliance notice');

    let answer: DataComplianceAnswer;
    try {
      answer = await post({ origin: creds.apiUrl, clientId: creds.clientId, clientSecret: creds.clientSecret, body, signal: deps.signal });
    } catch (err) {
      const e =
        err instanceof DataComplianceError ? err : new DataComplianceError(redact((err as Error)?.message ?? String(err)), 'unknown', undefined);
      const outcome = e.sent === 'no' ? 'not-sent' : 'unknown';
      await deps.ledger.recordEvidence(id, { action: NOTIFY_ACTION, target: url, response: { error: e.message, code: e.code }, outcome });
      await deps.ledger.recordError(id, { message: e.message });
      await deps.ledger.setStatus(
        id,
        'failed',
        e.sent === 'no'
          ? 'the notice was not sent (no connection); run notify again'
          : 'no answer from Zoom: the notice may have been received; `zdsar compliance notify --force` sends it again',
      );
      if (e.aborted) throw new InterruptedError('interrupted while sending the Data Compliance notice; Zoom may have received it', 'Check `zdsar compliance status`; `zdsar compliance notify --force` sends it again.');
      return {
        ...base,
        warnings,
        action: e.sent === 'no' ? 'not-sent' : 'uncertain',
        message:
          e.sent === 'no'
            ? `${e.message}; nothing was sent, run notify again`
            : `${e.message}; Zoom may have received the notice: check before sending it again with --force`,
        exitCode: 1,
      };
    }

    const response = { status: answer.status, body: answer.body };
    const at = deps.now().toISOString();
    if (answer.status >= 200 && answer.status < 300) {
      await deps.ledger.recordEvidence(id, { action: NOTIFY_ACTION, target: url, response, outcome: 'sent' });
      await deps.ledger.setStatus(id, 'completed', `Zoom acknowledged the Data Compliance notice (HTTP ${answer.status})`);
      return { ...base, warnings, action: 'sent', status: answer.status, response: answer.body, notified_at: at, message: `Zoom acknowledged the notice (HTTP ${answer.status})`, exitCode: 0 };
    }
    if (answer.status === 404 || answer.status === 410) {
      const note = `Zoom's Data Compliance endpoint answered ${answer.status}: retired; the deletion and this attempt are recorded as evidence`;
      await deps.ledger.recordEvidence(id, { action: NOTIFY_ACTION, target: url, response, outcome: 'retired' });
      await deps.ledger.setStatus(id, 'completed', note);
      return { ...base, warnings, action: 'retired', status: answer.status, response: answer.body, notified_at: at, message: note, exitCode: 0 };
    }
    const rejected = answer.status === 401 || answer.status === 403;
    const message = rejected
      ? `Zoom refused the credentials (HTTP ${answer.status}): check ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET of the app that was deauthorized`
      : `Zoom answered HTTP ${answer.status}: the notice was not accepted; run notify again later`;
    await deps.ledger.recordEvidence(id, { action: NOTIFY_ACTION, target: url, response, outcome: rejected ? 'rejected' : 'failed' });
    await deps.ledger.recordError(id, { message });
    await deps.ledger.setStatus(id, 'failed', message);
    return { ...base, warnings, action: rejected ? 'rejected' : 'failed', status: answer.status, response: answer.body, message, exitCode: rejected ? 3 : 1 };
  }, undefined, deps.onLockWait);

  if ('locked' in result) {
    return {
      ...base,
      action: 'locked',
      message: `another zdsar process (pid ${result.by}) is still notifying Zoom for this event; nothing was sent (see zdsar compliance status)`,
      exitCode: 1,
    };
  }
  return result;
}

function alreadyOutcome(
  request: LedgerRequestLike,
  base: Omit<NotifyOutcome, 'action' | 'message' | 'exitCode'>,
  options: NotifyOptions,
  underLock: boolean,
): NotifyOutcome | null {
  if (options.force) return null;
  const state = noticeState(request);
  const last = lastNotice(request);
  if (state === 'done') {
    const status = (last?.response as { status?: number } | undefined)?.status;
    return {
      ...base,
      action: 'already-notified',
      ...(status !== undefined ? { status } : {}),
      ...(last?.at ? { notified_at: String(last.at) } : {}),
      message: `already notified${last?.at ? ` on ${String(last.at)}` : ''} (${last?.outcome}${status ? `, HTTP ${status}` : ''}); nothing was sent again (--force sends it again)`,
      exitCode: 0,
    };
  }
  if (state === 'uncertain' && underLock) {
    // Nobody holds the lock, so that attempt's run ended without recording Zoom's answer.
    return {
      ...base,
      action: 'uncertain',
      message:
        'a previous attempt got no answer from Zoom, which may have received the notice; nothing was sent (--force sends it again)',
      exitCode: 1,
    };
  }
  return null;
}
