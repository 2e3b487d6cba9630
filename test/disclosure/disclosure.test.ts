import { createHash, generateKeyPairSync } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Decrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runCli, sandboxEnv, tempDir, verifyIdentity } from '../helpers/cli.js';
import { filesUnder, otherPeoplesIdentifiers, recordsOf } from './helpers.js';
import { extractZip, readZip } from './zipread.js';

const PEOPLE = ['alice.martin@cedarpine.example', 'bruno.costa@cedarpine.example', 'chen.wei@cedarpine.example', 'jordan.lee@gmail.example', 'dana.okafor@cedarpine.example'];

type Rec = Record<string, unknown>;
interface Subject {
  index: number;
  email: string;
  status: string;
  path: string;
  zoom_user_id?: string;
  files: Array<{ path: string; sha256: string; bytes: number; records?: number }>;
}
interface Manifest {
  request_id: string;
  subjects: Subject[];
}

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const folderOf = (s: Subject) => s.path.replace(/^subjects\//, '');

describe('the disclosure copy, approval, verify and encrypted delivery, against the sandbox', () => {
  let sb: Sandbox;
  let env: Record<string, string>;
  let pkg: string;
  let id: string;
  let manifest: Manifest;
  let exportRes: Awaited<ReturnType<typeof runCli>>;
  let recordHashes: Map<string, string>;
  const keys = generateKeyPairSync('ed25519');
  const privatePem = keys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const publicPem = keys.publicKey.export({ format: 'pem', type: 'spki' }).toString();

  beforeAll(async () => {
    sb = await startSandbox({ seed: 7 });
    env = { ...sandboxEnv(sb), ZDSAR_SIGNING_KEY: privatePem };
    const out = tempDir('zdsar-disclosure-');
    exportRes = await runCli(['export', '--emails', PEOPLE.join(','), '--include-registrations', '--redact', '--zip', '--out', out, '--json'], env);
    const summary = JSON.parse(exportRes.stdout) as { request_id: string; package: string };
    id = summary.request_id;
    pkg = summary.package;
    manifest = JSON.parse(readFileSync(join(pkg, 'manifest.json'), 'utf8')) as Manifest;
    recordHashes = new Map(filesUnder(join(pkg, 'subjects')).filter((f) => !f.endsWith('report.html')).map((f) => [f, sha(f)]));
  }, 180_000);
  afterAll(async () => {
    await sb.close();
  });

  const people = () => manifest.subjects;
  const src = (s: Subject, file = '') => join(pkg, 'subjects', folderOf(s), file);
  const dst = (s: Subject, file = '') => join(pkg, 'disclosure', folderOf(s), file);

  it('writes disclosure/ with the layout of subjects/; nothing for the person before approval but a draft of their report', () => {
    expect(exportRes.code, exportRes.stderr).toBe(0);
    const json = JSON.parse(exportRes.stdout) as { disclosure: { status: string; subjects: Array<{ masked: number }> }; zips?: string[]; signature: { fingerprint: string; public_key: string } };
    expect(json.disclosure.status).toBe('waiting_for_approval');
    expect(json.zips).toBeUndefined();
    expect(existsSync(join(pkg, 'zips'))).toBe(false);
    // The public key is printed, the private key never.
    expect(json.signature.public_key).toBe(publicPem);
    expect(exportRes.stdout + exportRes.stderr).not.toContain(privatePem.split('\n')[1]!);
    for (const s of people()) {
      const a = readdirSync(src(s)).filter((f) => f !== 'report.html').sort();
      const b = readdirSync(dst(s)).filter((f) => f !== 'redactions.json' && f !== 'report.html' && f !== 'article15.json').sort();
      expect(b, s.email).toEqual(a);
      expect(readFileSync(dst(s, 'report.html'), 'utf8'), 'only a draft of their report before approval').toContain('DRAFT: not approved for release');
    }
    const index = readFileSync(join(pkg, 'report.html'), 'utf8');
    expect(index).toContain('Disclosure copy: review before release');
    expect(index).toContain('waiting for approval');
    expect(index).toContain(`zdsar requests approve ${id}`);
  });

  it("keeps 100 % of the person's own records, and their own values unchanged", () => {
    let checked = 0;
    for (const s of people()) {
      const user = sb.account.users.find((u) => u.email.toLowerCase() === s.email);
      const own = new Set([s.email, user?.display_name, user?.id, user?.phone_number].filter((x): x is string => Boolean(x)).map((x) => x.toLowerCase()));
      for (const f of s.files) {
        const rel = f.path.slice(s.path.length + 1);
        const a = recordsOf(src(s, rel));
        const b = recordsOf(dst(s, rel));
        expect(b.length, `${s.email} ${rel}`).toBe(a.length);
        if (f.records !== undefined && Array.isArray(JSON.parse(readFileSync(src(s, rel), 'utf8')))) expect(b.length).toBe(f.records);
        a.forEach((ra, i) => {
          const rb = b[i]!;
          for (const k of ['id', 'uuid', 'session_id', 'registration_key', 'call_id', 'start_time', 'date_time', 'topic']) {
            if (k in ra && (k !== 'topic' || !String(ra[k]).match(/[A-Z][a-z]+ [A-Z][a-z]+/))) expect(rb[k], `${s.email} ${rel} #${i + 1} ${k}`).toEqual(ra[k]);
          }
          // Every value that is the person's own is where it was.
          for (const [path, v] of leaves(ra)) {
            if (typeof v === 'string' && own.has(v.toLowerCase())) {
              expect(get(rb, path), `${s.email} ${rel} #${i + 1} ${path}`).toBe(v);
              checked++;
            }
          }
        });
      }
      for (const whole of ['profile.json', 'phone_profile.json', 'settings.json', 'phone_settings.json']) {
        if (existsSync(src(s, whole))) expect(readFileSync(dst(s, whole)), `${s.email} ${whole}`).toEqual(readFileSync(src(s, whole)));
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it("holds no other person's name, address, number or id anywhere in any person's copy", () => {
    let foundInRecord = 0;
    for (const s of people()) {
      const others = otherPeoplesIdentifiers(sb.account, s.email);
      expect(others.size).toBeGreaterThan(10);
      const leaks: string[] = [];
      for (const f of filesUnder(dst(s))) {
        const text = readFileSync(f, 'utf8').toLowerCase();
        for (const [needle, from] of others) if (text.includes(needle)) leaks.push(`${relative(pkg, f)}: "${needle}" (${from})`);
      }
      expect(leaks, s.email).toEqual([]);
      // The record itself does name them: the scan could find them.
      for (const f of filesUnder(src(s))) {
        const text = readFileSync(f, 'utf8').toLowerCase();
        for (const needle of others.keys()) if (text.includes(needle)) foundInRecord++;
      }
    }
    expect(foundInRecord).toBeGreaterThan(20);
  });

  it('gives the same other person the same pseudonym throughout one copy, and different people different ones', () => {
    const alice = people()[0]!;
    const seen = new Map<string, string>();
    const back = new Map<string, string>();
    for (const file of ['phone_call_history.json', 'phone_recordings.json', 'phone_voicemails.json', 'meetings_attended.json']) {
      const a = recordsOf(src(alice, file));
      const b = recordsOf(dst(alice, file));
      a.forEach((ra, i) => {
        for (const k of ['caller_name', 'callee_name', 'user_name', 'host_name']) {
          const va = ra[k];
          const vb = b[i]![k];
          if (typeof va !== 'string' || va === vb || /^unknown$/i.test(va)) continue;
          expect(vb).toMatch(/^Contact \d+$/);
          if (seen.has(va)) expect(vb, va).toBe(seen.get(va));
          seen.set(va, vb as string);
          if (back.has(vb as string)) expect(back.get(vb as string), String(vb)).toBe(va);
          back.set(vb as string, va);
        }
      });
    }
    expect(seen.size).toBeGreaterThanOrEqual(3);
  });

  it('redactions.json says what was masked, where and by which rule', () => {
    const alice = people()[0]!;
    const log = JSON.parse(readFileSync(dst(alice, 'redactions.json'), 'utf8')) as {
      summary: { masked: number; contacts: number; by_rule: Record<string, number> };
      redactions: Array<{ file: string; record?: number; field: string; rule: string; as: string }>;
    };
    expect(log.redactions.length).toBe(log.summary.masked);
    expect(log.redactions.length).toBeGreaterThan(100);
    expect(Object.keys(log.summary.by_rule)).toContain('phone_call_history: caller name');
    // Each entry points at the masked value in the copy.
    const byFile = new Map<string, typeof log.redactions>();
    for (const r of log.redactions.filter((x) => !x.rule.startsWith('known identifier'))) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
    for (const [file, entries] of byFile) {
      const recs = recordsOf(dst(alice, file));
      for (const r of entries.slice(0, 50)) expect(get(recs[(r.record ?? 1) - 1]!, r.field), `${file} #${r.record} ${r.field}`).toBe(r.as);
    }
    expect(byFile.size).toBeGreaterThanOrEqual(5);
    const officer = JSON.parse(readFileSync(join(pkg, 'disclosure', 'redactions.json'), 'utf8')) as { subjects: Array<{ index: number; masked: number }> };
    expect(officer.subjects.find((x) => x.index === 1)!.masked).toBe(log.summary.masked);
  });

  it('requests approve records who and when, then makes the report and zips from the copy only', async () => {
    // Release waits for the requester's identity (issue 26; the gate is tested in test/ledger/identity.test.ts).
    await verifyIdentity(id, env);
    const res = await runCli(['requests', 'approve', id, '--approver', 'Dana DPO', '--json'], env);
    expect(res.code, res.stderr).toBe(0);
    const json = JSON.parse(res.stdout) as { disclosure: { status: string; approved_by: string; approved_at: string }; zips: string[] };
    expect(json.disclosure.status).toBe('approved');
    expect(json.disclosure.approved_by).toBe('Dana DPO');
    expect(json.zips).toHaveLength(PEOPLE.length);
    const show = JSON.parse((await runCli(['requests', 'show', id, '--json'], env)).stdout) as { evidence: Array<{ action: string; at: string; request?: { approver?: string } }> };
    const ev = show.evidence.find((e) => e.action === 'disclosure_approved')!;
    expect(ev.request?.approver).toBe('Dana DPO');
    expect(Date.parse(ev.at)).toBe(Date.parse(json.disclosure.approved_at));
    for (const s of people()) expect(existsSync(dst(s, 'report.html'))).toBe(true);
    const entries = [...(await readZip(readFileSync(json.zips[0]!))).keys()];
    const folder = folderOf(people()[0]!);
    expect(entries).toContain(`${folder}/manifest.json`);
    expect(entries).toContain(`${folder}/manifest.sig`);
    expect(entries).toContain(`${folder}/disclosure/${folder}/phone_call_history.json`);
    expect(entries).toContain(`${folder}/disclosure/${folder}/report.html`);
    expect(entries.filter((e) => e.includes('/subjects/'))).toEqual([]);
    // The person's report names nobody else either.
    for (const s of people()) {
      const page = readFileSync(dst(s, 'report.html'), 'utf8').toLowerCase();
      const leaks = [...otherPeoplesIdentifiers(sb.account, s.email).keys()].filter((n) => page.includes(n));
      expect(leaks, s.email).toEqual([]);
    }
    expect(readFileSync(join(pkg, 'report.html'), 'utf8')).toContain('approved</span> by Dana DPO');
  });

  it('leaves subjects/ byte for byte as Zoom sent it, and the package verifies (signed)', async () => {
    for (const [f, h] of recordHashes) expect(sha(f), f).toBe(h);
    for (const s of people()) for (const f of s.files) expect(sha(join(pkg, f.path))).toBe(f.sha256);
    const res = await runCli(['verify', pkg, '--public-key', publicPem], env);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stderr).toContain('Intact');
    expect(res.stderr).toMatch(/disclosure\/manifest.json: \d+ files listed; signed, key sha256:/);
  });

  it('verify names one changed byte, a removed file and an added file (exit 1), and a bad signature', async () => {
    const copy = join(tempDir('zdsar-verify-'), 'pkg');
    cpSync(pkg, copy, { recursive: true });
    const s = people()[0]!;
    const changed = join(copy, s.path, 'meetings.json');
    const buf = readFileSync(changed);
    buf[10] = buf[10]! ^ 1; // one byte, same size
    writeFileSync(changed, buf);
    unlinkSync(join(copy, 'disclosure', folderOf(s), 'phone_voicemails.json'));
    writeFileSync(join(copy, 'disclosure', folderOf(s), 'extra.json'), '{}');
    const res = await runCli(['verify', copy, '--json'], env);
    expect(res.code).toBe(1);
    const r = JSON.parse(res.stdout) as { ok: boolean; missing: string[]; changed: Array<{ path: string; reason: string }>; unlisted: string[] };
    expect(r.ok).toBe(false);
    expect(r.changed).toEqual([{ path: `${s.path}/meetings.json`, reason: 'contents changed (sha256 differs)' }]);
    expect(r.missing).toEqual([`disclosure/${folderOf(s)}/phone_voicemails.json`]);
    expect(r.unlisted).toEqual([`disclosure/${folderOf(s)}/extra.json`]);
    const plain = await runCli(['verify', copy], env);
    expect(plain.stdout).toContain(`changed:  ${s.path}/meetings.json`);
    expect(plain.stdout).toContain(`missing:  disclosure/${folderOf(s)}/phone_voicemails.json`);
    expect(plain.stdout).toContain(`unlisted: disclosure/${folderOf(s)}/extra.json`);

    // A manifest edited to match a changed file no longer matches its signature.
    const fresh = join(tempDir('zdsar-verify-'), 'pkg');
    cpSync(pkg, fresh, { recursive: true });
    const m = readFileSync(join(fresh, 'manifest.json'), 'utf8');
    writeFileSync(join(fresh, 'manifest.json'), m.replace(/"completed_at": "[^"]+"/, '"completed_at": "2020-01-01T00:00:00.000Z"'));
    const bad = await runCli(['verify', fresh, '--json'], env);
    expect(bad.code).toBe(1);
    expect((JSON.parse(bad.stdout) as { changed: Array<{ path: string; reason: string }> }).changed).toEqual([
      { path: 'manifest.sig', reason: 'the signature does not match the manifest: it was changed after signing' },
      // The copy was made from the manifest as it was: it no longer belongs to this one.
      { path: 'disclosure/manifest.json', reason: "the copy was not made from this package's manifest.json (source_manifest differs)" },
    ]);
    // Another producer's key: refused.
    const other = generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const wrong = await runCli(['verify', pkg, '--public-key', other], env);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/changed: {2}manifest.sig: signed with another key/);
    const notPkg = await runCli(['verify', tempDir('zdsar-empty-')], env);
    expect(notPkg.code).toBe(2);
  });

  it('verify works on an unzipped per-person zip', async () => {
    const dir = tempDir('zdsar-unzipped-');
    const zip = join(pkg, 'zips', `${folderOf(people()[1]!)}.zip`);
    await extractZip(readFileSync(zip), dir);
    const root = join(dir, folderOf(people()[1]!));
    const ok = await runCli(['verify', root, '--public-key', publicPem], env);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    const f = join(root, 'disclosure', folderOf(people()[1]!), 'meetings_attended.json');
    writeFileSync(f, readFileSync(f, 'utf8').replace('Contact', 'Kontact'));
    const bad = await runCli(['verify', root], env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`changed:  disclosure/${folderOf(people()[1]!)}/meetings_attended.json`);
  });

  it('a redaction policy file is validated (file, line, field) and can keep colleagues; a new copy needs a new approval', async () => {
    const dir = tempDir('zdsar-policy-');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{\n  "colleagues": { "keep_work_identity": true, "domains": ["not a domain"] },\n  "others_text": "mask"\n}\n');
    const r1 = await runCli(['redact', id, '--redaction-policy', bad], env);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toContain(`${bad}:2: colleagues.domains.0: must be a domain name`);
    const unknown = join(dir, 'unknown.json');
    writeFileSync(unknown, '{\n  "media": "withhold",\n  "mask_everything": true\n}\n');
    const r2 = await runCli(['redact', id, '--redaction-policy', unknown], env);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(new RegExp(`${unknown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: mask_everything: `));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ colleagues: { keep_work_identity: true, domains: ['cedarpine.example'] } }));
    const r3 = await runCli(['redact', id, '--redaction-policy', good, '--json'], env);
    expect(r3.code, r3.stderr).toBe(0);
    expect((JSON.parse(r3.stdout) as { disclosure: { status: string } }).disclosure.status).toBe('waiting_for_approval');
    const alice = people()[0]!;
    const attended = readFileSync(dst(alice, 'meetings_attended.json'), 'utf8');
    expect(attended).toContain('bruno.costa@cedarpine.example'); // a colleague's work identity is kept
    const calls = readFileSync(dst(alice, 'phone_call_history.json'), 'utf8');
    expect(calls).not.toContain('+919812345678'); // an outsider is still masked
    expect(calls).not.toContain('Priya Nair');
    expect(readFileSync(dst(alice, 'report.html'), 'utf8')).toContain('DRAFT: not approved for release');
  });

  it('encrypts each zip to an age recipient, or as AES-256 with a passphrase shown once', async () => {
    const identity = await generateIdentity();
    const recipient = await identityToRecipient(identity);
    const r1 = await runCli(['redact', id, '--approve', '--age-recipient', recipient, '--json'], env);
    expect(r1.code, r1.stderr).toBe(0);
    const zips = (JSON.parse(r1.stdout) as { zips: string[] }).zips;
    expect(zips).toHaveLength(PEOPLE.length);
    expect(zips[0]).toMatch(/\.zip\.age$/);
    expect(existsSync(zips[0]!.replace(/\.age$/, ''))).toBe(false);
    const d = new Decrypter();
    d.addIdentity(identity);
    const plain = Buffer.from(await d.decrypt(new Uint8Array(readFileSync(zips[0]!))));
    expect([...(await readZip(plain)).keys()]).toContain(`${folderOf(people()[0]!)}/manifest.json`);

    // The encryption chosen at approval is kept: changing it is its own step, and the age zips go.
    const refused = await runCli(['requests', 'approve', id, '--zip-passphrase'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('this copy was approved with age');
    const r2 = await runCli(['requests', 'approve', id, '--zip-passphrase', '--change-encryption', '--json'], env);
    expect(r2.code, r2.stderr).toBe(0);
    expect(existsSync(zips[0]!)).toBe(false);
    const lines = r2.stderr.split('\n').filter((l) => l.startsWith('Passphrase for'));
    expect(lines).toHaveLength(PEOPLE.length);
    expect(r2.stdout).not.toMatch(/Passphrase|[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}/);
    const [, path, pass] = /^Passphrase for (.+\.zip) \(shown once, stored nowhere\): (\S+)$/.exec(lines[0]!)!;
    const entries = await readZip(readFileSync(path!), pass);
    const folder = folderOf(people()[0]!);
    expect(JSON.parse(entries.get(`${folder}/manifest.json`)!.toString('utf8')).request_id).toBe(id);
    await expect(readZip(readFileSync(path!), 'wrong-passphrase')).rejects.toThrow();
    await expect(readZip(readFileSync(path!))).rejects.toThrow();
    // The passphrase is kept nowhere on disk or in the ledger.
    for (const f of [...filesUnder(pkg).filter((x) => !x.endsWith('.zip')), ...filesUnder(env.ZDSAR_HOME!)]) expect(readFileSync(f, 'latin1'), f).not.toContain(pass!);
  });
});

function leaves(v: unknown, path = '', out: Array<[string, unknown]> = []): Array<[string, unknown]> {
  if (Array.isArray(v)) v.forEach((x, i) => leaves(x, `${path}[${i}]`, out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v as Rec)) leaves(x, path ? `${path}.${k}` : k, out);
  else out.push([path, v]);
  return out;
}

function get(v: unknown, path: string): unknown {
  for (const part of path.split(/\.|(?=\[)/)) {
    const m = /^\[(\d+)\]$/.exec(part);
    if (m) v = Array.isArray(v) ? v[Number(m[1])] : undefined;
    else v = v !== null && typeof v === 'object' ? (v as Rec)[part] : undefined;
  }
  return v;
}
