import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxAccount } from '../../src/sandbox/index.js';

/**
 * Every identifier of every person in the sandbox other than `email`: names, addresses, numbers
 * and ids, from the account's users, registrants, panelists and participants, and the other
 * parties of the person's calls, recordings, voicemails and SMS. The truth a disclosure copy is
 * scanned against.
 */
export function otherPeoplesIdentifiers(account: SandboxAccount, email: string): Map<string, string> {
  const me = email.toLowerCase();
  const user = account.users.find((u) => u.email.toLowerCase() === me);
  const mine = new Set<string>([me]);
  if (user) {
    for (const v of [user.display_name, `${user.first_name} ${user.last_name}`, user.id, user.phone_number, user.phone?.extension_id, user.phone?.phone_user_id, ...(user.phone?.phone_numbers.map((n) => n.number) ?? [])]) if (v) mine.add(v.toLowerCase());
  }
  const out = new Map<string, string>(); // identifier (lowercase) → where it comes from
  const add = (v: string | undefined | null, from: string) => {
    if (!v) return;
    const t = v.trim();
    if (t.length < 4 || /^unknown$/i.test(t)) return;
    if (mine.has(t.toLowerCase())) return;
    if (!out.has(t.toLowerCase())) out.set(t.toLowerCase(), from);
  };
  for (const u of account.users) {
    if (u.email.toLowerCase() === me) continue;
    const from = `user ${u.email}`;
    for (const v of [u.email, u.display_name, `${u.first_name} ${u.last_name}`, u.id, u.phone_number, u.phone?.extension_id, u.phone?.phone_user_id, ...(u.phone?.phone_numbers.map((n) => n.number) ?? [])]) add(v, from);
  }
  for (const m of [...account.meetings, ...account.webinars]) {
    for (const r of m.registrants) {
      if (r.email.toLowerCase() === me) continue;
      for (const v of [r.email, `${r.first_name} ${r.last_name}`, r.phone, r.address]) add(v, `registrant ${r.email}`);
    }
    for (const i of m.instances)
      for (const p of i.participants) {
        if (p.user_email.toLowerCase() === me) continue;
        for (const v of [p.user_email, p.name, p.user_id.length >= 10 ? p.user_id : undefined]) add(v, `participant ${p.user_email || p.name}`);
      }
  }
  for (const w of account.webinars) for (const p of w.panelists) if (p.email.toLowerCase() !== me) for (const v of [p.email, p.name]) add(v, `panelist ${p.email}`);
  if (user) {
    const mineNumber = (n: string) => mine.has(n.toLowerCase());
    for (const c of user.calls) {
      if (!mineNumber(c.caller_number) && c.caller_email.toLowerCase() !== me) for (const v of [c.caller_name, c.caller_number, c.caller_email]) add(v, 'call: caller');
      if (!mineNumber(c.callee_number) && c.callee_email.toLowerCase() !== me) for (const v of [c.callee_name, c.callee_number, c.callee_email]) add(v, 'call: callee');
    }
    for (const r of [...user.phoneRecordings, ...user.voicemails]) {
      if (!mineNumber(r.caller_number)) for (const v of [r.caller_name, r.caller_number]) add(v, 'recording/voicemail: caller');
      if (!mineNumber(r.callee_number)) for (const v of [r.callee_name, r.callee_number]) add(v, 'recording/voicemail: callee');
    }
    for (const s of user.smsSessions) for (const p of s.participants) if (!p.is_session_owner) for (const v of [p.display_name, p.phone_number]) add(v, 'SMS participant');
  }
  return out;
}

export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** Records of a JSON file: the array's elements, or the object. */
export function recordsOf(path: string): Array<Record<string, unknown>> {
  const v = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  return (Array.isArray(v) ? v : [v]) as Array<Record<string, unknown>>;
}
