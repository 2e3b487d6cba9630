/**
 * What people said in meetings and webinars (issue 28), as meetings.openapi.json defines the reads:
 * Q&A and poll results (past lists, Medium; reports, Heavy), survey results (reports, Heavy), a
 * meeting's transcript (Medium) and archived files (Light). The answers are a pure function of the
 * session (its UUID and participants), so the tests can say what each person should get
 * (`meetingAnswersFor`). Some sessions have entries of their participants, an outsider who typed the
 * same display name as a participant (another address), and one entry with no address at all.
 */
import { unitFromKey } from './prng.js';
import { addMonths, json, MAX_WINDOW_MS, paginate, requiredDates, ZoomError, type RouteCtx, type RouteDef } from './core.js';
import { DAY } from './build.js';
import { findInstance } from './routes/reports.js';
import type { SandboxAccount, SandboxInstance, SandboxMeeting, SandboxWebinar } from './model.js';

type Rec = Record<string, unknown>;
type Session = SandboxMeeting | SandboxWebinar;
type Kind = 'meeting' | 'webinar';

export const MEETING_ANSWER_SCOPES = [
  'meeting:read:past_qa:admin',
  'meeting:read:list_poll_results:admin',
  'webinar:read:past_qa:admin',
  'webinar:read:list_past_polls:admin',
  'report:read:meeting_qna:admin',
  'report:read:list_meeting_polls:admin',
  'report:read:meeting_survey:admin',
  'report:read:webinar_qna:admin',
  'report:read:list_webinar_polls:admin',
  'report:read:webinar_survey:admin',
  'cloud_recording:read:meeting_transcript:admin',
  'archiving:read:archived_files:admin',
  'report:read:list_history_meetings:admin',
];

const OUTSIDER_DOMAIN = 'elsewhere.example';
const draw = (inst: SandboxInstance, what: string) => unitFromKey(`${what}|${inst.uuid}`, 28);

/** Which kinds of results a session has (a pure function of its UUID). */
export function answerKinds(inst: SandboxInstance, kind: Kind) {
  return { qa: draw(inst, 'qa') < 0.6, polls: draw(inst, 'polls') < 0.5, survey: draw(inst, 'survey') < 0.4, transcript: kind === 'meeting' && draw(inst, 'transcript') < 0.5, archive: kind === 'meeting' && draw(inst, 'archive') < 0.3 };
}

/** Who made entries: up to three participants, the outsider who typed the first one's name, and one entry without an address. */
function authors(inst: SandboxInstance): Array<{ email?: string; name: string; user_id?: string }> {
  const ps = inst.participants.slice(0, 3);
  const first = ps[0];
  return [
    ...ps.map((p) => ({ email: p.user_email, name: p.name, user_id: p.user_id })),
    ...(first ? [{ email: `${first.name.toLowerCase().replace(/[^a-z]+/g, '.')}@${OUTSIDER_DOMAIN}`, name: first.name }, { name: (ps[1] ?? first).name }] : []),
  ];
}

