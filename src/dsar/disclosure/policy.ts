/**
 * The redaction policy: what the disclosure copy masks. The defaults protect everybody else
 * fully; a JSON file (`--redaction-policy FILE`) changes them, validated here once.
 *
 *   {
 *     "colleagues": { "keep_work_identity": true, "domains": ["example.com"] },
 *     "others_text": "mask" | "keep",
 *     "media": "withhold" | "include",
 *     "unknown_files": "mask" | "withhold"
 *   }
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { inputProblem, UsageError } from '../../errors.js';

const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a domain name such as example.com');

export const policySchema = z
  .object({
    /** Other people whose address is at one of these domains are colleagues; with keep_work_identity their name, work address, ids and work numbers stay. */
    colleagues: z
      .object({
        keep_work_identity: z.boolean().default(false),
        domains: z.array(domain).default([]),
      })
      .strict()
      .default({ keep_work_identity: false, domains: [] }),
    /** What other people wrote (chat and SMS messages): masked by default. */
    others_text: z.enum(['mask', 'keep']).default('mask'),
    /** Downloaded recordings, voicemails and Zoom's own export zips cannot be masked: withheld (flagged for review) unless included. */
    media: z.enum(['withhold', 'include']).default('withhold'),
    /** A category file no rule knows: masked conservatively (default) or withheld; flagged for review either way. */
    unknown_files: z.enum(['mask', 'withhold']).default('mask'),
  })
  .strict();

export type RedactionPolicy = z.infer<typeof policySchema>;

export const DEFAULT_POLICY: RedactionPolicy = policySchema.parse({});

/** Parse a policy file; a bad one is a usage error naming the file, line and field. */
export async function loadPolicy(path: string): Promise<RedactionPolicy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--redaction-policy ${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parsePolicy(text, path);
}

export function parsePolicy(text: string, source: string): RedactionPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const line = m ? text.slice(0, Number(m[1])).split('\n').length : undefined;
    throw new UsageError(inputProblem(source, line, undefined, `not valid JSON (${(e as Error).message})`));
  }
  const dup = duplicateKey(text);
  if (dup) throw new UsageError(inputProblem(source, dup.line, dup.path, 'this key is given twice (JSON keeps only the last, so the first would be ignored silently)'));
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '');
    const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : issue.path.filter((p) => typeof p === 'string').at(-1);
    throw new UsageError(inputProblem(source, key ? lineOf(text, key) : undefined, field || undefined, issue.message));
  }
  return parsed.data;
}

/** The line where "key": first appears (for messages). */
function lineOf(text: string, key: string): number | undefined {
  const i = text.indexOf(JSON.stringify(key));
  return i < 0 ? undefined : text.slice(0, i).split('\n').length;
}

/** The first key given twice in one object of valid JSON text, with its line and dotted path. */
function duplicateKey(text: string): { line: number; path: string } | undefined {
  const stack: Array<{ keys: Set<string>; key?: string } | undefined> = [];
  let line = 1;
  let last: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      last = JSON.parse(text.slice(i, j + 1)) as string;
      i = j;
    } else if (c === ':') {
      const top = stack.at(-1);
      if (top && last !== undefined) {
        if (top.keys.has(last)) return { line, path: [...stack.slice(0, -1).map((o) => o?.key).filter((k): k is string => k !== undefined), last].join('.') };
        top.keys.add(last);
        top.key = last;
      }
    } else if (c === '{') stack.push({ keys: new Set() });
    else if (c === '[') stack.push(undefined);
    else if (c === '}' || c === ']') stack.pop();
  }
  return undefined;
}
