/**
 * Zoom Revenue Accelerator and Quality Management (issue 28): the conversations a person hosted (with
 * each one's participants, transcripts and recording link) and the interactions they handled as an agent
 * (with transcript and recording link). Both are found by the person's Zoom user only: Revenue
 * Accelerator's participant filter takes "the internal participant ID", and Quality Management's
 * `user_ids` are agents' ids; neither can be searched by an address or a number (said: not_searchable).
 * Each conversation or interaction is an item (items.ts); records are kept exactly as Zoom sent them.
 */
import type { ZoomClient } from '../zoom/client.js';
import { noDataMeaning } from '../zoom/errors.js';
import { eventsVisitorsBlock } from '../zoom/endpoints/events.js';
import { getQmInteraction, getRaConversation, listQmInteractions, listRaConversations, listRaInteractions } from '../zoom/endpoints/revenue-quality.js';
import { canRead, scopeBlock } from '../zoom/endpoints/workplace.js';
import { monthWindows, type DateWindow } from '../zoom/paginate.js';
import { items, type BreadthPerson, type BreadthResult } from './breadth.js';
import { REVENUE_QUALITY_OPTIONAL } from './events-categories.js';

type Rec = Record<string, unknown>;
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

export interface RevenueQualitySettings {
  client: ZoomClient;
  skip: ReadonlySet<string>;
}

const scopesOf = new WeakMap<RevenueQualitySettings, Promise<ReadonlySet<string>>>();
async function blocked(s: RevenueQualitySettings, templates: string[]): Promise<BreadthResult | undefined> {
  let g = scopesOf.get(s);
  if (!g) scopesOf.set(s, (g = s.client.auth.scopes().then((x) => new Set(x))));
  const granted = await g;
  const t = templates.find((x) => !canRead(granted, x));
  return t ? { status: 'unavailable', ...scopeBlock(t) } : undefined;
}

/** The Revenue Accelerator and Quality Management categories of one person (userId: their Zoom user, if any). */
export function revenueQualityPlan(p: BreadthPerson, s: RevenueQualitySettings, who: { userId?: string; range?: DateWindow }): Array<Promise<void>> {
  const out: Array<Promise<void>> = [];
  for (const [group, names] of Object.entries(REVENUE_QUALITY_OPTIONAL)) {
    const run = (why: () => Promise<BreadthResult>) => out.push(...names.map((c) => p.settle(c, why)));
    if (s.skip.has(group)) run(async () => ({ status: 'unavailable', reason: 'skipped', note: `left out of this export with --skip ${group}` }));
    else if (!who.userId || !who.range)
      run(async () => ({ status: 'unavailable', reason: 'not_searchable', note: group === 'revenue_accelerator' ? 'this person has no Zoom user: Zoom finds Revenue Accelerator conversations by their host\'s user id, and a participant only by an internal participant id, never by an address or a number' : 'this person has no Zoom user: Zoom finds Quality Management interactions only by the agent\'s user id' }));
  }
  if (who.userId && who.range) {
    const { userId, range } = who;
    if (!s.skip.has('revenue_accelerator'))
      out.push(
        byItem(p, s, 'ra_conversations', ['/zra/conversations', '/zra/conversations/{conversationId}', '/zra/conversations/{conversationId}/interactions'], range, (w) => listRaConversations(s.client, userId, w), (c) => str(c.conversation_id), (c) => ({ conversation_id: c.conversation_id, conversation_topic: c.conversation_topic, meeting_start_time: c.meeting_start_time }), async (c) => {
          const id = str(c.conversation_id);
          const participants: Rec[] = [];
          for await (const x of listRaInteractions(s.client, id)) participants.push(x);
          return [{ conversation: await getRaConversation(s.client, id), interactions: participants }];
        }, 'conversations the person hosted (by meeting start time), one month at a time, each with its participants, transcripts and recording link'),
      );
    if (!s.skip.has('quality_management'))
      out.push(
        byItem(p, s, 'qm_interactions', ['/qm/interactions', '/qm/interactions/{interactionId}'], range, (w) => listQmInteractions(s.client, userId, w), (x) => str((x.interaction_info as Rec | undefined)?.interaction_id), (x) => ({ interaction_id: (x.interaction_info as Rec | undefined)?.interaction_id, start_time: x.start_time }), async (x) => [{ interaction: await getQmInteraction(s.client, str((x.interaction_info as Rec).interaction_id)) }], 'interactions the person handled as an agent, one month at a time, each with its transcript and recording link'),
      );
  }
  return out;
}

/** A list walked one month at a time, then each row's details as an item. */
function byItem(p: BreadthPerson, s: RevenueQualitySettings, name: string, templates: string[], range: DateWindow, list: (w: DateWindow) => AsyncIterable<Rec>, key: (r: Rec) => string, listed: (r: Rec) => Rec, fetch: (r: Rec) => Promise<Rec[]>, why: string): Promise<void> {
  return p.settle(name, async () => {
    const no = await blocked(s, templates);
    if (no) return no;
    const rows = new Map<string, Rec>();
    try {
      for (const w of monthWindows(range.from, range.to)) for await (const r of list(w)) if (key(r) && !rows.has(key(r))) rows.set(key(r), r);
    } catch (e) {
      const none = noDataMeaning(e);
      if (none) return { status: 'no_data', note: none };
      const block = eventsVisitorsBlock(e);
      if (block) return { status: 'unavailable', ...block };
      throw e;
    }
    return p.collect(name, items([...rows.values()].map((r) => ({ key: key(r), name: `${name === 'ra_conversations' ? 'conversation' : 'interaction'} ${key(r)}`, listed: listed(r), value: r })), fetch), { ...range, why }, name === 'ra_conversations' ? 'conversations' : 'interactions');
  });
}
