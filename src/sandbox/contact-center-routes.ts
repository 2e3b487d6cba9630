/**
 * The Zoom Contact Center routes (issue 28) as declarations, served by the one generic handler in
 * routes/workplace.ts (as workplace-routes.ts). Windows as contact-center.openapi.json sets them: "the
 * defined date range should be a month, as the response only includes one month's worth of data. If no
 * start date is specified, return data from the past 24 hours." Customers are matched by
 * `consumer_number`, agents by `user_id`. Counted on Contact Center's own rate table (ratelimit.ts).
 */
import type { ErrorAnswer, WorkplaceRoute } from './workplace-routes.js';

type Rec = Record<string, unknown>;

// The specs document no "not enabled" answer for these reads: 400 Bad Request, which each documents without a code.
const CC_OFF: ErrorAnswer = [400, 400, 'Bad Request: Zoom Contact Center is not enabled for this account.'];
const NO_USER: ErrorAnswer = [404, 1001, 'User does not exist.'];
const NO_ENGAGEMENT: ErrorAnswer = [404, 2901, 'Engagement does not exist.'];
const oneMonth = (start: string) => ({ from: 'from', to: 'to', start: () => start, defaultHours: 24, tooWide: [400, 400, 'Bad Request'] as ErrorAnswer });
const byAgent = (rows: Rec[], userId: string | undefined) => (userId ? rows.filter((r) => ((r.agents as Rec[] | undefined) ?? []).some((a) => a.user_id === userId)) : rows);

export const CONTACT_CENTER_ROUTES: readonly WorkplaceRoute[] = [
  {
    path: '/v2/contact_center/engagements',
    spec: 'contact-center.openapi.json listEngagements',
    label: 'Medium',
    granular: ['contact_center:read:list_engagements:admin'],
    classic: ['contact_center_report:read:admin'],
    product: 'contact_center',
    owner: { in: 'query', name: 'user_id' },
    records: (w, { user }) => byAgent(w.contactCenter?.engagements ?? [], user?.id),
    shape: { kind: 'list', key: 'engagements', paging: 'zoom', max: 100 },
    window: oneMonth('start_time'),
    match: [{ query: 'consumer_number', field: 'consumers[].consumer_number' }],
    errors: { notEnabled: CC_OFF, notFound: NO_USER },
  },
  {
    path: '/v2/contact_center/engagements/:engagementId',
    spec: 'contact-center.openapi.json getEngagement',
    label: 'Light',
    granular: ['contact_center:read:engagement:admin'],
    classic: ['contact_center_report:read:admin'],
    product: 'contact_center',
    records: (w) => w.contactCenter?.engagements ?? [],
    shape: { kind: 'detail', param: 'engagementId', idField: 'engagement_id' },
    errors: { notEnabled: CC_OFF, notFound: NO_ENGAGEMENT },
  },
  {
    path: '/v2/contact_center/voice_calls',
    spec: 'contact-center.openapi.json listVoiceCall',
    label: 'Heavy',
    granular: ['contact_center:read:voice_call_log:admin'],
    classic: ['contact_center_voice_call:read:admin'],
    product: 'contact_center',
    records: (w) => w.contactCenter?.voiceCalls ?? [],
    shape: { kind: 'list', key: 'voice_calls', paging: 'zoom', max: 100 },
    window: oneMonth('start_time'),
    match: [{ query: 'consumer_number', field: 'consumer_number' }],
    errors: { notEnabled: CC_OFF, notFound: NO_USER },
  },
  {
    path: '/v2/contact_center/sms',
    spec: 'contact-center.openapi.json listSMS',
    label: 'Heavy',
    granular: ['contact_center:read:sms_log:admin'],
    classic: ['contact_center_sms:read:admin'],
    product: 'contact_center',
    owner: { in: 'query', name: 'user_id' },
    records: (w, { user }) => byAgent(w.contactCenter?.sms ?? [], user?.id),
    shape: { kind: 'list', key: 'sms', paging: 'zoom', max: 100 },
    window: oneMonth('start_time'),
    match: [{ query: 'consumer_number', field: 'consumer_number' }],
    errors: { notEnabled: CC_OFF, notFound: NO_USER },
  },
  {
    path: '/v2/contact_center/engagements/:engagementId/notes',
    spec: 'contact-center.openapi.json engagementNotes',
    label: 'Medium',
    granular: ['contact_center:read:list_notes:admin'],
    classic: ['contact_center_note:read:admin'],
    product: 'contact_center',
    records: (w, { params }) => w.contactCenter?.notes[params.engagementId ?? ''],
    shape: { kind: 'list', key: 'notes', paging: 'zoom', max: 300 },
    // The notes list documents 400 only.
    errors: { notEnabled: CC_OFF, notFound: [400, 400, 'Bad Request: no such engagement.'] },
  },
  {
    path: '/v2/contact_center/engagements/:engagementId/recordings',
    spec: 'contact-center.openapi.json listEngagementRecordings',
    label: 'Medium',
    granular: ['contact_center:read:list_recordings:admin'],
    classic: ['contact_center_recording:read:admin'],
    product: 'contact_center',
    records: (w, { params }) => w.contactCenter?.recordings[params.engagementId ?? ''],
    shape: { kind: 'list', key: 'recordings', paging: 'zoom', max: 300 },
    // "If unspecified, this parameter returns data from the past 30 days."
    window: { from: 'from', to: 'to', start: () => 'recording_start_time', defaultHours: 30 * 24, tooWide: [404, 2805, 'Engagement recordings does not exist.'] },
    errors: { notEnabled: CC_OFF, notFound: [404, 2805, 'Engagement recordings does not exist or you do not have the corresponding operation authority.'] },
  },
];
