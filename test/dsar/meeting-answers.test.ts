/**
 * Which entries of a session's Q&A, poll and survey results are the person's (issue 28): only those made
 * with one of their own addresses (any of them, in any case), never by a display name; others' entries
 * and entries without an address are counted apart; a host keeps the questions they asked, nobody's answers.
 */
import { describe, expect, it } from 'vitest';
import { answersWhy, outsiderWhy, selectPolls, selectQa, selectSurvey, type Session } from '../../src/dsar/meeting-answers.js';
import { MEETING_ANSWERS_OPTIONAL, meetingAnswersRequests, outsiderScanRequests } from '../../src/dsar/meeting-answers-categories.js';
import { ASSUMED, estimateExport } from '../../src/dsar/estimate.js';

const joined: Session = { uuid: 'u1==', id: 1, type: 2, topic: 'Retro', start_time: '2026-11-01T10:00:00Z', hosted: false };
const hosted: Session = { ...joined, hosted: true };
const mine = new Set(['ann@x.example', 'ann@old.example']);

const qa = {
  id: 1,
  uuid: 'u1==',
  questions: [
    { email: 'Ann@X.example', name: 'Ann Lee', question_details: [{ question: 'Q1', question_id: 'q1', answer_details: [{ email: 'host@x.example', name: 'Host', content: 'A1' }] }] },
    { email: 'ann@old.example', name: 'Ann Lee', question_details: [{ question: 'Q2', answer: 'A2' }] },
    // Someone else who typed the same name, under another address.
    { email: 'ann.lee@elsewhere.example', name: 'Ann Lee', question_details: [{ question: 'Q3', question_id: 'q3', answer_details: [{ email: 'ann@x.example', name: 'Ann Lee', content: 'my answer', type: 'participant_commented' }] }] },
    // No address at all: nobody can tell whose.
    { name: 'Ann Lee', question_details: [{ question: 'Q4' }] },
    { email: '', name: 'Bob', question_details: [{ question: 'Q5' }] },
  ],
};

