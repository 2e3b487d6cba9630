/**
 * What an access package holds, category by category: the file, and what it means in
 * plain words (for report.html and the manifest). The collection plan is in collect.ts.
 */
import { WORKPLACE_CATEGORIES } from './workplace-categories.js';
import { CONTACT_CENTER_CATEGORIES } from './contact-center-categories.js';
import { EVENTS_VISITORS_CATEGORIES, REVENUE_QUALITY_CATEGORIES } from './events-categories.js';
import { MEETING_ANSWER_CATEGORIES } from './meeting-answers-categories.js';

export interface CategoryInfo {
  name: string;
  file: string;
  title: string;
  explain: string;
  group: 'account' | 'meetings' | 'recordings' | 'phone' | 'registrations' | 'chat' | 'workplace';
}

export const CATEGORIES: readonly CategoryInfo[] = [
  { name: 'profile', file: 'profile.json', group: 'account', title: 'Zoom profile', explain: 'Your Zoom user account: name, email, department, job title, language, time zone, licence type, when the account was created and last used.' },
  { name: 'settings', file: 'settings.json', group: 'account', title: 'Account settings', explain: 'The choices stored for your account: meeting defaults, recording, audio, notifications, security and feature settings, with the meeting and recording authentication and meeting security settings Zoom gives only when asked for each (under their own names beside "settings").' },
  { name: 'meetings', file: 'meetings.json', group: 'meetings', title: 'Meetings you host', explain: 'Meetings scheduled by or for you: topic, times, duration, settings and join links. Past, live and upcoming meetings are combined, each listed once.' },
  { name: 'webinars', file: 'webinars.json', group: 'meetings', title: 'Webinars you host', explain: 'Webinars scheduled by or for you, with their topics, times and settings.' },
  { name: 'meetings_attended', file: 'meetings_attended.json', group: 'meetings', title: 'Meetings you joined', explain: "Zoom's usage report of past meetings you took part in (including other people's meetings). Zoom keeps this report for the last six months and lists only meetings with two or more participants." },
  { name: 'attendance', file: 'attendance.json', group: 'meetings', title: 'Your attendance records', explain: "For each meeting and webinar you joined (the list above), Zoom's record of your own attendance: when you joined and left, how long you stayed, and your registration where there was one. Only your own rows are included; each is shown beside the meeting or webinar it belongs to. Zoom's participant lists hold no device, network address or location: Zoom keeps those only in its Dashboard metrics (Business plans and above, the last six months), which zdsar does not read." },
  ...MEETING_ANSWER_CATEGORIES,
  { name: 'meeting_summaries', file: 'meeting_summaries.json', group: 'meetings', title: 'AI Companion meeting summaries', explain: "Summaries that Zoom's AI Companion wrote of meetings you hosted: the overview, the points discussed and the next steps, as Zoom stores them." },
  { name: 'sign_ins', file: 'sign_ins.json', group: 'account', title: 'Sign-ins and sign-outs', explain: "Zoom's log of when you signed in to and out of Zoom, from which kind of device and network address, and with which version of the app. Zoom keeps this log for the last six months." },
  { name: 'chat_sessions', file: 'chat_sessions.json', group: 'chat', title: 'Team Chat conversations', explain: 'Your Team Chat conversations: one-to-one chats (with the other person\'s address) and group chats or channels you are a member of, with when the last message was sent.' },
  { name: 'chat_messages', file: 'chat_messages.json', group: 'chat', title: 'Team Chat messages', explain: 'Every message in those conversations that Zoom still serves, including replies in threads, edited messages and deleted ones (marked as such), with the names of attached files. Each message is shown beside the conversation it belongs to. Zoom serves Team Chat messages of the last six months only.' },
  { name: 'recordings', file: 'cloud_recordings.json', group: 'recordings', title: 'Cloud recordings', explain: 'Cloud recordings of your meetings and the files each holds (video, audio, transcript, chat), with sizes and dates.' },
  { name: 'recordings_trash', file: 'cloud_recordings_trash.json', group: 'recordings', title: 'Recordings in the trash', explain: 'Cloud recordings that were deleted but are still kept in the trash (Zoom keeps them for 30 days).' },
  { name: 'phone_profile', file: 'phone_profile.json', group: 'phone', title: 'Zoom Phone profile', explain: 'Your Zoom Phone user: extension, phone numbers, calling plans, site and emergency address.' },
  { name: 'phone_settings', file: 'phone_settings.json', group: 'phone', title: 'Zoom Phone settings', explain: 'Your Zoom Phone settings: voicemail, delegation, caller ID, call handling and recording access.' },
  { name: 'phone_call_history', file: 'phone_call_history.json', group: 'phone', title: 'Call history', explain: 'Calls you made or received on Zoom Phone: numbers, names, times, duration and result. Zoom serves the last six months.' },
  { name: 'phone_call_elements', file: 'phone_call_elements.json', group: 'phone', title: 'Call legs', explain: "Each leg of your Zoom Phone calls (a transfer, a forward, a ring to a group member), with the devices and network addresses used at each end, as Zoom's call history gives them. Zoom serves the last six months." },
  { name: 'phone_recordings', file: 'phone_recordings.json', group: 'phone', title: 'Call recordings', explain: "Recordings of your Zoom Phone calls, with their callers, times and durations. Zoom serves a Phone user's own recordings for the last six months; once the Phone licence is gone, they are read from the account's list of recordings over your whole history (each category's coverage gives the dates read, and any months Zoom refused)." },
  { name: 'phone_voicemails', file: 'phone_voicemails.json', group: 'phone', title: 'Voicemails', explain: 'Voicemail messages left for you, with callers, times and durations. Zoom serves the last six months.' },
  { name: 'phone_sms', file: 'phone_sms_sessions.json', group: 'phone', title: 'SMS conversations', explain: 'Your Zoom Phone SMS conversations (sessions) and their participants, from the day your Zoom user was created.' },
  { name: 'phone_sms_messages', file: 'phone_sms_messages.json', group: 'phone', title: 'SMS text messages', explain: 'The text messages of each of your SMS conversations: who sent them to whom, when, the text itself and any attachments.' },
  { name: 'phone_voicemail_details', file: 'phone_voicemail_details.json', group: 'phone', title: 'Voicemail transcripts', explain: "Each voicemail left for you, with the written transcript Zoom made of it where it has one." },
  ...WORKPLACE_CATEGORIES,
  ...CONTACT_CENTER_CATEGORIES,
  ...EVENTS_VISITORS_CATEGORIES,
  ...REVENUE_QUALITY_CATEGORIES,
  { name: 'registrations', file: 'registrations.json', group: 'registrations', title: 'Meeting and webinar registrations', explain: "Registrations made with your email address for meetings and webinars on this account, including other hosts' events: name, address and answers you gave when registering." },
];

export const CATEGORY = new Map(CATEGORIES.map((c) => [c.name, c]));
