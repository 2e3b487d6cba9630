#!/usr/bin/env node
/**
 * zdsar's benchmarks (issue 7): how close is zdsar to the rate-limit bound?
 *
 *   npm run bench                      build, then every scenario at full size (~17 minutes on 2 cores)
 *   node bench/run.js --quick          smaller sizes, for a fast check (~1 minute)
 *   node bench/run.js --only export    one scenario (export, attendance, heavy, registrants, startup; comma-separated)
 *   node bench/run.js --out FILE       where the JSON goes (default bench/results/latest.json,
 *                                      latest-quick.json with --quick); --only merges into that file
 *   node bench/run.js --dump DIR       also write each run's sandbox log (NDJSON) there, to investigate
 *   node bench/run.js --skip-baseline  the export without its one-request-at-a-time baseline (A/B runs)
 *   node bench/run.js --runs N         runs of the export and of each heavy size (default 3 of the export and 1 of each
 *                                      heavy size, 1 with --quick);
 *                                      the table quotes the median run, with the load average of each
 *   node bench/run.js --processing 200-800   Zoom's own time per request after counting it (none by default), to see the
 *                                      pacing where answers come late (results in latest-processing.json; the pace
 *                                      bound column does not apply)
 *   node bench/run.js --categories     also the export with each optional category left out (--skip), to measure what each adds
 *   ZDSAR_BENCH_ROOT=DIR node bench/run.js   benchmark another build (DIR/bin/zdsar.js, DIR/dist)
 *   ZDSAR_BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=DIR' node bench/run.js   extra node options for zdsar (a profile, V8 flags)
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
import { BENCH, BIN, BUSINESS_DAILY, ROOT, analyze, childEnv, exportChain, markdownTable, median, medianOfRuns, runZdsar, scanChain, table, tempDir, timeCommand } from './lib.js';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string', default: '7' },
    dump: { type: 'string' },
    'skip-baseline': { type: 'boolean', default: false },
    runs: { type: 'string' },
    categories: { type: 'boolean', default: false },
    processing: { type: 'string' },
  },
});
const SCENARIOS = ['export', 'attendance', 'heavy', 'registrants', 'startup'];
const only = flags.only ? flags.only.split(',').map((s) => s.trim()) : SCENARIOS;
for (const o of only) if (!SCENARIOS.includes(o)) throw new Error(`--only: unknown scenario "${o}" (one of ${SCENARIOS.join(', ')})`);
const SEED = Number(flags.seed);
/** Runs of the export and of each heavy size; the figures quoted are their medians (the machine is shared and noisy). */
const RUNS = Number(flags.runs ?? (flags.quick ? 1 : 3));
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs: a whole number of runs, at least 1');
/** The heavy person runs once unless --runs says otherwise: with voicemail transcripts its bound alone is six minutes. */
const HEAVY_RUNS = Number(flags.runs ?? 1);
const LATENCY = { min: 80, max: 150 };
/** --processing MIN-MAX: Zoom's own time on a request after counting it, before the answer (ms; none by default). */
const PROCESSING = flags.processing ? parseRange(flags.processing) : undefined;
function parseRange(v) {
  const m = /^(\d+)-(\d+)$/.exec(v);
  if (!m || +m[1] > +m[2]) throw new Error('--processing: MIN-MAX in milliseconds, e.g. 200-800');
  return { min: +m[1], max: +m[2] };
}
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

