/**
 * The Zoom Workplace categories (issue 27): what each file holds in plain words, which `--skip` group
 * leaves it out, and the requests each group sends (for --estimate). Plain data, no imports, so the
 * shared registries (categories.ts, breadth.ts, estimate.ts) can spread it in.
 */

export const WORKPLACE_CATEGORIES = [
  { name: 'clips', file: 'clips.json', group: 'workplace', title: 'Zoom Clips', explain: 'Short videos you recorded with Zoom Clips: title, description, length, status (deleted clips included while Zoom keeps them), size, share link and dates.' },
  { name: 'clip_comments', file: 'clip_comments.json', group: 'workplace', title: 'Comments on your clips', explain: 'Comments written on your clips, by you and by others, with replies; each is shown beside the clip it belongs to.' },
  { name: 'clip_collaborators', file: 'clip_collaborators.json', group: 'workplace', title: 'People your clips are shared with', explain: 'Who can see or edit each of your clips (colleagues, outside addresses, channels), beside the clip.' },
  { name: 'calendar_list', file: 'calendar_list.json', group: 'workplace', title: 'Your calendars', explain: 'The calendars in your Zoom Calendar list, with their names, colours, time zones and your access.' },
  { name: 'calendar_events', file: 'calendar_events.json', group: 'workplace', title: 'Calendar events', explain: 'Events on your calendars, cancelled ones included: title, times, place, organiser, guests and their answers. Each is shown beside its calendar.' },
  { name: 'calendar_settings', file: 'calendar_settings.json', group: 'workplace', title: 'Calendar settings', explain: 'Your Zoom Calendar settings (time zone, week start and the like).' },
  { name: 'scheduler_events', file: 'scheduler_events.json', group: 'workplace', title: 'Appointments booked with you', explain: 'Appointments booked through your Zoom Scheduler pages, cancelled ones included: times, who booked, guests and the answers they gave.' },
  { name: 'scheduler_schedules', file: 'scheduler_schedules.json', group: 'workplace', title: 'Your booking pages', explain: 'Your Zoom Scheduler booking pages: name, length, rules, location and link.' },
  { name: 'scheduler_availability', file: 'scheduler_availability.json', group: 'workplace', title: 'Your availability', explain: 'The availability schedules Zoom Scheduler keeps for you: the hours you can be booked.' },
  { name: 'workspace_reservations', file: 'workspace_reservations.json', group: 'workplace', title: 'Desk and room reservations', explain: 'Desks and rooms you reserved with Zoom Workspace Reservation: which, when, and whether you checked in.' },
  { name: 'aic_archive', file: 'aic_conversation_archive.json', group: 'workplace', title: 'AI Companion conversations', explain: "Zoom's archive of your conversations with AI Companion: the period it covers, a download link for the conversation history and the files you gave it." },
  { name: 'mail_profile', file: 'mail_profile.json', group: 'workplace', title: 'Your Zoom Mail mailbox', explain: 'Your Zoom Mail mailbox: its address and aliases, status, size, how many messages and threads it holds, and whether end-to-end encryption is on.' },
  { name: 'mail_messages', file: 'mail_messages.json', group: 'workplace', title: 'Your email', explain: 'Every message in your Zoom Mail mailbox, spam and trash included: who sent it and to whom, subject, date, labels, a preview and the text (encoded as Zoom stores it), and the names and sizes of attachments.' },
  { name: 'mail_threads', file: 'mail_threads.json', group: 'workplace', title: 'Your email conversations', explain: 'The conversations (threads) your messages belong to: name, preview and status; the messages themselves are in Your email.' },
  { name: 'mail_drafts', file: 'mail_drafts.json', group: 'workplace', title: 'Your email drafts', explain: 'Messages you started writing in Zoom Mail and did not send.' },
  { name: 'mail_labels', file: 'mail_labels.json', group: 'workplace', title: 'Your email labels', explain: 'The folders and labels of your mailbox (Inbox, Sent, your own labels) with how many messages each holds.' },
  { name: 'mail_filters', file: 'mail_filters.json', group: 'workplace', title: 'Your email filters', explain: 'The rules that sort your incoming mail: which messages they match and what they do with them.' },
  { name: 'mail_delegates', file: 'mail_delegates.json', group: 'workplace', title: 'People who may use your mailbox', explain: 'The people you let read or send mail from your mailbox, and what each may do.' },
  { name: 'mail_vacation', file: 'mail_vacation.json', group: 'workplace', title: 'Your out-of-office reply', explain: 'Your Zoom Mail automatic reply: whether it is on, its text and dates.' },
  { name: 'whiteboards', file: 'whiteboards.json', group: 'workplace', title: 'Your whiteboards', explain: 'The Zoom Whiteboards you own, trashed ones included: name, dates, whether locked or read-only, and how they are shared.' },
  { name: 'whiteboard_collaborators', file: 'whiteboard_collaborators.json', group: 'workplace', title: 'People your whiteboards are shared with', explain: 'Who can see, comment on or edit each of your whiteboards (colleagues, outside people, channels), beside the whiteboard.' },
  { name: 'whiteboard_sessions', file: 'whiteboard_sessions.json', group: 'workplace', title: 'Whiteboard sessions you took part in', explain: 'Archived whiteboard sessions you joined: which whiteboard, when, and when each participant joined and left.' },
  { name: 'docs', file: 'docs.json', group: 'workplace', title: 'Zoom Docs', explain: 'Documents in Zoom Docs. Zoom\'s API reads only the documents of the app\'s own user, not another person\'s, so this package cannot hold yours: Zoom\'s own export (--zoom-export) does.' },
  { name: 'tasks', file: 'tasks.json', group: 'workplace', title: 'Zoom Tasks', explain: 'Tasks in Zoom Tasks. Zoom\'s API reads only the tasks assigned to or created by the app\'s own user, not another person\'s, so this package cannot hold yours: Zoom\'s own export (--zoom-export) does.' },
] as const;