const time = (inst: SandboxInstance, minutes: number) => new Date(Date.parse(inst.start_time) + minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function qaAnswer(s: Session, inst: SandboxInstance, report: boolean, host: { name: string; email: string; id: string }): Rec {
  const people = authors(inst);
  const questions = people.map((a, i) => {
    const question = `Question ${i + 1} about "${s.topic}"`;
    // The second participant comments on the outsider's question (an answer they gave to someone else's question).
    const commenter = i === people.length - 2 && people[1] ? people[1] : undefined;
    const details: Rec = report
      ? {
          question,
          question_id: `q-${i + 1}`,
          create_time: time(inst, 5 + i),
          question_status: 'answered',
          answer_details: [
            { user_id: host.id, name: host.name, email: host.email, content: `Answer to question ${i + 1}`, create_time: time(inst, 10 + i), type: 'host_answered_publicly' },
            ...(commenter?.email ? [{ user_id: commenter.user_id ?? '', name: commenter.name, email: commenter.email, content: 'I had the same question', create_time: time(inst, 11 + i), type: 'participant_commented' }] : []),
          ],
        }
      : { question, answer: `Answer to question ${i + 1}` };
    return { ...(report && a.user_id ? { user_id: a.user_id } : {}), ...(a.email ? { email: a.email } : {}), name: a.name, question_details: [details] };
  });
  return { id: s.id, uuid: inst.uuid, start_time: inst.start_time, questions };
}

function pollAnswer(s: Session, inst: SandboxInstance, report: boolean): Rec {
  const questions = authors(inst).map((a, i) => ({
    ...(a.email ? { email: a.email } : {}),
    name: a.name,
    ...(report ? { first_name: a.name.split(' ')[0] ?? a.name, last_name: a.name.split(' ').slice(1).join(' ') } : {}),
    question_details: [
      { answer: ['Monday', 'Tuesday', 'Friday'][i % 3], date_time: time(inst, 20), polling_id: 'poll-1', question: 'Which day suits you for the follow-up?' },
      { answer: i % 2 ? 'No' : 'Yes', date_time: time(inst, 21), polling_id: 'poll-2', question: 'Should we record the next session?' },
    ],
  }));
  return { id: s.id, uuid: inst.uuid, start_time: inst.start_time, questions };
}

function surveyAnswer(s: Session, inst: SandboxInstance, kind: Kind): Rec {
  const survey_answers = authors(inst).map((a, i) => ({
    ...(a.email ? { email: a.email } : {}),
    name: a.name,
    first_name: a.name.split(' ')[0] ?? a.name,
    last_name: a.name.split(' ').slice(1).join(' '),
    answer_details: [
      { question: 'How useful was this session?', question_id: 'sq-1', answer: String((i % 5) + 1), date_time: time(inst, 60) },
      { question: 'What should we change?', question_id: 'sq-2', answer: `Suggestion ${i + 1}`, date_time: time(inst, 61) },
    ],
  }));
  const ids = kind === 'meeting' ? { meeting_id: s.id, meeting_uuid: inst.uuid } : { webinar_id: s.id, webinar_uuid: inst.uuid };
  return { ...ids, start_time: inst.start_time, survey_id: `survey-${s.id}`, survey_name: `Feedback on "${s.topic}"`, survey_answers };
}

function hostOf(account: SandboxAccount, s: Session): { name: string; email: string; id: string } {
  const u = account.users.find((x) => x.id === s.host_id);
  return { name: u?.display_name ?? '', email: u?.email ?? s.host_email, id: s.host_id };
}

/** Each person's own entries, per session UUID (what an export should keep for someone with these addresses), in the reports' shape or the past lists'. */
export function meetingAnswersFor(account: SandboxAccount, emails: string[], report = true): { qa: Map<string, Rec[]>; answersGiven: Map<string, Rec[]>; polls: Map<string, Rec[]>; surveys: Map<string, Rec[]> } {
  const mine = new Set(emails.map((e) => e.toLowerCase()));
  const own = (e: unknown) => typeof e === 'string' && mine.has(e.toLowerCase());
  const out = { qa: new Map<string, Rec[]>(), answersGiven: new Map<string, Rec[]>(), polls: new Map<string, Rec[]>(), surveys: new Map<string, Rec[]>() };
  const put = (m: Map<string, Rec[]>, k: string, xs: Rec[]) => xs.length && m.set(k, xs);
  for (const [kind, list] of [['meeting', account.meetings], ['webinar', account.webinars]] as const) {
    for (const s of list as Session[]) {
      for (const inst of s.instances) {
        const k = answerKinds(inst, kind);
        if (k.qa) {
          const qs = qaAnswer(s, inst, report, hostOf(account, s)).questions as Rec[];
          put(out.qa, inst.uuid, qs.filter((q) => own(q.email)));
          put(out.answersGiven, inst.uuid, qs.filter((q) => !own(q.email)).flatMap((q) => (q.question_details as Rec[]).flatMap((d) => ((d.answer_details as Rec[] | undefined) ?? []).filter((a) => own(a.email)))));
        }
        if (k.polls) put(out.polls, inst.uuid, (pollAnswer(s, inst, report).questions as Rec[]).filter((q) => own(q.email)));
        if (k.survey) put(out.surveys, inst.uuid, (surveyAnswer(s, inst, kind).survey_answers as Rec[]).filter((q) => own(q.email)));
      }
    }
  }
  return out;
}

/**
 * What each read documents for a session it will not serve (meetings.openapi.json): another account's
 * session ("User does not belong to this account", where the read documents it; elsewhere the sandbox
 * answers with no entries), and one older than Zoom keeps (12702, where documented).
 */
interface Doc {
  elsewhere?: [status: number, code: number];
  aged?: boolean;
  /** The answer to a session Zoom does not know, where the read documents no 404 code 3001. */
  unknown?: [status: number, code: number, message: string, idsOnly?: boolean];
}

/** The session asked for, or the read's documented answer to one it does not know. */
function found(c: RouteCtx, kind: Kind, unknown?: Doc['unknown']): { meeting: Session; inst: SandboxInstance } {
  try {
    return findInstance(c, kind);
  } catch (e) {
    // A meeting ID Zoom does not know gets the read's documented answer; a UUID keeps 404 code 3001, on
    // which the client tries the UUID's other encoding (route.ts meetingUuidParams).
    const raw = c.params.meetingId ?? c.params.webinarId ?? '';
    if (unknown && e instanceof ZoomError && (!unknown[3] || /^\d+$/.test(raw))) throw new ZoomError(unknown[0], unknown[1], unknown[2]);
    throw e;
  }
}

function sessionFor(c: RouteCtx, kind: Kind, doc: Doc): { s: Session; inst: SandboxInstance; none?: true } {
  const { meeting, inst } = found(c, kind, doc.unknown);
  if (meeting.hostedElsewhere) {
    if (doc.elsewhere) throw new ZoomError(doc.elsewhere[0], doc.elsewhere[1], `User does not belong to this account:${c.state.account.id}.`);
    return { s: meeting, inst, none: true };
  }
  if (doc.aged && Date.parse(inst.start_time) < addMonths(c.now, -12)) throw new ZoomError(400, 12702, kind === 'meeting' ? 'Can not access a meeting a year ago.' : 'Can not access a webinar a year ago.');
  return { s: meeting, inst };
}

/** A session without results of a kind answers with none (the spec documents no error for it). */
function empty(s: Session, inst: SandboxInstance): Rec {
  return { id: s.id, uuid: inst.uuid, start_time: inst.start_time, questions: [] };
}

const read = (kind: Kind, what: 'qa' | 'polls', report: boolean, doc: Doc) => (c: RouteCtx) => {
  const { s, inst, none } = sessionFor(c, kind, doc);
  if (none || !answerKinds(inst, kind)[what]) return json(empty(s, inst));
  return json(what === 'qa' ? qaAnswer(s, inst, report, hostOf(c.state.account, s)) : pollAnswer(s, inst, report));
};

const survey = (kind: Kind) => (c: RouteCtx) => {
  const { s, inst } = sessionFor(c, kind, { elsewhere: [400, 1010], aged: true });
  if (!answerKinds(inst, kind).survey) return json({ ...(kind === 'meeting' ? { meeting_id: s.id, meeting_uuid: inst.uuid } : { webinar_id: s.id, webinar_uuid: inst.uuid }), start_time: inst.start_time, survey_answers: [] });
  return json(surveyAnswer(s, inst, kind));
};

function transcript(c: RouteCtx) {
  const { meeting, inst } = found(c, 'meeting', [404, 3322, 'This meeting transcript does not exist.']);
  if (!answerKinds(inst, 'meeting').transcript) throw new ZoomError(404, 3322, 'This meeting transcript does not exist.');
  return json({
    meeting_id: inst.uuid,
    account_id: c.state.account.id,
    meeting_topic: meeting.topic,
    host_id: meeting.host_id,
    transcript_created_time: inst.end_time,
    can_download: true,
    auto_delete: false,
    download_url: `https://zoom.us/rec/download/transcript/${encodeURIComponent(inst.uuid)}`,
  });
}

function archive(c: RouteCtx) {
  let found: { meeting: Session; inst: SandboxInstance } | undefined;
  try {
    found = findInstance(c, 'meeting');
  } catch {
    found = undefined;
  }
  if (!found || !answerKinds(found.inst, 'meeting').archive) throw new ZoomError(404, 3001, `Meeting ${c.params.meetingUUID ?? ''} does not exist.`);
  const { meeting, inst } = found;
  const seconds = Math.max(60, Math.round((Date.parse(inst.end_time) - Date.parse(inst.start_time)) / 1000));
  const file = (id: string, type: string, ext: string, rt: string, size: number) => ({
    id,
    download_url: `https://zoom.us/rec/archive/download/${encodeURIComponent(inst.uuid)}/${id}`,
    file_extension: ext,
    file_size: size,
    file_type: type,
    individual: false,
    participant_join_time: inst.start_time,
    participant_leave_time: inst.end_time,
    recording_type: rt,
    status: 'completed',
    encryption_fingerprint: `fp-${id}`,
  });
  const files = [file(`a-${meeting.id}-1`, 'MP4', 'MP4', 'shared_screen_with_speaker_view', 12_000_000), file(`a-${meeting.id}-2`, 'CHAT', 'TXT', 'chat_file', 2_048)];
  return json({
    account_name: c.state.account.name,
    archive_files: files,
    complete_time: inst.end_time,
    duration: Math.round(seconds / 60),
    duration_in_second: seconds,
    host_id: meeting.host_id,
    id: meeting.id,
    is_breakout_room: false,
    meeting_type: 'internal',
    recording_count: files.length,
    start_time: inst.start_time,
    status: 'completed',
    timezone: meeting.timezone,
    topic: meeting.topic,
    total_size: files.reduce((n, f) => n + f.file_size, 0),
    type: meeting.type,
    uuid: inst.uuid,
  });
}

/**
 * GET /report/history_meetings (Gethistorymeetingandwebinarlist): the account's past meetings and webinars
 * that started within from..to (dates; "one month worth of data at once"), both kinds unless `meeting_type`
 * says one, and with `report_type` only those holding that kind of results. Sessions of other accounts are
 * not the account's history. The spec documents no age limit, no plan prerequisite and no page-size maximum
 * (its list holds at most 300).
 */
function history(c: RouteCtx) {
  const { from, to, fromS, toS } = requiredDates(c, (field) => new ZoomError(400, 300, `Invalid parameter: ${field}.`));
  if (from > to || to - from > MAX_WINDOW_MS) throw new ZoomError(400, 300, 'Invalid parameter: to.');
  const meetingType = c.query.get('meeting_type') ?? 'all';
  const reportType = c.query.get('report_type') ?? 'all';
  if (!['all', 'meeting', 'webinar'].includes(meetingType)) throw new ZoomError(400, 300, 'Invalid parameter: meeting_type.');
  if (!['all', 'poll', 'survey', 'qa', 'resource', 'reaction'].includes(reportType)) throw new ZoomError(400, 300, 'Invalid parameter: report_type.');
  const has: Record<string, (k: ReturnType<typeof answerKinds>) => boolean> = { all: () => true, poll: (k) => k.polls, survey: (k) => k.survey, qa: (k) => k.qa, resource: () => false, reaction: () => false };
  const rows: Rec[] = [];
  for (const [kind, list] of [['meeting', c.state.account.meetings], ['webinar', c.state.account.webinars]] as const) {
    if (meetingType !== 'all' && meetingType !== kind) continue;
    for (const s of list as Session[]) {
      if (s.hostedElsewhere) continue;
      for (const inst of s.instances) {
        const st = Date.parse(inst.start_time);
        if (st < from || st >= to + DAY || !has[reportType]!(answerKinds(inst, kind))) continue;
        const host = hostOf(c.state.account, s);
        const minutes = Math.max(1, Math.round((Date.parse(inst.end_time) - st) / 60_000));
        rows.push({
          meeting_uuid: inst.uuid,
          meeting_id: s.id,
          type: kind === 'meeting' ? 'Meeting' : 'Webinar',
          host_display_name: host.name,
          host_email: host.email,
          start_time: inst.start_time,
          end_time: inst.end_time,
          topic: s.topic,
          participants: inst.participants.length,
          duration: minutes,
          total_participant_minutes: inst.participants.reduce((n, p) => n + Math.round(p.duration / 60), 0),
          department: '',
          group: [],
          source: 'Zoom',
          create_time: s.start_time,
          custom_fields: [],
          tracking_fields: [],
          feature_used: { screen_sharing: false, video_on: true, poll: answerKinds(inst, kind).polls, meeting_questions: answerKinds(inst, kind).qa },
        });
      }
    }
  }
  rows.sort((a, b) => String(a.start_time).localeCompare(String(b.start_time)));
  const p = paginate(c, { key: `history|${fromS}|${toS}|${meetingType}|${reportType}`, total: rows.length });
  return json({ next_page_token: p.next_page_token, page_size: p.page_size, history_meetings: rows.slice(p.offset, p.end) });
}

const route = (path: string, category: 'Light' | 'Medium' | 'Heavy', granular: string[], classic: string[], spec: string, handler: RouteDef['handler']): RouteDef => ({ method: 'GET', path, category, granular, classic, area: 'api', auth: 'bearer', spec: `meetings.openapi.json ${spec}`, handler });

export const meetingAnswerRoutes: RouteDef[] = [
  route('/v2/report/history_meetings', 'Heavy', ['report:read:list_history_meetings:admin'], ['report:read:admin'], 'Gethistorymeetingandwebinarlist', history),
  route('/v2/past_meetings/:meetingId/qa', 'Medium', ['meeting:read:past_qa', 'meeting:read:past_qa:admin'], ['meeting:read:admin', 'meeting:read'], 'listPastMeetingQA', read('meeting', 'qa', false, { elsewhere: [401, 1010] })),
  route('/v2/past_meetings/:meetingId/polls', 'Medium', ['meeting:read:list_poll_results', 'meeting:read:list_poll_results:admin'], ['meeting:read:admin', 'meeting:read'], 'listPastMeetingPolls', read('meeting', 'polls', false, { aged: true, unknown: [400, 12702, 'Can not access a meeting a year ago.', true] })),
  route('/v2/past_webinars/:webinarId/qa', 'Medium', ['webinar:read:past_qa', 'webinar:read:past_qa:admin'], ['webinar:read:admin', 'webinar:read'], 'listPastWebinarQA', read('webinar', 'qa', false, {})),
  route('/v2/past_webinars/:webinarId/polls', 'Medium', ['webinar:read:list_past_polls', 'webinar:read:list_past_polls:admin'], ['webinar:read:admin', 'webinar:read'], 'listPastWebinarPollResults', read('webinar', 'polls', false, {})),
  route('/v2/report/meetings/:meetingId/qa', 'Heavy', ['report:read:meeting_qna:admin'], ['report:read:admin'], 'reportMeetingQA', read('meeting', 'qa', true, {})),
  route('/v2/report/meetings/:meetingId/polls', 'Heavy', ['report:read:list_meeting_polls:admin'], ['report:read:admin'], 'reportMeetingPolls', read('meeting', 'polls', true, { aged: true })),
  route('/v2/report/meetings/:meetingId/survey', 'Heavy', ['report:read:meeting_survey:admin'], ['report:read:admin'], 'reportMeetingSurvey', survey('meeting')),
  route('/v2/report/webinars/:webinarId/qa', 'Heavy', ['report:read:webinar_qna:admin'], ['report:read:admin'], 'reportWebinarQA', read('webinar', 'qa', true, {})),
  route('/v2/report/webinars/:webinarId/polls', 'Heavy', ['report:read:list_webinar_polls:admin'], ['report:read:admin'], 'reportWebinarPolls', read('webinar', 'polls', true, { elsewhere: [400, 1010], aged: true })),
  route('/v2/report/webinars/:webinarId/survey', 'Heavy', ['report:read:webinar_survey:admin'], ['report:read:admin'], 'reportWebinarSurvey', survey('webinar')),
  route('/v2/meetings/:meetingId/transcript', 'Medium', ['cloud_recording:read:meeting_transcript', 'cloud_recording:read:meeting_transcript:admin'], ['recording:read', 'recording:write', 'recording:read:admin', 'recording:write:admin'], 'GetMeetingTranscript', transcript),
  // No `spec`: getArchivedFiles' schema cannot be met by any answer (complete_time is a date-time string that must also
  // be an object or ""), so test/sandbox/schema-validation.test.ts cannot check it; its fields follow the schema otherwise.
  { ...route('/v2/past_meetings/:meetingUUID/archive_files', 'Light', ['archiving:read:archived_files:admin', 'archiving:read:archived_files'], ['recording:read'], 'getArchivedFiles', archive), spec: undefined },
];
