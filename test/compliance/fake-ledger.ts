import { randomUUID } from 'node:crypto';
import type { Evidence, LedgerLike, LedgerRequestLike, RequestStatus } from '../../src/compliance/store.js';

/** An in-memory stand-in with the ledger's API, for unit tests of the compliance workflow. */
export class MemoryLedger implements LedgerLike {
  readonly requests = new Map<string, LedgerRequestLike & { errors: string[]; notes: string[] }>();

  create(input: { type: 'compliance-notify'; subjects: string[]; options?: Record<string, unknown>; key?: string; receivedAt?: Date }) {
    for (const r of this.requests.values()) if (r.key === input.key) return structuredClone(r);
    const now = new Date().toISOString();
    const r = {
      request_id: `req_${randomUUID().slice(0, 8)}`,
      type: input.type,
      status: 'pending' as RequestStatus,
      created_at: now,
      received_at: (input.receivedAt ?? new Date()).toISOString(),
      due_at: now,
      options: input.options,
      evidence: [] as Evidence[],
      key: input.key,
      errors: [] as string[],
      notes: [] as string[],
    };
    this.requests.set(r.request_id, r);
    return structuredClone(r);
  }
  findByKey(key: string) {
    for (const r of this.requests.values()) if (r.key === key) return structuredClone(r);
    return undefined;
  }
  get(id: string) {
    const r = this.requests.get(id);
    return r ? structuredClone(r) : undefined;
  }
  list() {
    return [...this.requests.values()].map((r) => structuredClone(r));
  }
  setStatus(id: string, status: RequestStatus, note?: string) {
    const r = this.requests.get(id)!;
    r.status = status;
    if (note) r.notes.push(note);
  }
  recordEvidence(id: string, e: Evidence) {
    this.requests.get(id)!.evidence.push({ ...e, at: new Date().toISOString() });
  }
  recordError(id: string, e: { message: string }) {
    this.requests.get(id)!.errors.push(e.message);
  }
}
