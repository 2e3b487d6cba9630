/** The data types of workplace.ts: plain data, no imports, so model.ts can name them. */
type Rec = Record<string, unknown>;

/** The products of this module; a product off for the account answers its documented "not enabled" error. */
export const WORKPLACE_PRODUCTS = ['clips', 'calendar', 'scheduler', 'workspaces', 'ai_companion', 'mail', 'whiteboards', 'contact_center', 'zoom_events', 'visitors', 'revenue_accelerator', 'quality_management'] as const;
export type WorkplaceProduct = (typeof WORKPLACE_PRODUCTS)[number];

/** One owner's record: `owner` is the user id it belongs to (never sent: Zoom's own fields are in `data`). */
export interface Owned {
  owner: string;
  data: Rec;
}

export interface SandboxWorkplace {
  /** Products the account has (all by default). */
  enabled: Record<WorkplaceProduct, boolean>;
  clips: Owned[];
  /** Per clip id: its comments and collaborators. */
  clipComments: Record<string, Rec[]>;
  clipCollaborators: Record<string, Rec[]>;
  /** Calendars of each user (calendar list entries); events per calendar id; settings per user id. */
  calendars: Owned[];
  events: Record<string, Rec[]>;
  calendarSettings: Record<string, Rec[]>;
  scheduledEvents: Owned[];
  schedules: Owned[];
  availability: Owned[];
  reservations: Owned[];
  /** AI Companion conversation archive of each user id. */
  aicArchives: Record<string, Rec>;
  /** Zoom Mail: each user id's mailbox; a user without one has no provisioned mailbox (404 on its profile). */
  mailboxes: Record<string, Mailbox>;
  /** Zoom Whiteboard: each owner's whiteboards, each one's collaborators, and the account's archived sessions. */
  whiteboards: Owned[];
  whiteboardCollaborators: Record<string, Rec[]>;
  whiteboardSessions: Rec[];
  /** Zoom Contact Center (contact-center.ts, issue 28). */
  contactCenter?: SandboxContactCenter;
  /** Zoom Events and visitor invitations (events-visitors.ts, issue 28). */
  eventsVisitors?: SandboxEventsVisitors;
}

/** One Zoom Mail mailbox, each record in the shape mail.openapi.json answers it. */
export interface Mailbox {
  /** GET …/profile: `encryptionEnabled` true means end-to-end encryption is on, and the API reads nothing else. */
  profile: Rec;
  /** Full messages (GET …/messages/{id}); the list answers {id, threadId} of each; SPAM and TRASH ones only with includeSpamTrash. */
  messages: Rec[];
  /** Full drafts (GET …/drafts/{id}): {id, message}. */
  drafts: Rec[];
  labels: Rec[];
  filters: Rec[];
  delegates: Rec[];
  vacation: Rec;
}


/** Zoom Contact Center's records (contact-center.ts): engagements, voice-call and SMS logs; notes and recordings per engagement id. */
export interface SandboxContactCenter {
  engagements: Rec[];
  voiceCalls: Rec[];
  sms: Rec[];
  notes: Record<string, Rec[]>;
  recordings: Record<string, Rec[]>;
}

/** Zoom Events (per event: its state for the list's event_status_type, tickets, registrants, attendance report) and visitor invitations. */
export interface SandboxEventsVisitors {
  events: Array<{ state: 'upcoming' | 'past' | 'draft' | 'cancelled'; data: Rec }>;
  tickets: Record<string, Rec[]>;
  registrants: Record<string, Rec[]>;
  attendance: Record<string, Rec[]>;
  /** Per event id its sessions; per "eventId/sessionId" the session's attendance report. */
  sessions: Record<string, Rec[]>;
  sessionAttendance: Record<string, Rec[]>;
  invitations: Rec[];
  /** Revenue Accelerator conversations (owner: the host's user id), each one's interactions (participants with transcripts). */
  conversations: Owned[];
  conversationInteractions: Record<string, Rec[]>;
  /** Quality Management interactions (owner: the agent's user id): the list's row and the detail. */
  qmInteractions: Array<{ owner: string; data: Rec; detail: Rec }>;
}
