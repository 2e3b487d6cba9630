/**
 * Erasure certificates (NIST SP 800-88 r1 §4.7–4.8: what was sanitised, how, how it was verified,
 * when and by whom), built from the ledger's journal of a `registrants erase` or `delete` request:
 *
 *   ZDSAR_HOME/certificates/<request-id>/certificate.json   (0600; folder 0700)
 *   ZDSAR_HOME/certificates/<request-id>/certificate.sig    Ed25519 over certificate.json, as manifest.sig
 *                                                           (only when a signing key is set)
 *
 * Per item: what it is and where it was, the method (deleted, cancelled, denied, Zoom's own deletion
 * request), the verification (the re-read after the action and what it showed), the time and the
 * operator. A cancelled or denied registration is NOT erased: the certificate says the person's data
 * is still held at Zoom and names the next step (Zoom's Data & Privacy deletion, `zdsar delete`).
 * It also says what zdsar cannot see (Zoom's backups and retention), in Zoom's own words.
 * Re-issued (replaced) whenever the request moves on (a resume records Zoom's later states).
 */
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from '../fs/atomic.js';
import type { LedgerRequest } from '../ledger/index.js';
import { checkSignature, type Signer, type SignatureCheck } from './signing.js';
import { ZOOM_DATA_PRIVACY_PAGE, ZOOM_DELETION_QUOTES } from './zoom-statements.js';
import { byCodeUnits } from '../order.js';

export const CERTIFICATE_FILE = 'certificate.json';
export const CERTIFICATE_SIG = 'certificate.sig';

export type ErasureMethod = 'deleted' | 'already_gone' | 'cancelled' | 'denied' | 'zoom_deletion_request' | 'not_done' | 'legal_hold';

/** A Team Chat legal hold matter holding the person's data, as zdsar read it before the erasure. */
export interface CertificateHold {
  matter_id: string;
  matter_name: string;
  matter_start_date?: string;
  matter_end_date?: string;
  files: { zips: number; files: number; bytes: number; from?: string; to?: string };
}

export interface CertificateItem {
  /** The person's position in the request, and address. */
  subject: number;
  email?: string;
  what: string;
  where: string;
  method: ErasureMethod;
  /** Zoom's answer in words (status, code). */
  result: string;
  verification: { how: string; at?: string; showed: string };
  at?: string;
  /** True when Zoom still holds the person's data in this item. */
  data_remains_at_zoom: boolean;
  remains?: string;
  next_step?: string;
  /** Legal holds found before the erasure: the matters, the law, and the officer's override if any. */
  legal_hold?: { matters: CertificateHold[]; law: string; overridden?: { reason: string; at: string } };
}

export interface ErasureCertificate {
  certificate: 'zdsar erasure certificate';
  version: 1;
  request_id: string;
  request_type: LedgerRequest['type'];
  regime: LedgerRequest['regime'];
  received_at: string;
  request_status: LedgerRequest['status'];
  issued_at: string;
  operator: string;
  items: CertificateItem[];
  summary: { items: number; erased: number; data_remains: number };
  not_visible_to_zdsar: { statement: string; zoom_says: { source: string; quotes: readonly string[] } };
}

const REG_ACTIONS = new Set(['delete_registrant', 'delete_panelist', 'cancel_registration', 'deny_registration']);
const FINAL = new Set(['deleted', 'already_gone', 'canceled', 'denied', 'unchanged', 'failed']);

function operator(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER || 'unknown';
  }
}

function nextStep(email: string | undefined): string {
  return `Zoom's Data & Privacy deletion of this person's data, which zdsar can submit: zdsar delete --emails ${email ?? '<address>'} --yes (Zoom accepts it for users of the account; for anyone else, ask Zoom to delete the registration).`;
}

