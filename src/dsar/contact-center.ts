/**
 * Zoom Contact Center (issue 28): what a person did with the contact center as a customer (anyone,
 * found by a phone number they gave) and as an agent (a Zoom user, by their user id). collect.ts runs
 * these beside its own categories, through the same BreadthPerson as breadth.ts and workplace.ts.
 *
 * A customer's records are found only by a number the request gave for this person alone (people/
 * subjects.ts refuses one number for two people); each is kept exactly as Zoom sent it, beside the
 * number that found it (`found_by`). Every list is asked one month at a time with dates: without them
 * Zoom answers only the past 24 hours.
 */
import type { ZoomClient } from '../zoom/client.js';
import { getCcEngagement, listCcEngagements, listCcNotes, listCcRecordings, listCcSms, listCcVoiceCalls } from '../zoom/endpoints/contact-center.js';
import { canRead, scopeBlock } from '../zoom/endpoints/workplace.js';
import { monthWindows, type DateWindow } from '../zoom/paginate.js';
import { dependsOn, items, recordsOf, type BreadthPerson, type BreadthResult, type BreadthUnit } from './breadth.js';
import { CONTACT_CENTER_OPTIONAL } from './contact-center-categories.js';

type Rec = Record<string, unknown>;
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

export interface ContactCenterSettings {
  client: ZoomClient;
  skip: ReadonlySet<string>;
}

export interface ContactCenterSubject {
  /** The person's Zoom user id, when they have one (agent reads). */
  userId?: string;
  /** Phone numbers the request gave, E.164 (customer reads). */
  phones: string[];
  range: DateWindow;
  /** Why the range starts where it does (for a person without a Zoom user: zdsar's default). */
  why?: string;
}

const scopesOf = new WeakMap<ContactCenterSettings, Promise<ReadonlySet<string>>>();
async function blocked(s: ContactCenterSettings, template: string): Promise<BreadthResult | undefined> {
  let g = scopesOf.get(s);
  if (!g) scopesOf.set(s, (g = s.client.auth.scopes().then((x) => new Set(x))));
  return canRead(await g, template) ? undefined : { status: 'unavailable', ...scopeBlock(template) };
}

/** Nothing to search by: the category could not be searched with the identifiers given (said, never "no data"). */
const notSearchable = (what: string): BreadthResult => ({ status: 'unavailable', reason: 'not_searchable', note: what });

/** The Contact Center categories of one person. */
export function contactCenterPlan(p: BreadthPerson, s: ContactCenterSettings, who: ContactCenterSubject): Array<Promise<void>> {
  if (s.skip.has('contact_center')) {
    return CONTACT_CENTER_OPTIONAL.contact_center!.map((c) => p.settle(c, async () => ({ status: 'unavailable', reason: 'skipped', note: 'left out of this export with --skip contact_center' })));
  }
  return [customer(p, s, who), agent(p, s, who)];
}

/**
 * A number Zoom's engagements name for more than one customer (a company switchboard, a shared family
 * line) identifies nobody on its own: nothing found by it is kept, and the coverage says so. The
 * engagements found by each number are read first (one month at a time) to tell.
 */
async function customer(p: BreadthPerson, s: ContactCenterSettings, who: ContactCenterSubject): Promise<void> {
  const windows = monthWindows(who.range.from, who.range.to);
  const names = ['cc_customer_engagements', 'cc_voice_calls', 'cc_sms'];
  if (who.phones.length === 0) {
    await Promise.all(names.map((n) => p.settle(n, async () => notSearchable('no phone number was given for this person: Zoom finds a customer\'s Contact Center records only by their number (add a "phone" column)'))));
    return;
  }
  const no = await blocked(s, '/contact_center/engagements');
  if (no) {
    await Promise.all(names.map((n) => p.settle(n, async () => no)));
    return;
  }
  const engagements = new Map<string, Array<{ w: DateWindow; records: Rec[] }>>();
  const shared: string[] = [];
  let failure: unknown;
  try {
    for (const n of who.phones) {
      const found: Array<{ w: DateWindow; records: Rec[] }> = [];
      const consumers = new Set<string>();
      for (const w of windows) {
        const records: Rec[] = [];
        for await (const e of listCcEngagements(s.client, { consumerNumber: n }, w)) {
          records.push(e);
          for (const c of (e.consumers as Rec[] | undefined) ?? []) if (c.consumer_number === n) consumers.add(str(c.consumer_id) || str(c.consumer_display_name));
        }
        found.push({ w, records });
      }
      if (consumers.size > 1) shared.push(n);
      else engagements.set(n, found);
    }
  } catch (e) {
    failure = e;
  }
  const own = who.phones.filter((n) => !shared.includes(n));
  const sharedNote = shared.length ? `; nothing found by ${shared.join(', ')} is kept: Zoom's engagements name more than one customer for ${shared.length === 1 ? 'that number' : 'those numbers'} (a shared line identifies nobody on its own)` : '';
  const why = `${who.why ? `${who.why}; ` : ''}found by the phone number${who.phones.length > 1 ? 's' : ''} the request gave (Zoom searches by consumer_number), one month at a time; each record beside the number that found it${sharedNote}`;
  const list = (name: string, template: string, read: (n: string, w: DateWindow) => AsyncIterable<Rec>, as: string) =>
    p.settle(name, async () => {
      if (failure) throw failure;
      const blockedNow = await blocked(s, template);
      if (blockedNow) return blockedNow;
      if (own.length === 0) return { status: 'no_data', note: why };
      const units: BreadthUnit[] = own.flatMap((n) =>
        windows.map((w) => ({
          key: `${n}_${w.from}_${w.to}`,
          items: async function* () {
            for await (const r of read(n, w)) yield { found_by: n, [as]: r };
          },
        })),
      );
      return p.collect(name, units, { ...who.range, why });
    });
  await Promise.all([
    list('cc_customer_engagements', '/contact_center/engagements', (n, w) => fromCache(engagements.get(n), w), 'engagement'),
    list('cc_voice_calls', '/contact_center/voice_calls', (n, w) => listCcVoiceCalls(s.client, n, w), 'voice_call'),
    list('cc_sms', '/contact_center/sms', (n, w) => listCcSms(s.client, n, w), 'sms'),
  ]);
}

