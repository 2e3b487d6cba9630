/** The data types of workplace.ts: plain data, no imports, so model.ts can name them. */
type Rec = Record<string, unknown>;

/** The products of this module; a product off for the account answers its documented "not enabled" error. */
export const WORKPLACE_PRODUCTS = ['clips', 'calendar', 'scheduler', 'workspaces', 'ai_companion', 'contact_center'] as const;
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
  /** Zoom Contact Center (contact-center.ts, issue 28). */
  contactCenter?: SandboxContactCenter;
}


/** Zoom Contact Center's records (contact-center.ts): engagements, voice-call and SMS logs; notes and recordings per engagement id. */
export interface SandboxContactCenter {
  engagements: Rec[];
  voiceCalls: Rec[];
  sms: Rec[];
  notes: Record<string, Rec[]>;
  recordings: Record<string, Rec[]>;
}
