import { UsageError } from '../errors.js';
import type { Regime } from './deadlines.js';
import type { IdentityState } from './identity.js';

export type { Regime } from './deadlines.js';

export type RequestType = 'export' | 'registrants-erase' | 'compliance-notify' | 'zoom-delete';
export const REQUEST_TYPES: readonly RequestType[] = ['export', 'registrants-erase', 'compliance-notify', 'zoom-delete'];

export type RequestStatus = 'pending' | 'processing' | 'interrupted' | 'completed' | 'partial' | 'failed' | 'canceled';
/**
 * Statuses in which the request is still being worked on, or was stopped before it finished
 * (interrupted: Ctrl-C, or a run whose process is gone; `zdsar requests resume` continues it).
 */
export const OPEN_STATUSES: readonly RequestStatus[] = ['pending', 'processing', 'interrupted'];
/** Request types whose runs hold the run lease (Ledger.holdRun): processing without a live holder means interrupted. */
export const LEASED_TYPES: readonly RequestType[] = ['export', 'registrants-erase'];
/** Statuses that end a run (completed_at is set). */
export const FINISHED_STATUSES: readonly RequestStatus[] = ['completed', 'partial', 'failed'];

export interface NewRequest {
  type: RequestType;
  /** Emails (trimmed and lowercased here), or a person with further identifiers. Positions are kept: subject #1 is subjects[0]. May be []. */
  subjects: Array<string | { email: string; other_emails?: string[]; phones?: string[] }>;
  /** Default: the OS user. */
  requester?: string;
  /** The requester's own reference (their ticket or letter number). */
  reference?: string;
  /** When the request arrived; default now. */
  receivedAt?: Date;
  /** A deadline set by something other than the data-subject laws (e.g. Zoom's ten days for a deauthorization notice). */
  dueAt?: Date;
  /** Default gdpr. */
  regime?: Regime;
  range?: { from?: string; to?: string };
  /** The package folder, if any (deleted by purge). */
  outDir?: string;
  /** Command options needed to resume. Keys that look like secrets are dropped. */
  options?: Record<string, unknown>;
  /** Idempotency key: create() with a key already used returns that request. */
  key?: string;
  /** The creation time; default now (as extend and purge take `now`: tests inject it instead of sleeping). */
  now?: Date;
}

export type ProgressStatus = 'done' | 'failed' | 'skipped' | 'in_progress';

export interface Progress {
  status: ProgressStatus;
  records?: number;
  file?: string;
  error?: string;
  at: string;
  checkpoint?: unknown;
}

export interface Evidence {
  at: string;
  action: string;
  subject?: number;
  target?: string;
  request?: unknown;
  response?: unknown;
  outcome: string;
}

export interface LedgerError {
  at: string;
  subject?: number;
  category?: string;
  message: string;
}

export interface Subject {
  /** 1-based position in the request: "#1" is the first person. */
  index: number;
  /** Removed when the request is purged. */
  email?: string;
  /** HMAC-SHA-256 of the address, keyed with ZDSAR_HOME/ledger/salt; set when the address is removed. */
  email_hash?: string;
  /** Further addresses of the person (issue 28); removed when the request is purged. */
  other_emails?: string[];
  /** The person's phone numbers, E.164 (issue 28); removed when the request is purged. */
  phones?: string[];
  status?: string;
}

export interface HistoryEntry {
  at: string;
  action: 'created' | 'status' | 'extended' | 'purged' | IdentityHistoryAction;
  status?: RequestStatus;
  note?: string;
}

/** History entries of the identity gate (identity.ts). */
export type IdentityHistoryAction = 'identity_verified' | 'identity_check_skipped' | 'release_refused';

export interface LedgerRequest {
  request_id: string;
  type: RequestType;
  status: RequestStatus;
  created_at: string;
  received_at: string;
  due_at: string;
  acknowledge_by?: string;
  extended: boolean;
  /** The legal due date before the extension (set when extended). */
  original_due_at?: string;
  regime: Regime;
  requester: string;
  reference?: string;
  subjects: Subject[];
  range?: { from?: string; to?: string };
  out_dir?: string;
  options?: Record<string, unknown>;
  key?: string;
  /** Per subject index (as a string; "0" = the request as a whole), per category. */
  progress: Record<string, Record<string, Progress>>;
  evidence: Evidence[];
  errors: LedgerError[];
  /** Status changes, the extension and the purge, with notes. */
  history: HistoryEntry[];
  /** Identity verification before release (identity.ts): the latest verification or skip, and each refusal. */
  identity?: IdentityState;
  purged_at?: string;
  completed_at?: string;
  canceled_at?: string;
}

export type ProgressInput = Omit<Progress, 'at'>;
export type EvidenceInput = Omit<Evidence, 'at'>;
export type ErrorInput = Omit<LedgerError, 'at'>;

export interface PurgeResult {
  request_id: string;
  /** Paths deleted (or, with dryRun, that would be). */
  removed: string[];
  /** Addresses replaced by salted hashes. */
  hashed: number;
  /** Why nothing was done, when nothing was. */
  skipped?: string;
}

/** A step was attempted on a canceled request: it does nothing more. Exit 2. */
export class RequestCanceledError extends UsageError {
  constructor(readonly requestId: string) {
    super(`request ${requestId} was canceled: it does nothing more`);
  }
}