describe('selecting the person\'s own entries', () => {
  it('Q&A: their questions by any of their addresses (case aside), their answers to others\' questions, never by name', () => {
    const s = selectQa(qa, joined, 'report/meetings/qa', mine);
    expect(s.records.filter((r) => r.entry).map((r) => r.entry)).toEqual([qa.questions[0], qa.questions[1]]);
    expect(s.records.filter((r) => r.entry).map((r) => r.found_by)).toEqual(['ann@x.example', 'ann@old.example']);
    const given = s.records.filter((r) => r.answer);
    expect(given).toEqual([{ meeting: joined, found_by: 'ann@x.example', source: 'report/meetings/qa', answered: { question_id: 'q3', question: 'Q3' }, answer: (qa.questions[2]!.question_details[0] as { answer_details: unknown[] }).answer_details[0] }]);
    // The asker of a question they answered is not kept.
    expect(JSON.stringify(s.records)).not.toContain('elsewhere.example');
    expect(s.others).toBe(1);
    expect(s.unattributed).toBe(2);
  });

  it('Zoom\'s entry is kept unchanged, the context beside it', () => {
    const s = selectQa(qa, joined, 'past_meetings/qa', mine);
    expect(s.records[0]!.entry).toBe(qa.questions[0]);
    expect(Object.keys(s.records[0]!).sort()).toEqual(['entry', 'found_by', 'meeting', 'source']);
  });

  const polls = {
    questions: [
      { email: 'ann@x.example', name: 'Ann Lee', question_details: [{ polling_id: 'p1', question: 'Day?', answer: 'Mon' }] },
      { email: 'bob@x.example', name: 'Ann Lee', question_details: [{ polling_id: 'p1', question: 'Day?', answer: 'Tue' }, { polling_id: 'p2', question: 'Record?', answer: 'No' }] },
      { name: 'Carl', question_details: [{ polling_id: 'p1', question: 'Day?', answer: 'Fri' }] },
    ],
  };

  it('polls: a participant keeps only their own entry; nothing of anyone else\'s', () => {
    const s = selectPolls(polls, joined, 'past_meetings/polls', mine);
    expect(s.records).toEqual([{ meeting: joined, found_by: 'ann@x.example', source: 'past_meetings/polls', entry: polls.questions[0] }]);
    expect([s.others, s.unattributed]).toEqual([1, 1]);
  });

  it('polls: a host also keeps the questions asked, each once, without anyone\'s answers', () => {
    const s = selectPolls(polls, hosted, 'past_meetings/polls', mine);
    const asked = s.records.find((r) => r.questions_asked)!;
    expect(asked.questions_asked).toEqual([{ polling_id: 'p1', question: 'Day?' }, { polling_id: 'p2', question: 'Record?' }]);
    expect(JSON.stringify(asked)).not.toMatch(/Tue|Fri|"answer"/);
  });

  it('surveys: their own answers beside the survey; a host keeps its questions', () => {
    const survey = { survey_id: 's1', survey_name: 'Feedback', survey_answers: [{ email: 'ANN@OLD.EXAMPLE', name: 'A', answer_details: [{ question_id: 'sq1', question: 'Useful?', answer: '5' }] }, { email: 'zed@x.example', name: 'Z', answer_details: [{ question_id: 'sq1', question: 'Useful?', answer: '1' }] }] };
    const s = selectSurvey(survey, hosted, 'report/meetings/survey', mine);
    expect(s.records[0]).toEqual({ meeting: hosted, found_by: 'ann@old.example', source: 'report/meetings/survey', survey: { survey_id: 's1', survey_name: 'Feedback' }, entry: survey.survey_answers[0] });
    expect(s.records[1]!.questions_asked).toEqual([{ question_id: 'sq1', question: 'Useful?' }]);
    expect(JSON.stringify(s.records)).not.toContain('zed@');
  });

  it('an outsider\'s coverage says it is a scan of the account\'s sessions: the window, how many, and what was left out', () => {
    const why = outsiderWhy('polls', 42, { from: '2025-12-01', to: '2026-12-01' }, { others: 7, unattributed: 2 });
    expect(why).toMatch(/scan of the account's meetings and webinars from 2025-12-01 to 2026-12-01 that hold poll results \(42 sessions/);
    expect(why).toMatch(/you have no Zoom user/);
    expect(why).toMatch(/7 entries of other people left out; 2 entries carry no email address/);
    expect(outsiderWhy('qa', 1, { from: 'a', to: 'b' }, { others: 0, unattributed: 0 })).toMatch(/\(1 session,/);
  });

  it('the coverage says how many entries were left out, and the unattributable apart (never "no data")', () => {
    expect(answersWhy('polls', { others: 3, unattributed: 1 })).toMatch(/3 entries of other people left out; 1 entry carries no email address and cannot be attributed/);
    expect(answersWhy('qa', { others: 0, unattributed: 0 })).not.toMatch(/left out/);
  });
});

describe('--estimate and --skip', () => {
  const base = { people: 10, plan: 'business' as const, today: '2026-12-01' };
  it('counts each session\'s Q&A, polls and survey, and each hosted meeting\'s transcript and archive; --skip leaves them out', () => {
    const r = meetingAnswersRequests(10, 30, 0.5);
    const total = (k: string) => r[k]!.reduce((n, [, c]) => n + c, 0);
    expect(total('meeting_answers')).toBeCloseTo(10 * 30 * 3);
    expect(total('meeting_transcripts')).toBeGreaterThan(0);
    const e = estimateExport(base);
    expect(Object.keys(e.optional)).toEqual(expect.arrayContaining(Object.keys(MEETING_ANSWERS_OPTIONAL)));
    expect(e.optional.meeting_answers!.skipped).toBeFalsy();
    const skipped = estimateExport({ ...base, skip: ['meeting_answers', 'meeting_transcripts'] });
    expect(skipped.optional.meeting_answers!.skipped).toBe(true);
    expect(skipped.requests.heavy!).toBeLessThan(e.requests.heavy!);
  });

  it('says the scan of the account\'s sessions for people without a Zoom user beside the total, once per run, whatever the number of people', () => {
    const all = (o: Record<string, number>) => Object.values(o).reduce((n, c) => n + c, 0);
    const scan = (n: number) => all(estimateExport({ ...base, people: n }).outsider_scan.requests);
    const once = outsiderScanRequests(13, 0.5).reduce((t, [, c]) => t + c, 0);
    expect(once).toBeGreaterThan(0);
    expect(Math.abs(scan(1) - scan(10))).toBeLessThanOrEqual(2);
    expect(scan(10)).toBeGreaterThan(once * 0.9);
    // Not in the total: whether anyone lacks a Zoom user is known only once Zoom is asked.
    const perPerson = Object.values(meetingAnswersRequests(10, ASSUMED.meetingsJoined, 0.5).meeting_answers!).reduce((t, [, c]) => t + c, 0);
    expect(Math.abs(all(estimateExport({ ...base, people: 10 }).optional.meeting_answers!.requests) - perPerson)).toBeLessThanOrEqual(2);
    expect(estimateExport({ ...base, people: 10 }).outsider_scan.seconds).toBeGreaterThan(0);
    expect(all(estimateExport({ ...base, skip: ['meeting_answers'] }).outsider_scan.requests)).toBe(0);
    // The history list: one page per month window and kind of results (Q&A, polls, surveys), on Heavy.
    expect(outsiderScanRequests(12, 0.5).find(([op]) => op === 'GET /report/history_meetings')![1]).toBe(36);
    // --from reaches further back: more windows.
    expect(all(estimateExport({ ...base, from: '2024-12-01' }).outsider_scan.requests)).toBeGreaterThan(all(estimateExport(base).outsider_scan.requests));
  });
});
