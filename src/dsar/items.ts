/**
 * One rule for items (issue 23). Every item a category lists (a meeting, a webinar, a conversation,
 * a voicemail, a summary) ends in exactly one outcome, decided by its own answer only:
 * - collected: Zoom served it (its records may be none: a meeting with no row of the person's);
 * - no_data: Zoom serves nothing for it, for a reason its spec documents at that endpoint;
 * - gone: Zoom documents it as deleted, expired or trashed since the list named it (named, with why);
 * - failed: anything else (the category fails, the person is partial, a resume asks again for it).
 * What an error means at an endpoint is the one table in zoom/errors.ts (ANSWER_MEANINGS).
 */
import { createHash } from 'node:crypto';
import { answerMeaning, describeError, isFatal } from '../zoom/errors.js';

type Rec = Record<string, unknown>;

export type ItemOutcomeName = 'collected' | 'no_data' | 'gone' | 'failed';

export type ItemOutcome = { outcome: 'collected'; records: Rec[] } | { outcome: 'no_data' | 'gone' | 'failed'; reason: string };

/** An item that did not end collected: what it is, why, and the list's row for it (kept: it is the person's data too). */
export interface NamedItem {
  key: string;
  item: string;
  outcome: 'no_data' | 'gone' | 'failed';
  reason: string;
  listed?: Rec;
}

/** The outcomes of a set of items: a count per outcome, the ones not collected named. */
export interface ItemTally {
  collected: number;
  no_data: number;
  gone: number;
  failed: number;
  named: NamedItem[];
}

export function emptyTally(): ItemTally {
  return { collected: 0, no_data: 0, gone: 0, failed: 0, named: [] };
}

export function addTally(a: ItemTally, b: ItemTally): ItemTally {
  return { collected: a.collected + b.collected, no_data: a.no_data + b.no_data, gone: a.gone + b.gone, failed: a.failed + b.failed, named: [...a.named, ...b.named] };
}

/**
 * One item's answer as its outcome. An error that stops the whole run (bad credentials, a missing
 * scope, a daily limit) or an interruption is thrown: it is not an answer about this item.
 */
export async function settleItem(fetch: () => Promise<Rec[]>, stop: (e: unknown) => boolean = isFatal): Promise<ItemOutcome> {
  try {
    return { outcome: 'collected', records: await fetch() };
  } catch (e) {
    if (stop(e) || (e as Error)?.name === 'AbortError') throw e;
    const meaning = answerMeaning(e);
    if (meaning) return { outcome: meaning.outcome, reason: meaning.reason };
    return { outcome: 'failed', reason: describeError(e, 'zdsar requests resume') };
  }
}

/** An item of a category's list: a stable key, how a person names it, the list's row, and what to fetch for it. */
export interface Item<T> {
  key: string;
  name: string;
  listed?: Rec;
  value: T;
}

/**
 * How the values of a list are keyed, named and shown as items, computed when needed: a name and a row
 * only for an item that did not end collected. A list of 20,000 sessions then holds the sessions, not
 * 20,000 names built in advance for each of its categories.
 */
export interface ItemShape<T> {
  key(t: T): string;
  name(t: T): string;
  listed?(t: T): Rec | undefined;
}

const AS_ITEM: ItemShape<Item<never>> = { key: (x) => x.key, name: (x) => x.name, listed: (x) => x.listed };

/**
 * A batch of items: run() fetches them (or only the keys given: those that failed in an earlier run)
 * and returns the records of those collected plus the tally of every item's outcome.
 */
export interface ItemUnit {
  key: string;
  run(only?: ReadonlySet<string>): Promise<{ records: Rec[]; tally: ItemTally }>;
}

/** Items fetched one request each go in batches of this many: one part file and one ledger step per batch. */
export const BATCH = 10;

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);

/**
 * Units of up to BATCH items; each item is fetched on its own and ends in its own outcome (a
 * neighbour's error never touches it). Keys depend only on the items, so a resumed run finds them.
 */
export function itemBatches<T>(items: Array<Item<T>>, fetch: (t: T) => Promise<Rec[]>, stop?: (e: unknown) => boolean): ItemUnit[] {
  return shapedBatches(items, AS_ITEM, (x) => fetch(x.value), stop);
}

