/**
 * What a registrant search found, as the CLI and an export keep it, and how a stopped scan maps to the
 * contract's errors. Apart from find.ts so that commands/registrants.ts can render without loading the
 * scan (and undici) at start-up.
 */
import { AuthError, CliError, EXIT, InterruptedError } from '../errors.js';
import { ZoomApiError, ZoomRateLimitError, describeError } from '../zoom/errors.js';
import type { Match } from './scan.js';

/** Where a match was found and what it amounts to: the context zdsar adds beside Zoom's record. */
function matchContext(m: Match): Record<string, unknown> {
  const s = m.session;
  const occurrences = m.listings
    .filter((l) => l.occurrence_id !== undefined)
    .map((l) => {
      const o = s.occurrences.find((x) => x.occurrence_id === l.occurrence_id);
      return { occurrence_id: l.occurrence_id, start_time: o?.start_time, status: l.status };
    });
  const statuses = [...new Set(m.listings.map((l) => l.status))];
  return {
    registration_key: m.registration_key,
    kind: m.kind === 'panelist' ? 'webinar_panelist' : s.kind === 'meeting' ? 'meeting_registrant' : 'webinar_registrant',
    ...(m.kind === 'panelist' ? { panelist_id: m.id } : { registrant_id: m.id }),
    ...(s.kind === 'meeting' ? { meeting_id: s.id } : { webinar_id: s.id }),
    topic: s.topic,
    host_id: s.host_id,
    ...(s.host_email ? { host_email: s.host_email } : {}),
    session_type: s.type,
    start_time: s.start_time,
    ...(s.registration_type !== undefined ? { registration_type: s.registration_type } : {}),
    ...(m.kind === 'registrant' ? { status: statuses.length === 1 ? statuses[0] : statuses.join(','), occurrences } : {}),
  };
}

/** A match as `registrants find --json` reports it: Zoom's record with where it was found. */
export function matchRecord(m: Match): Record<string, unknown> {
  return { ...m.record, ...matchContext(m) };
}

/**
 * A match as an export's registrations.json keeps it: Zoom's record exactly as Zoom sent it, and
 * the context zdsar adds beside it, never inside.
 */
export function registrationEntry(m: Match): { context: Record<string, unknown>; record: Record<string, unknown> } {
  return { context: matchContext(m), record: m.record };
}

/** Errors that stop a scan become the contract's exit codes: 3 for credentials and scopes, 130 interrupted, 1 otherwise. */
export function cliError(e: unknown, signal?: AbortSignal): unknown {
  if (e instanceof CliError) return e;
  if (signal?.aborted) return new InterruptedError('interrupted', 'Run the same command again: it finds what is left and does only that.');
  if (e instanceof ZoomApiError && !(e instanceof ZoomRateLimitError) && (e.status === 401 || e.isMissingScope)) {
    return new AuthError(describeError(e), 'Check the app\'s credentials and scopes with `zdsar doctor`.');
  }
  if (e instanceof ZoomRateLimitError) return new CliError(describeError(e), EXIT.partial, 'Run the same command again later; what was done is recorded.');
  return e;
}
