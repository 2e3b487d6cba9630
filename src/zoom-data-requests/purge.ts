/**
 * Earlier zdsar export packages of people being erased, and their deletion (`zdsar delete
 * --purge-packages`).
 */
import { stat } from 'node:fs/promises';
import { subjectFolder } from '../people/folders.js';
import { checkPackage, deletePackage, OPEN_STATUSES, personParts, type Ledger, type LedgerRequest } from '../ledger/index.js';
import type { Logger } from '../run-context.js';

export interface EarlierPackage {
  request_id: string;
  status: string;
  out_dir: string;
  created_at: string;
  /** The erased people in that package: their position there and their folder. */
  people: Array<{ index: number; email: string; folder: string }>;
  /** Every person of that package is erased: the whole package goes. */
  whole: boolean;
}

/** Earlier export packages (not purged, still on disk) holding any of these people. */
export async function earlierPackages(ledger: Ledger, emails: string[]): Promise<EarlierPackage[]> {
  const want = new Set(emails.map((e) => e.toLowerCase()));
  const out: EarlierPackage[] = [];
  for (const r of await ledger.list()) {
    if (r.type !== 'export' || r.purged_at || !r.out_dir) continue;
    const people = r.subjects.filter((s) => s.email && want.has(s.email)).map((s) => ({ index: s.index, email: s.email!, folder: subjectFolder(s.index, s.email!) }));
    if (people.length === 0) continue;
    if (!(await stat(r.out_dir).then((st) => st.isDirectory(), () => false))) continue;
    out.push({ request_id: r.request_id, status: r.status, out_dir: r.out_dir, created_at: r.created_at, people, whole: people.length === r.subjects.length });
  }
  return out;
}

/**
 * Delete those packages (or only the erased people's folders and per-person zips in them). A folder
 * is touched only if it passes the one deletion guard that `zdsar requests purge` uses too
 * (src/ledger/package-guard.ts); nothing beside a package (no sibling zip) is deleted. The ledger entries of those exports keep their addresses until
 * `zdsar requests purge` hashes them. Recorded as evidence on the deletion request.
 */
export async function purgePackages(ledger: Ledger, deleteId: string, earlier: EarlierPackage[], logger: Logger): Promise<string[]> {
  const removed: string[] = [];
  for (const e of earlier) {
    if (OPEN_STATUSES.includes(e.status as LedgerRequest['status'])) {
      logger.warn(`not deleting ${e.out_dir}: request ${e.request_id} is still ${e.status}`);
      continue;
    }
    const r = await ledger.get(e.request_id);
    const c = r ? await checkPackage(r, ledger.home) : ({ refused: `not deleting ${e.out_dir}: request ${e.request_id} is gone from the ledger` } as const);
    if ('refused' in c) {
      logger.warn(c.refused);
      continue;
    }
    if (!c.exists) continue;
    let gone: string[];
    try {
      const parts = e.whole ? undefined : (await Promise.all(e.people.map((p) => personParts(c.dir, p.folder)))).flat();
      gone = await deletePackage(c.dir, parts);
    } catch (err) {
      logger.warn((err as Error).message);
      continue;
    }
    if (gone.length === 0) continue;
    removed.push(...gone);
    await ledger.recordEvidence(deleteId, {
      action: 'zdsar.package.purge',
      target: e.request_id,
      outcome: `deleted ${gone.join(', ')}${e.whole ? '' : " (the erased people's folders only; the package's manifest still names them)"}`,
    });
  }
  return removed;
}