/** itemBatches for values that are items by a shape (their names made only for the tally). */
export function shapedBatches<T>(values: readonly T[], shape: ItemShape<T>, fetch: (t: T) => Promise<Rec[]>, stop?: (e: unknown) => boolean): ItemUnit[] {
  const out: ItemUnit[] = [];
  for (let i = 0; i < values.length; i += BATCH) out.push(batchOf(values.slice(i, i + BATCH), shape, fetch, stop));
  return out;
}

/**
 * The same units made from a stream as they are taken (collectList takes a few at a time): a person's
 * 20,000 sessions are read from their file batch by batch, never held as a list. Same keys as shapedBatches.
 */
export async function* streamedBatches<T>(values: AsyncIterable<T> | Iterable<T>, shape: ItemShape<T>, fetch: (t: T) => Promise<Rec[]>, stop?: (e: unknown) => boolean): AsyncGenerator<ItemUnit> {
  let chunk: T[] = [];
  for await (const v of values) {
    chunk.push(v);
    if (chunk.length < BATCH) continue;
    yield batchOf(chunk, shape, fetch, stop);
    chunk = [];
  }
  if (chunk.length > 0) yield batchOf(chunk, shape, fetch, stop);
}

function batchOf<T>(chunk: T[], shape: ItemShape<T>, fetch: (t: T) => Promise<Rec[]>, stop?: (e: unknown) => boolean): ItemUnit {
  return {
    key: `b-${hash(chunk.map((x) => shape.key(x)).join('|'))}`,
    run: async (only) => {
      const todo = only ? chunk.filter((x) => only.has(shape.key(x))) : chunk;
      const outcomes = await Promise.all(todo.map((x) => settleItem(() => fetch(x), stop)));
      return tally(todo, outcomes, shape);
    },
  };
}

/**
 * One unit whose items are known only when it runs (e.g. the SMS sessions with a text in one month): it
 * lists them, then fetches each on its own, BATCH at a time, each ending in its own outcome. A resumed run
 * lists again and asks only for the keys given.
 */
export function listedItems<T>(key: string, list: () => AsyncIterable<Item<T>>, fetch: (t: T) => Promise<Rec[]>, stop?: (e: unknown) => boolean): ItemUnit {
  return {
    key,
    run: async (only) => {
      const all: Array<Item<T>> = [];
      const keys = new Set<string>();
      for await (const x of list()) if (!keys.has(x.key)) (keys.add(x.key), all.push(x));
      const todo = only ? all.filter((x) => only.has(x.key)) : all;
      const outcomes: ItemOutcome[] = [];
      for (let i = 0; i < todo.length; i += BATCH) outcomes.push(...(await Promise.all(todo.slice(i, i + BATCH).map((x) => settleItem(() => fetch(x.value), stop)))));
      return tallyOf(todo, outcomes);
    },
  };
}

/** The records and tally of items and their outcomes (same order). */
export function tallyOf<T>(items: Array<Item<T>>, outcomes: ItemOutcome[]): { records: Rec[]; tally: ItemTally } {
  return tally(items, outcomes, AS_ITEM);
}

function tally<T>(items: readonly T[], outcomes: ItemOutcome[], shape: ItemShape<T>): { records: Rec[]; tally: ItemTally } {
  const records: Rec[] = [];
  const t = emptyTally();
  outcomes.forEach((o, i) => {
    const x = items[i]!;
    if (o.outcome === 'collected') {
      t.collected++;
      records.push(...o.records);
      return;
    }
    t[o.outcome]++;
    const listed = shape.listed?.(x);
    t.named.push({ key: shape.key(x), item: shape.name(x), outcome: o.outcome, reason: o.reason, ...(listed ? { listed } : {}) });
  });
  return { records, tally: t };
}

/** The outcomes in plain words, e.g. "12 meetings listed: 10 collected, 1 no data (…), 1 gone (…)". */
export function tallySentence(t: ItemTally, noun = 'items'): string {
  const total = t.collected + t.no_data + t.gone + t.failed;
  const parts = [`${t.collected} collected`];
  const named = (o: NamedItem['outcome'], label: string) => {
    const n = t[o];
    if (n === 0) return;
    const xs = t.named.filter((x) => x.outcome === o);
    parts.push(`${n} ${label}: ${xs.map((x) => `${x.item} (${x.reason})`).join('; ')}`);
  };
  named('gone', 'gone');
  named('no_data', 'with no data');
  named('failed', 'failed');
  return `${total} ${noun} listed: ${parts.join('; ')}`;
}
