/**
 * Registrations across the account: scan, local index, find, erase.
 * `scan` is usable as a library function with a ZoomClient (benchmarks): it returns its stats.
 */
export { scanAccount, scanSessions, type Match, type ScanOptions, type ScanResult, type ScanStats, type SessionInfo } from './scan.js';
export { IndexStore, DEFAULT_MAX_AGE_HOURS, isClosed, isFresh, hashAddress, type IndexEntry, type IndexFile } from './index-store.js';
export { matchRecord } from './records.js';
export { findRegistrations, registrationsFinder, type FindOptions, type FindResult, type FindMode, type FinderSettings } from './find.js';
export { executeErase, planErase, priorOutcomes, personStatus, type EraseTarget, type Outcome, type TargetResult } from './erase.js';
export { eraseRegistrations, findPeople, type EraseOutcome, type ErasePlan, type EraseSettings, type FindSettings } from './run.js';

import type { ZoomClient } from '../zoom/client.js';
import { scanAccount as scanAll, type ScanOptions as Opts, type ScanResult as Result } from './scan.js';

/** The account scan with nobody asked about: walks everything, returns stats (hosts, sessions, lists walked, requests per category). */
export function scan(client: ZoomClient, opts: Partial<Opts> = {}): Promise<Result> {
  return scanAll(client, { wanted: new Set(), ...opts });
}
