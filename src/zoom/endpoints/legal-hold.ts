/**
 * Team Chat legal holds (team-chat.openapi.json, tag "Legal Hold"). Read only:
 *
 *   GET /chat/legalhold/matters                     RESOURCE-INTENSIVE  page_size ≤ 100 (default 30)
 *   GET /chat/legalhold/matters/{matterId}/files    LIGHT               identifier (user id or email), page_size ≤ 20 (default 5)
 *
 * Scopes: chat_history_legal_hold:read:admin (or :write:admin); granular
 * team_chat:read:list_legal_hold_matters:admin and team_chat:read:list_legal_hold_matter_files:admin.
 * 403 code 403 "No permission to access legal hold" is the missing permission. Records as Zoom sent them.
 */
import type { ZoomClient } from '../client.js';
import { ZoomApiError } from '../errors.js';
import { listItems } from '../paginate.js';
import { route } from '../route.js';

export interface LegalHoldMatter {
  matter_id: string;
  matter_name: string;
  matter_start_date?: string;
  matter_end_date?: string;
  matter_creation_date: string;
  matter_users: Array<{ user_id: string; email: string }>;
  [k: string]: unknown;
}

export interface LegalHoldFile {
  file_key: string;
  file_count: number;
  file_start_date: string;
  file_end_date: string;
  ready_for_download: boolean;
  total_file_size: number;
  [k: string]: unknown;
}

/** Every legal hold matter of the account (Resource-intensive: read once per run). */
export function listLegalHoldMatters(client: ZoomClient): AsyncGenerator<LegalHoldMatter> {
  return listItems<LegalHoldMatter>(client, route('GET', '/chat/legalhold/matters'), {}, { key: 'legal_hold_matters', pageSize: 100, idOf: (m) => m.matter_id });
}

/** The held files (zips) of one person in one matter. */
export function listLegalHoldFiles(client: ZoomClient, matterId: string, identifier: string): AsyncGenerator<LegalHoldFile> {
  return listItems<LegalHoldFile>(client, route('GET', '/chat/legalhold/matters/{matterId}/files', { matterId }), { identifier }, { key: 'data', pageSize: 20, idOf: (f) => f.file_key });
}

/** 403 "No permission to access legal hold": the app lacks the legal hold scope (or the account the feature). */
export function isLegalHoldForbidden(e: unknown): boolean {
  return e instanceof ZoomApiError && (e.status === 403 || e.isMissingScope);
}
