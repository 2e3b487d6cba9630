#!/usr/bin/env node
/**
 * zdsar's benchmarks (issue 7): how close is zdsar to the rate-limit bound?
 *
 *   npm run bench                      build, then every scenario at full size (~6-9 minutes on 2 cores)
 *   node bench/run.js --quick          smaller sizes, for a fast check (~1 minute)
 *   node bench/run.js --only export    one scenario (export, heavy, registrants, startup; comma-separated)
 *   node bench/run.js --out FILE       where the JSON goes (default bench/results/latest.json,
 *                                      latest-quick.json with --quick); --only merges into that file
 *   node bench/run.js --dump DIR       also write each run's sandbox log (NDJSON) there, to investigate
 *   node bench/run.js --skip-baseline  the export without its one-request-at-a-time baseline (A/B runs)
 *   node bench/run.js --categories     also the export with each optional category left out (--skip), to measure what each adds
 *   ZDSAR_BENCH_ROOT=DIR node bench/run.js   benchmark another build (DIR/bin/zdsar.js, DIR/dist)
 *
 * The sandbox (dist/sandbox) runs in this process with Zoom's Business-plan limits and 80-150 ms of
 * jittered latency per request; zdsar runs as a child process (bin/zdsar.js), so its wall time and
 * peak RSS are its own. Each run gets a fresh sandbox (fresh rate-limit windows) and ZDSAR_HOME.
 * The model of the bound and the findings: docs/performance.md.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BENCH, BIN, ROOT, analyze, childEnv, exportChain, markdownTable, median, runZdsar, scanChain, table, tempDir, timeCommand } from './lib.js';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string', default: '7' },
    dump: { type: 'string' },
    'skip-baseline': { type: 'boolean', default: false },
    categories: { type: 'boolean', default: false },
  },
});
const SCENARIOS = ['export', 'heavy', 'registrants', 'startup'];
const only = flags.only ? flags.only.split(',').map((s) => s.trim()) : SCENARIOS;
for (const o of only) if (!SCENARIOS.includes(o)) throw new Error(`--only: unknown scenario "${o}" (one of ${SCENARIOS.join(', ')})`);
const SEED = Number(flags.seed);
const LATENCY = { min: 80, max: 150 };
const MEAN_LATENCY_MS = (LATENCY.min + LATENCY.max) / 2;

const SIZES = flags.quick
  ? {
      export: { accountUsers: 40, people: 10, baselinePeople: 3 },
      heavy: [
        { label: 'heavy', meetings: 2_000, recordingYears: 0.5, calls: 10_000 },
        { label: 'heavy/4', meetings: 500, recordingYears: 0.125, calls: 2_500 },
      ],
      registrants: { users: 200 },
      startup: { runs: 5 },
    }
  : {
      export: { accountUsers: 200, people: 50, baselinePeople: 10 },
      heavy: [
        { label: 'heavy', meetings: 20_000, recordingYears: 2, calls: 100_000 },
        { label: 'heavy/4', meetings: 5_000, recordingYears: 0.5, calls: 25_000 },
      ],
      registrants: { users: 2_000 },
      startup: { runs: 21 },
    };
// "Ordinary size": a few dozen meetings, about a year of recordings (users are created 1-24 months
// ago, one recording every two weeks), half of them with Zoom Phone (150 calls over 170 days).
const ORDINARY = { meetingsPerUser: 40, callsPerUser: 150, recordingEveryDays: 14, phoneShare: 0.5 };

const dist = join(ROOT, 'dist');
const { startSandbox, generateAccount } = await import(pathToFileURL(join(dist, 'sandbox', 'index.js')).href);
const { VERSION } = await import(pathToFileURL(join(dist, 'version.js')).href);

const say = (s) => process.stderr.write(`bench: ${s}\n`);
let dumps = 0;
/** --dump: the run's slice of the sandbox log, one request per line, times relative to the child's start. */
function dump(label, r) {
  if (!flags.dump) return;
  mkdirSync(flags.dump, { recursive: true });
  const file = join(flags.dump, `${String(++dumps).padStart(2, '0')}-${label.replace(/[^A-Za-z0-9_.-]+/g, '_')}.ndjson`);
  writeFileSync(file, r.log.map((e) => JSON.stringify({ t: Date.parse(e.at) - r.startedAt, ...e })).join('\n') + '\n');
}
const cleanup = [];

