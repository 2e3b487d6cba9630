import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import pLimit from 'p-limit';
import { describe, expect, it } from 'vitest';
import { collectList, type CollectEnv } from '../../src/dsar/collect.js';
import { itemBatches, listedItems, settleItem, shapedBatches, streamedBatches, tallyOf, type Item, type ItemShape } from '../../src/dsar/items.js';
import { ANSWER_MEANINGS, ZoomApiError } from '../../src/zoom/errors.js';

type Rec = Record<string, unknown>;

/** One item's answer: records, or an error Zoom could send at the operation. */
type Answer = { kind: 'rows'; n: number } | { kind: 'error'; status: number; code: number; message: string };

const OP = 'GET /meetings/{meetingId}/meeting_summary';
const TEMPLATE = OP.split(' ')[1]!;
// The documented answers of this operation (gone, no data), plus failures Zoom may send (a 500, 400/300, the other 2305).
const errorAnswers: Answer[] = [
  { kind: 'error', status: 404, code: 3001, message: 'Meeting does not exist: x.' },
  { kind: 'error', status: 403, code: 2305, message: 'The meeting summary has been moved to Trash and cannot be accessed.' },
  { kind: 'error', status: 400, code: 200, message: 'Only available for Paid account.' },
  { kind: 'error', status: 400, code: 300, message: 'Invalid meeting ID.' },
  { kind: 'error', status: 500, code: 0, message: 'Internal error' },
  // Documented at another operation (the participants report) with another meaning: here, a failure.
  { kind: 'error', status: 400, code: 1010, message: 'User does not belong to this account' },
];
const answer: fc.Arbitrary<Answer> = fc.oneof(fc.record({ kind: fc.constant('rows' as const), n: fc.integer({ min: 0, max: 3 }) }), fc.constantFrom(...errorAnswers));

const errorOf = (a: Extract<Answer, { kind: 'error' }>) => new ZoomApiError({ status: a.status, code: a.code, message: a.message, method: 'GET', path: '/meetings/x/meeting_summary', template: TEMPLATE });
const rowsOf = (key: string, n: number): Rec[] => Array.from({ length: n }, (_, i) => ({ key, i }));
const fetcherFor = (answers: Map<string, Answer>) => async (key: string) => {
  const a = answers.get(key)!;
  if (a.kind === 'rows') return rowsOf(key, a.n);
  throw errorOf(a);
};
/** The outcome an item must end in, from its own answer alone (the spec's table at this operation). */
function expected(a: Answer): 'collected' | 'no_data' | 'gone' | 'failed' {
  if (a.kind === 'rows') return 'collected';
  const m = ANSWER_MEANINGS[OP]!.find((x) => x.status === a.status && x.code === a.code && (!x.message || x.message.test(a.message)));
  return m?.outcome ?? 'failed';
}

const SUMMARY_SHAPE: ItemShape<string> = { key: (k) => k, name: (k) => `summary ${k}`, listed: (k) => ({ meeting_uuid: k }) };
const itemsOf = (keys: string[]): Array<Item<string>> => keys.map((k) => ({ key: k, name: `summary ${k}`, listed: { meeting_uuid: k }, value: k }));
const answersArb = fc.array(answer, { minLength: 1, maxLength: 35 }).map((as) => new Map(as.map((a, i) => [`u${i}`, a])));

function env(): CollectEnv {
  return {
    client: undefined as never,
    limit: pLimit(4),
    signal: new AbortController().signal,
    today: '2026-06-01',
    range: {},
    progress: async () => {},
    settled: {},
  };
}

