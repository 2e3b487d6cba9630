/**
 * The officer's decisions on single values and records of a disclosure copy, over the policy:
 * reveal a masked value (a colleague's work address), or withhold a whole record. Saved beside the
 * request in the ledger (`<ledger>/requests/<id>/disclosure-overrides.json`), written by the desk or
 * given with `zdsar redact --override FILE`, and applied by every build of the copy.
 *
 *   {
 *     "reveal":   [{ "person": 1, "file": "meetings.json", "record": 3, "field": "participants[1].user_email" }],
 *     "withhold": [{ "person": 1, "file": "team_chat_messages.json", "record": 7 }]
 *   }
 *
 * `person` is the person's index in the manifest (no address is kept beside the request); `record` is 1-based in the record's file
 * (as in redactions.json); `field` is the JSON path redactions.json names. `rule` and `as` may be
 * kept with a reveal to say what it overruled.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { inputProblem, UsageError } from '../../errors.js';
import { ensurePrivateDir, writeFileAtomic } from '../../fs/atomic.js';

const where = {
  person: z.number().int().nonnegative(),
  file: z.string().min(1).refine((s) => !s.startsWith('/') && !s.split('/').includes('..'), 'must be a file inside the person\'s folder'),
};

export const overridesSchema = z
  .object({
    reveal: z
      .array(
        z
          .object({
            ...where,
            record: z.number().int().positive().optional(),
            field: z.string().min(1),
            rule: z.string().optional(),
            as: z.string().optional(),
          })
          .strict(),
      )
      .default([]),
    withhold: z.array(z.object({ ...where, record: z.number().int().positive() }).strict()).default([]),
  })
  .strict();

export type Overrides = z.infer<typeof overridesSchema>;
export type Reveal = Overrides['reveal'][number];
export type Withhold = Overrides['withhold'][number];

export const NO_OVERRIDES: Overrides = { reveal: [], withhold: [] };

export const OVERRIDES_FILE = 'disclosure-overrides.json';

/** Rule names written to redactions.json for the officer's decisions. */
export const WITHHELD_BY_OFFICER = 'withheld by the officer (the whole record)';

export function isEmpty(o: Overrides | undefined): boolean {
  return !o || (o.reveal.length === 0 && o.withhold.length === 0);
}

export function parseOverrides(text: string, source: string): Overrides {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(inputProblem(source, undefined, undefined, `not valid JSON (${(e as Error).message})`));
  }
  const parsed = overridesSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '');
    throw new UsageError(inputProblem(source, undefined, field || undefined, issue.message));
  }
  return normalise(parsed.data);
}

/** A bad file is a usage error naming it. */
export async function loadOverrides(path: string): Promise<Overrides> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--override ${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseOverrides(text, path);
}

/** The decisions saved for a request (none when there is no file). */
export async function savedOverrides(requestDir: string): Promise<Overrides> {
  const path = join(requestDir, OVERRIDES_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return NO_OVERRIDES;
    throw e;
  }
  return parseOverrides(text, path);
}

export async function saveOverrides(requestDir: string, o: Overrides): Promise<string> {
  await ensurePrivateDir(requestDir);
  const path = join(requestDir, OVERRIDES_FILE);
  await writeFileAtomic(path, JSON.stringify(normalise(o), null, 2) + '\n');
  return path;
}

/** One entry per place, in a stable order (re-saving the same decisions writes the same bytes). */
function normalise(o: Overrides): Overrides {
  const rkey = (r: Reveal) => `${String(r.person).padStart(6, '0')}\u0000${r.file}\u0000${String(r.record ?? 0).padStart(9, '0')}\u0000${r.field}`;
  const wkey = (w: Withhold) => `${String(w.person).padStart(6, '0')}\u0000${w.file}\u0000${String(w.record).padStart(9, '0')}`;
  const reveal = [...new Map(o.reveal.map((r) => [rkey(r), r])).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  const withhold = [...new Map(o.withhold.map((w) => [wkey(w), w])).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, w]) => w);
  return { reveal, withhold };
}

/** The decisions for one person's file, looked up by record. */
export class FileOverrides {
  private readonly reveals = new Map<number, Set<string>>();
  private readonly withheld = new Set<number>();

  constructor(o: Overrides, person: number, file: string) {
    for (const r of o.reveal) {
      if (r.person !== person || r.file !== file) continue;
      const k = r.record ?? 0;
      if (!this.reveals.has(k)) this.reveals.set(k, new Set());
      this.reveals.get(k)!.add(r.field);
    }
    for (const w of o.withhold) if (w.person === person && w.file === file) this.withheld.add(w.record);
  }

  get any(): boolean {
    return this.reveals.size > 0 || this.withheld.size > 0;
  }

  withholds(record: number | undefined): boolean {
    return record !== undefined && this.withheld.has(record);
  }

  revealed(record: number | undefined): ReadonlySet<string> {
    return this.reveals.get(record ?? 0) ?? new Set();
  }
}

/** A value at a JSON path such as `participants[1].user_email` (undefined when there is none). */
export function getPath(value: unknown, path: string): unknown {
  let v = value;
  for (const k of segments(path)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

/** Set the value at a JSON path that exists; false when it does not. */
export function setPath(value: unknown, path: string, to: unknown): boolean {
  const keys = segments(path);
  let v = value;
  for (const k of keys.slice(0, -1)) {
    if (v === null || typeof v !== 'object') return false;
    v = (v as Record<string | number, unknown>)[k];
  }
  const last = keys.at(-1);
  if (last === undefined || v === null || typeof v !== 'object' || !(last in (v as object))) return false;
  (v as Record<string | number, unknown>)[last] = to;
  return true;
}

function segments(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) return [part];
    if (m[1]) out.push(m[1]);
    for (const i of m[2]!.matchAll(/\[(\d+)\]/g)) out.push(Number(i[1]));
  }
  return out;
}