async function withSandbox(account, fn) {
  const sandbox = await startSandbox({ port: 0, plan: 'business', latencyMs: LATENCY, account, seed: SEED, onWarning: (m) => say(`sandbox warning: ${m}`) });
  try {
    return await fn(sandbox);
  } finally {
    await sandbox.close();
  }
}

function home() {
  const d = tempDir('home');
  cleanup.push(d);
  return d;
}

/** One `zdsar export` of these people; the bound is computed from the sandbox log of that run. */
async function exportRun(account, emails, { env = {}, label = 'export', extraArgs = [] } = {}) {
  return withSandbox(account, async (sandbox) => {
    const h = home();
    const r = await runZdsar({ sandbox, home: h, args: ['export', '--emails', emails.join(','), '--out', join(h, 'out'), '--json', ...extraArgs], env });
    dump(label, r);
    let out;
    try {
      out = JSON.parse(r.stdout);
    } catch {
      out = undefined;
    }
    const statuses = {};
    for (const s of out?.subjects ?? []) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
    const records = (out?.subjects ?? []).reduce((n, s) => n + Object.values(s.records ?? {}).reduce((a, v) => a + (typeof v === 'number' ? v : 0), 0), 0);
    if (r.code !== 0) say(`zdsar export exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    rmSync(join(h, 'out'), { recursive: true, force: true });
    return {
      exitCode: r.code,
      status: out?.status,
      subjects: statuses,
      records,
      peakRssMB: r.maxRssKiB ? +(r.maxRssKiB / 1024).toFixed(1) : null,
      cpuS: r.cpuS,
      requestsByRoute: byRoute(r.log),
      ...analyze(r.log, { chain: exportChain(r.log), meanLatencyMs: MEAN_LATENCY_MS, wallMs: r.wallMs, startedAt: r.startedAt }),
    };
  });
}

/** Accepted requests per route template (ids replaced), for what each category sends. */
function byRoute(log) {
  const out = {};
  for (const e of log) {
    if (e.status === 429 || !e.category) continue;
    const k = `${e.method} ${e.path.replace(/\/(?=[^/]*\d)[^/]+/g, '/{id}')}`;
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/** `zdsar export --estimate --json` for the same people: what zdsar predicts before sending anything. */
async function estimateRun(account, emails, extraArgs = []) {
  return withSandbox(account, async (sandbox) => {
    const r = await runZdsar({ sandbox, home: home(), args: ['export', '--emails', emails.join(','), '--estimate', '--json', ...extraArgs] });
    if (r.log.length !== 0) throw new Error('--estimate sent requests');
    return JSON.parse(r.stdout);
  });
}

const OPTIONAL = ['chat', 'sms_messages', 'voicemail_transcripts', 'attendance', 'summaries', 'sign_ins'];

/** --categories: the export without each optional category, and without all of them. */
async function categoryRuns(account, people, main) {
  const out = {};
  const none = await exportRun(account, people, { label: 'export-without-optional', extraArgs: ['--skip', OPTIONAL.join(',')] });
  out.without_all = { wallS: none.wallS, boundS: none.boundS, requests: none.requests, addsRequests: main.requestsTotal - none.requestsTotal, addsS: +(main.wallS - none.wallS).toFixed(1) };
  say(`export without every optional category: ${none.wallS}s (${main.requestsTotal - none.requestsTotal} requests fewer)`);
  for (const c of OPTIONAL) {
    const r = await exportRun(account, people, { label: `export-without-${c}`, extraArgs: ['--skip', c] });
    out[c] = { wallS: r.wallS, boundS: r.boundS, requests: r.requests, addsRequests: main.requestsTotal - r.requestsTotal, addsS: +(main.wallS - r.wallS).toFixed(1), addsBoundS: +(main.boundS - r.boundS).toFixed(1) };
    say(`export without ${c}: ${r.wallS}s, adds ${out[c].addsRequests} requests, ${out[c].addsS}s measured, ${out[c].addsBoundS}s of bound`);
  }
  return out;
}

// ---- 1. export of 50 ordinary people, and the one-request-at-a-time baseline ---------------------

async function scenarioExport() {
  const size = SIZES.export;
  const account = generateAccount({ seed: SEED, users: size.accountUsers, ...ORDINARY });
  const people = account.users.slice(1, 1 + size.people).map((u) => u.email);
  const subset = people.slice(0, size.baselinePeople);

  const estimate = await estimateRun(account, people);
  say(`export: ${people.length} people, concurrent (estimated ${estimate.seconds}s)`);
  const main = await exportRun(account, people);
  main.estimate = { seconds: estimate.seconds, requests: estimate.requests, errorShare: +((estimate.seconds - main.wallS) / main.wallS).toFixed(3) };
  say(`export: ${main.wallS}s (estimate ${estimate.seconds}s, ${(main.estimate.errorShare * 100).toFixed(1)} %), bound ${main.boundS}s, ${main.throttled} 429s`);
  const categories = flags.categories ? await categoryRuns(account, people, main) : undefined;
  if (flags['skip-baseline']) {
    return { name: 'export', title: `export of ${people.length} people of ordinary size`, params: { ...size, ...ORDINARY, latencyMs: LATENCY, plan: 'business', seed: SEED }, result: main, targets: exportTargets(main), ...(categories ? { categories } : {}) };
  }
  say(`export: first ${subset.length} people, concurrent`);
  const subsetConcurrent = await exportRun(account, subset, { label: 'export-subset' });
  say(`export: first ${subset.length} people, one request at a time (ZDSAR_CONNECTIONS=1)`);
  const subsetSequential = await exportRun(account, subset, { env: { ZDSAR_CONNECTIONS: '1' }, label: 'export-subset-sequential' });
  say(`export: sequential ${subsetSequential.wallS}s`);

  // Extrapolation: one at a time, wall time is proportional to the number of requests.
  const scale = main.requestsTotal / subsetSequential.requestsTotal;
  const baselineWallS = +(subsetSequential.wallS * scale).toFixed(1);
  return {
    name: 'export',
    title: `export of ${people.length} people of ordinary size`,
    params: { ...size, ...ORDINARY, latencyMs: LATENCY, plan: 'business', seed: SEED },
    result: main,
    targets: exportTargets(main),
    ...(categories ? { categories } : {}),
    baseline: {
      how: `ZDSAR_CONNECTIONS=1 (one connection: one request at a time) on the first ${subset.length} of the ${people.length} people; the ${people.length}-person time is extrapolated by the number of requests (×${scale.toFixed(2)})`,
      subsetPeople: subset.length,
      subsetConcurrent,
      subsetSequential,
      subsetSpeedup: +(subsetSequential.wallS / subsetConcurrent.wallS).toFixed(2),
      extrapolatedWallS: baselineWallS,
      speedup: +(baselineWallS / main.wallS).toFixed(2),
    },
  };
}

function exportTargets(r) {
  return {
    wallOverBound: { target: 1.15, value: r.wallOverBound, met: r.wallOverBound !== null && r.wallOverBound <= 1.15 },
    throttledShare: { target: 0.01, value: r.throttledShare, met: r.throttledShare < 0.01 },
  };
}

// ---- 2. one heavy person ----------------------------------------------------------------------

async function scenarioHeavy() {
  const runs = [];
  for (const h of SIZES.heavy) {
    const account = generateAccount({ seed: SEED, users: 3, ...ORDINARY, heavy: { meetings: h.meetings, recordingYears: h.recordingYears, calls: h.calls } });
    const email = account.users[0].email;
    say(`heavy: ${h.label}: ${h.meetings} meetings, ${h.recordingYears} years of recordings, ${h.calls} calls`);
    const r = await exportRun(account, [email], { label: h.label });
    say(`heavy: ${h.label}: ${r.wallS}s, bound ${r.boundS}s, RSS ${r.peakRssMB} MB`);
    runs.push({ ...h, result: r });
  }
  const [full, small] = runs;
  const growth = small ? +(full.result.peakRssMB - small.result.peakRssMB).toFixed(1) : null;
  return {
    name: 'heavy',
    title: `export of one heavy person (${full.meetings} meetings, ${full.recordingYears} years of recordings, ${full.calls} call logs)`,
    params: { sizes: SIZES.heavy, latencyMs: LATENCY, plan: 'business', seed: SEED },
    result: full.result,
    smaller: small ? { ...small } : undefined,
    targets: {
      peakRssMB: { target: 150, value: full.result.peakRssMB, met: full.result.peakRssMB !== null && full.result.peakRssMB < 150 },
      rssGrowthMB: {
        target: 'flat',
        value: growth,
        records: small ? [small.result.records, full.result.records] : undefined,
        note: small ? `${small.label} (${small.result.records} records) → ${full.label} (${full.result.records} records)` : undefined,
      },
    },
  };
}

// ---- 3. registrants scan of a large account ---------------------------------------------------

async function scenarioRegistrants() {
  const { users } = SIZES.registrants;
  const account = generateAccount({ seed: SEED, users, ...ORDINARY, meetingsPerUser: 5 });
  // An external person registered to some meetings (registrants are drawn from person0000…0499).
  const email = 'person0007@external.example';
  return withSandbox(account, async (sandbox) => {
    const h = home();
    const runs = {};
    for (const mode of ['first', 'index']) {
      say(`registrants: ${users} hosts, ${mode === 'first' ? 'first run (full scan)' : 'second run (index)'}`);
      const r = await runZdsar({ sandbox, home: h, args: ['registrants', 'find', '--emails', email, '--json'] });
      dump(`registrants-${mode}`, r);
      let out;
      try {
        out = JSON.parse(r.stdout);
      } catch {
        out = undefined;
      }
      if (r.code !== 0) say(`zdsar registrants exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      const a = analyze(r.log, { chain: scanChain(r.log), meanLatencyMs: MEAN_LATENCY_MS, wallMs: r.wallMs, startedAt: r.startedAt });
      runs[mode] = {
        exitCode: r.code,
        mode: out?.scan?.mode,
        complete: out?.scan?.complete,
        matches: out?.people?.[0]?.matches?.length,
        scan: out?.scan?.stats ? { hosts: out.scan.stats.hosts, meetings: out.scan.stats.meetings, webinars: out.scan.stats.webinars, registrationSessions: out.scan.stats.registrationSessions, details: out.scan.stats.details, registrantListsWalked: out.scan.stats.registrantListsWalked } : undefined,
        peakRssMB: r.maxRssKiB ? +(r.maxRssKiB / 1024).toFixed(1) : null,
        cpuS: r.cpuS,
        ...a,
      };
      say(`registrants: ${mode}: ${a.wallS}s, bound ${a.boundS}s, ${a.throttled} 429s`);
      // The sandbox's windows are per second; let them empty so the next run starts fresh.
      await new Promise((res) => setTimeout(res, 1100));
    }
    return {
      name: 'registrants',
      title: `registrants scan of an account of ${users} hosts`,
      params: { users, meetingsPerUser: 5, registrationShare: 0.1, latencyMs: LATENCY, plan: 'business', seed: SEED, email },
      result: runs.first,
      withIndex: runs.index,
    };
  });
}

