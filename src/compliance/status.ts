import { DEADLINE_MS } from './event.js';
import { DECISION_ACTION, DELETE_ACTION, lastNotice, noticeState } from './notify.js';
import { REQUEST_TYPE, type LedgerRequestLike } from './store.js';

/**
 * `zdsar compliance status`: every deauthorization the ledger holds, and where each stands
 * against Zoom's ten-day deadline (ten days after deauthorization_time).
 */

export type ComplianceState =
  /** Zoom acknowledged the notice. */
  | 'notified'
  /** The notice was sent and Zoom's endpoint answered 404/410: recorded as retired. */
  | 'retired'
  /** user_data_retention true: nothing owed. */
  | 'not-owed'
  /** Owed and not done, still within ten days. */
  | 'pending'
  /** Owed and not done, past the ten days. */
  | 'overdue';

export interface ComplianceRow {
  request_id: string;
  state: ComplianceState;
  account_id: string;
  user_id: string;
  client_id: string;
  deauthorization_time: string;
  due_at: string;
  retention: string;
  received_at: string | null;
  /** The last notice attempt's outcome (sent, retired, failed, unknown, …) or null. */
  last_notice: string | null;
  last_notice_status: number | null;
  /** The --on-deauthorize command's last outcome, or null. */
  deletion: string | null;
  ledger_status: string;
}

export interface ComplianceSummary {
  received: number;
  notified: number;
  retired: number;
  not_owed: number;
  pending: number;
  overdue: number;
  events: ComplianceRow[];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

export function complianceRow(req: LedgerRequestLike, now: Date): ComplianceRow {
  const o = req.options ?? {};
  const deauthTime = str(o.deauthorized_at ?? o.deauthorization_time);
  let dueMs = Date.parse(deauthTime) + DEADLINE_MS;
  if (Number.isNaN(dueMs)) dueMs = Date.parse(str(o.compliance_due_at));
  const due = Number.isNaN(dueMs) ? '' : new Date(dueMs).toISOString();
  const last = lastNotice(req);
  const notice = noticeState(req);
  const decided = req.evidence?.some((e) => e.action === DECISION_ACTION && e.outcome === 'not-owed');
  const deletion = [...(req.evidence ?? [])].reverse().find((e) => e.action === DELETE_ACTION);
  let state: ComplianceState;
  if (str(o.retention) === 'retain' || decided) state = 'not-owed';
  else if (notice === 'done') state = last?.outcome === 'retired' ? 'retired' : 'notified';
  else state = !Number.isNaN(dueMs) && now.getTime() > dueMs ? 'overdue' : 'pending';
  const status = (last?.response as { status?: unknown } | undefined)?.status;
  return {
    request_id: req.request_id,
    state,
    account_id: str(o.account_id),
    user_id: str(o.user_id),
    client_id: str(o.client_id),
    deauthorization_time: deauthTime,
    due_at: due,
    retention: str(o.retention),
    received_at: req.received_at ?? null,
    last_notice: last?.outcome ?? null,
    last_notice_status: typeof status === 'number' ? status : null,
    deletion: deletion?.outcome ?? null,
    ledger_status: str(req.status),
  };
}

export function complianceStatus(requests: LedgerRequestLike[], now: Date): ComplianceSummary {
  const events = requests
    .filter((r) => r.type === REQUEST_TYPE)
    .map((r) => complianceRow(r, now))
    .sort((a, b) => Date.parse(b.deauthorization_time) - Date.parse(a.deauthorization_time));
  const count = (s: ComplianceState) => events.filter((e) => e.state === s).length;
  return {
    received: events.length,
    notified: count('notified'),
    retired: count('retired'),
    not_owed: count('not-owed'),
    pending: count('pending'),
    overdue: count('overdue'),
    events,
  };
}
