/**
 * Team Chat legal holds (team-chat.openapi.json, tag "Legal Hold"), read only:
 *
 *   GET /chat/legalhold/matters                   listLegalHoldMatters  RESOURCE-INTENSIVE  page_size ≤ 100, default 30
 *   GET /chat/legalhold/matters/{matterId}/files  listLegalHoldFiles    LIGHT               identifier required; page_size ≤ 20, default 5
 *
 * The matters come from account.legalHolds (absent: none). A matter unknown to the account answers
 * an empty list of files: listLegalHoldFiles documents no error but 429.
 */
import { json, paginate, validationError, type RouteDef } from '../core.js';

export const LEGAL_HOLD_SCOPES = ['team_chat:read:list_legal_hold_matters:admin', 'team_chat:read:list_legal_hold_matter_files:admin'];

export const legalHoldRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/v2/chat/legalhold/matters',
    category: 'Resource-intensive',
    granular: ['team_chat:read:list_legal_hold_matters:admin'],
    classic: ['chat_history_legal_hold:read:admin', 'chat_history_legal_hold:write:admin'],
    area: 'api',
    auth: 'bearer',
    spec: 'team-chat.openapi.json listLegalHoldMatters',
    handler: (c) => {
      const all = c.state.account.legalHolds ?? [];
      const p = paginate(c, { key: 'legal-hold-matters', total: all.length, maxPageSize: 100 });
      return json({
        legal_hold_matters: all.slice(p.offset, p.end).map((m) => ({
          matter_id: m.matter_id,
          matter_name: m.matter_name,
          ...(m.matter_start_date ? { matter_start_date: m.matter_start_date } : {}),
          ...(m.matter_end_date ? { matter_end_date: m.matter_end_date } : {}),
          matter_creation_date: m.matter_creation_date,
          matter_users: m.users.map((u) => ({ user_id: u.user_id, email: u.email })),
        })),
        next_page_token: p.next_page_token,
        page_size: p.page_size,
      });
    },
  },
  {
    method: 'GET',
    path: '/v2/chat/legalhold/matters/:matterId/files',
    category: 'Light',
    granular: ['team_chat:read:list_legal_hold_matter_files:admin'],
    classic: ['chat_history_legal_hold:read:admin', 'chat_history_legal_hold:write:admin'],
    area: 'api',
    auth: 'bearer',
    spec: 'team-chat.openapi.json listLegalHoldFiles',
    handler: (c) => {
      const identifier = (c.query.get('identifier') ?? '').toLowerCase();
      if (!identifier) throw validationError('identifier', 'Invalid field: identifier is required.');
      const m = (c.state.account.legalHolds ?? []).find((x) => x.matter_id === c.params.matterId);
      const user = m?.users.find((u) => u.email.toLowerCase() === identifier || u.user_id.toLowerCase() === identifier);
      const files = (m && user ? m.files[user.email.toLowerCase()] : undefined) ?? [];
      const p = paginate(c, { key: `legal-hold-files|${c.params.matterId}|${identifier}`, total: files.length, maxPageSize: 20, defaultPageSize: 5 });
      return json({ data: files.slice(p.offset, p.end), next_page_token: p.next_page_token, page_size: p.page_size });
    },
  },
];