// ---- 4. start-up ------------------------------------------------------------------------------

async function scenarioStartup() {
  const runs = SIZES.startup.runs;
  const env = childEnv({ apiUrl: '', oauthUrl: '', credentials: {} }, home());
  for (const k of ['ZOOM_API_URL', 'ZOOM_OAUTH_URL', 'ZOOM_ACCOUNT_ID', 'ZOOM_CLIENT_ID', 'ZOOM_CLIENT_SECRET']) delete env[k];
  const cmds = {
    'node -e 0': [process.execPath, ['-e', '0']],
    'zdsar --version': [process.execPath, [BIN, '--version']],
    'zdsar --help': [process.execPath, [BIN, '--help']],
  };
  // Warm-up: the OS file cache and Node's compile cache (bin/zdsar.js enables it).
  for (const [cmd, args] of Object.values(cmds)) timeCommand(cmd, args, { runs: 2, env });
  const times = Object.fromEntries(Object.keys(cmds).map((k) => [k, []]));
  say(`startup: ${runs} runs of each, interleaved`);
  for (let i = 0; i < runs; i++) for (const [name, [cmd, args]] of Object.entries(cmds)) times[name].push(...timeCommand(cmd, args, { runs: 1, env }));
  const stat = (xs) => ({ medianMs: +median(xs).toFixed(1), minMs: +Math.min(...xs).toFixed(1), runs: xs.length });
  const node = stat(times['node -e 0']);
  const version = stat(times['zdsar --version']);
  const help = stat(times['zdsar --help']);
  const ratio = (s) => +(s.medianMs / node.medianMs).toFixed(2);
  return {
    name: 'startup',
    title: 'start-up against node -e 0',
    params: { runs },
    result: { node, version: { ...version, overNode: ratio(version) }, help: { ...help, overNode: ratio(help) } },
    targets: { versionOverNode: { target: 2, value: ratio(version), met: ratio(version) <= 2 } },
  };
}