/** Registrations: one item per target key, from the journaled steps and the re-read after them. */
function registrantItems(r: LedgerRequest): CertificateItem[] {
  const byKey = new Map<string, { subject: number; first?: Record<string, unknown>; final?: { action: string; outcome: string; at: string; response?: unknown } }>();
  for (const e of r.evidence) {
    if (!REG_ACTIONS.has(e.action) || !e.target || e.subject === undefined) continue;
    const k = byKey.get(e.target) ?? { subject: e.subject };
    if (!k.first && (e.action === 'delete_registrant' || e.action === 'delete_panelist')) k.first = e.request as Record<string, unknown>;
    if (FINAL.has(e.outcome) && !(e.outcome === 'unchanged' && k.final)) k.final = { action: e.action, outcome: e.outcome, at: e.at, response: e.response };
    byKey.set(e.target, k);
  }
  const verify = new Map<number, { at: string; outcome: string; left: Array<{ registration_key: string; statuses: string[]; occurrences: string[] }> }>();
  for (const e of r.evidence) {
    if (e.action !== 'verify' || e.subject === undefined) continue;
    verify.set(e.subject, { at: e.at, outcome: e.outcome, left: ((e.response as { still_listed?: [] } | undefined)?.still_listed ?? []) as never });
  }
  const items: CertificateItem[] = [];
  for (const [key, k] of byKey) {
    const [regKey, occ] = [key.slice(0, key.lastIndexOf('@')), key.slice(key.lastIndexOf('@') + 1)];
    const path = String(k.first?.path ?? '');
    const panelist = path.includes('/panelists/');
    const kind = path.startsWith('/webinars/') ? 'webinar' : 'meeting';
    const email = r.subjects.find((s) => s.index === k.subject)?.email;
    const outcome = k.final?.outcome ?? 'not_done';
    const listedStatus = k.first?.listed_status as string | undefined;
    const method: ErasureMethod =
      outcome === 'deleted' ? 'deleted' : outcome === 'already_gone' ? 'already_gone' : outcome === 'canceled' ? 'cancelled' : outcome === 'denied' ? 'denied' : outcome === 'unchanged' ? (listedStatus === 'denied' ? 'denied' : 'cancelled') : 'not_done';
    const v = verify.get(k.subject);
    const still = v?.left.find((x) => x.registration_key === regKey && (occ === '-' || x.occurrences.length === 0 || x.occurrences.includes(occ)));
    const showed = !v ? 'not re-read' : v.outcome === 'not_verified' ? 'the re-read did not complete: not verified' : still ? `still listed by Zoom (${still.statuses.join(', ')})` : 'no longer listed by Zoom';
    const remains = method !== 'deleted' && method !== 'already_gone';
    const response = k.final?.response as { status?: number; code?: number; message?: string } | undefined;
    items.push({
      subject: k.subject,
      ...(email ? { email } : {}),
      what: panelist ? 'webinar panelist seat' : `${kind} registration${occ !== '-' ? ` (occurrence ${occ})` : ''}`,
      where: `Zoom ${path}${occ !== '-' ? `?occurrence_id=${occ}` : ''}`,
      method,
      result: `${k.final?.action ?? 'no action'}: ${outcome}${response?.status ? ` (HTTP ${response.status}${response.code ? `, code ${response.code}` : ''})` : ''}`,
      verification: { how: "a re-read of the session's registrants after the action", ...(v ? { at: v.at } : {}), showed },
      ...(k.final ? { at: k.final.at } : {}),
      data_remains_at_zoom: remains,
      ...(remains
        ? {
            remains:
              method === 'cancelled' || method === 'denied'
                ? `NOT erased: Zoom refused to delete it, so it was ${method}. The registration record still holds the person's name, email address and answers at Zoom.`
                : 'NOT erased: the action did not succeed; Zoom still holds the registration.',
            next_step: nextStep(email),
          }
        : {}),
    });
  }
  return items.sort((a, b) => a.subject - b.subject || byCodeUnits(a.where, b.where));
}

/** Zoom's Data & Privacy deletion: one item per person, verified by Zoom's reported state of the request. */
function zoomDeleteItems(r: LedgerRequest): CertificateItem[] {
  return r.subjects.map((s) => {
    const p = r.progress[String(s.index)]?.zoom_delete;
    const cp = (p?.checkpoint ?? {}) as { state?: string; zoom_request_id?: string; submitted_at?: string; cancel_until?: string; note?: string; holds?: CertificateHold[] };
    const state = cp.state ?? 'not submitted';
    const done = state === 'Completed';
    const override = r.evidence.find((e) => e.action === 'legal_hold_overridden' && e.subject === s.index);
    if (state === 'held') {
      const names = (cp.holds ?? []).map((m) => `"${m.matter_name}" (matter ${m.matter_id})`).join(', ');
      return {
        subject: s.index,
        ...(s.email ? { email: s.email } : {}),
        what: "all of the person's meeting, webinar, Team Chat and whiteboard data (Zoom's Data & Privacy deletion)",
        where: 'Zoom account',
        method: 'legal_hold' as const,
        result: 'not submitted: the person is under a Team Chat legal hold',
        verification: { how: "Zoom's legal hold matters and the person's held files, read by zdsar before the erasure", ...(p ? { at: p.at } : {}), showed: cp.note ?? 'under legal hold' },
        data_remains_at_zoom: true,
        remains: `NOT erased: kept under legal hold ${names}, as GDPR Art. 17(3)(e) allows (data needed for legal claims). Zoom's deletion removes all of a user's data, so none of it was submitted.`,
        next_step: `Once the hold is released, erase: zdsar delete --emails ${s.email ?? '<address>'} --yes`,
        legal_hold: { matters: cp.holds ?? [], law: 'GDPR Art. 17(3)(e)' },
      };
    }
    const overridden = override ? { legal_hold: { matters: ((override.response as { holds?: CertificateHold[] } | undefined)?.holds ?? []), law: 'GDPR Art. 17(3)(e)', overridden: { reason: String((override.request as { reason?: string } | undefined)?.reason ?? ''), at: override.at } } } : {};
    return {
      ...overridden,
      subject: s.index,
      ...(s.email ? { email: s.email } : {}),
      what: "all of the person's meeting, webinar, Team Chat and whiteboard data (Zoom's Data & Privacy deletion)",
      where: `Zoom account (Data & Privacy request${cp.zoom_request_id ? ` ${cp.zoom_request_id}` : ''})`,
      method: cp.zoom_request_id ? ('zoom_deletion_request' as const) : ('not_done' as const),
      result: cp.zoom_request_id ? `submitted ${cp.submitted_at ?? ''}`.trim() : cp.note ?? 'not submitted',
      verification: { how: "Zoom's reported state of the deletion request, read back by zdsar", ...(p ? { at: p.at } : {}), showed: `Zoom reports: ${state}${cp.note ? ` (${cp.note})` : ''}` },
      ...(cp.submitted_at ? { at: cp.submitted_at } : {}),
      data_remains_at_zoom: !done,
      ...(done
        ? {}
        : {
            remains: cp.zoom_request_id
              ? `Not yet erased: Zoom reports the deletion ${state}${cp.cancel_until && state === 'Pending' ? ` (revocable until ${cp.cancel_until})` : ''}. zdsar requests resume ${r.request_id} records Zoom's later states and re-issues this certificate.`
              : 'Not erased: Zoom did not accept a deletion for this person.',
            ...(cp.zoom_request_id ? {} : { next_step: 'Check that the address is a user of the account (zdsar doctor); otherwise ask Zoom.' }),
          }),
    };
  });
}

