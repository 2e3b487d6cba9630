/** The data types of breadth.ts (Team Chat, SMS messages, summaries, sign-ins): plain data, no imports, so model.ts can name them. */

export interface SandboxChatFile {
  file_id: string;
  file_name: string;
  file_size: number;
}

export interface SandboxChatMessage {
  id: string;
  /** The sender's user id ('' for someone outside the account). */
  sender_id: string;
  sender: string;
  sender_display_name: string;
  send_member_id: string;
  message: string;
  date_time: string;
  timestamp: number;
  status: 'Normal' | 'Edited' | 'Deleted';
  reply_main_message_id?: string;
  reply_main_message_timestamp?: number;
  files?: SandboxChatFile[];
}

/** A 1:1 chat between two people (b may be outside the account: then b_id is ''), or a channel. */
export interface SandboxChat {
  kind: '1:1' | 'groupchat';
  /** groupchat: the channel. */
  channel_id?: string;
  name?: string;
  /** Members' user ids (1:1: the one or two account users). */
  member_ids: string[];
  /** 1:1: both parties. */
  a?: { id: string; email: string; member_id: string; name: string };
  b?: { id: string; email: string; member_id: string; name: string };
  /** Ascending by time. */
  messages: SandboxChatMessage[];
  /** The channel or contact was deleted after the session list named it: its messages answer 404 code 4130 / 1001 (a race the tests stage). */
  deletedAfterList?: boolean;
}

export interface SandboxSmsMessage {
  message_id: string;
  date_time: string;
  direction: 'In' | 'Out';
  message: string;
  message_type: 1 | 2;
  delivery_status: 'received' | 'delivered';
  sender: { display_name: string; phone_number: string; owner?: { id: string; type: 'user' } };
  to_members: Array<{ display_name: string; phone_number: string; owner?: { id: string; type: 'user' } }>;
  /** MMS: the media sent with the text (served with a download_url, smsSessionDetails `attachments`). */
  attachments?: Array<{ id: string; name: string; size: number; type: 'OTHER' | 'PNG' | 'GIF' | 'JPG' | 'AUDIO' | 'VIDEO' }>;
}

export interface SandboxSummary {
  meeting_uuid: string;
  meeting_id: number;
  meeting_host_id: string;
  meeting_host_email: string;
  meeting_topic: string;
  meeting_start_time: string;
  meeting_end_time: string;
  summary_start_time: string;
  summary_end_time: string;
  summary_created_time: string;
  summary_last_modified_time: string;
  summary_title: string;
  summary_overview: string;
  summary_details: Array<{ label: string; summary: string }>;
  next_steps: string[];
  /** After the account's list named it: 'trashed' (403 code 2305 "moved to Trash") or 'deleted' (404 code 3001); a race the tests stage. */
  state?: 'trashed' | 'deleted';
}

export interface SandboxActivity {
  email: string;
  time: string;
  type: 'Sign in' | 'Sign out';
  ip_address: string;
  client_type: string;
  version: string;
}

export interface SandboxBreadth {
  /** The app's role has the Chat Messages permission (otherwise 403 code 200 / 400 code 200). */
  chatPermission: boolean;
  /**
   * AI Companion summaries: 'enabled'; 'disabled' (400 code 3000); 'email_only' (403 code 2305);
   * 'caller_cannot_host': the app's user may not host, so the account's list answers 400 code 3161.
   */
  summaries: 'enabled' | 'disabled' | 'email_only' | 'caller_cannot_host';
  chats: SandboxChat[];
  /** SMS messages by session_id, ascending by time. */
  sms: Record<string, SandboxSmsMessage[]>;
  meetingSummaries: SandboxSummary[];
  /** Ascending by time. */
  activities: SandboxActivity[];
}

