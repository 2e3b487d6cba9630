/**
 * What the person said in meetings and webinars (issue 28): what each file holds in plain words, the
 * `--skip` groups, and the requests they send (for --estimate). Plain data, no imports, as
 * contact-center-categories.ts.
 */

export const MEETING_ANSWER_CATEGORIES = [
  { name: 'meeting_qa', file: 'meeting_qa.json', group: 'meetings', title: 'Your questions and answers in Q&A', explain: 'The questions you asked in the Q&A of meetings and webinars you joined (with the answers they were given) and the answers you gave to other people\'s questions, each beside its meeting and the address that found it (for someone without a Zoom user: in the account\'s own meetings and webinars, which Zoom\'s history report lists). Only entries made with one of your email addresses are included: Zoom names entries by the address the participant gave.' },
  { name: 'meeting_polls', file: 'meeting_polls.json', group: 'meetings', title: 'Your poll answers', explain: 'Your answers to polls in meetings and webinars you joined, each beside its meeting; for meetings you hosted, also the poll questions you asked (without anyone else\'s answers).' },
  { name: 'meeting_surveys', file: 'meeting_surveys.json', group: 'meetings', title: 'Your survey answers', explain: 'Your answers to the surveys of meetings and webinars you joined, each beside its meeting; for meetings you hosted, also the survey questions you asked (without anyone else\'s answers).' },
  { name: 'meeting_transcripts', file: 'meeting_transcripts.json', group: 'meetings', title: 'Transcripts of meetings you hosted', explain: 'The transcripts Zoom keeps of meetings you hosted: when each was made, whether it may be downloaded, and its download link. Transcripts of meetings you only joined are not included: Zoom marks their lines by display name only, which does not tell you apart from someone else of the same name.' },
  { name: 'meeting_archive_files', file: 'meeting_archive_files.json', group: 'meetings', title: 'Archived files of meetings you hosted', explain: 'Where your account archives meetings, the archived files of meetings you hosted (recordings, chat, closed captions, transcripts), with their sizes and download links.' },
] as const;

/** The `--skip` groups of these categories. */
export const MEETING_ANSWERS_OPTIONAL: Record<string, string[]> = {
  meeting_answers: ['meeting_qa', 'meeting_polls', 'meeting_surveys'],
  meeting_transcripts: ['meeting_transcripts', 'meeting_archive_files'],
};

/**
 * An ordinary person (as estimate.ts ASSUMED, the benchmark's): the share of the sessions they joined that
 * they hosted, and that are webinars. Measured on the 50-person benchmark (seed 7): 1,121 sessions in the
 * meetings-joined lists, each with a transcript read (all hosted), no webinar.
 */
export const ANSWERS_ASSUMED = { hostedShare: 1, webinarShare: 0 };

/**
 * The requests of the groups for `people` people who joined `joined` sessions each, `reportShare` of the
 * Q&A and poll reads going to the reports (the rest to the past lists): [operation, count]. Per session:
 * its Q&A, its poll results (one of two tables each) and its survey results (the report only); per
 * meeting hosted: its transcript and its archived files.
 */
export function meetingAnswersRequests(people: number, joined: number, reportShare: number): Record<string, Array<[string, number]>> {
  const a = ANSWERS_ASSUMED;
  const sessions = people * joined;
  const m = sessions * (1 - a.webinarShare);
  const w = sessions * a.webinarShare;
  const hosted = m * a.hostedShare;
  return {
    meeting_answers: [
      ['GET /past_meetings/{meetingId}/qa', m * (1 - reportShare)],
      ['GET /report/meetings/{meetingId}/qa', m * reportShare],
      ['GET /past_meetings/{meetingId}/polls', m * (1 - reportShare)],
      ['GET /report/meetings/{meetingId}/polls', m * reportShare],
      ['GET /report/meetings/{meetingId}/survey', m],
      ['GET /past_webinars/{webinarId}/qa', w * (1 - reportShare)],
      ['GET /report/webinars/{webinarId}/qa', w * reportShare],
      ['GET /past_webinars/{webinarId}/polls', w * (1 - reportShare)],
      ['GET /report/webinars/{webinarId}/polls', w * reportShare],
      ['GET /report/webinars/{webinarId}/survey', w],
    ],
    meeting_transcripts: [
      ['GET /meetings/{meetingId}/transcript', hosted],
      ['GET /past_meetings/{meetingUUID}/archive_files', hosted],
    ],
  };
}

/**
 * The account's sessions, for the scan that finds what people without a Zoom user said (meeting-answers.ts
 * meetingAnswersOfOutsider). Not known ahead, so assumed in the style of estimate.ts ASSUMED: the ordinary
 * account of 200 users, each joining 17.6 sessions in six months with about four of the account's people in
 * each, holds about 150 sessions a month; of these, a tenth hold Q&A, 15 % poll results and 5 % a survey
 * (guesses: Q&A and surveys are mostly webinars'). Webinars as for one person (ANSWERS_ASSUMED).
 */
export const SCAN_ASSUMED = { sessionsPerMonth: 150, share: { qa: 0.1, polls: 0.15, survey: 0.05 } };

/**
 * The scan's requests over `months` month windows: per window and kind of results, one page (or more) of
 * Zoom's history list; per session holding results, one read of them (from either table for Q&A and polls,
 * `reportShare` to the report; surveys from the report). Read ONCE per run for every person without a Zoom
 * user together, so the estimate counts it once, as soon as one such person may be in the request (it cannot
 * tell who has a Zoom user without asking Zoom): an upper bound, as the per-person counts are (sessions a
 * colleague joined are not read again).
 */
export function outsiderScanRequests(months: number, reportShare: number): Array<[string, number]> {
  const a = SCAN_ASSUMED;
  const w = ANSWERS_ASSUMED.webinarShare;
  const sessions = (what: keyof typeof a.share) => months * a.sessionsPerMonth * a.share[what];
  const pages = (what: keyof typeof a.share) => months * Math.max(1, Math.ceil((a.sessionsPerMonth * a.share[what]) / 300));
  return [
    ['GET /report/history_meetings', pages('qa') + pages('polls') + pages('survey')],
    ['GET /past_meetings/{meetingId}/qa', sessions('qa') * (1 - w) * (1 - reportShare)],
    ['GET /report/meetings/{meetingId}/qa', sessions('qa') * (1 - w) * reportShare],
    ['GET /past_webinars/{webinarId}/qa', sessions('qa') * w * (1 - reportShare)],
    ['GET /report/webinars/{webinarId}/qa', sessions('qa') * w * reportShare],
    ['GET /past_meetings/{meetingId}/polls', sessions('polls') * (1 - w) * (1 - reportShare)],
    ['GET /report/meetings/{meetingId}/polls', sessions('polls') * (1 - w) * reportShare],
    ['GET /past_webinars/{webinarId}/polls', sessions('polls') * w * (1 - reportShare)],
    ['GET /report/webinars/{webinarId}/polls', sessions('polls') * w * reportShare],
    ['GET /report/meetings/{meetingId}/survey', sessions('survey') * (1 - w)],
    ['GET /report/webinars/{webinarId}/survey', sessions('survey') * w],
  ];
}
