import type { ZoomClient } from './zoom/client.js';
import { featureBlock } from './zoom/endpoints/breadth.js';
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
