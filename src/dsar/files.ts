/**
 * --with-files: the media behind a person's records, downloaded into their folder:
 *
 *   files/recordings/<meeting#>-<file id>.<ext>     cloud recording files (video, audio, transcript, chat…)
 *   files/phone_recordings/<n>-<id>.<ext>            Zoom Phone call recordings (+ "-transcript" when Zoom has one)
 *   files/voicemails/<n>-<id>.<ext>                  Zoom Phone voicemails
 *   files/chat/<n>-<file id>.<ext>                   files attached to Team Chat messages (<n>: the message's row in chat_messages.json)
 *   files/clips/<n>-<clip id>.mp4                    Zoom Clips (GET /clips/{clipId}/download, Light; only clips Zoom has finished: RECORD_SUCCESS)
 *   files/ai_companion/history.<ext>, <n>-<file id>.<ext>  the AI Companion conversation archive's history and files
 *   files/sms/<n>-<attachment id>.<ext>              MMS attachments of SMS texts (<n>: the text's row in phone_sms_messages.json)
 *   files/whiteboards/export-<n>.zip                  Zoom's export of the person's whiteboards, 50 a ZIP (PDFs and the audit log)
 *   files/mail/<n>-<attachment id>.<ext>             Zoom Mail attachments (<n>: the message's row in mail_messages.json; drafts' as d<n>)
 *
 * <meeting#> and <n> are the record's position (1-based) in cloud_recordings.json,
 * phone_recordings.json or phone_voicemails.json, so a file can be matched to its record
 * (the report's tables show the same numbers). Names are built only from safe parts: our
 * own folder names, a position, Zoom's id when it is made of [A-Za-z0-9_-] (otherwise a
 * hash of it), and an extension from an allowlist. Nothing from Zoom's text (topics,
 * names, file types it invents) ever becomes a path.
 *
 * Recordings in the trash are not downloaded (they are listed in cloud_recordings_trash.json).
 * A file that already exists is complete (downloadFile renames only after verifying), so a
 * resumed run skips it; a `.partial` left by an interruption is continued with Range.
 */
import { createHash } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from '../fs/atomic.js';
import { digestFile } from '../fs/records.js';
import type { ZoomClient } from '../zoom/client.js';
import type { RateCategory } from '../zoom/categories.generated.js';
import { downloadFile } from '../zoom/download.js';
import { mailAttachments } from '../zoom/endpoints/workplace.js';
import { exportWhiteboards } from './whiteboard-export.js';
import { route, type Route } from '../zoom/route.js';
import { CATEGORY } from './categories.js';
import type { CategoryResult } from './collect.js';
import { emptyTally, settleItem, tallySentence, type ItemOutcomeName, type ItemTally } from './items.js';
import { isRecord, readRecords, type Rec } from './report/read.js';

export interface PlannedFile {
  /** Path inside the person's folder, '/'-separated. */
  rel: string;
  url: string;
  expectedBytes?: number;
  kind: 'recording' | 'phone_recording' | 'phone_transcript' | 'voicemail' | 'chat_file' | 'sms_attachment' | 'clip' | 'aic_file' | 'mail_attachment';
  /** The category whose records list the file: its coverage counts the file's outcome. */
  category: string;
  /** A file Zoom serves inside a JSON answer, base64url in its `data` (mail attachments), read by this route instead of `url`. */
  inline?: Route;
  /** The rate category of the first request (the spec's label), when not the downloads' default. */
  rate?: RateCategory;
}

export interface SubjectFilesResult {
  /** Files complete on disk after this call (downloaded now or earlier). */
  files: number;
  /** Their total size. */
  bytes: number;
  /** Of `files`, how many were already complete before this call. */
  skipped: number;
  failed: Array<{ file: string; error: string }>;
  /** The files complete on disk (relative to the person's folder): the only downloads the manifest lists. */
  paths?: string[];
  /** Every planned file's outcome (items.ts), per category that lists it. */
  items?: Record<string, ItemTally>;
}

/** What a run recorded of each file (`--with-files`), by its path in the person's folder: read back by a resumed run. */
interface FileRecord {
  outcome: ItemOutcomeName;
  bytes?: number;
  sha256?: string;
  reason?: string;
}

export const FILES_DIR = 'files';

/** Extensions a downloaded file may have; anything else becomes "bin". */
export const ALLOWED_EXTENSIONS = new Set(['mp4', 'm4a', 'mp3', 'wav', 'ogg', 'webm', 'vtt', 'srt', 'txt', 'json', 'csv', 'pdf', 'jpg', 'jpeg', 'png', 'gif']);