// ---- report -----------------------------------------------------------------------------------

const f1 = (x) => (x === null || x === undefined ? '' : x.toFixed(1));
const f2 = (x) => (x === null || x === undefined ? '' : x.toFixed(2));
const pct = (x) => (x === null || x === undefined ? '' : `${(x * 100).toFixed(2)}%`);

function row(label, r, extra = '') {
  const q = r.requests;
  return [label, q.Light, q.Medium, q.Heavy, q['Resource-intensive'], `${r.throttled} (${pct(r.throttledShare)})`, f1(r.wallS), f1(r.rateTermS), f1(r.chainS), f1(r.boundS), r.wallOverBound === null ? '' : `${f2(r.wallOverBound)}x`, f1(r.peakRssMB), extra];
}

function rows(scenarios) {
  const out = [];
  for (const s of scenarios) {
    if (s.name === 'export') {
      const t = s.targets;
      out.push(row(`1. export ${s.params.people} people`, s.result, `≤1.15x: ${t.wallOverBound.met ? 'met' : 'MISSED'}; 429 <1%: ${t.throttledShare.met ? 'met' : 'MISSED'}`));
      const b = s.baseline;
      if (!b) continue;
      out.push(row(`   same, first ${b.subsetPeople} only`, b.subsetConcurrent, ''));
      out.push(row(`   first ${b.subsetPeople}, 1 request at a time`, b.subsetSequential, `speed-up ${f1(b.subsetSpeedup)}x (measured)`));
      out.push([`   ${s.params.people} people, 1 at a time (est.)`, '', '', '', '', '', `~${f1(b.extrapolatedWallS)}`, '', '', '', '', '', `speed-up ~${f1(b.speedup)}x (extrapolated ×${f2(s.result.requestsTotal / b.subsetSequential.requestsTotal)})`]);
    } else if (s.name === 'heavy') {
      const t = s.targets;
      out.push(row('2. heavy person', s.result, `RSS <150 MB: ${t.peakRssMB.met ? 'met' : 'MISSED'}; ${s.result.records} records`));
      if (s.smaller) out.push(row(`   ${s.smaller.label} (${s.smaller.meetings} mtgs, ${s.smaller.calls} calls)`, s.smaller.result, `${s.smaller.result.records} records; RSS growth ${f1(t.rssGrowthMB.value)} MB`));
    } else if (s.name === 'registrants') {
      out.push(row(`3. registrants, ${s.params.users} hosts, 1st`, s.result, `${s.result.mode ?? '?'} scan; ${s.result.matches ?? '?'} matches`));
      out.push(row('   same, 2nd run (index)', s.withIndex, `${s.withIndex.mode ?? '?'}; ${s.withIndex.matches ?? '?'} matches`));
    }
  }
  return out;
}

