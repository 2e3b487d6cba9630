/**
 * Helpers of bench/run.js: run zdsar as a child process against an in-process sandbox, and turn the
 * sandbox's request log into the numbers of the rate-limit bound (docs/performance.md).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The zdsar under test: this checkout, or ZDSAR_BENCH_ROOT (another build with bin/ and dist/, e.g. a worktree). */
export const ROOT = resolve(process.env.ZDSAR_BENCH_ROOT ?? join(import.meta.dirname, '..'));
export const BENCH = import.meta.dirname;
export const BIN = join(ROOT, 'bin', 'zdsar.js');
export const RSS_HOOK = join(BENCH, 'rss-hook.mjs');

/** Zoom's Business-plan limits (requests per second; Resource-intensive is 20 per minute). */
export const BUSINESS_PER_SECOND = { Light: 80, Medium: 60, Heavy: 40, 'Resource-intensive': 20 / 60 };
export const CATEGORIES = Object.keys(BUSINESS_PER_SECOND);
/** Zoom Phone's own table (Business+), counted apart from the main API's: /v2/phone/* requests. */
export const PHONE_BUSINESS_PER_SECOND = { Light: 40, Medium: 20, Heavy: 10, 'Resource-intensive': 10 / 60 };
/**
 * Daily budgets (Business): Heavy and Resource-intensive requests together, per account per day, on
 * each table. A run that needs more than a budget waits for the next day (Zoom resets at 00:00 UTC):
 * the bound gains a day per budget exhausted.
 */
export const BUSINESS_DAILY = { main: 60_000, phone: 30_000, contactCenter: 30_000 };
/** Zoom Contact Center's own table (Business+, the same figures as Phone's), counted apart: /v2/contact_center/* requests. */
export const CONTACT_CENTER_BUSINESS_PER_SECOND = PHONE_BUSINESS_PER_SECOND;
/** The rate tables' keys: the main API's categories, then Phone's ("Phone Medium", …), then Contact Center's ("CC Medium", …). */
const TABLE_KEYS = [...CATEGORIES, ...CATEGORIES.map((c) => `Phone ${c}`), ...CATEGORIES.map((c) => `CC ${c}`)];
const perSecond = (k) => (k.startsWith('Phone ') ? PHONE_BUSINESS_PER_SECOND[k.slice(6)] : k.startsWith('CC ') ? CONTACT_CENTER_BUSINESS_PER_SECOND[k.slice(3)] : BUSINESS_PER_SECOND[k]);
/** The table a logged request is counted on. */
const tableKey = (e) => (e.path.startsWith('/v2/phone/') ? `Phone ${e.category}` : e.path.startsWith('/v2/contact_center/') ? `CC ${e.category}` : e.category);

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), `zdsar-bench-${prefix}-`));
}

/** The child's environment: the sandbox's credentials and nothing of the caller's Zoom settings. */
export function childEnv(sandbox, home, extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(ZOOM_|ZDSAR_)/.test(k)) env[k] = v;
  return {
    ...env,
    ZOOM_API_URL: sandbox.apiUrl,
    ZOOM_OAUTH_URL: sandbox.oauthUrl,
    ZOOM_ACCOUNT_ID: sandbox.credentials.accountId,
    ZOOM_CLIENT_ID: sandbox.credentials.clientId,
    ZOOM_CLIENT_SECRET: sandbox.credentials.clientSecret,
    ZDSAR_HOME: home,
    ZDSAR_PLAN: 'business',
    CI: 'true',
    NO_COLOR: '1',
    ...extra,
  };
}

/**
 * Run `node --import rss-hook bin/zdsar.js ARGS` and wait for it. Returns the exit code, the wall
 * time (spawn to exit), stdout, the tail of stderr, the child's peak RSS, and the slice of the
 * sandbox log that this run produced.
 */
