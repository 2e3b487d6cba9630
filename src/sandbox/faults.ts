/**
 * Fault injection: a small, strictly parsed syntax, and deterministic decisions.
 *
 *   SPEC   := RULE ("," RULE)*
 *   RULE   := KIND "=" RATE [":" ARG] ["@" SCOPE]
 *   KIND   := 429 | 500 | 502 | 503 | 5xx | reset | slow | daily429 | userdaily429 | tokenexpire | pagetokenexpire
 *   RATE   := a probability in [0, 1] (e.g. 0.05) | "once" | "always"
 *   ARG    := a non-negative integer: 429 → storm length (requests answered 429 in a row, default 1);
 *             slow → delay in ms (default 30000); daily429 → hours until Retry-After (default: next UTC midnight);
 *             userdaily429: a per-user daily limit in Zoom's wording ("…for this particular user")
 *   SCOPE  := api (default: /v2 and downloads) | oauth | compliance | downloads | a path prefix starting with "/"
 *
 * Example: "429=0.05:3,500=0.02,reset=0.01,slow=0.01:3000,daily429=once,tokenexpire=0.01,pagetokenexpire=0.02"
 *
 * A probabilistic draw is a pure function of (seed, rule, method + URL without credentials, how many
 * times that same request was seen before): the same seed and the same sequence of requests give the
 * same faults, whatever the interleaving of different requests. "once" fires on the first request in
 * scope (arrival order); "always" on every one. The OAuth token endpoint and the Data Compliance
 * endpoint only get faults whose scope names them.
 */
import { unitFromKey } from './prng.js';

export type FaultKind = '429' | '500' | '502' | '503' | '5xx' | 'reset' | 'slow' | 'daily429' | 'userdaily429' | 'tokenexpire' | 'pagetokenexpire';
export type FaultScope = 'api' | 'oauth' | 'compliance' | 'downloads' | `/${string}`;

export interface FaultRule {
  kind: FaultKind;
  /** Probability in [0, 1], or 'once' / 'always'. */
  rate: number | 'once' | 'always';
  /** Storm length for 429, delay in ms for slow, hours until Retry-After for daily429. */
  arg?: number;
  /** Where the rule applies; default 'api' (every /v2 route and recording/voicemail downloads). */
  scope?: FaultScope;
}

export interface FaultSpec {
  rules: FaultRule[];
}

export class FaultSyntaxError extends Error {
  override name = 'FaultSyntaxError';
}

const KINDS: readonly FaultKind[] = ['429', '500', '502', '503', '5xx', 'reset', 'slow', 'daily429', 'userdaily429', 'tokenexpire', 'pagetokenexpire'];

export function parseFaults(spec: string): FaultSpec {
  const rules: FaultRule[] = [];
  const text = spec.trim();
  if (text === '' || text === 'none') return { rules };
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (!item) throw new FaultSyntaxError(`empty rule in fault spec "${spec}"`);
    const m = /^([a-z0-9]+)=([a-z0-9.]+)(?::([0-9]+))?(?:@(.+))?$/i.exec(item);
    if (!m) throw new FaultSyntaxError(`bad fault rule "${item}": expected KIND=RATE[:ARG][@SCOPE], e.g. 500=0.02 or slow=0.01:3000`);
    const kind = m[1]!.toLowerCase() as FaultKind;
    if (!KINDS.includes(kind)) throw new FaultSyntaxError(`unknown fault "${m[1]}" in "${item}"; known: ${KINDS.join(', ')}`);
    const rateText = m[2]!.toLowerCase();
    let rate: FaultRule['rate'];
    if (rateText === 'once' || rateText === 'always') rate = rateText;
    else {
      if (!/^(0(\.[0-9]+)?|1(\.0+)?|\.[0-9]+)$/.test(rateText)) throw new FaultSyntaxError(`bad rate "${m[2]}" in "${item}": a probability between 0 and 1, "once" or "always"`);
      rate = Number(rateText);
    }
    const rule: FaultRule = { kind, rate };
    if (m[3] !== undefined) {
      if (!['429', 'slow', 'daily429'].includes(kind)) throw new FaultSyntaxError(`fault "${kind}" takes no ":ARG" (in "${item}")`);
      rule.arg = Number(m[3]);
    }
    if (m[4] !== undefined) rule.scope = parseScope(m[4], item);
    rules.push(rule);
  }
  return { rules };
}