describe('one rule for items (items.ts): every listed item ends in exactly one outcome, decided by its own answer', () => {
  it("an item's outcome depends only on its own answer, whatever its neighbours answered", async () => {
    await fc.assert(
      fc.asyncProperty(answersArb, async (answers) => {
        const keys = [...answers.keys()];
        const fetch = fetcherFor(answers);
        const units = itemBatches(itemsOf(keys), fetch);
        const runs = await Promise.all(units.map((u) => u.run()));
        for (const key of keys) {
          const alone = await settleItem(() => fetch(key));
          expect(alone.outcome).toBe(expected(answers.get(key)!));
          const named = runs.flatMap((r) => r.tally.named).filter((x) => x.key === key);
          if (alone.outcome === 'collected') {
            expect(named).toEqual([]);
            expect(runs.flatMap((r) => r.records).filter((r) => r.key === key)).toEqual(alone.records);
          } else {
            expect(named.map((x) => x.outcome)).toEqual([alone.outcome]);
            // A summary not collected is named, and the list's row for it is kept.
            expect(named[0]!.listed).toEqual({ meeting_uuid: key });
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('the counts add up to the items listed, and a category is done only when no item failed; a resume asks only for the failed ones', async () => {
    await fc.assert(
      fc.asyncProperty(answersArb, fc.array(answer, { minLength: 35, maxLength: 35 }), async (answers, later) => {
        const dir = mkdtempSync(join(tmpdir(), 'zdsar-items-'));
        mkdirSync(join(dir, 'out'), { mode: 0o700 });
        const keys = [...answers.keys()];
        const asked: string[] = [];
        const counting = (m: Map<string, Answer>) => {
          const f = fetcherFor(m);
          return async (k: string) => {
            asked.push(k);
            return f(k);
          };
        };
        const first = await collectList(env(), 'meeting_summaries', itemBatches(itemsOf(keys), counting(answers)), () => undefined, join(dir, 'out'), join(dir, 'work'), { why: 'test' }, 'summaries');
        const want = keys.map((k) => expected(answers.get(k)!));
        const count = (o: string) => want.filter((x) => x === o).length;
        const t = first.coverage!.items!;
        expect([t.collected, t.no_data, t.gone, t.failed]).toEqual([count('collected'), count('no_data'), count('gone'), count('failed')]);
        expect(t.collected + t.no_data + t.gone + t.failed).toBe(keys.length);
        expect(first.status).toBe(count('failed') > 0 ? 'failed' : 'done');

        // A resume: the failed items now answer something else; the others are not asked again. It takes its
        // units from a stream (as a person's sessions are read from their file): the same batches, found again.
        const failedKeys = keys.filter((k) => expected(answers.get(k)!) === 'failed');
        const second = new Map(answers);
        failedKeys.forEach((k, i) => second.set(k, later[i]!));
        asked.length = 0;
        const stream = async function* () {
          yield* keys;
        };
        const again = await collectList(env(), 'meeting_summaries', streamedBatches(stream(), SUMMARY_SHAPE, counting(second)), () => undefined, join(dir, 'out'), join(dir, 'work'), { why: 'test' }, 'summaries');
        expect(asked.sort()).toEqual(failedKeys.sort());
        const want2 = keys.map((k) => expected(second.get(k)!));
        const t2 = again.coverage!.items!;
        expect([t2.collected, t2.no_data, t2.gone, t2.failed]).toEqual(['collected', 'no_data', 'gone', 'failed'].map((o) => want2.filter((x) => x === o).length));
        expect(again.status).toBe(t2.failed > 0 ? 'failed' : 'done');
        if (again.status === 'done') {
          // Every collected item's records, each once.
          const file = join(dir, 'out', again.file!);
          expect(existsSync(file)).toBe(true);
          const got = (JSON.parse(readFileSync(file, 'utf8')) as Rec[]).map((r) => `${String(r.key)}#${String(r.i)}`).sort();
          const all = keys.flatMap((k) => {
            const a = second.get(k)!;
            return a.kind === 'rows' ? rowsOf(k, a.n).map((r) => `${k}#${r.i}`) : [];
          });
          expect(got).toEqual(all.sort());
          expect(again.note).toMatch(new RegExp(`^.*${keys.length} summaries listed: ${t2.collected} collected`));
        }
      }),
      { numRuns: 30 },
    );
  });

  it('tallyOf: names every item not collected with its reason, in plain words', () => {
    const { tally } = tallyOf(itemsOf(['a', 'b']), [{ outcome: 'gone', reason: 'in the trash' }, { outcome: 'collected', records: [] }]);
    expect(tally).toMatchObject({ collected: 1, gone: 1, no_data: 0, failed: 0 });
    expect(tally.named).toEqual([{ key: 'a', item: 'summary a', outcome: 'gone', reason: 'in the trash', listed: { meeting_uuid: 'a' } }]);
  });

  it('shapedBatches: the same units and outcomes as itemBatches; a name is made only for an item not collected', async () => {
    await fc.assert(
      fc.asyncProperty(answersArb, async (answers) => {
        const keys = [...answers.keys()];
        const fetch = fetcherFor(answers);
        const named: string[] = [];
        const shape: ItemShape<string> = { key: (k) => k, name: (k) => (named.push(k), `summary ${k}`), listed: (k) => ({ meeting_uuid: k }) };
        const shaped = shapedBatches(keys, shape, fetch);
        const plain = itemBatches(itemsOf(keys), fetch);
        // Same keys: a run resumed across the change finds its parts.
        expect(shaped.map((u) => u.key)).toEqual(plain.map((u) => u.key));
        for (let i = 0; i < shaped.length; i++) {
          const [a, b] = [await shaped[i]!.run(), await plain[i]!.run()];
          expect(a).toEqual(b);
        }
        expect(named.sort()).toEqual(keys.filter((k) => expected(answers.get(k)!) !== 'collected').sort());
      }),
      { numRuns: 30 },
    );
  });

  it('listedItems: items known only when the unit runs end in their own outcomes; a resume asks only the keys given', async () => {
    await fc.assert(
      fc.asyncProperty(answersArb, fc.integer({ min: 0, max: 3 }), async (answers, dupes) => {
        const keys = [...answers.keys()];
        const fetch = fetcherFor(answers);
        const asked: string[] = [];
        const list = async function* () {
          // A list may name an item twice (pages overlap): it is one item.
          for (const x of [...itemsOf(keys), ...itemsOf(keys.slice(0, dupes))]) yield x;
        };
        const unit = listedItems('month', list, (k: string) => (asked.push(k), fetch(k)));
        const whole = await unit.run();
        expect(asked.sort()).toEqual([...keys].sort());
        for (const key of keys) {
          const named = whole.tally.named.filter((x) => x.key === key).map((x) => x.outcome);
          expect(named).toEqual(expected(answers.get(key)!) === 'collected' ? [] : [expected(answers.get(key)!)]);
        }
        expect(whole.tally.collected + whole.tally.no_data + whole.tally.gone + whole.tally.failed).toBe(keys.length);
        const failed = new Set(whole.tally.named.filter((x) => x.outcome === 'failed').map((x) => x.key));
        asked.length = 0;
        const again = await unit.run(failed);
        expect(asked.sort()).toEqual([...failed].sort());
        expect(again.tally.failed).toBe(failed.size);
      }),
      { numRuns: 60 },
    );
  });

  it('a stop leaves the rest of a stream untaken: the category ends on the stop, not after thousands of quick failures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zdsar-stop-'));
    const stop = new AbortController();
    let taken = 0;
    const keys = async function* () {
      for (let i = 0; i < 5000; i++) {
        taken++;
        yield `u${i}`;
      }
    };
    const fetch = async (k: string) => {
      if (k === 'u3') stop.abort();
      stop.signal.throwIfAborted();
      return rowsOf(k, 1);
    };
    const run = collectList({ ...env(), signal: stop.signal }, 'meeting_summaries', streamedBatches(keys(), SUMMARY_SHAPE, fetch), () => undefined, join(dir, 'out'), join(dir, 'work'), { why: 'test' }, 'summaries');
    await expect(run).rejects.toThrow();
    expect(stop.signal.aborted).toBe(true);
    // The pool (4) and the window (twice the pool) of batches of 10: at most a few hundred keys, not 5,000.
    expect(taken).toBeLessThan(200);
  });
});