function startupRows(s) {
  const r = s.result;
  return [
    ['node -e 0', f1(r.node.medianMs), f1(r.node.minMs), '1.00x', ''],
    ['zdsar --version', f1(r.version.medianMs), f1(r.version.minMs), `${f2(r.version.overNode)}x`, `≤2x: ${s.targets.versionOverNode.met ? 'met' : 'MISSED'}`],
    ['zdsar --help', f1(r.help.medianMs), f1(r.help.minMs), `${f2(r.help.overNode)}x`, ''],
  ];
}

const HEADER = ['scenario', 'Light', 'Medium', 'Heavy', 'RI', '429s', 'wall s', 'rate s', 'chain s', 'bound s', 'wall/bound', 'RSS MB', 'target / note'];
const STARTUP_HEADER = ['start-up', 'median ms', 'min ms', 'vs node', 'target'];

function git(args) {
  try {
    return execFileSync('git', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return undefined;
  }
}

const t0 = Date.now();
const loadBefore = loadavg().map((x) => +x.toFixed(2));
// Other processes on the machine skew every number here (the client, the sandbox and the latency timers share the CPUs).
if (loadBefore[0] > cpus().length * 0.5) say(`warning: load average ${loadBefore[0]} on ${cpus().length} CPUs; other processes will skew the numbers`);
const scenarios = [];
try {
  if (only.includes('export')) scenarios.push(await scenarioExport());
  if (only.includes('heavy')) scenarios.push(await scenarioHeavy());
  if (only.includes('registrants')) scenarios.push(await scenarioRegistrants());
  if (only.includes('startup')) scenarios.push(await scenarioStartup());
} finally {
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
}

const outPath = flags.out ?? join(BENCH, 'results', flags.quick ? 'latest-quick.json' : 'latest.json');
let previous;
if (flags.only && existsSync(outPath)) {
  try {
    previous = JSON.parse(readFileSync(outPath, 'utf8'));
  } catch {
    previous = undefined;
  }
}
const merged = [...(previous?.scenarios ?? []).filter((s) => !scenarios.some((n) => n.name === s.name)), ...scenarios].sort((a, b) => SCENARIOS.indexOf(a.name) - SCENARIOS.indexOf(b.name));
const report = {
  tool: 'zdsar',
  version: VERSION,
  commit: git(['rev-parse', 'HEAD']),
  dirty: git(['status', '--porcelain', '--', 'src']) ? true : false,
  date: new Date().toISOString(),
  quick: flags.quick,
  node: process.version,
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGB: +(totalmem() / 2 ** 30).toFixed(1), loadavgBefore: loadBefore, loadavgAfter: loadavg().map((x) => +x.toFixed(2)) },
  model: {
    limitsPerSecond: { Light: 80, Medium: 60, Heavy: 40, 'Resource-intensive': '20/min' },
    latencyMs: LATENCY,
    meanLatencyMs: MEAN_LATENCY_MS,
    bound: 'max over categories c of (requests_c / limit_c) + chain requests × mean latency',
  },
  benchSeconds: Math.round((Date.now() - t0) / 1000),
  scenarios: merged,
};
mkdirSync(dirname(outPath), { recursive: true });
writeFileSync(outPath, JSON.stringify(report, null, 2) + '\n');

