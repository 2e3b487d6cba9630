/**
 * Team Chat (team-chat.openapi.json): GET /chat/users/{userId}/sessions (getChatSessions, Medium,
 * page ≤ 50, default 10) and GET /chat/users/{userId}/messages (getChatMessages, Medium, page ≤ 50,
 * default 10; 400 code 300 "Only provide past chat messages in recent 6 months."), and the chat
 * files behind a message's download_url.
 *
 * An account-level app acts for a user whose role has the Chat Messages permission; without it,
 * sessions answer 403 code 200 and messages 400 code 200 (both as the spec words them).
 */
import type { SandboxChat, SandboxChatMessage } from '../breadth.js';
import { sixMonthsBefore } from '../breadth.js';
import { DAY } from '../build.js';
import { json, lookupUser, paginate, parseDate, startOfUtcDay, validationError, ZoomError, type RouteCtx, type RouteDef } from '../core.js';
import type { SandboxUser } from '../model.js';
import { downloadToken, openSigned } from './recordings.js';

function chatUser(c: RouteCtx): SandboxUser {
  const id = c.params.userId ?? '';
  const u = lookupUser(c.state, id);
  if (!u) throw new ZoomError(404, 1001, `User does not exist: ${id}.`);
  return u;
}

/** A yyyy-MM-dd'T'HH:mm:ss'Z' query value (a bare date is accepted too), or the default. */
function dateTime(c: RouteCtx, name: string, fallback: number): number {
  const s = c.query.get(name);
  if (s === null || s === '') return fallback;
  const t = parseDate(s, true);
  if (t === undefined) throw validationError(name, `Invalid field: ${name} must be yyyy-MM-dd'T'HH:mm:ss'Z'.`);
  return t;
}

function chatsOf(c: RouteCtx, u: SandboxUser): SandboxChat[] {
  return (c.state.account.breadth?.chats ?? []).filter((x) => x.member_ids.includes(u.id));
}

function peerOf(chat: SandboxChat, u: SandboxUser) {
  return chat.a!.id === u.id ? chat.b! : chat.a!;
}

function renderMessage(c: RouteCtx, m: SandboxChatMessage, withStatus: boolean): Record<string, unknown> {
  const files = (m.files ?? []).map((f) => ({
    file_id: f.file_id,
    file_name: f.file_name,
    file_size: f.file_size,
    download_url: `${c.state.origin}/v2/chat/files/download/${downloadToken(c.state, `chat|${f.file_id}|${f.file_size}`)}`,
  }));
  return {
    id: m.id,
    message: m.status === 'Deleted' ? '' : m.message,
    sender: m.sender,
    send_member_id: m.send_member_id,
    sender_display_name: m.sender_display_name,
    date_time: m.date_time,
    timestamp: m.timestamp,
    message_type: files.length ? 'file_and_text' : 'plain_text_message',
    ...(m.reply_main_message_id ? { reply_main_message_id: m.reply_main_message_id, reply_main_message_timestamp: m.reply_main_message_timestamp } : {}),
    // The first file's fields always; `files` "if there are multiple files" (team-chat.openapi.json getChatMessages).
    ...(files.length ? { file_id: files[0]!.file_id, file_name: files[0]!.file_name, file_size: files[0]!.file_size, download_url: files[0]!.download_url } : {}),
    ...(files.length > 1 ? { files } : {}),
    reactions: [],
    ...(withStatus ? { status: m.status } : {}),
  };
}

