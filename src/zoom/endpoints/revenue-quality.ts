import type { ZoomClient } from '../client.js';
import { listItems, type DateWindow } from '../paginate.js';
import { route } from '../route.js';

/**
 * The reads of Zoom Revenue Accelerator (revenue-accelerator.openapi.json) and Quality Management
 * (quality-management.openapi.json), issue 28, each returning Zoom's records untouched.
 *
 * Revenue Accelerator's spec holds two path families for the same operations: `/iq/...` (operationIds
 * ending in "Deprecated") and `/zra/...` (the current ones). zdsar reads `/zra`. Its participant filter
 * takes "the internal participant ID", not an address: conversations are found by host (a Zoom user) only.
 * Neither spec states a longest window; lists are asked one month at a time, with `yyyy-MM-dd'T'HH:mm:ss'Z'` dates.
 */
type Rec = Record<string, unknown>;
const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
const range = (w: DateWindow) => ({ from: `${w.from}T00:00:00Z`, to: `${w.to}T23:59:59Z` });

/**
 * QM's page size: its prose says "Maximum: 100", its schema `maximum: 100` with `exclusiveMaximum: true`
 * (below 100). 99 is valid under both readings.
 */
export const QM_PAGE_SIZE = 99;

/** Conversations a user hosted, by meeting start time in one window (listAllConversations, Medium; page ≤ 300). */
export function listRaConversations(client: ZoomClient, hostId: string, w: DateWindow): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/zra/conversations'), { host_id: hostId, ...range(w) }, { key: 'conversations', pageSize: 300, idOf: (c) => str(c.conversation_id) });
}

/** One conversation: participants, summary, recording download link (getConversationDetail, Light). */
export function getRaConversation(client: ZoomClient, conversationId: string): Promise<Rec> {
  return client.get(route('GET', '/zra/conversations/{conversationId}', { conversationId }));
}

/** A conversation's participants with their transcripts and metrics (getConversationInteraction, Medium; page ≤ 300). */
export function listRaInteractions(client: ZoomClient, conversationId: string): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/zra/conversations/{conversationId}/interactions', { conversationId }), {}, { key: 'participants', pageSize: 300 });
}

/** Interactions a user handled as an agent in one window (ListInteractions `user_ids`, Medium). */
export function listQmInteractions(client: ZoomClient, userId: string, w: DateWindow): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/qm/interactions'), { user_ids: userId, ...range(w) }, { key: 'interactions', pageSize: QM_PAGE_SIZE, idOf: (x) => str((x.interaction_info as Rec | undefined)?.interaction_id) });
}

/** One interaction with its transcript and recording link (InteractionDetail, Medium). */
export function getQmInteraction(client: ZoomClient, interactionId: string): Promise<Rec> {
  return client.get(route('GET', '/qm/interactions/{interactionId}', { interactionId }));
}

/** The reads an export sends, per product, for doctor's scope check. */
export const REVENUE_QUALITY_OPERATIONS: Record<string, string[]> = {
  revenue_accelerator: ['GET /zra/conversations', 'GET /zra/conversations/{conversationId}', 'GET /zra/conversations/{conversationId}/interactions'],
  quality_management: ['GET /qm/interactions', 'GET /qm/interactions/{interactionId}'],
};

/** One small read per product. */
export function probeRevenueQuality(client: ZoomClient, today: string): Record<string, () => Promise<unknown>> {
  const w = range({ from: today, to: today });
  return {
    revenue_accelerator: () => client.get(route('GET', '/zra/conversations'), { ...w, page_size: 1 }),
    quality_management: () => client.get(route('GET', '/qm/interactions'), { ...w, page_size: 1 }),
  };
}