const main = merged.filter((s) => s.name !== 'startup');
const startup = merged.find((s) => s.name === 'startup');
const lines = [];
lines.push(`zdsar ${VERSION} ${report.commit?.slice(0, 10) ?? ''}${report.dirty ? ' (src modified)' : ''} · node ${process.version} · ${report.machine.cpus} CPUs · Business limits (L 80/s, M 60/s, H 40/s, RI 20/min; Phone L 40/s, M 20/s, H 10/s, RI 10/min) · latency ${LATENCY.min}-${LATENCY.max} ms${flags.quick ? ' · QUICK sizes' : ''}`);
lines.push('bound = max_c(requests_c / limit_c) + chain × 115 ms; requests exclude 429s; RSS = peak of the zdsar process');
lines.push('');
if (main.length) lines.push(table(HEADER, rows(main)), '');
if (startup) lines.push(table(STARTUP_HEADER, startupRows(startup)), '');
lines.push(`results: ${relative(process.cwd(), outPath) || outPath} (${report.benchSeconds}s; load average before ${loadBefore[0]}, after ${report.machine.loadavgAfter[0]})`);
process.stdout.write(lines.join('\n') + '\n');

const md = [];
if (main.length) md.push(markdownTable(HEADER, rows(main)));
if (startup) md.push(markdownTable(STARTUP_HEADER, startupRows(startup)));
writeFileSync(outPath.replace(/\.json$/, '.md'), md.join('\n\n') + '\n');