export const chatRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/v2/chat/users/:userId/sessions',
    category: 'Medium',
    granular: ['team_chat:read:list_user_sessions:admin', 'team_chat:read:list_user_sessions'],
    classic: ['chat_message:read', 'chat_message:read:admin'],
    area: 'api',
    auth: 'bearer',
    spec: 'team-chat.openapi.json getChatSessions',
    handler: (c) => {
      const u = chatUser(c);
      if (!c.state.account.breadth?.chatPermission) throw new ZoomError(403, 200, "Unauthorized request. You do not have permission to access this user's chat sessions.");
      const type = c.query.get('type');
      if (type !== null && type !== '' && type !== '1:1' && type !== 'groupchat') throw new ZoomError(404, 1001, 'Unknown session type.');
      const today = startOfUtcDay(c.now);
      const from = dateTime(c, 'from', today);
      const to = dateTime(c, 'to', today + DAY - 1000);
      if (from > to) throw new ZoomError(400, 300, 'The from date must be before the to date.');
      const rows = chatsOf(c, u)
        .filter((x) => !type || x.kind === type)
        .map((x) => ({ x, last: x.messages.at(-1)!.timestamp }))
        .filter(({ last }) => last >= from && last <= to)
        .sort((a, b) => b.last - a.last);
      const p = paginate(c, { key: `chat-sessions|${u.id}|${type ?? ''}|${from}|${to}`, total: rows.length, maxPageSize: 50 });
      const sessions = rows.slice(p.offset, p.end).map(({ x, last }) => {
        const at = new Date(last).toISOString().replace(/\.\d{3}Z$/, 'Z');
        if (x.kind === 'groupchat') return { channel_id: x.channel_id, name: x.name, type: 'groupchat', last_message_sent_time: at };
        const peer = peerOf(x, u);
        return { name: peer.email, type: '1:1', last_message_sent_time: at, peer_contact_email: peer.email, peer_contact_user_id: peer.id, peer_contact_member_id: peer.member_id };
      });
      return json({
        from: new Date(from).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        to: new Date(to).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        page_size: p.page_size,
        next_page_token: p.next_page_token,
        sessions,
      });
    },
  },
  {
    method: 'GET',
    path: '/v2/chat/users/:userId/messages',
    category: 'Medium',
    granular: ['team_chat:read:list_user_messages:admin', 'team_chat:read:list_user_messages'],
    classic: ['chat_message:read', 'chat_message:write', 'chat_message:read:admin', 'chat_message:write:admin'],
    area: 'api',
    auth: 'bearer',
    spec: 'team-chat.openapi.json getChatMessages',
    handler: (c) => {
      const u = chatUser(c);
      if (!c.state.account.breadth?.chatPermission) throw new ZoomError(400, 200, "Unauthorized request. You do not have permission to access this user's chat messages.");
      const contact = c.query.get('to_contact') ?? '';
      const channel = c.query.get('to_channel') ?? '';
      if (!contact && !channel) throw new ZoomError(400, 300, 'Must provide either contact or channel parameter.');
      let chat: SandboxChat | undefined;
      if (channel) {
        chat = chatsOf(c, u).find((x) => x.kind === 'groupchat' && x.channel_id === channel);
        if (!chat || chat.deletedAfterList) throw new ZoomError(404, 4130, `Channel does not exist: ${channel}.`);
      } else {
        const isPeer = (x: SandboxChat) => {
          const peer = peerOf(x, u);
          return peer.email.toLowerCase() === contact.toLowerCase() || (peer.id !== '' && peer.id === contact) || peer.member_id === contact;
        };
        chat = chatsOf(c, u).find((x) => x.kind === '1:1' && isPeer(x));
        if (!chat || chat.deletedAfterList) throw new ZoomError(404, 1001, `User does not exist: ${contact}.`);
      }
      const today = startOfUtcDay(c.now);
      const dateS = c.query.get('date');
      let from: number;
      let to: number;
      if (dateS) {
        const d = parseDate(dateS);
        if (d === undefined) throw validationError('date');
        from = d;
        to = d + DAY - 1;
      } else if (c.query.get('from')) {
        from = dateTime(c, 'from', today);
        to = dateTime(c, 'to', c.now);
      } else {
        from = today;
        to = today + DAY - 1;
      }
      if (from < sixMonthsBefore(c.now)) throw new ZoomError(400, 300, 'Only provide past chat messages in recent 6 months.');
      if (from > to) throw new ZoomError(400, 300, 'The from date must be before the to date.');
      const withDeleted = c.query.get('include_deleted_and_edited_message') === 'true';
      const noChildren = c.query.get('exclude_child_message') === 'true';
      const rows = chat.messages
        .filter((m) => m.timestamp >= from && m.timestamp <= to)
        .filter((m) => withDeleted || m.status !== 'Deleted')
        .filter((m) => !noChildren || !m.reply_main_message_id)
        .reverse();
      const p = paginate(c, { key: `chat-messages|${u.id}|${contact}|${channel}|${from}|${to}|${withDeleted}|${noChildren}`, total: rows.length, maxPageSize: 50 });
      return json({
        ...(dateS ? { date: dateS } : {}),
        ...(c.query.get('from') && !dateS ? { from: c.query.get('from'), to: c.query.get('to') ?? new Date(to).toISOString().replace(/\.\d{3}Z$/, 'Z') } : {}),
        page_size: p.page_size,
        next_page_token: p.next_page_token,
        messages: rows.slice(p.offset, p.end).map((m) => renderMessage(c, m, withDeleted)),
      });
    },
  },
  {
    // A chat file's bytes (the download_url of a message's file); needs the bearer token like every Zoom download.
    method: 'GET',
    path: '/v2/chat/files/download/:token',
    category: null,
    area: 'downloads',
    auth: 'bearer',
    handler: (c) => {
      const [, fileId, size] = openSigned(c, 'chat');
      return { status: 200, raw: Buffer.alloc(Number(size), `chat file ${fileId}\n`), headers: { 'content-type': 'text/plain', 'content-disposition': `attachment; filename="${fileId}.txt"` } };
    },
  },
];
