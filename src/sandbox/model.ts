/**
 * The sandbox's data model: plain data types, nothing else. The routes render these records into
 * Zoom's published response shapes (see docs/sandbox.md); tests read them to know what "every record
 * the sandbox holds for person X" is (see recordsFor below).
 *
 * Every record carries its owner: meetings, webinars and recordings have `host_id` (+ `host_email`),
 * registrants and panelists have `email`, Phone records have `owner_id` (+ caller/callee emails),
 * past-meeting participants have `user_email`.
 */

/** A read-only sequence: plain arrays satisfy it; large generated accounts use lazy sequences. */
export interface Seq<T> extends Iterable<T> {
  readonly length: number;
  at(index: number): T | undefined;
}

/** A sequence whose items are produced on demand from their index (deterministic, constant memory). */
export class LazySeq<T> implements Seq<T> {
  constructor(
    readonly length: number,
    private readonly make: (index: number) => T,
  ) {}
  at(index: number): T | undefined {
    if (index < 0) index += this.length;
    if (index < 0 || index >= this.length || !Number.isInteger(index)) return undefined;
    return this.make(index);
  }
  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.length; i++) yield this.make(i);
  }
}

export type UserStatus = 'active' | 'inactive' | 'pending';
export type RegistrantStatus = 'approved' | 'pending' | 'denied';

export interface SandboxCredentials {
  clientId: string;
  clientSecret: string;
  webhookSecretToken: string;
}

export interface SandboxQuirks {
  /** Phone lists asked for a window that starts more than six months ago: 'error' (400 code 300; default, strict) or 'empty' (served from six months ago). */
  phoneOlderThanSixMonths: 'empty' | 'error';
  /**
   * The account's call recordings (GET /phone/recordings) asked for a month that starts more than six months ago.
   * Its spec states no six-month limit (the user's list states one) and says nothing of older months: 'served'
   * (the spec as written; default) or 'error' (Zoom keeps the limit after all: 400 code 300, the one 400 the spec documents there).
   */
  accountRecordingsOlderThanSixMonths: 'served' | 'error';
  /** Phone lists asked for more than one month: 'error' (400 code 300; default, strict) or 'truncate' (serve the first month and say so in from/to). */
  phoneLongRange: 'truncate' | 'error';
  /** Cloud recordings asked for more than one month: 'error' (400 code 300; default) or 'truncate'. */
  recordingsLongRange: 'error' | 'truncate';
  /** A user without any cloud recording: '3301' (404 code 3301 "There is no recording for this session", the spec's no-data answer; default) or 'empty' (200, no rows). */
  noRecordings: '3301' | 'empty';
  /** Data Compliance endpoint: 'ok' (200), 'not_found' (404) or 'gone' (410, "retired"). */
  complianceEndpoint: 'ok' | 'not_found' | 'gone';
}

export interface SandboxAccount {
  id: string;
  account_number: number;
  name: string;
  /** ISO time the account was created. */
  created_at: string;
  /** Zoom Phone enabled for the account (otherwise Phone endpoints answer 403 code 2031). */
  phoneEnabled: boolean;
  /** The scopes granted to the Server-to-Server app; an endpoint needing none of its scopes answers 400 code 4711. */
  scopes: string[];
  credentials: SandboxCredentials;
  quirks: SandboxQuirks;
  users: SandboxUser[];
  /** Every meeting of the account, each owned by `host_id`. */
  meetings: SandboxMeeting[];
  /** Every webinar of the account, each owned by `host_id`. */
  webinars: SandboxWebinar[];
  /** Team Chat, SMS messages, AI Companion summaries, sign-ins (breadth.ts); absent: none of these. */
  breadth?: import('./breadth-model.js').SandboxBreadth;
  /** A legacy HIPAA BAA account: the participants reports answer empty names and emails ("may return empty values for participants' user_name … and email"). */
  legacyBaa?: boolean;
  /** Clips, Calendar, Scheduler, workspace reservations, AI Companion archives (workplace.ts); absent: none of these. */
  workplace?: import('./workplace-model.js').SandboxWorkplace;
  /** Team Chat legal hold matters (routes/legal-hold.ts); absent: none. */
  legalHolds?: SandboxLegalHold[];
}

/** A legal hold matter: its people, and per person (lower-case email) the held zips Zoom lists. */
export interface SandboxLegalHold {
  matter_id: string;
  matter_name: string;
  matter_start_date?: string;
  matter_end_date?: string;
  matter_creation_date: string;
  users: Array<{ user_id: string; email: string }>;
  files: Record<string, Array<{ file_key: string; file_count: number; file_start_date: string; file_end_date: string; ready_for_download: boolean; total_file_size: number }>>;
}

