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
};

/**
 * An ordinary person (assumed, like estimate.ts ASSUMED, as in the 50-person benchmark: Zoom says nothing
 * before it is asked). One calendar: an admin app reads only the primary one, since the calendar list is
 * user-level only (as are the calendar settings, so neither is sent).
 */
export const WORKPLACE_ASSUMED = { clips: 3, calendars: 1, eventsPerCalendar: 2 };

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
  };
}