function parseScope(s: string, item: string): FaultScope {
  if (s === 'api' || s === 'oauth' || s === 'compliance' || s === 'downloads') return s;
  if (s.startsWith('/') && !/\s/.test(s)) return s as FaultScope;
  throw new FaultSyntaxError(`bad scope "@${s}" in "${item}": api, oauth, compliance, downloads or a path prefix like /v2/users`);
}

export function normalizeFaults(f: string | FaultSpec | undefined): FaultSpec {
  if (f === undefined) return { rules: [] };
  if (typeof f === 'string') return parseFaults(f);
  for (const r of f.rules) {
    if (!KINDS.includes(r.kind)) throw new FaultSyntaxError(`unknown fault kind "${String(r.kind)}"`);
    if (typeof r.rate === 'number' && !(r.rate >= 0 && r.rate <= 1)) throw new FaultSyntaxError(`bad rate ${r.rate} for ${r.kind}`);
  }
  return { rules: f.rules.map((r) => ({ ...r })) };
}

export function formatFaults(spec: FaultSpec): string {
  return spec.rules.map((r) => `${r.kind}=${r.rate}${r.arg !== undefined ? ':' + r.arg : ''}${r.scope ? '@' + r.scope : ''}`).join(',');
}

/** Where a request belongs, for scoping. */
export type RequestArea = 'api' | 'oauth' | 'compliance' | 'downloads' | 'other';

export interface FaultDecision {
  kind: FaultKind;
  status?: number;
  arg?: number;
}

/** Keeps the per-rule state ('once' fired, storms in progress, occurrence counts). */
export class FaultEngine {
  private spec: FaultSpec = { rules: [] };
  private fired = new Set<number>();
  private storms = new Map<number, number>();
  private seen = new Map<string, number>();

  constructor(private readonly seed: number) {}

  set(spec: FaultSpec): void {
    this.spec = spec;
    this.fired.clear();
    this.storms.clear();
    this.seen.clear();
  }

  get rules(): readonly FaultRule[] {
    return this.spec.rules;
  }

  /**
   * The faults that apply to this request, in the order they act:
   * slow (delay, then continue), reset, daily429, 429, 5xx, tokenexpire, pagetokenexpire.
   * `key` identifies the request (method + URL without credentials).
   */
  decide(area: RequestArea, path: string, key: string, hasPageToken: boolean): FaultDecision[] {
    if (this.spec.rules.length === 0) return [];
    const n = this.seen.get(key) ?? 0;
    this.seen.set(key, n + 1);
    const out: FaultDecision[] = [];
    this.spec.rules.forEach((rule, i) => {
      if (!inScope(rule.scope, area, path)) return;
      if (rule.kind === 'pagetokenexpire' && !hasPageToken) return;
      let hit = false;
      const storm = this.storms.get(i) ?? 0;
      if (storm > 0) {
        this.storms.set(i, storm - 1);
        hit = true;
      } else if (rule.rate === 'always') hit = true;
      else if (rule.rate === 'once') {
        if (!this.fired.has(i)) {
          this.fired.add(i);
          hit = true;
        }
      } else if (rule.rate > 0) {
        hit = unitFromKey(`${i}|${key}|${n}`, this.seed) < rule.rate;
      }
      if (!hit) return;
      if (rule.kind === '429' && storm === 0 && (rule.arg ?? 1) > 1) this.storms.set(i, (rule.arg ?? 1) - 1);
      const d: FaultDecision = { kind: rule.kind };
      if (rule.arg !== undefined) d.arg = rule.arg;
      if (rule.kind === '5xx') d.status = [500, 502, 503][Math.floor(unitFromKey(`5xx|${key}|${n}`, this.seed) * 3)]!;
      else if (rule.kind === '500' || rule.kind === '502' || rule.kind === '503') d.status = Number(rule.kind);
      out.push(d);
    });
    const order: FaultKind[] = ['slow', 'reset', 'daily429', 'userdaily429', '429', '500', '502', '503', '5xx', 'tokenexpire', 'pagetokenexpire'];
    return out.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  }
}

function inScope(scope: FaultScope | undefined, area: RequestArea, path: string): boolean {
  const s = scope ?? 'api';
  if (s === 'api') return area === 'api' || area === 'downloads';
  if (s === 'oauth' || s === 'compliance' || s === 'downloads') return area === s;
  // a path prefix never reaches OAuth or compliance unless it names them
  return path.startsWith(s);
}