export interface SandboxUser {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  display_name: string;
  /** 1 basic, 2 licensed, 4 unassigned without meetings basic, 99 none. */
  type: 1 | 2 | 4 | 99;
  status: UserStatus;
  role_id: string;
  role_name: string;
  dept: string;
  job_title: string;
  company: string;
  location: string;
  language: string;
  timezone: string;
  pmi: number;
  /** When the user was created (Zoom's `user_created_at`). */
  created_at: string;
  /**
   * When the user's latest login type was created (a move to SSO, say): what Zoom's deprecated
   * `created_at` field says (users.openapi.json). Absent: the same as `created_at`.
   */
  login_type_created_at?: string;
  last_login_time: string;
  last_client_version: string;
  phone_number: string;
  phone_country: string;
  verified: 0 | 1;
  group_ids: string[];
  /** Holds a webinar licence (otherwise webinar lists answer 400 code 200 "Webinar plan is missing"). */
  webinarLicence: boolean;
  /**
   * A documented Phone error this user's Phone endpoints answer instead (e.g. 400 code 300 "Invalid user
   * id.", 404 code 404 "Site does not exist."): answers that do NOT mean "no Zoom Phone".
   */
  phoneError?: { status: number; code: number; message: string };
  /** Zoom Phone profile; null: no Phone licence (Phone endpoints answer 404 code 1001). */
  phone: SandboxPhoneProfile | null;
  /** Cloud recordings hosted by this user, ascending by start_time. */
  recordings: Seq<SandboxRecording>;
  /** Phone call history of this user's extension, ascending by start_time. */
  calls: Seq<SandboxCall>;
  /** Phone call recordings of this user, ascending by date_time. */
  phoneRecordings: Seq<SandboxPhoneRecording>;
  /** Voicemails received by this user, ascending by date_time. */
  voicemails: Seq<SandboxVoicemail>;
  smsSessions: SandboxSmsSession[];
}

export interface SandboxPhoneProfile {
  phone_user_id: string;
  extension_id: string;
  extension_number: number;
  phone_numbers: Array<{ id: string; number: string }>;
  site_id: string;
  site_name: string;
  status: 'activate' | 'deactivate';
  calling_plan_type: number;
  emergency_address: { id: string; address_line1: string; city: string; state_code: string; zip: string; country: string };
}

export interface SandboxOccurrence {
  occurrence_id: string;
  start_time: string;
  duration: number;
  status: 'available' | 'deleted';
}

export interface SandboxRegistrant {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  status: RegistrantStatus;
  /** Set when the registration was cancelled with PUT …/registrants/status action=cancel (then listed as denied). */
  cancelled?: boolean;
  create_time: string;
  /** For recurring meetings with registration_type 2 or 3: the occurrences registered for; absent = all. */
  occurrence_ids?: string[];
  address?: string;
  city?: string;
  country?: string;
  zip?: string;
  state?: string;
  phone?: string;
  industry?: string;
  org?: string;
  job_title?: string;
  comments?: string;
  custom_questions?: Array<{ title: string; value: string }>;
  /** Status changes made today (Zoom allows 10 per registrant per meeting per UTC day). */
  status_changes?: number;
  /** The UTC day status_changes counts (yyyy-mm-dd). */
  status_changes_day?: string;
}

export interface SandboxPanelist {
  id: string;
  email: string;
  name: string;
}

export interface SandboxParticipant {
  id: string;
  name: string;
  user_id: string;
  registrant_id?: string;
  user_email: string;
  join_time: string;
  leave_time: string;
  duration: number;
  internal_user: boolean;
}

/** A past instance of a meeting or webinar (a session with its participants). */
export interface SandboxInstance {
  uuid: string;
  start_time: string;
  end_time: string;
  participants: SandboxParticipant[];
  /** Deleted or expired after the report listed it: its participants answer 404 code 3001 (a race the tests stage). */
  gone?: boolean;
}

interface SessionBase {
  id: number;
  uuid: string;
  host_id: string;
  host_email: string;
  topic: string;
  agenda: string;
  start_time: string;
  duration: number;
  timezone: string;
  created_at: string;
  password: string;
  /** 0 auto-approve registration, 1 manual approval, 2 no registration. */
  approval_type: 0 | 1 | 2;
  /** Recurring with registration: 1 once for all, 2 each occurrence, 3 once for one or more occurrences. */
  registration_type?: 1 | 2 | 3;
  recurrence?: { type: 1 | 2 | 3; repeat_interval: number; weekly_days?: string; end_times?: number; end_date_time?: string };
  occurrences?: SandboxOccurrence[];
  registrants: SandboxRegistrant[];
  instances: SandboxInstance[];
  /** True while the meeting is in progress. */
  live?: boolean;
  /** Deleted meetings are kept out of every list. */
  deleted?: boolean;
  /**
   * Hosted by another Zoom account that a user of this one joined: the reports answer 400 code 1010
   * ("User does not belong to this account"); the past lists answer 400 code 200 "Only available for
   * paid account" when that account is free.
   */
  hostedElsewhere?: { accountId: string; plan: 'free' | 'paid' };
}

