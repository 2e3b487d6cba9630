import { SCOPES } from './route.js';
import { MEETING_ANSWER_OPERATIONS } from './endpoints/meeting-answers.js';

/** The Zoom operations each zdsar command sends, as "METHOD /template" keys of Zoom's specs. */
export const COMMAND_OPERATIONS: Record<string, string[]> = {
  export: [
    'GET /users/{userId}',
    'GET /users/{userId}/settings',
    'GET /users/{userId}/meetings',
    'GET /users/{userId}/webinars',
    'GET /users/{userId}/recordings',
    'GET /report/users/{userId}/meetings',
    'GET /phone/users/{userId}',
    'GET /phone/users/{userId}/settings',
    'GET /phone/users/{userId}/call_history',
    'GET /phone/users/{userId}/recordings',
    'GET /phone/users/{userId}/voice_mails',
    'GET /phone/users/{userId}/sms/sessions',
    // issue 17: Team Chat, SMS texts, voicemail transcripts, attendance, AI Companion summaries, sign-ins
    'GET /chat/users/{userId}/sessions',
    'GET /chat/users/{userId}/messages',
    'GET /phone/sms/sessions/{sessionId}',
    'GET /phone/voice_mails/{voicemailId}',
    'GET /report/meetings/{meetingId}/participants',
    'GET /past_meetings/{meetingId}/participants',
    // issue 23: the report lists webinars too (types 5, 6, 9); their rows come from the webinar lists
    'GET /report/webinars/{webinarId}/participants',
    'GET /past_webinars/{webinarId}/participants',
    'GET /meetings/meeting_summaries',
    'GET /meetings/{meetingId}/meeting_summary',
    'GET /report/activities',
    // issue 28: what the person said in meetings and webinars (Q&A, polls, surveys; hosted meetings' transcripts and archived files)
    ...Object.values(MEETING_ANSWER_OPERATIONS).flat(),
  ],
  'registrants find': ['GET /users', 'GET /users/{userId}/meetings', 'GET /users/{userId}/webinars', 'GET /meetings/{meetingId}', 'GET /webinars/{webinarId}', 'GET /meetings/{meetingId}/registrants', 'GET /webinars/{webinarId}/registrants', 'GET /webinars/{webinarId}/panelists'],
  'registrants erase': [
    'DELETE /meetings/{meetingId}/registrants/{registrantId}',
    'DELETE /webinars/{webinarId}/registrants/{registrantId}',
    'PUT /meetings/{meetingId}/registrants/status',
    'PUT /webinars/{webinarId}/registrants/status',
    'DELETE /webinars/{webinarId}/panelists/{panelistId}',
  ],
  'export --zoom-export / delete': ['POST /data_requests/requests', 'GET /data_requests/requests', 'GET /data_requests/requests/{requestId}', 'DELETE /data_requests/requests/{requestId}'],
  // issue 26: delete reads Team Chat legal holds before it submits (GDPR Art. 17(3)(e))
  'delete (legal holds)': ['GET /chat/legalhold/matters', 'GET /chat/legalhold/matters/{matterId}/files'],
};

export interface ScopeCheck {
  operation: string;
  granted: boolean;
  /** The scope to add in the Marketplace (granular, admin-level where Zoom has one). */
  add?: string;
  accepts: string[];
}

/** Which operations the granted scopes cover. An operation is covered when any of its classic or granular scopes is granted. */
export function checkScopes(granted: string[], operations: string[]): ScopeCheck[] {
  const have = new Set(granted);
  return operations.map((operation) => {
    const s = SCOPES.get(operation);
    const accepts = s ? [...s.granular, ...s.classic] : [];
    const ok = accepts.some((x) => have.has(x));
    const add = s ? (s.granular.find((x) => x.endsWith(':admin')) ?? s.granular[0] ?? s.classic.find((x) => x.endsWith(':admin')) ?? s.classic[0]) : undefined;
    return { operation, granted: ok, accepts, ...(ok ? {} : { add }) };
  });
}
