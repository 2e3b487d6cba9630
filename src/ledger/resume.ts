/**
 * `zdsar requests resume <id>`: each request type's engine continues its own requests.
 * An engine registers a resumer with registerResumer(), or is listed in LAZY so that
 * resuming loads only the module it needs.
 */
import type { CommandContext } from '../commands/context.js';
import { UsageError } from '../errors.js';
import type { LedgerRequest, RequestType } from './types.js';

/** Continue `request` into its own output folder; returns an exit code (or nothing for 0). */
export type Resumer = (ctx: CommandContext, request: LedgerRequest) => Promise<number | void>;

const registered = new Map<RequestType, Resumer>();

/** Modules that hold a type's resumer, loaded on demand. */
const LAZY: Partial<Record<RequestType, () => Promise<Resumer>>> = {
  export: async () => (await import('../dsar/resume.js')).resumeExport,
  'zoom-delete': async () => (await import('../zoom-requests/delete.js')).resumeZoomDelete,
};

export function registerResumer(type: RequestType, fn: Resumer): void {
  registered.set(type, fn);
}

export async function resumerFor(type: RequestType): Promise<Resumer | undefined> {
  const own = registered.get(type);
  if (own) return own;
  const load = LAZY[type];
  return load ? load() : undefined;
}

/** Why a request cannot be resumed, or undefined if it can. */
export function resumeRefusal(r: LedgerRequest): string | undefined {
  const id = r.request_id;
  if (r.status === 'canceled') return `request ${id} was canceled${r.canceled_at ? ` on ${r.canceled_at.slice(0, 10)}` : ''}: a canceled request does nothing more`;
  if (r.status === 'completed') return `request ${id} is already completed: there is nothing to resume`;
  if (r.purged_at) return `request ${id} was purged on ${r.purged_at.slice(0, 10)}: its package and addresses are gone, so it cannot be resumed`;
  return undefined;
}

/** Check that `request` may be resumed and hand it to its type's resumer. */
export async function resumeRequest(ctx: CommandContext, request: LedgerRequest): Promise<number | void> {
  const refusal = resumeRefusal(request);
  if (refusal) throw new UsageError(refusal);
  const fn = await resumerFor(request.type);
  if (!fn) throw new UsageError(`requests of type ${request.type} cannot be resumed: run the command again`);
  return fn(ctx, request);
}