export interface SandboxMeeting extends SessionBase {
  /** 1 instant, 2 scheduled, 3 recurring without fixed time, 8 recurring with fixed time. */
  type: 1 | 2 | 3 | 8;
}

export interface SandboxWebinar extends SessionBase {
  /** 5 webinar, 6 recurring without fixed time, 9 recurring with fixed time. */
  type: 5 | 6 | 9;
  panelists: SandboxPanelist[];
}

export interface SandboxRecordingFile {
  id: string;
  recording_start: string;
  recording_end: string;
  file_type: string;
  file_extension: string;
  file_size: number;
  recording_type: string;
  status: 'completed';
  /** Deleted after the recording list named it: its download answers 404 (a race the tests stage). */
  fileGone?: boolean;
}

export interface SandboxRecording {
  uuid: string;
  /** The meeting id (number). */
  id: number;
  host_id: string;
  host_email: string;
  topic: string;
  /** Zoom's recording "type" as a string: "1".."9", "99". */
  type: string;
  start_time: string;
  duration: number;
  recording_files: SandboxRecordingFile[];
  /** In the trash (listed only with trash=true). Default: one in five of the last 30 days' recordings. */
  trashed?: boolean;
}

export interface SandboxCall {
  id: string;
  call_id: string;
  /** The user whose call history holds this call. */
  owner_id: string;
  direction: 'inbound' | 'outbound';
  connect_type: 'internal' | 'external';
  caller_name: string;
  caller_number: string;
  caller_email: string;
  caller_ext_number: string;
  callee_name: string;
  callee_number: string;
  callee_email: string;
  callee_ext_number: string;
  start_time: string;
  answer_time: string;
  end_time: string;
  duration: number;
  result: 'answered' | 'voicemail' | 'no_answer' | 'hang_up' | 'busy';
  recording_id: string;
  voicemail_id: string;
}

export interface SandboxPhoneRecording {
  /** Deleted after the list named it: its download answers 400 code 404 "File does not exist" (a race the tests stage). */
  fileGone?: boolean;
  id: string;
  owner_id: string;
  call_id: string;
  call_log_id: string;
  caller_name: string;
  caller_number: string;
  callee_name: string;
  callee_number: string;
  direction: 'inbound' | 'outbound';
  date_time: string;
  duration: number;
  recording_type: 'OnDemand' | 'Automatic';
  file_size: number;
}

export interface SandboxVoicemail {
  /** The account's list names no owner for it (a row nothing attributes to anyone; a test stages it). */
  ownerUnknown?: boolean;
  /** Its file deleted after the list named it: the download answers 400 code 404 "File does not exist" (a race the tests stage). */
  fileGone?: boolean;
  /** Deleted after the voicemail list named it: the detail answers 400 code 300 "Voice mail does not exist" (a race the tests stage). */
  deletedAfterList?: boolean;
  id: string;
  owner_id: string;
  call_id: string;
  call_log_id: string;
  caller_name: string;
  caller_number: string;
  callee_name: string;
  callee_number: string;
  date_time: string;
  duration: number;
  status: 'read' | 'unread';
  file_size: number;
}

export interface SandboxSmsSession {
  session_id: string;
  owner_id: string;
  last_access_time: string;
  participants: Array<{ display_name: string; phone_number: string; owner_id?: string; is_session_owner: boolean }>;
}

/** Strict by default: what Zoom's specs say "should" not be asked is refused, not quietly served. */
export const DEFAULT_QUIRKS: SandboxQuirks = {
  phoneOlderThanSixMonths: 'error',
  accountRecordingsOlderThanSixMonths: 'served',
  phoneLongRange: 'error',
  recordingsLongRange: 'error',
  noRecordings: '3301',
  complianceEndpoint: 'ok',
};

/** Every record the sandbox holds that concerns one email address (case-insensitive). */
export interface PersonRecords {
  user: SandboxUser | undefined;
  meetings: SandboxMeeting[];
  webinars: SandboxWebinar[];
  recordings: SandboxRecording[];
  calls: SandboxCall[];
  phoneRecordings: SandboxPhoneRecording[];
  voicemails: SandboxVoicemail[];
  smsSessions: SandboxSmsSession[];
  registrations: Array<{ kind: 'meeting' | 'webinar'; sessionId: number; registrant: SandboxRegistrant }>;
  panelistOf: Array<{ webinarId: number; panelist: SandboxPanelist }>;
  participations: Array<{ kind: 'meeting' | 'webinar'; sessionId: number; instanceUuid: string; participant: SandboxParticipant }>;
}