/** The `--skip` groups of these categories. */
export const WORKPLACE_OPTIONAL: Record<string, string[]> = {
  clips: ['clips', 'clip_comments', 'clip_collaborators'],
  calendar: ['calendar_list', 'calendar_events', 'calendar_settings'],
  scheduler: ['scheduler_events', 'scheduler_schedules', 'scheduler_availability'],
  workspaces: ['workspace_reservations'],
  ai_companion: ['aic_archive'],
  whiteboards: ['whiteboards', 'whiteboard_collaborators', 'whiteboard_sessions'],
  mail: ['mail_profile', 'mail_messages', 'mail_threads', 'mail_drafts', 'mail_labels', 'mail_filters', 'mail_delegates', 'mail_vacation'],
};

/**
 * An ordinary person (assumed, like estimate.ts ASSUMED, as in the 50-person benchmark: Zoom says nothing
 * before it is asked). One calendar: an admin app reads only the primary one, since the calendar list is
 * user-level only (as are the calendar settings, so neither is sent). A small mailbox, as the benchmark's:
 * real mailboxes hold thousands of messages, each read on its own, so the estimate says what each
 * thousand adds (MAIL_PER_THOUSAND in estimate.ts) rather than guess a size.
 */
export const WORKPLACE_ASSUMED = { clips: 3, calendars: 1, eventsPerCalendar: 2, mailMessages: 5, mailThreads: 4, mailDrafts: 1, whiteboards: 2, whiteboardSessionsInAccount: 400 };

/**
 * The requests of each group for `people` people over `months` months of history (`monthWindows` one-month
 * windows of it): [operation, count] as in categories.generated.ts.
 */
export function workplaceRequests(people: number, months: number, monthWindows: number): Record<string, Array<[string, number]>> {
  const a = WORKPLACE_ASSUMED;
  const pages = (n: number, size: number) => Math.max(1, Math.ceil(n / size));
  return {
    clips: [
      ['GET /clips', people * monthWindows],
      ['GET /clips/{clipId}/comments', people * a.clips],
      ['GET /clips/{clipId}/collaborators', people * a.clips],
    ],
    calendar: [
      ['GET /calendars/{calId}/events', people * a.calendars * pages(a.eventsPerCalendar, 250)],
      ['GET /calendars/{calId}/events/{eventId}', people * a.calendars * a.eventsPerCalendar],
    ],
    scheduler: [
      ['GET /scheduler/events', people],
      ['GET /scheduler/schedules', people],
      ['GET /scheduler/availability', people],
    ],
    workspaces: [['GET /workspaces/users/{userId}/reservations', people * Math.ceil((months * 30.44) / 14)]],
    ai_companion: [['GET /aic/users/{userId}/conversation_archive', people]],
    whiteboards: [
      ['GET /whiteboards', people * monthWindows],
      ['GET /whiteboards/{whiteboardId}/collaborator', people * a.whiteboards],
      // The account's sessions (no per-person filter), read once for everyone.
      ['GET /whiteboards/sessions', people > 0 ? pages(a.whiteboardSessionsInAccount, 300) : 0],
    ],
    // The whole mailbox (the Mail API has no date filter of its own), each message read in full.
    mail: [
      ['GET /emails/mailboxes/{email}/profile', people],
      ['GET /emails/mailboxes/{email}/messages', people * pages(a.mailMessages, 500)],
      ['GET /emails/mailboxes/{email}/messages/{messageId}', people * a.mailMessages],
      ['GET /emails/mailboxes/{email}/threads', people * pages(a.mailThreads, 500)],
      ['GET /emails/mailboxes/{email}/drafts', people],
      ['GET /emails/mailboxes/{email}/drafts/{draftId}', people * a.mailDrafts],
      ['GET /emails/mailboxes/{email}/labels', people],
      ['GET /emails/mailboxes/{email}/settings/filters', people],
      ['GET /emails/mailboxes/{email}/settings/delegates', people],
      ['GET /emails/mailboxes/{email}/settings/vacation', people],
    ],
  };
}
