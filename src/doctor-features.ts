import type { ZoomClient } from './zoom/client.js';
import { featureBlock } from './zoom/endpoints/breadth.js';
import { MailEncrypted, probeWorkplace, USER_LEVEL_ONLY, WORKPLACE_OPERATIONS, workplaceBlock } from './zoom/endpoints/workplace.js';
import { CONTACT_CENTER_OPERATIONS, probeContactCenter } from './zoom/endpoints/contact-center.js';
import { EVENTS_VISITORS_OPERATIONS, eventsVisitorsBlock, probeEventsVisitors } from './zoom/endpoints/events.js';
import { probeRevenueQuality, REVENUE_QUALITY_OPERATIONS } from './zoom/endpoints/revenue-quality.js';
import { checkScopes } from './zoom/scopes.js';
import { ZoomApiError } from './zoom/errors.js';
import { route } from './zoom/route.js';

export interface FeatureCheck {
  state: 'ok' | 'not_enabled' | 'not_permitted' | 'unknown';
  /** What Zoom said and what to change (not ok), or why it could not be checked (unknown). */
  detail?: string;
}

/**
 * Account features an export depends on beyond scopes (issue 17): the Chat Messages permission of
 * the app's role (Team Chat) and AI Companion meeting summaries. Each is one small read; an answer
 * Zoom documents as "not permitted" / "not enabled" says what to change.
 */
export async function checkFeatures(client: ZoomClient): Promise<{ team_chat: FeatureCheck; ai_summaries: FeatureCheck }> {
  const probe = async (get: () => Promise<unknown>): Promise<FeatureCheck> => {
    try {
      await get();
      return { state: 'ok' };
    } catch (e) {
      const block = featureBlock(e);
      if (block) return { state: block.reason, detail: block.note };
      if (e instanceof ZoomApiError) return { state: 'unknown', detail: `${e.status}${e.code ? ` code ${e.code}` : ''}: ${e.zoomMessage}${e.isMissingScope ? ' (missing scope, see above)' : ''}` };
      return { state: 'unknown', detail: (e as Error).message };
    }
  };
  return {
    team_chat: await probe(() => client.get(route('GET', '/chat/users/{userId}/sessions', { userId: 'me' }), { page_size: 1 })),
    ai_summaries: await probe(() => client.get(route('GET', '/meetings/meeting_summaries'), { page_size: 1 })),
  };
}

/** A Zoom Workplace product (issue 27): is it on the account, may the app read it, which scopes are missing. */
export interface ProductCheck {
  licensed: 'yes' | 'no' | 'unknown';
  permitted: boolean;
  /** Granular scopes to add for the reads an export sends. */
  missing_scopes: string[];
  detail?: string;
}

/**
 * Each Workplace product an export reads: its scopes against the granted ones, then one small read as the
 * app's own user. Reads Zoom grants to user-level apps only (the calendar list and settings) are named in
 * `user_level_only`: no admin app can be given them.
 */
export async function checkWorkplace(client: ZoomClient, granted: string[], today: string): Promise<{ products: Record<string, ProductCheck>; user_level_only: string[] }> {
  let email = '';
  try {
    email = String((await client.get(route('GET', '/users/{userId}', { userId: 'me' }))).email ?? '');
  } catch {
    // Without the app's own address the calendar probe reads nothing useful; it says so below.
  }
  const probes = { ...probeWorkplace(client, email || 'me', today), ...probeContactCenter(client), ...probeEventsVisitors(client), ...probeRevenueQuality(client, today) };
  const products: Record<string, ProductCheck> = {};
  for (const [name, ops] of Object.entries({ ...WORKPLACE_OPERATIONS, ...CONTACT_CENTER_OPERATIONS, ...EVENTS_VISITORS_OPERATIONS, ...REVENUE_QUALITY_OPERATIONS })) {
    const missing = checkScopes(granted, ops).filter((c) => !c.granted).map((c) => c.add ?? c.operation);
    let check: ProductCheck = { licensed: 'unknown', permitted: missing.length === 0, missing_scopes: [...new Set(missing)] };
    try {
      await probes[name]!();
      check = { ...check, licensed: 'yes' };
    } catch (e) {
      const block = workplaceBlock(e) ?? eventsVisitorsBlock(e);
      if (e instanceof MailEncrypted) check = { ...check, licensed: 'yes', permitted: false, detail: e.message };
      else if (block?.reason === 'not_enabled') check = { ...check, licensed: 'no', detail: block.note };
      else if (block) check = { ...check, permitted: false, detail: block.note };
      else if (e instanceof ZoomApiError) check = { ...check, detail: `${e.status}${e.code ? ` code ${e.code}` : ''}: ${e.zoomMessage}` };
      else check = { ...check, detail: (e as Error).message };
    }
    products[name] = check;
  }
  return { products, user_level_only: USER_LEVEL_ONLY.map((t) => `GET ${t}`) };
}