/**
 * What the sandbox holds for a person: their user and everything they own, plus registrations,
 * panelist seats and participations under their address in other people's meetings.
 * (Calls of other users where the person is the other party are not included: those belong to the other user.)
 */
export function recordsFor(account: SandboxAccount, email: string): PersonRecords {
  const e = email.trim().toLowerCase();
  const user = account.users.find((u) => u.email.toLowerCase() === e);
  const out: PersonRecords = {
    user,
    meetings: [],
    webinars: [],
    recordings: [],
    calls: [],
    phoneRecordings: [],
    voicemails: [],
    smsSessions: [],
    registrations: [],
    panelistOf: [],
    participations: [],
  };
  if (user) {
    out.meetings = account.meetings.filter((m) => m.host_id === user.id && !m.deleted);
    out.webinars = account.webinars.filter((w) => w.host_id === user.id && !w.deleted);
    out.recordings = [...user.recordings];
    out.calls = [...user.calls];
    out.phoneRecordings = [...user.phoneRecordings];
    out.voicemails = [...user.voicemails];
    out.smsSessions = [...user.smsSessions];
  }
  for (const m of account.meetings) {
    if (m.deleted) continue;
    for (const r of m.registrants) if (r.email.toLowerCase() === e) out.registrations.push({ kind: 'meeting', sessionId: m.id, registrant: r });
    for (const inst of m.instances)
      for (const p of inst.participants)
        if (p.user_email.toLowerCase() === e) out.participations.push({ kind: 'meeting', sessionId: m.id, instanceUuid: inst.uuid, participant: p });
  }
  for (const w of account.webinars) {
    if (w.deleted) continue;
    for (const r of w.registrants) if (r.email.toLowerCase() === e) out.registrations.push({ kind: 'webinar', sessionId: w.id, registrant: r });
    for (const p of w.panelists) if (p.email.toLowerCase() === e) out.panelistOf.push({ webinarId: w.id, panelist: p });
    for (const inst of w.instances)
      for (const p of inst.participants)
        if (p.user_email.toLowerCase() === e) out.participations.push({ kind: 'webinar', sessionId: w.id, instanceUuid: inst.uuid, participant: p });
  }
  return out;
}

// ---------------------------------------------------------------- Data & Privacy requests

/** One data request (accounts.openapi.json /data_requests): Zoom creates one per email of a POST. */
export interface SandboxDataRequest {
  request_id: string;
  /** The POST that created it (several requests share one); the one-in-process rule counts batches. */
  batch: number;
  request_type: 'EXPORT' | 'DELETE';
  /** user_identifier: the email as given. */
  email: string;
  /** ms since epoch. */
  created_at: number;
  /** The export window (EXPORT only). */
  start_at?: number;
  end_at?: number;
  requestor_user_id: string;
  requestor_name: string;
  /** Made with this app's token (false: "another app", see occupy()). */
  current: boolean;
  /** Pending until this time (DELETE: the 30-minute cancel window), then Processing. */
  pending_until: number;
  /** Processing until this time, then Completed (or Failed when failed_reason is set). */
  ready_at: number;
  canceled_at?: number;
  failed_reason?: string;
}

/** A zip Zoom prepared for one or more export requests. */
export interface SandboxDataRequestFile {
  file_id: string;
  file_name: string;
  data: Buffer;
  created_at: number;
  request_ids: string[];
}

export interface SandboxDataRequests {
  /** How long an export stays Pending/Processing before its zip is ready (a deletion: after its 30-minute window). */
  delayMs: number;
  /** After a request is Completed, its files still answer 14103 for this long (the history and the files disagree for a moment). */
  filesLagMs: number;
  /** 'per-request' (default): each request's zip holds only its person; 'per-batch': one zip for the whole POST, a folder per person. */
  zipLayout: 'per-request' | 'per-batch';
  /** Emails that are not users of the account: 'reject' (400 code 14111, default) or 'fail' (created, then Failed). */
  unknownEmails: 'reject' | 'fail';
  /**
   * The word a deletion's request_type must be: the spec contradicts itself (its schema's enum says
   * "DELETE", its prose "EXPORT or DELETION"): 'DELETE' (default) or 'DELETION'; the other is refused (400 code 300).
   */
  deleteType: 'DELETE' | 'DELETION';
  requests: SandboxDataRequest[];
  files: Map<string, SandboxDataRequestFile>;
  /** request_id → file ids, once its zip exists. */
  filesOf: Map<string, string[]>;
  /** Issued download links (token → file), single use, five minutes. */
  links: Map<string, { file_id: string; expires_at: number; used: boolean }>;
  /** The next N links are issued already expired (tests). */
  expireNextLinks: number;
  /** Emails whose requests end Failed, with the reason. */
  failEmails: Map<string, string>;
  seq: number;
}
