/** What the report's tables show for the issue-17 categories (the full records are in the JSON files). */
export interface BreadthColumn {
  key: string;
  label: string;
  fmt?: 'date' | 'num' | 'bytes' | 'names';
}

export const BREADTH_COLUMNS: Record<string, BreadthColumn[]> = {
  chat_sessions: [
    { key: 'last_message_sent_time', label: 'Last message', fmt: 'date' },
    { key: 'type', label: 'Type' },
    { key: 'name', label: 'Conversation' },
    { key: 'peer_contact_email', label: 'With' },
  ],
  chat_messages: [
    { key: 'message.date_time', label: 'Sent', fmt: 'date' },
    { key: 'session.name', label: 'Conversation' },
    { key: 'message.sender_display_name', label: 'From' },
    { key: 'message.message', label: 'Message' },
    { key: 'message.status', label: 'State' },
    { key: 'message.file_name', label: 'File' },
  ],
  phone_sms_messages: [
    { key: 'message.date_time', label: 'When', fmt: 'date' },
    { key: 'message.direction', label: 'Direction' },
    { key: 'message.sender.display_name', label: 'From' },
    { key: 'message.message', label: 'Text' },
  ],
  phone_voicemail_details: [
    { key: 'date_time', label: 'When', fmt: 'date' },
    { key: 'caller_name', label: 'Caller' },
    { key: 'duration', label: 'Seconds', fmt: 'num' },
    { key: 'transcription.content', label: 'Transcript' },
  ],
  attendance: [
    { key: 'meeting.topic', label: 'Meeting' },
    { key: 'participant.join_time', label: 'Joined', fmt: 'date' },
    { key: 'participant.leave_time', label: 'Left', fmt: 'date' },
    { key: 'participant.duration', label: 'Seconds', fmt: 'num' },
    { key: 'participant.device', label: 'Device' },
    { key: 'participant.ip_address', label: 'IP address' },
    { key: 'participant.location', label: 'Location' },
  ],
  meeting_summaries: [
    { key: 'meeting_start_time', label: 'Meeting', fmt: 'date' },
    { key: 'meeting_topic', label: 'Topic' },
    { key: 'summary_overview', label: 'Overview' },
  ],
  sign_ins: [
    { key: 'time', label: 'When', fmt: 'date' },
    { key: 'type', label: 'Activity' },
    { key: 'client_type', label: 'Device' },
    { key: 'ip_address', label: 'IP address' },
    { key: 'version', label: 'App version' },
  ],
};

/** How an "unavailable" category is labelled: an account feature, a permission, or left out on purpose. */
export const UNAVAILABLE_LABEL: Record<string, string> = { not_enabled: 'not enabled', not_permitted: 'not permitted', skipped: 'left out', user_level: 'not readable by an admin app', not_granted: 'scope not granted to the app', not_searchable: 'not searchable by the identifiers given' };

/** Kinds of data Zoom holds for which its API specs here give no reads: Zoom's own export covers them. */
export const NOT_COVERED_NOTE =
  'Zoom Docs and Tasks cannot be read for another person with Zoom\'s API (it serves only the app\'s own user), so this package does not hold them; the content of Zoom Whiteboards comes only with --with-files, through Zoom\'s whiteboard export; Contact Center is read as a customer only by the phone numbers the request gives; Zoom Events tickets and visitor invitations only by the addresses it gives; Zoom Revenue Accelerator and Quality Management only by the person\'s Zoom user (as host or agent: Zoom searches neither by address). Zoom\'s own export covers what Zoom\'s Data & Privacy export covers: run the export with --zoom-export. Q&A, poll and survey answers are collected only for the meetings and webinars in Zoom\'s report of sessions the person joined (the last six months) or, for a person without a Zoom user, in a scan of the account\'s own sessions in Zoom\'s history report (a year back unless --from says otherwise), and only entries made with one of the person\'s addresses; meeting transcripts only of meetings the person hosted (Zoom marks their lines by display name only).';