/** Zoom's recording file_type → extension, when file_extension is missing or not allowed. */
const TYPE_EXTENSION: Record<string, string> = {
  MP4: 'mp4',
  M4A: 'm4a',
  TRANSCRIPT: 'vtt',
  CC: 'vtt',
  CHAT: 'txt',
  CHAT_MESSAGE: 'txt',
  CSV: 'csv',
  TIMELINE: 'json',
  SUMMARY: 'json',
};

/** A Zoom id as a file-name part: itself when it is plain [A-Za-z0-9_-] (≤ 64), else "h" + 16 hex of its sha256. */
export function safeId(raw: unknown): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const s = String(raw);
  if (/^[A-Za-z0-9_-]{1,64}$/.test(s)) return s;
  return 'h' + createHash('sha256').update(s).digest('hex').slice(0, 16);
}

/** An allowlisted extension from Zoom's file_extension, else from its file_type, else the fallback. */
export function safeExtension(fileExtension: unknown, fileType: unknown, fallback = 'bin'): string {
  const ext = typeof fileExtension === 'string' ? fileExtension.toLowerCase() : '';
  if (ALLOWED_EXTENSIONS.has(ext)) return ext;
  const byType = typeof fileType === 'string' ? TYPE_EXTENSION[fileType.toUpperCase()] : undefined;
  if (byType) return byType;
  return ALLOWED_EXTENSIONS.has(fallback) ? fallback : 'bin';
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function expected(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function urlOf(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * Every file a person's records point to, with its safe local name. Streams over the
 * category files (memory does not grow with their size). Names are unique within the
 * person: a clash (two files without ids, or equal hashes) gets a position suffix.
 */
export async function* planSubjectFiles(subjectDir: string, urlOfRoute?: (r: Route) => string): AsyncGenerator<PlannedFile> {
  const used = new Set<string>();
  const unique = (base: string, ext: string, j: number) => {
    let name = `${base}.${ext}`;
    if (used.has(name)) name = `${base}-${j}.${ext}`;
    for (let k = 2; used.has(name); k++) name = `${base}-${j}-${k}.${ext}`;
    used.add(name);
    return name;
  };

  let i = 0;
  for await (const meeting of readRecords(join(subjectDir, CATEGORY.get('recordings')!.file))) {
    i++;
    const files = [...asArray(meeting.recording_files), ...asArray(meeting.participant_audio_files)];
    let j = 0;
    for (const f of files) {
      j++;
      const url = urlOf(f.download_url);
      if (!url) continue;
      const ext = safeExtension(f.file_extension, f.file_type);
      const base = `${pad(i, 4)}-${safeId(f.id) ?? `file${j}`}`;
      yield { rel: `${FILES_DIR}/recordings/${unique(base, ext, j)}`, url, expectedBytes: expected(f.file_size), kind: 'recording', category: 'recordings' };
    }
  }

  i = 0;
  for await (const r of readRecords(join(subjectDir, CATEGORY.get('phone_recordings')!.file))) {
    i++;
    const id = safeId(r.id) ?? `rec${i}`;
    const url = urlOf(r.download_url);
    if (url) {
      const ext = safeExtension(r.file_extension, r.file_type, 'mp3');
      yield { rel: `${FILES_DIR}/phone_recordings/${unique(`${pad(i, 4)}-${id}`, ext, i)}`, url, expectedBytes: expected(r.file_size), kind: 'phone_recording', category: 'phone_recordings' };
    }
    const transcript = urlOf(r.transcript_download_url);
    if (transcript) {
      yield { rel: `${FILES_DIR}/phone_recordings/${unique(`${pad(i, 4)}-${id}-transcript`, 'json', i)}`, url: transcript, kind: 'phone_transcript', category: 'phone_recordings' };
    }
  }

  i = 0;
  for await (const v of readRecords(join(subjectDir, CATEGORY.get('phone_voicemails')!.file))) {
    i++;
    const url = urlOf(v.download_url);
    if (!url) continue;
    const ext = safeExtension(v.file_extension, v.file_type, 'mp3');
    yield { rel: `${FILES_DIR}/voicemails/${unique(`${pad(i, 4)}-${safeId(v.id) ?? `vm${i}`}`, ext, i)}`, url, expectedBytes: expected(v.file_size), kind: 'voicemail', category: 'phone_voicemails' };
  }

  i = 0;
  for await (const r of readRecords(join(subjectDir, CATEGORY.get('chat_messages')!.file))) {
    i++;
    const m = isRecord(r.message) ? r.message : {};
    let j = 0;
    // Zoom gives `files` only "if there are multiple files"; a message with one file has it at the top level.
    const files = Array.isArray(m.files) ? asArray(m.files) : urlOf(m.download_url) ? [{ file_id: m.file_id, file_name: m.file_name, file_size: m.file_size, download_url: m.download_url }] : [];
    for (const f of files) {
      j++;
      const url = urlOf(f.download_url);
      if (!url) continue;
      const name = typeof f.file_name === 'string' ? f.file_name : '';
      const ext = safeExtension(name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : '', undefined);
      yield { rel: `${FILES_DIR}/chat/${unique(`${pad(i, 5)}-${safeId(f.file_id) ?? `file${j}`}`, ext, j)}`, url, expectedBytes: expected(f.file_size), kind: 'chat_file', category: 'chat_messages' };
    }
  }

  // MMS: each SMS text's attachments (smsSessionDetails `attachments[]`: id, name, size, type, download_url).
  i = 0;
  for await (const r of readRecords(join(subjectDir, CATEGORY.get('phone_sms_messages')!.file))) {
    i++;
    const m = isRecord(r.message) ? r.message : {};
    let j = 0;
    for (const a of asArray(m.attachments)) {
      j++;
      const url = urlOf(a.download_url);
      if (!url) continue;
      const name = typeof a.name === 'string' ? a.name : '';
      const ext = safeExtension(name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : '', undefined);
      yield { rel: `${FILES_DIR}/sms/${unique(`${pad(i, 5)}-${safeId(a.id) ?? `file${j}`}`, ext, j)}`, url, expectedBytes: expected(a.size), kind: 'sms_attachment', category: 'phone_sms_messages' };
    }
  }

  // Clips: Zoom's download read redirects to the MP4 (clips.openapi.json downloadClip, "RECORD_SUCCESS - clips can play and download").
  if (!urlOfRoute) return;
  i = 0;
  for await (const c of readRecords(join(subjectDir, CATEGORY.get('clips')!.file))) {
    i++;
    const id = typeof c.clip_id === 'string' ? c.clip_id : '';
    if (!id || c.status !== 'RECORD_SUCCESS') continue;
    const r = route('GET', '/clips/{clipId}/download', { clipId: id });
    yield { rel: `${FILES_DIR}/clips/${unique(`${pad(i, 4)}-${safeId(id)}`, 'mp4', i)}`, url: urlOfRoute(r), expectedBytes: expected(c.file_size), kind: 'clip', category: 'clips', rate: r.category };
  }

  // Zoom Mail attachments (mail.openapi.json get_email_attachment, Medium): JSON with the bytes base64url-encoded, read from the person's own mailbox.
  let mailbox = '';
  for await (const p of readRecords(join(subjectDir, CATEGORY.get('mail_profile')!.file))) mailbox = typeof p.emailAddress === 'string' ? p.emailAddress : '';
  if (mailbox) {
    const mailFiles = async function* (category: 'mail_messages' | 'mail_drafts', prefix: string, messageOf: (r: Rec) => Rec): AsyncGenerator<PlannedFile> {
      const file = CATEGORY.get(category)!.file;
      let n = 0;
      for await (const r of readRecords(join(subjectDir, file))) {
        n++;
        const m = messageOf(r);
        const messageId = typeof m.id === 'string' ? m.id : '';
        if (!messageId) continue;
        let j = 0;
        for (const a of mailAttachments(m)) {
          j++;
          const ext = safeExtension(a.filename.includes('.') ? a.filename.slice(a.filename.lastIndexOf('.') + 1) : '', undefined);
          const r2 = route('GET', '/emails/mailboxes/{email}/messages/{messageId}/attachments/{attachmentId}', { email: mailbox, messageId, attachmentId: a.attachmentId });
          yield { rel: `${FILES_DIR}/mail/${unique(`${prefix}${pad(n, 5)}-${safeId(a.attachmentId) ?? `file${j}`}`, ext, j)}`, url: urlOfRoute ? urlOfRoute(r2) : r2.path, expectedBytes: expected(a.size), kind: 'mail_attachment', category, inline: r2 };
        }
      }
    };
    yield* mailFiles('mail_messages', '', (r) => r);
    yield* mailFiles('mail_drafts', 'd', (r) => (isRecord(r.message) ? r.message : {}));
  }

  // The AI Companion archive (ai-companion.openapi.json): the conversation history and the files given to it.
  for await (const a of readRecords(join(subjectDir, CATEGORY.get('aic_archive')!.file))) {
    const history = urlOf(a.aic_history_download_url);
    if (history) yield { rel: `${FILES_DIR}/ai_companion/${unique('history', safeExtension(a.file_extension, undefined, 'json'), 0)}`, url: history, expectedBytes: expected(a.file_size), kind: 'aic_file', category: 'aic_archive' };
    let j = 0;
    for (const f of asArray(a.physical_files)) {
      j++;
      const url = urlOf(f.download_url);
      if (!url) continue;
      const name = typeof f.file_name === 'string' ? f.file_name : '';
      const ext = safeExtension(name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : '', undefined);
      yield { rel: `${FILES_DIR}/ai_companion/${unique(`${pad(j, 4)}-${safeId(f.file_id) ?? `file${j}`}`, ext, j)}`, url, expectedBytes: expected(f.file_size), kind: 'aic_file', category: 'aic_archive' };
    }
  }
}

/**
 * Download every file of one person (see the module comment). Each file is an item (items.ts): it
 * ends collected, no_data, gone (named, e.g. deleted since its list named it) or failed, by its own
 * answer only, counted per category that lists it. `record`: where the outcomes are kept between runs
 * (bytes and sha256 of each file collected): a resumed run asks again only for the files that failed
 * or were never settled, and never downloads again a file it recorded whose size and sha256 still
 * match. An abort (signal) stops and throws, keeping partial files for the resumed run.
 */
export async function downloadSubjectFiles(
  client: ZoomClient,
  subjectDir: string,
  opts: { signal?: AbortSignal; concurrency?: number; maxUnsizedBytes?: number; record?: string; whiteboardWaitMs?: number } = {},
): Promise<SubjectFilesResult> {
  const out: SubjectFilesResult = { files: 0, bytes: 0, skipped: 0, failed: [] };
  const paths: string[] = [];
  const items: Record<string, ItemTally> = {};
  const root = resolve(subjectDir);
  const plan = planSubjectFiles(subjectDir, (r) => client.url(r).href);
  const made = new Set<string>();
  const records = opts.record ? await readFileRecords(opts.record) : {};
  let saving = Promise.resolve();
  const save = () => {
    if (!opts.record) return Promise.resolve();
    const path = opts.record;
    saving = saving.then(async () => {
      await ensurePrivateDir(dirname(path));
      await writeFileAtomic(path, JSON.stringify({ files: records }) + '\n');
    });
    return saving;
  };
  const settle = async (f: PlannedFile, r: FileRecord, done?: { bytes: number; skipped: boolean }) => {
    const t = (items[f.category] ??= emptyTally());
    t[r.outcome]++;
    if (r.outcome !== 'collected') t.named.push({ key: f.rel, item: f.rel, outcome: r.outcome, reason: r.reason ?? '' });
    if (r.outcome === 'failed') out.failed.push({ file: f.rel, error: r.reason ?? 'failed' });
    if (done) {
      out.files++;
      out.bytes += done.bytes;
      if (done.skipped) out.skipped++;
      paths.push(f.rel);
    }
    records[f.rel] = r;
    await save();
  };
  let planError: unknown;

  const worker = async () => {
    for (;;) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
      let next: IteratorResult<PlannedFile>;
      try {
        next = await plan.next();
      } catch (e) {
        planError ??= e;
        return;
      }
      if (next.done) return;
      const f = next.value;
      const dest = resolve(root, ...f.rel.split('/'));
      if (!dest.startsWith(root + sep)) {
        // Cannot happen with the names above; refuse rather than trust it.
        await settle(f, { outcome: 'failed', reason: 'unsafe file name' });
        continue;
      }
      const dir = resolve(dest, '..');
      if (!made.has(dir)) {
        await ensurePrivateDir(join(root, FILES_DIR));
        await ensurePrivateDir(dir);
        made.add(dir);
      }
      const prior = records[f.rel];
      // Settled in an earlier run: gone or no data is not asked again; a file collected is kept while it checks.
      if (prior && (prior.outcome === 'gone' || prior.outcome === 'no_data')) {
        await settle(f, prior);
        continue;
      }
      if (prior?.outcome === 'collected' && prior.sha256 !== undefined && (await checks(dest, prior))) {
        await settle(f, prior, { bytes: prior.bytes ?? 0, skipped: true });
        continue;
      }
      if (!prior) {
        // On disk but not recorded (a run stopped between the two): downloadFile publishes only verified files.
        const have = await sizeIfFile(dest);
        if (have !== undefined && (f.expectedBytes === undefined || have === f.expectedBytes)) {
          const d = await digestFile(dest);
          await settle(f, { outcome: 'collected', bytes: d.bytes, sha256: d.sha256 }, { bytes: d.bytes, skipped: true });
          continue;
        }
      }
      let got: { bytes: number; sha256: string } | undefined;
      const o = await settleItem(async () => {
        if (f.inline) {
          const bytes = Buffer.from(String((await client.get(f.inline)).data ?? ''), 'base64url');
          if (f.expectedBytes !== undefined && bytes.length !== f.expectedBytes) throw new Error(`Zoom announced ${f.expectedBytes} bytes and sent ${bytes.length}`);
          await writeFileAtomic(dest, bytes);
          got = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
        } else got = await downloadFile(client, f.url, dest, { expectedBytes: f.expectedBytes, signal: opts.signal, maxUnsizedBytes: opts.maxUnsizedBytes, ...(f.rate ? { category: f.rate } : {}) });
        return [];
      }, () => Boolean(opts.signal?.aborted));
      if (o.outcome === 'collected' && got) await settle(f, { outcome: 'collected', bytes: got.bytes, sha256: got.sha256 }, { bytes: got.bytes, skipped: false });
      else await settle(f, { outcome: o.outcome === 'collected' ? 'failed' : o.outcome, reason: o.outcome === 'collected' ? 'no file' : o.reason });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, worker));
  await saving;
  if (planError !== undefined) out.failed.push({ file: '(reading the records)', error: (planError as Error).message ?? String(planError) });
  // The whiteboards' content: Zoom's export, made on request and polled (whiteboard-export.ts).
  const wb = await exportWhiteboards(client, subjectDir, { signal: opts.signal, waitMs: opts.whiteboardWaitMs, sizeOf: sizeIfFile });
  out.files += wb.files.length;
  out.bytes += wb.bytes;
  out.skipped += wb.skipped;
  out.failed.push(...wb.failed);
  paths.push(...wb.files);
  return { ...out, paths: paths.sort(), items };
}

/**
 * The file outcomes in the person's categories: each category that lists files gets their tally in its
 * coverage (`files`, the shape of `items`) and its note; a file that failed fails the category (the person is partial).
 */
export function withFileOutcomes(categories: Record<string, CategoryResult>, items: Record<string, ItemTally>): void {
  for (const [name, t] of Object.entries(items)) {
    const c = categories[name];
    if (!c) continue;
    const files = { ...t, of: 'files' };
    const coverage = { ...(c.coverage ?? { why: '' }), files };
    const sentence = tallySentence(t, 'files');
    if (t.failed > 0) {
      const first = t.named.find((x) => x.outcome === 'failed')!;
      categories[name] = { ...c, status: 'failed', coverage, error: `${t.failed} of ${t.collected + t.no_data + t.gone + t.failed} files could not be downloaded (${first.item}: ${first.reason}); resuming asks again for those only. ${sentence}.` };
    } else {
      categories[name] = { ...c, coverage, note: `${c.note ? `${c.note} ` : ''}${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.` };
    }
  }
}

async function readFileRecords(path: string): Promise<Record<string, FileRecord>> {
  try {
    const doc = JSON.parse(await readFile(path, 'utf8')) as { files?: Record<string, FileRecord> };
    return doc.files && typeof doc.files === 'object' ? doc.files : {};
  } catch {
    return {};
  }
}

/** A file on disk is the one recorded: a regular file (not a planted link) of the recorded size and sha256. */
async function checks(path: string, r: FileRecord): Promise<boolean> {
  const have = await sizeIfFile(path);
  if (have === undefined || have !== r.bytes) return false;
  return (await digestFile(path)).sha256 === r.sha256;
}

function asArray(v: unknown): Rec[] {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

async function sizeIfFile(path: string): Promise<number | undefined> {
  try {
    const st = await lstat(path); // a planted link is not a finished download
    return st.isFile() ? st.size : undefined;
  } catch {
    return undefined;
  }
}