async function* fromCache(found: Array<{ w: DateWindow; records: Rec[] }> | undefined, w: DateWindow): AsyncGenerator<Rec> {
  yield* found?.find((x) => x.w.from === w.from && x.w.to === w.to)?.records ?? [];
}

async function agent(p: BreadthPerson, s: ContactCenterSettings, who: ContactCenterSubject): Promise<void> {
  const names = ['cc_agent_engagements', 'cc_agent_notes', 'cc_agent_recordings'];
  const userId = who.userId;
  if (!userId) {
    await Promise.all(names.map((n) => p.settle(n, async () => notSearchable('this person has no Zoom user: Zoom finds an agent\'s engagements only by their user id'))));
    return;
  }
  // The engagements the person handled, each in full (its details and events): one item per engagement.
  await p.settle('cc_agent_engagements', async () => {
    const no = (await blocked(s, '/contact_center/engagements')) ?? (await blocked(s, '/contact_center/engagements/{engagementId}'));
    if (no) return no;
    const units = monthWindows(who.range.from, who.range.to).map((w) => ({
      key: `${w.from}_${w.to}`,
      items: async function* () {
        for await (const e of listCcEngagements(s.client, { userId }, w)) yield e;
      },
    }));
    // The list first (into the scratch of this category), then each engagement's details as an item.
    const listed: Rec[] = [];
    for (const u of units) for await (const e of u.items()) listed.push(e);
    const byId = new Map(listed.filter((e) => str(e.engagement_id)).map((e) => [str(e.engagement_id), e]));
    return p.collect('cc_agent_engagements', items([...byId.entries()].map(([id, e]) => ({ key: id, name: `engagement ${id}`, listed: { engagement_id: id, start_time: e.start_time }, value: id })), async (id) => [await getCcEngagement(s.client, id)]), { ...who.range, why: 'engagements the person handled as an agent in the range, one month at a time, each with its details and events' }, 'engagements');
  });
  const perEngagement = (name: string, template: string, fetch: (e: Rec) => Promise<Rec[]>) =>
    dependsOn(p, 'cc_agent_engagements', name, async () => {
      const no = await blocked(s, template);
      if (no) return no;
      const list: Rec[] = [];
      for await (const e of recordsOf(p, 'cc_agent_engagements')) if (str(e.engagement_id)) list.push({ engagement_id: e.engagement_id, start_time: e.start_time, end_time: e.end_time });
      return p.collect(name, items(list.map((e) => ({ key: str(e.engagement_id), name: `engagement ${str(e.engagement_id)}`, listed: e, value: e })), fetch), undefined, 'engagements');
    });
  await Promise.all([
    perEngagement('cc_agent_notes', '/contact_center/engagements/{engagementId}/notes', async (e) => {
      const out: Rec[] = [];
      for await (const n of listCcNotes(s.client, str(e.engagement_id))) out.push({ engagement: e, note: n });
      return out;
    }),
    perEngagement('cc_agent_recordings', '/contact_center/engagements/{engagementId}/recordings', async (e) => {
      const out: Rec[] = [];
      // The engagement's own times: without dates Zoom answers the past 30 days only.
      for await (const r of listCcRecordings(s.client, str(e.engagement_id), { from: str(e.start_time), to: str(e.end_time) || str(e.start_time) })) out.push({ engagement: e, recording: r });
      return out;
    }),
  ]);
}
