/**
 * What people said in meetings and webinars (issue 28), as meetings.openapi.json defines the reads:
 * Q&A and poll results (the past lists, Medium, or the reports, Heavy: the same entries), survey
 * results (the reports only, Heavy), a meeting's transcript (Medium) and its archived files (Light).
 * Each is one object per meeting or webinar instance, asked by its UUID; Zoom's answer is returned untouched.
 */
import type { ReadChoice, ZoomClient } from '../client.js';
import { ZoomApiError } from '../errors.js';
import type { Release } from '../limiter.js';
import { listItems, type DateWindow } from '../paginate.js';
import { meetingUuidParams, operation, route } from '../route.js';

type Rec = Record<string, unknown>;
export type SessionKind = 'meeting' | 'webinar';
/** Where Q&A and poll results are read: the past list (Medium) or the report (Heavy). */
export type AnswersVia = 'past' | 'report';
export type AnswerKind = 'qa' | 'polls' | 'survey';

/** The read of each kind, per kind of session and table; survey results have no past list. */
export const ANSWER_READS: Record<SessionKind, Record<AnswerKind, Partial<Record<AnswersVia, string>>>> = {
  meeting: {
    qa: { past: '/past_meetings/{meetingId}/qa', report: '/report/meetings/{meetingId}/qa' },
    polls: { past: '/past_meetings/{meetingId}/polls', report: '/report/meetings/{meetingId}/polls' },
    survey: { report: '/report/meetings/{meetingId}/survey' },
  },
  webinar: {
    qa: { past: '/past_webinars/{webinarId}/qa', report: '/report/webinars/{webinarId}/qa' },
    polls: { past: '/past_webinars/{webinarId}/polls', report: '/report/webinars/{webinarId}/polls' },
    survey: { report: '/report/webinars/{webinarId}/survey' },
  },
};

export const TRANSCRIPT_READ = '/meetings/{meetingId}/transcript';
export const ARCHIVE_READ = '/past_meetings/{meetingUUID}/archive_files';

/** Where a record came from (the record's `source`), e.g. "past_meetings/qa". */
export function answersSource(template: string): string {
  return template.slice(1).replace(/\/\{\w+\}/g, '');
}

/** Where a session's Q&A or poll results are read from, and the place already granted for that read (when the gates chose). */
export type AnswersChoice = ReadChoice<AnswersVia>;

/**
 * Which table to read a session's Q&A or poll results from: the past list (Medium) and the report (Heavy)
 * serve the same entries, so whichever gate has room first (ZoomClient.first), with that place.
 */
export async function answersVia(client: ZoomClient, kind: SessionKind, what: AnswerKind): Promise<AnswersChoice> {
  const reads = ANSWER_READS[kind][what];
  if (!reads.past) return { via: 'report' };
  if (!reads.report) return { via: 'past' };
  const read = (via: AnswersVia) => ({ via, ...operation('GET', reads[via]!) });
  const { read: chosen, release } = await client.first([read('past'), read('report')]);
  return { via: chosen.via, held: release };
}

/** One object asked by a session's UUID, trying each encoding of it (route.ts meetingUuidParams) on a 404 only. */
async function getByUuid(client: ZoomClient, template: string, uuid: string, held?: Release): Promise<Rec> {
  const param = /\{(\w+)\}/.exec(template)![1]!;
  const params = meetingUuidParams(uuid);
  for (let i = 0; ; i++) {
    try {
      return await client.get<Rec>(route('GET', template, { [param]: params[i]! }), undefined, i === 0 ? held : undefined);
    } catch (e) {
      if (i + 1 >= params.length || !(e instanceof ZoomApiError && e.status === 404)) throw e;
    }
  }
}

/** One session's Q&A, poll or survey results, read from the table chosen; with the source it came from. */
export async function getSessionAnswers(client: ZoomClient, uuid: string, kind: SessionKind, what: AnswerKind, choice: AnswersChoice): Promise<{ source: string; answer: Rec }> {
  const template = ANSWER_READS[kind][what][choice.via] ?? ANSWER_READS[kind][what].report!;
  try {
    return { source: answersSource(template), answer: await getByUuid(client, template, uuid, choice.held) };
  } finally {
    choice.held?.(); // given back if it was never sent (a second release does nothing)
  }
}

/** A meeting's transcript (its metadata and download link). */
export function getMeetingTranscript(client: ZoomClient, uuid: string): Promise<Rec> {
  return getByUuid(client, TRANSCRIPT_READ, uuid);
}

/** A meeting's archived files (where archiving is on). */
export function getArchivedFiles(client: ZoomClient, uuid: string): Promise<Rec> {
  return getByUuid(client, ARCHIVE_READ, uuid);
}

/**
 * The account's past meetings and webinars (meetings.openapi.json Gethistorymeetingandwebinarlist, Heavy):
 * one month per call ("the report includes only one month worth of data at once"), both kinds in one list
 * (`meeting_type=all`), and only sessions that hold results of the kind asked (`report_type=qa|poll|survey`),
 * so a scan for people without a Zoom user reads the results of those sessions only. Pages of up to 300
 * (the answer's `history_meetings` has maxItems 300; the parameter documents no maximum).
 */
export const HISTORY_READ = '/report/history_meetings';
const REPORT_TYPE: Record<AnswerKind, string> = { qa: 'qa', polls: 'poll', survey: 'survey' };

export function listHistorySessions(client: ZoomClient, w: DateWindow, what: AnswerKind): AsyncGenerator<Rec> {
  return listItems(client, route('GET', HISTORY_READ), { from: w.from, to: w.to, meeting_type: 'all', report_type: REPORT_TYPE[what] }, { key: 'history_meetings', pageSize: 300, idOf: (m) => String(m.meeting_uuid ?? '') });
}

/** The reads an export sends for these categories (doctor's scope check); each is one of the two tables for Q&A and polls. */
export const MEETING_ANSWER_OPERATIONS: Record<string, string[]> = {
  meeting_answers: [...Object.values(ANSWER_READS).flatMap((k) => Object.values(k).flatMap((r) => Object.values(r).map((t) => `GET ${t}`))), `GET ${HISTORY_READ}`],
  meeting_transcripts: [`GET ${TRANSCRIPT_READ}`, `GET ${ARCHIVE_READ}`],
};