export function buildCertificate(r: LedgerRequest, now = new Date()): ErasureCertificate {
  const items = r.type === 'zoom-delete' ? zoomDeleteItems(r) : registrantItems(r);
  return {
    certificate: 'zdsar erasure certificate',
    version: 1,
    request_id: r.request_id,
    request_type: r.type,
    regime: r.regime,
    received_at: r.received_at,
    request_status: r.status,
    issued_at: now.toISOString(),
    operator: operator(),
    items,
    summary: { items: items.length, erased: items.filter((i) => !i.data_remains_at_zoom).length, data_remains: items.filter((i) => i.data_remains_at_zoom).length },
    not_visible_to_zdsar: {
      statement:
        "zdsar sees only what Zoom's API answers after each action. It cannot see Zoom's backups, nor how long Zoom keeps deleted data in backups, logs or elsewhere: Zoom's Data & Privacy page, quoted here, says nothing about backups or retention after deletion.",
      zoom_says: { source: ZOOM_DATA_PRIVACY_PAGE, quotes: ZOOM_DELETION_QUOTES },
    },
  };
}

/** Write (replace) the request's certificate, signed when a signer is given; returns its folder. */
export async function issueCertificate(home: string, r: LedgerRequest, signer?: Signer, now = new Date()): Promise<{ dir: string; certificate: ErasureCertificate }> {
  const root = join(home, 'certificates');
  await ensurePrivateDir(root);
  const dir = join(root, r.request_id);
  await ensurePrivateDir(dir);
  const certificate = buildCertificate(r, now);
  const bytes = Buffer.from(JSON.stringify(certificate, null, 2) + '\n', 'utf8');
  await writeFileAtomic(join(dir, CERTIFICATE_FILE), bytes);
  if (signer) await writeFileAtomic(join(dir, CERTIFICATE_SIG), signer.sign(bytes, CERTIFICATE_FILE));
  return { dir, certificate };
}

export type CertificateCheck = { ok: boolean; signature: SignatureCheck | { status: 'unsigned' }; problems: string[] };

/** `zdsar verify` on a certificate folder: the signature over certificate.json, and its shape. */
export async function verifyCertificate(dir: string, publicKey?: Parameters<typeof checkSignature>[2]): Promise<CertificateCheck> {
  const bytes = await readFile(join(dir, CERTIFICATE_FILE));
  const problems: string[] = [];
  try {
    const c = JSON.parse(bytes.toString('utf8')) as Partial<ErasureCertificate>;
    if (c.certificate !== 'zdsar erasure certificate' || !Array.isArray(c.items)) problems.push('certificate.json is not a zdsar erasure certificate');
  } catch {
    problems.push('certificate.json is not valid JSON');
  }
  const sig = await readFile(join(dir, CERTIFICATE_SIG), 'utf8').catch(() => undefined);
  const signature = sig === undefined ? ({ status: 'unsigned' } as const) : checkSignature(sig, bytes, publicKey);
  if (signature.status === 'invalid') problems.push(`certificate.sig: ${signature.reason.replace('the manifest', 'the certificate')}`);
  if (publicKey && signature.status === 'unsigned') problems.push('certificate.json is not signed, and a public key was given');
  return { ok: problems.length === 0, signature, problems };
}
