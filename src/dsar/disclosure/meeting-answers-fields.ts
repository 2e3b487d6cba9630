/**
 * Who is who in what the person said in meetings and webinars (issue 28), from the field names of
 * meetings.openapi.json: the same shape as fields.ts RULES (which spreads these in). The person's own
 * entries are kept; those named beside them are masked as the policy says: who answered a question the
 * person asked (the host, a panelist, another participant) and the participants an archived file names;
 * the question someone else asked, kept beside an answer the person gave, is their text (masked as the policy says).
 * Zoom's record sits under `entry`, `answer`, `transcript` or `archive`, with zdsar's context beside it.
 */
import type { CategoryRule, Kind } from './rule-types.js';

type Rule = CategoryRule;

const person: Record<string, Kind> = { user_id: 'user_id', email: 'email', name: 'name' };
const respondent = (at: string) => ({ role: 'respondent', at, fields: { email: 'email', name: 'name', first_name: 'first_name', last_name: 'last_name' } as Record<string, Kind> });

export const MEETING_ANSWER_RULES: readonly Rule[] = [
  {
    category: 'meeting_qa',
    file: 'meeting_qa.json',
    parties: [
      { role: 'asker', at: 'entry', fields: person },
      { role: 'answerer', at: 'entry.question_details[].answer_details[]', fields: person },
      { role: 'answerer', at: 'answer', fields: person },
    ],
    // Beside an answer the person gave: the question someone else asked (its asker is not kept), their words.
    texts: [{ by: 'asker', fields: ['answered.question'] }],
  },
  { category: 'meeting_polls', file: 'meeting_polls.json', parties: [respondent('entry')] },
  { category: 'meeting_surveys', file: 'meeting_surveys.json', parties: [respondent('entry')] },
  { category: 'meeting_transcripts', file: 'meeting_transcripts.json', parties: [{ role: 'host', at: 'transcript', fields: { host_id: 'user_id' } }] },
  {
    category: 'meeting_archive_files',
    file: 'meeting_archive_files.json',
    parties: [
      { role: 'host', at: 'archive', fields: { host_id: 'user_id' } },
      { role: 'participant', at: 'archive.archive_files[]', fields: { participant_email: 'email' } },
    ],
  },
];
