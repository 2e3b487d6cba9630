/**
 * Legal holds before an erasure (GDPR Art. 17(3)(e): data kept for legal claims is not erased).
 * Zoom keeps Team Chat data of the people in a legal hold matter; Zoom's Data & Privacy deletion
 * removes all of a user's data, so a held person is not submitted at all unless the officer
 * overrides it with a recorded reason (submit.ts). The matter list is read once per run.
 */
import { AuthError } from '../errors.js';
import type { ZoomClient } from '../zoom/client.js';
import { isLegalHoldForbidden, listLegalHoldFiles, listLegalHoldMatters } from '../zoom/endpoints/legal-hold.js';

/** One matter holding one person's data: which matter, and what Zoom says it holds. */
export interface HoldFinding {
  matter_id: string;
  matter_name: string;
  matter_start_date?: string;
  matter_end_date?: string;
  /** Zoom's held files for the person in this matter: zips, files in them, bytes, date ranges. */
  files: { zips: number; files: number; bytes: number; from?: string; to?: string };
}

export const HOLD_LAW = 'GDPR Art. 17(3)(e): data needed for legal claims is not erased';

export function holdText(h: HoldFinding[]): string {
  return h
    .map((m) => `legal hold "${m.matter_name}" (matter ${m.matter_id}${m.matter_start_date ? `, ${m.matter_start_date} to ${m.matter_end_date ?? 'open'}` : ''}) holds their Team Chat data: ${m.files.files} files in ${m.files.zips} held zips${m.files.from ? ` from ${m.files.from} to ${m.files.to}` : ''}`)
    .join('; ');
}

/** email (lower case) → the matters holding that person's data; people under no hold are absent. */
export async function holdsFor(client: ZoomClient, emails: string[]): Promise<Map<string, HoldFinding[]>> {
  const want = new Set(emails.map((e) => e.toLowerCase()));
  const out = new Map<string, HoldFinding[]>();
  try {
    for await (const m of listLegalHoldMatters(client)) {
      for (const u of m.matter_users ?? []) {
        const email = String(u.email ?? '').toLowerCase();
        if (!want.has(email)) continue;
        const files: HoldFinding['files'] = { zips: 0, files: 0, bytes: 0 };
        for await (const f of listLegalHoldFiles(client, m.matter_id, email)) {
          files.zips++;
          files.files += Number(f.file_count) || 0;
          files.bytes += Number(f.total_file_size) || 0;
          if (f.file_start_date && (!files.from || f.file_start_date < files.from)) files.from = f.file_start_date;
          if (f.file_end_date && (!files.to || f.file_end_date > files.to)) files.to = f.file_end_date;
        }
        const found: HoldFinding = { matter_id: m.matter_id, matter_name: m.matter_name, ...(m.matter_start_date ? { matter_start_date: m.matter_start_date } : {}), ...(m.matter_end_date ? { matter_end_date: m.matter_end_date } : {}), files };
        out.set(email, [...(out.get(email) ?? []), found]);
      }
    }
  } catch (e) {
    if (isLegalHoldForbidden(e)) {
      throw new AuthError(
        `cannot check legal holds: ${(e as Error).message}`,
        'Add the scope team_chat:read:list_legal_hold_matters:admin and team_chat:read:list_legal_hold_matter_files:admin (or chat_history_legal_hold:read:admin) to the app; or submit without the check, recorded: --override-hold --reason TEXT',
      );
    }
    throw e;
  }
  return out;
}