async function withSandbox(account, fn, latency = LATENCY) {
  const sandbox = await startSandbox({ port: 0, plan: 'business', latencyMs: latency, ...(PROCESSING ? { processingMs: PROCESSING } : {}), account, seed: SEED, onWarning: (m) => say(`sandbox warning: ${m}`) });
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
async function exportRun(account, emails, { env = {}, label = 'export', extraArgs = [], latency = LATENCY } = {}) {
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
      load: r.load,
      requestsByRoute: byRoute(r.log),
      ...analyze(r.log, { chain: exportChain(r.log), meanLatencyMs: (latency.min + latency.max) / 2, wallMs: r.wallMs, startedAt: r.startedAt }),
    };
  }, latency);
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
  say(`export: ${people.length} people (estimated ${estimate.seconds}s)`);
  const all = [];
  for (let i = 0; i < RUNS; i++) {
    say(`export: ${people.length} people, concurrent (run ${i + 1} of ${RUNS}, load ${loadavg()[0].toFixed(1)})`);
    const r = await exportRun(account, people);
    say(`export: ${r.wallS}s, bound ${r.boundS}s, ${r.throttled} 429s, RSS ${r.peakRssMB} MB`);
    all.push(r);
  }
  const med = medianOfRuns(all);
  const main = med.run;
  main.estimate = { seconds: estimate.seconds, requests: estimate.requests, errorShare: +((estimate.seconds - main.wallS) / main.wallS).toFixed(3) };
  say(`export: median ${main.wallS}s (estimate ${estimate.seconds}s, ${(main.estimate.errorShare * 100).toFixed(1)} %)`);
  const runsInfo = { ...med, run: undefined, all: all.map(brief) };
  const categories = flags.categories ? await categoryRuns(account, people, main) : undefined;
  if (flags['skip-baseline']) {
    return { name: 'export', title: `export of ${people.length} people of ordinary size`, params: { ...size, ...ORDINARY, latencyMs: LATENCY, plan: 'business', seed: SEED }, result: main, runs: runsInfo, targets: exportTargets(main, med), ...(categories ? { categories } : {}) };
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
    runs: runsInfo,
    targets: exportTargets(main, med),
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

// ---- 1b. export of 50 people who attend many meetings (issue 30) ---------------------------------

/**
 * The mix that bound an independent stand-in on Heavy: each person is also invited to the meetings of the
 * next 8 colleagues, so the 50 join about 6,600 meetings in all (up to about 150 each, against about
 * 1,300 and 32 for ordinary people), and attendance outweighs Phone. Their rows come from the participants
 * report (Heavy) or the past-meeting list (Medium); the bound is the one of the best split between the two
 * (lib.js bestSplit). Once with jittered latency, once with a fixed 100 ms.
 */
const ATTENDANCE_MIX = { ...ORDINARY, colleagueGuests: 8 };
const LATENCIES = { jittered: LATENCY, fixed: { min: 100, max: 100 } };

async function scenarioAttendance() {
  const size = SIZES.export;
  const account = generateAccount({ seed: SEED, users: size.accountUsers, ...ATTENDANCE_MIX });
  const people = account.users.slice(1, 1 + size.people).map((u) => u.email);
  const estimate = await estimateRun(account, people);
  const byLatency = {};
  for (const [name, latency] of Object.entries(LATENCIES)) {
    const all = [];
    for (let i = 0; i < RUNS; i++) {
      say(`attendance: ${people.length} people, ${name} latency ${latency.min}-${latency.max} ms (run ${i + 1} of ${RUNS}, load ${loadavg()[0].toFixed(1)})`);
      const r = await exportRun(account, people, { label: `attendance-${name}`, latency });
      say(`attendance: ${r.wallS}s, best-split bound ${r.bestSplit.boundS}s (the run's own split: ${r.boundS}s), ${r.throttled} 429s, RSS ${r.peakRssMB} MB`);
      all.push(r);
    }
    const med = medianOfRuns(all.map((r) => ({ ...r, wallOverBound: r.bestSplit.wallOverBound })));
    byLatency[name] = { latencyMs: latency, result: med.run, runs: { ...med, run: undefined, all: all.map(brief) } };
  }
  const j = byLatency.jittered;
  const errorShare = +((estimate.seconds - j.runs.wallS.median) / j.runs.wallS.median).toFixed(3);
  return {
    name: 'attendance',
    title: `export of ${people.length} people who attend many meetings (all categories)`,
    params: { ...size, ...ATTENDANCE_MIX, latencies: LATENCIES, plan: 'business', seed: SEED },
    result: j.result,
    runs: j.runs,
    fixed: byLatency.fixed,
    // Not a target: the estimate assumes ordinary people (it cannot know, before asking Zoom, who joined hundreds of meetings).
    estimate: { seconds: estimate.seconds, requests: estimate.requests, errorShare },
    targets: {
      wallOverBestSplit: Object.fromEntries(Object.entries(byLatency).map(([k, v]) => [k, { target: TARGETS.attendanceWallOverBound, value: v.runs.wallOverBound.median, met: v.runs.wallOverBound.median <= TARGETS.attendanceWallOverBound }])),
      throttled: { target: 0, value: Math.max(...Object.values(byLatency).map((v) => v.runs.throttledShare.max)), met: Object.values(byLatency).every((v) => v.runs.throttledShare.max === 0) },
      peakRssMB: { target: TARGETS.attendanceRssMB, value: j.runs.peakRssMB.median, met: j.runs.peakRssMB.median <= TARGETS.attendanceRssMB },
    },
  };
}

/** One run in a line of the JSON: what the medians are taken from. */
function brief(r) {
  return { wallS: r.wallS, boundS: r.boundS, wallOverBound: r.wallOverBound, throttled: r.throttled, throttledShare: r.throttledShare, peakRssMB: r.peakRssMB, load: r.load, firstRequestS: r.firstRequestS, afterLastRequestS: r.afterLastRequestS, cpuS: r.cpuS };
}

/** Issue 19's targets. */
const TARGETS = { exportWallOverBound: 1.05, exportThrottled: 0.005, exportRssMB: 100, heavyWallOverBound: 1.1, heavyRssMB: 100, scanWallOverBound: 1.1, versionOverNode: 2, attendanceWallOverBound: 1.05, attendanceRssMB: 110, estimateError: 0.1 };

function exportTargets(r, med) {
  const wob = med?.wallOverBound?.median ?? r.wallOverBound;
  const thr = med?.throttledShare?.median ?? r.throttledShare;
  const rss = med?.peakRssMB?.median ?? r.peakRssMB;
  const est = r.estimate?.errorShare;
  return {
    ...(est === undefined ? {} : { estimate: { target: TARGETS.estimateError, value: est, met: Math.abs(est) <= TARGETS.estimateError } }),
    wallOverBound: { target: TARGETS.exportWallOverBound, value: wob, met: wob !== null && wob <= TARGETS.exportWallOverBound },
    throttledShare: { target: TARGETS.exportThrottled, value: thr, met: thr < TARGETS.exportThrottled },
    peakRssMB: { target: TARGETS.exportRssMB, value: rss, met: rss !== null && rss <= TARGETS.exportRssMB },
  };
}

// ---- 2. one heavy person ----------------------------------------------------------------------

async function scenarioHeavy() {
  const runs = [];
  for (const h of SIZES.heavy) {
    const account = generateAccount({ seed: SEED, users: 3, ...ORDINARY, heavy: { meetings: h.meetings, recordingYears: h.recordingYears, calls: h.calls } });
    const email = account.users[0].email;
    const all = [];
    for (let i = 0; i < HEAVY_RUNS; i++) {
      say(`heavy: ${h.label}: ${h.meetings} meetings, ${h.recordingYears} years of recordings, ${h.calls} calls (run ${i + 1} of ${HEAVY_RUNS}, load ${loadavg()[0].toFixed(1)})`);
      const r = await exportRun(account, [email], { label: h.label });
      say(`heavy: ${h.label}: ${r.wallS}s, bound ${r.boundS}s, RSS ${r.peakRssMB} MB`);
      all.push(r);
    }
    const med = medianOfRuns(all);
    runs.push({ ...h, result: med.run, runs: { ...med, run: undefined, all: all.map(brief) } });
  }
  const [full, small] = runs;
  const rssOf = (x) => x.runs.peakRssMB?.median ?? x.result.peakRssMB;
  const growth = small ? +(rssOf(full) - rssOf(small)).toFixed(1) : null;
  const wob = full.runs.wallOverBound?.median ?? full.result.wallOverBound;
  return {
    name: 'heavy',
    title: `export of one heavy person (${full.meetings} meetings, ${full.recordingYears} years of recordings, ${full.calls} call logs)`,
    params: { sizes: SIZES.heavy, latencyMs: LATENCY, plan: 'business', seed: SEED },
    result: full.result,
    runs: full.runs,
    smaller: small ? { ...small } : undefined,
    targets: {
      wallOverBound: { target: TARGETS.heavyWallOverBound, value: wob, met: wob !== null && wob <= TARGETS.heavyWallOverBound },
      peakRssMB: { target: TARGETS.heavyRssMB, value: rssOf(full), met: rssOf(full) !== null && rssOf(full) <= TARGETS.heavyRssMB },
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
        load: r.load,
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
      targets: { wallOverBound: { target: TARGETS.scanWallOverBound, value: runs.first.wallOverBound, met: runs.first.wallOverBound !== null && runs.first.wallOverBound <= TARGETS.scanWallOverBound } },
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
    // A real command's path: only its own module, but with zod (option parsing) and commander.
    'zdsar export --help': [process.execPath, [BIN, 'export', '--help']],
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
  const exportHelp = stat(times['zdsar export --help']);
  const ratio = (s) => +(s.medianMs / node.medianMs).toFixed(2);
  return {
    name: 'startup',
    title: 'start-up against node -e 0',
    params: { runs },
    result: { node, version: { ...version, overNode: ratio(version) }, help: { ...help, overNode: ratio(help) }, exportHelp: { ...exportHelp, overNode: ratio(exportHelp) } },
    load: [+loadavg()[0].toFixed(2)],
    targets: { versionOverNode: { target: TARGETS.versionOverNode, value: ratio(version), met: ratio(version) <= TARGETS.versionOverNode } },
  };
}

// ---- report -----------------------------------------------------------------------------------

const f1 = (x) => (x === null || x === undefined ? '' : x.toFixed(1));
const f2 = (x) => (x === null || x === undefined ? '' : x.toFixed(2));
const pct = (x) => (x === null || x === undefined ? '' : `${(x * 100).toFixed(2)}%`);

/**
 * The pace bound: the bound with the rate term at the best pace a client that never draws a 429 can keep
 * (docs/performance.md, "pacing by answers"): a request holds its place in Zoom's window from its send
 * until a window after its answer, less the part of the round trip before Zoom counts it (the lead,
 * half the quickest round trip: LATENCY.min / 2 here). R × (1 + (mean latency − lead) / window) + C + D.
 */
function paceBoundS(r) {
  if (!r.bindingCategory) return null;
  const windowMs = r.bindingCategory.endsWith('Resource-intensive') ? 60_000 : 1000;
  return r.rateTermS * (1 + (MEAN_LATENCY_MS - LATENCY.min / 2) / windowMs) + r.chainS + (r.dailyS ?? 0);
}

function row(label, r, extra = '') {
  const q = r.requests;
  const load = r.load ? `${f1(r.load[0])}-${f1(r.load[1])}` : '';
  const pace = paceBoundS(r);
  return [label, q.Light, q.Medium, q.Heavy, q['Resource-intensive'], `${r.throttled} (${pct(r.throttledShare)})`, f1(r.wallS), r.bindingCategory ?? '', f1(r.rateTermS), f1(r.chainS), f1(r.boundS), r.wallOverBound === null ? '' : `${f2(r.wallOverBound)}x`, pace ? `${f2(r.wallS / pace)}x` : '', f1(r.peakRssMB), load, extra];
}

function rows(scenarios) {
  const out = [];
  for (const s of scenarios) {
    if (s.name === 'export') {
      const t = s.targets;
      out.push(row(`1. export ${s.params.people} people`, s.result, `median run of ${s.runs?.n ?? 1}`));
      const b = s.baseline;
      if (!b) continue;
      out.push(row(`   same, first ${b.subsetPeople} only`, b.subsetConcurrent, ''));
      out.push(row(`   first ${b.subsetPeople}, 1 request at a time`, b.subsetSequential, `speed-up ${f1(b.subsetSpeedup)}x (measured)`));
      out.push([`   ${s.params.people} people, 1 at a time (est.)`, '', '', '', '', '', `~${f1(b.extrapolatedWallS)}`, '', '', '', '', '', '', '', '', `speed-up ~${f1(b.speedup)}x (extrapolated ×${f2(s.result.requestsTotal / b.subsetSequential.requestsTotal)})`]);
    } else if (s.name === 'attendance') {
      out.push(row(`1b. attendance-heavy ${s.params.people}, jittered`, s.result, `median of ${s.runs?.n ?? 1}; best split ${f1(s.result.bestSplit.boundS)}s (${f2(s.result.bestSplit.wallOverBound)}x, ${s.result.bestSplit.bindingCategory})`));
      out.push(row(`    same, fixed ${s.fixed.latencyMs.min} ms`, s.fixed.result, `median of ${s.fixed.runs?.n ?? 1}; best split ${f1(s.fixed.result.bestSplit.boundS)}s (${f2(s.fixed.result.bestSplit.wallOverBound)}x, ${s.fixed.result.bestSplit.bindingCategory})`));
    } else if (s.name === 'heavy') {
      const t = s.targets;
      out.push(row('2. heavy person', s.result, `median run of ${s.runs?.n ?? 1}; ${s.result.records} records`));
      if (s.smaller) out.push(row(`   ${s.smaller.label} (${s.smaller.meetings} mtgs, ${s.smaller.calls} calls)`, s.smaller.result, `median run of ${s.smaller.runs?.n ?? 1}; ${s.smaller.result.records} records; RSS growth ${f1(t.rssGrowthMB.value)} MB`));
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
    ...(r.exportHelp ? [['zdsar export --help', f1(r.exportHelp.medianMs), f1(r.exportHelp.minMs), `${f2(r.exportHelp.overNode)}x`, '']] : []),
  ];
}

const HEADER = ['scenario', 'Light', 'Medium', 'Heavy', 'RI', '429s', 'wall s', 'binding', 'rate s', 'chain s', 'bound s', 'wall/bound', 'wall/pace bound', 'RSS MB', 'load', 'note'];
const TARGET_HEADER = ['scenario (issue 19)', 'measured (median)', 'runs', 'load', 'target', 'verdict'];
const DIAG_HEADER = ['median run', 'start-up s', 'requests s', 'after last answer s', 'binding', 'achieved/s', 'limit/s', 'longest walk', 'CPU zdsar s'];

const verdict = (t) => (t ? (t.met ? 'met' : 'MISSED') : '');
const spread = (m, f) => (m ? m.values.map(f).join(', ') : '');
const loadRange = (m) => (m?.load && Number.isFinite(m.load.min) ? `${f1(m.load.min)}-${f1(m.load.max)}` : '');
const x2 = (v) => (v === null || v === undefined ? '' : `${v.toFixed(3)}x`);

/** The table: each target with its median, the runs behind it and the load they ran at. */
function targetRows(scenarios) {
  const out = [];
  for (const s of scenarios) {
    if (s.name === 'export') {
      const m = s.runs;
      out.push([`${s.params.people}-person export, wall / bound`, x2(s.targets.wallOverBound.value), spread(m?.wallOverBound, x2), loadRange(m), `≤ ${f2(TARGETS.exportWallOverBound)}x`, verdict(s.targets.wallOverBound)]);
      out.push([`${s.params.people}-person export, 429s`, pct(s.targets.throttledShare.value), spread(m?.throttledShare, pct), loadRange(m), `< ${pct(TARGETS.exportThrottled)}`, verdict(s.targets.throttledShare)]);
      out.push([`${s.params.people}-person export, peak RSS`, `${f1(s.targets.peakRssMB.value)} MB`, spread(m?.peakRssMB, f1), loadRange(m), `≤ ${TARGETS.exportRssMB} MB`, verdict(s.targets.peakRssMB)]);
      if (s.targets.estimate) out.push([`${s.params.people}-person export, --estimate vs median`, pct(s.targets.estimate.value), '', '', `within ${pct(TARGETS.estimateError)}`, verdict(s.targets.estimate)]);
    } else if (s.name === 'attendance') {
      const t = s.targets;
      for (const [k, v] of Object.entries(t.wallOverBestSplit)) {
        const m = k === 'fixed' ? s.fixed.runs : s.runs;
        out.push([`attendance-heavy export (${k} latency), wall / best-split bound`, x2(v.value), spread(m?.wallOverBound, x2), loadRange(m), `≤ ${f2(v.target)}x`, verdict(v)]);
      }
      out.push(['attendance-heavy export, 429s', pct(t.throttled.value), '', loadRange(s.runs), '0', verdict(t.throttled)]);
      out.push(['attendance-heavy export, peak RSS', `${f1(t.peakRssMB.value)} MB`, spread(s.runs?.peakRssMB, f1), loadRange(s.runs), `≤ ${TARGETS.attendanceRssMB} MB`, verdict(t.peakRssMB)]);
    } else if (s.name === 'heavy') {
      const m = s.runs;
      out.push(['heavy person, wall / bound', x2(s.targets.wallOverBound.value), spread(m?.wallOverBound, x2), loadRange(m), `≤ ${f2(TARGETS.heavyWallOverBound)}x`, verdict(s.targets.wallOverBound)]);
      out.push(['heavy person, peak RSS', `${f1(s.targets.peakRssMB.value)} MB`, spread(m?.peakRssMB, f1), loadRange(m), `≤ ${TARGETS.heavyRssMB} MB`, verdict(s.targets.peakRssMB)]);
      if (s.smaller) {
        const g = s.targets.rssGrowthMB;
        out.push([`heavy person, RSS growth ${s.smaller.result.records} → ${s.result.records} records`, `${f1(g.value)} MB`, spread(s.smaller.runs?.peakRssMB, f1), loadRange(s.smaller.runs), 'flat', '']);
      }
    } else if (s.name === 'registrants') {
      const r = s.result;
      out.push([`registrant scan, ${s.params.users} hosts, wall / bound`, x2(r.wallOverBound), '1', r.load ? `${f1(r.load[0])}-${f1(r.load[1])}` : '', `≤ ${f2(TARGETS.scanWallOverBound)}x`, verdict(s.targets?.wallOverBound)]);
    } else if (s.name === 'startup') {
      out.push(['start-up --version vs node -e 0', x2(s.result.version.overNode), `${s.params.runs} interleaved`, s.load ? f1(s.load[0]) : '', `≤ ${f2(TARGETS.versionOverNode)}x`, verdict(s.targets.versionOverNode)]);
    }
  }
  return out;
}

/** Where each median run's time went: before the first request, during the requests, after the last answer. */
function diagRows(scenarios) {
  const out = [];
  const one = (label, r) => {
    const b = r.perCategory?.[r.bindingCategory];
    out.push([label, f2(r.firstRequestS), r.lastRequestS === null ? '' : f2(r.lastRequestS - r.firstRequestS), f2(r.afterLastRequestS), r.bindingCategory ?? '', b?.achievedPerSecond ?? '', b?.limitPerSecond ?? '', r.chain?.longestWalk?.pages ?? r.chain?.stages?.registrantList ?? '', r.cpuS?.zdsar ?? '']);
  };
  for (const s of scenarios) {
    if (s.name === 'export') one(`export ${s.params.people} people`, s.result);
    else if (s.name === 'heavy') {
      one('heavy person', s.result);
      if (s.smaller) one(s.smaller.label, s.smaller.result);
    } else if (s.name === 'registrants') one(`registrants ${s.params.users} hosts`, s.result);
  }
  return out;
}
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
  if (only.includes('attendance')) scenarios.push(await scenarioAttendance());
  if (only.includes('heavy')) scenarios.push(await scenarioHeavy());
  if (only.includes('registrants')) scenarios.push(await scenarioRegistrants());
  if (only.includes('startup')) scenarios.push(await scenarioStartup());
} finally {
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
}

const outPath = flags.out ?? join(BENCH, 'results', flags.quick ? 'latest-quick.json' : PROCESSING ? 'latest-processing.json' : 'latest.json');
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
    phoneLimitsPerSecond: { Light: 40, Medium: 20, Heavy: 10, 'Resource-intensive': '10/min' },
    dailyHeavyPlusResource: BUSINESS_DAILY,
    runs: RUNS,
    heavyRuns: HEAVY_RUNS,
    latencyMs: LATENCY,
    ...(PROCESSING ? { processingMs: PROCESSING } : {}),
    meanLatencyMs: MEAN_LATENCY_MS,
    bound: 'max over categories c of both tables of (requests_c / limit_c) + chain requests × mean latency + a day per daily budget exhausted',
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
const MODEL = 'bound = max over c of both tables (requests_c / limit_c) + chain × 115 ms + a day per daily budget (H+RI: 60,000 main, 30,000 Phone) exhausted; pace bound = the same with the rate term × (1 + (115 − 40) ms / window), the best pace of a client that never draws a 429 (docs/performance.md); requests exclude 429s; RSS = peak of the zdsar process; load = 1-minute load average at the start and end of the run (2 CPUs)';
lines.push(MODEL);
lines.push('');
lines.push(table(TARGET_HEADER, targetRows(merged)), '');
if (main.length) lines.push(table(HEADER, rows(main)), '');
if (main.length) lines.push(table(DIAG_HEADER, diagRows(main)), '');
if (startup) lines.push(table(STARTUP_HEADER, startupRows(startup)), '');
lines.push(`results: ${relative(process.cwd(), outPath) || outPath} (${report.benchSeconds}s; load average before ${loadBefore[0]}, after ${report.machine.loadavgAfter[0]})`);
process.stdout.write(lines.join('\n') + '\n');

const md = [];
md.push(`# zdsar benchmark: ${report.date.slice(0, 16)}Z, ${report.commit?.slice(0, 10) ?? ''}${report.dirty ? ' (src modified)' : ''}${flags.quick ? ', QUICK sizes' : ''}`);
md.push(`${MODEL}. Each row quotes the median of its runs (the count is in its note); the registrant scan runs once.`);
md.push(markdownTable(TARGET_HEADER, targetRows(merged)));
if (main.length) md.push(markdownTable(HEADER, rows(main)));
if (main.length) md.push('Where the time of each median run went:\n\n' + markdownTable(DIAG_HEADER, diagRows(main)));
if (startup) md.push(markdownTable(STARTUP_HEADER, startupRows(startup)));
// The reasons for each target met or missed, and what would close it: written by hand from these runs' logs.
const findings = join(BENCH, 'findings.md');
if (existsSync(findings)) md.push(readFileSync(findings, 'utf8').trim());
writeFileSync(outPath.replace(/\.json$/, '.md'), md.join('\n\n') + '\n');