export async function runZdsar({ sandbox, args, home, env = {}, nodeArgs = [], timeoutMs = 20 * 60_000 }) {
  const scratch = tempDir('rss');
  const rssFile = join(scratch, 'rss.json');
  const from = sandbox.log.length;
  const t0 = performance.now();
  const startedAt = Date.now();
  const loadBefore = +loadavg()[0].toFixed(2);
  const cpu0 = process.cpuUsage();
  const child = spawn(process.execPath, [...nodeArgs, ...(process.env.ZDSAR_BENCH_NODE_ARGS ? process.env.ZDSAR_BENCH_NODE_ARGS.split(' ') : []), '--import', RSS_HOOK, BIN, ...args], {
    cwd: ROOT,
    env: childEnv(sandbox, home, { ZDSAR_BENCH_RSS_FILE: rssFile, ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    if (stderr.length > 64_000) stderr = stderr.slice(-32_000);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise((res) => child.on('exit', (c, sig) => res(c ?? sig)));
  clearTimeout(timer);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  let usage = {};
  try {
    usage = JSON.parse(readFileSync(rssFile, 'utf8'));
  } catch {
    usage = {};
  }
  const maxRssKiB = usage.maxRssKiB;
  // CPU seconds: the zdsar process, and this process (the sandbox) during the run.
  const cpuS = {
    zdsar: usage.userCpuMs !== undefined ? +((usage.userCpuMs + usage.systemCpuMs) / 1000).toFixed(2) : null,
    sandbox: +((cpu.user + cpu.system) / 1e6).toFixed(2),
  };
  rmSync(scratch, { recursive: true, force: true });
  // The machine's 1-minute load average at the start and the end: every figure is quoted with it.
  const load = [loadBefore, +loadavg()[0].toFixed(2)];
  return { code, wallMs, startedAt, stdout, stderr: stderr.slice(-4000), maxRssKiB, cpuS, load, log: sandbox.log.slice(from) };
}

/** A list walk's identity: method, path and query without the page cursor (pages of one walk are sequential). */
function walkKey(e) {
  const q = Object.entries(e.query ?? {})
    .filter(([k]) => k !== 'next_page_token' && k !== 'page_number' && k !== 'page_size')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return `${e.method} ${e.path}?${q}`;
}

/** Requests per walk (429s excluded: a refused request is sent again and is not a page of its own). */
export function walks(entries) {
  const m = new Map();
  for (const e of entries) {
    if (e.status === 429 || !e.category) continue;
    const k = walkKey(e);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

function longest(walkMap, test) {
  let best = 0;
  let key;
  for (const [k, n] of walkMap) {
    if (test(k) && n > best) {
      best = n;
      key = k;
    }
  }
  return { n: best, key };
}

/**
 * The unavoidable chain of dependent requests of an export: token → user lookup → (phone profile →)
 * the longest sequential page walk. A Phone list is behind the Phone profile probe, every other list
 * only behind the user lookup.
 */
export function exportChain(entries) {
  const w = walks(entries);
  const isPhoneList = (k) => /^GET \/v2\/phone\/users\/[^/?]+\/(call_history|call_logs|recordings|voice_mails|sms\/sessions)\?/.test(k);
  const isList = (k) => !/^GET \/v2\/users\/[^/?]+\?/.test(k) && !/^GET \/v2\/phone\/users\/[^/?]+\?/.test(k) && !/\/settings\?/.test(k);
  const other = longest(w, (k) => isList(k) && !isPhoneList(k));
  const phone = longest(w, isPhoneList);
  const tail = Math.max(other.n, phone.n > 0 ? phone.n + 1 : 0);
  return { requests: 2 + tail, longestWalk: phone.n + 1 > other.n ? { pages: phone.n, key: redactKey(phone.key), afterPhoneProfile: true } : { pages: other.n, key: redactKey(other.key) } };
}

/**
 * The chain of the registrants scan: token → users list pages → a host's meeting (or webinar) list
 * pages → the session's details → its registrant list pages. Each stage contributes its longest walk.
 */
export function scanChain(entries) {
  const w = walks(entries);
  const users = longest(w, (k) => /^GET \/v2\/users\?/.test(k));
  const hostLists = longest(w, (k) => /^GET \/v2\/users\/[^/?]+\/(meetings|webinars)\?/.test(k));
  const details = longest(w, (k) => /^GET \/v2\/(meetings|webinars)\/[^/?]+\?/.test(k));
  const registrants = longest(w, (k) => /^GET \/v2\/(meetings|webinars)\/[^/?]+\/(registrants|panelists)\?/.test(k));
  return {
    requests: 1 + users.n + hostLists.n + Math.min(details.n, 1) + registrants.n,
    stages: { users: users.n, hostList: hostLists.n, detail: Math.min(details.n, 1), registrantList: registrants.n },
  };
}

function redactKey(k) {
  return k?.replace(/\/users\/[^/?]+/, '/users/{id}');
}

/**
 * Everything the table needs from one run's log slice.
 *   rate term  = max over categories c of either table of (requests_c / limit_c)
 *   chain term = chain requests × mean latency
 *   daily term = a day per daily budget (Heavy + Resource-intensive, per table) exhausted
 *   bound      = rate term + chain term + daily term
 */
export function analyze(entries, { chain, meanLatencyMs, wallMs, startedAt }) {
  const requests = Object.fromEntries(CATEGORIES.map((c) => [c, 0]));
  const byTable = Object.fromEntries(TABLE_KEYS.map((c) => [c, 0]));
  let throttled = 0;
  let unlimited = 0;
  const firstAt = {};
  const lastAt = {};
  for (const e of entries) {
    if (e.status === 429) {
      throttled++;
      continue;
    }
    if (!e.category) {
      unlimited++;
      continue;
    }
    requests[e.category]++;
    const key = tableKey(e);
    byTable[key]++;
    const t = Date.parse(e.at) - startedAt;
    firstAt[key] = Math.min(firstAt[key] ?? Infinity, t);
    lastAt[key] = Math.max(lastAt[key] ?? -Infinity, t);
  }
  // Where the wall time goes outside the requests: start-up before the first, finishing after the last.
  const times = entries.map((e) => Date.parse(e.at) - startedAt);
  const firstRequestS = times.length ? +(Math.min(...times) / 1000).toFixed(2) : null;
  const lastRequestS = times.length ? +(Math.max(...times) / 1000).toFixed(2) : null;
  // Each table paces its own categories: the binding one is the slowest of either table's.
  const rateSeconds = Object.fromEntries(TABLE_KEYS.map((c) => [c, byTable[c] / perSecond(c)]));
  let rateTermS = 0;
  let bindingCategory;
  for (const c of TABLE_KEYS) {
    if (rateSeconds[c] > rateTermS) {
      rateTermS = rateSeconds[c];
      bindingCategory = c;
    }
  }
  const chainS = (chain.requests * meanLatencyMs) / 1000;
  const split = bestSplit(entries, byTable);
  // Daily budgets: Heavy + Resource-intensive on each table; a day of waiting per budget exhausted.
  const daily = {
    main: { requests: byTable.Heavy + byTable['Resource-intensive'], budget: BUSINESS_DAILY.main },
    phone: { requests: byTable['Phone Heavy'] + byTable['Phone Resource-intensive'], budget: BUSINESS_DAILY.phone },
    contactCenter: { requests: byTable['CC Heavy'] + byTable['CC Resource-intensive'], budget: BUSINESS_DAILY.contactCenter },
  };
  for (const d of Object.values(daily)) d.share = +(d.requests / d.budget).toFixed(4);
  const dailyS = Math.max(...Object.values(daily).map((d) => Math.floor(Math.max(0, d.requests - 1) / d.budget))) * 86_400;
  const boundS = rateTermS + chainS + dailyS;
  const sent = entries.length;
  const perCategory = {};
  for (const c of TABLE_KEYS) {
    if (!byTable[c]) continue;
    const span = (lastAt[c] - firstAt[c]) / 1000;
    perCategory[c] = {
      requests: byTable[c],
      limitPerSecond: +perSecond(c).toFixed(3),
      secondsAtLimit: +rateSeconds[c].toFixed(2),
      firstS: +(firstAt[c] / 1000).toFixed(2),
      lastS: +(lastAt[c] / 1000).toFixed(2),
      // The rate achieved while the category was busy (first to last request).
      achievedPerSecond: span > 0 ? +(byTable[c] / span).toFixed(1) : null,
    };
  }
  return {
    wallS: +(wallMs / 1000).toFixed(2),
    firstRequestS,
    lastRequestS,
    afterLastRequestS: lastRequestS === null ? null : +(wallMs / 1000 - lastRequestS).toFixed(2),
    requests,
    requestsTotal: Object.values(requests).reduce((a, b) => a + b, 0),
    unlimitedRequests: unlimited,
    throttled,
    throttledShare: sent ? +(throttled / sent).toFixed(4) : 0,
    perCategory,
    bindingCategory: bindingCategory ?? null,
    rateTermS: +rateTermS.toFixed(2),
    chain,
    chainS: +chainS.toFixed(2),
    daily,
    dailyS,
    boundS: +boundS.toFixed(2),
    wallOverBound: boundS > 0 ? +(wallMs / 1000 / boundS).toFixed(3) : null,
    // max(rate, chain) is a hard lower bound; rate + chain is the bound the issue defines.
    lowerBoundS: +Math.max(rateTermS, chainS).toFixed(2),
    // The bound had the equivalent reads been split at best between their categories (issue 30).
    bestSplit: { ...split, boundS: +(split.rateTermS + chainS + dailyS).toFixed(2), wallOverBound: +(wallMs / 1000 / (split.rateTermS + chainS + dailyS)).toFixed(3) },
  };
}

/**
 * Reads Zoom serves from two categories alike (issue 30): a session's participants from the report
 * (Heavy) or from the past-meeting list (Medium). The best split moves them between the two so that
 * neither finishes later than it must: the rate term then is the larger of every other category's and
 * of the two categories sharing the movable reads at the level where they finish together.
 */
const EQUIVALENT = [{ a: 'Heavy', b: 'Medium', aPath: /^\/v2\/report\/(meetings|webinars)\/[^/]+\/participants$/, bPath: /^\/v2\/past_(meetings|webinars)\/[^/]+\/participants$/ }];

export function bestSplit(entries, byTable) {
  let rateTermS = 0;
  let binding;
  const fixed = { ...byTable };
  const moved = {};
  for (const q of EQUIVALENT) {
    let movable = 0;
    for (const e of entries) {
      if (e.status === 429 || !e.category) continue;
      const path = e.path.split('?')[0];
      if (q.aPath.test(path)) (fixed[q.a]--, movable++);
      else if (q.bPath.test(path)) (fixed[q.b]--, movable++);
    }
    const la = perSecond(q.a);
    const lb = perSecond(q.b);
    // (A + x) / la = (B + movable − x) / lb, x within [0, movable].
    const x = Math.min(movable, Math.max(0, (la * (fixed[q.b] + movable) - lb * fixed[q.a]) / (la + lb)));
    fixed[q.a] += x;
    fixed[q.b] += movable - x;
    moved[q.a] = Math.round(x);
    moved[q.b] = Math.round(movable - x);
  }
  for (const c of TABLE_KEYS) {
    const t = fixed[c] / perSecond(c);
    if (t > rateTermS) {
      rateTermS = t;
      binding = c;
    }
  }
  return { rateTermS: +rateTermS.toFixed(2), bindingCategory: binding ?? null, participantsReads: moved };
}

/** Median and minimum wall time of N runs of a command (ms). */
export function timeCommand(cmd, args, { runs, env, cwd = ROOT }) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  return times;
}

/**
 * Of several runs of one scenario, the run whose wall/bound is the median (its figures belong
 * together), and the medians and ranges of the figures quoted.
 */
export function medianOfRuns(runs) {
  const sorted = [...runs].sort((a, b) => (a.wallOverBound ?? 0) - (b.wallOverBound ?? 0));
  const mid = sorted[Math.floor((sorted.length - 1) / 2)];
  const pick = (f) => runs.map(f).filter((x) => typeof x === 'number');
  const summary = (xs) => (xs.length ? { median: +median(xs).toFixed(3), min: Math.min(...xs), max: Math.max(...xs), values: xs } : null);
  return {
    run: mid,
    n: runs.length,
    wallOverBound: summary(pick((r) => r.wallOverBound)),
    wallS: summary(pick((r) => r.wallS)),
    throttledShare: summary(pick((r) => r.throttledShare)),
    peakRssMB: summary(pick((r) => r.peakRssMB)),
    load: { min: Math.min(...runs.flatMap((r) => r.load ?? [])), max: Math.max(...runs.flatMap((r) => r.load ?? [])) },
  };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A plain-text table (no colours): header row, rule, rows; numbers right-aligned. */
export function table(header, rows) {
  const cells = [header, ...rows].map((r) => r.map((c) => (c === undefined || c === null ? '' : String(c))));
  const width = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const numeric = header.map((_, i) => rows.every((r) => r[i] === undefined || r[i] === null || r[i] === '' || /^[-+~]?[\d.,]+[a-zA-Z%×x]*$/.test(String(r[i]))));
  const line = (r) => r.map((c, i) => (numeric[i] ? c.padStart(width[i]) : c.padEnd(width[i]))).join('  ');
  return [line(cells[0]), width.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** Markdown version of the same table (for docs/performance.md). */
export function markdownTable(header, rows) {
  const esc = (c) => (c === undefined || c === null ? '' : String(c).replace(/\|/g, '\\|'));
  return [`| ${header.map(esc).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}
