/**
 * The shape of a disclosure rule (fields.ts RULES and the product files it spreads in: workplace,
 * contact-center, events, meeting-answers): types only, so every rules file shares them without
 * importing fields.ts (which imports them).
 */
type Rec = Record<string, unknown>;

/** What a field holds, which decides how it is matched and masked. */
export type Kind =
  | 'name'
  | 'first_name'
  | 'last_name'
  | 'email'
  | 'phone'
  | 'user_id'
  | 'member_id'
  | 'ext_id'
  | 'ext_number'
  | 'employee_id'
  | 'ip'
  /** Anything else that describes the person (address, department, company): masked, never matched. */
  | 'detail';

export interface PartyRule {
  /** How the officer reads it: "caller", "SMS participant". */
  role: string;
  /** Where the party's object is, from the record: '' (the record itself), 'sender', 'participants[]', 'reactions[].senders[]'. */
  at: string;
  /** Field (relative to the party's object; dots for nesting) → what it holds. */
  fields: Record<string, Kind>;
  /** Only when this holds (e.g. a chat session's `name` is a person only for a 1:1 chat). */
  when?: (obj: Rec) => boolean;
}

export interface TextRule {
  /** The role (a party rule's `role`) of whoever wrote it. */
  by: string;
  /** Fields of the record (dots for nesting, `[]` for each element of an array) holding what they wrote. */
  fields: string[];
  /** The record itself says the person wrote it (a mail labelled SENT or DRAFT), whoever the parties are. */
  own?: (record: Rec) => boolean;
}

export interface CategoryRule {
  /** The category's name (as in categories.ts) and its file name. */
  category: string;
  file: string;
  parties: PartyRule[];
  texts?: TextRule[];
  /** Free text worth a look by the officer even after masking (AI summaries). */
  review?: string;
  /**
   * Where zdsar puts Zoom's record when it adds context beside it (`{session, message}`,
   * `{meeting, participant}`): the parties and texts above then apply to that object.
   */
  unwrap?: string;
  /** Parties in the context zdsar put beside Zoom's record (a chat message's conversation). */
  context?: PartyRule[];
}
