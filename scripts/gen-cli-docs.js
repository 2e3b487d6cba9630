#!/usr/bin/env node
// Writes docs/cli.md, the full command reference, from the program's own commander definitions
// (dist/cli.js: run `npm run build` first): every command, argument, flag and default, the help
// text's examples and notes, the environment variables and the exit codes.
// Usage: node scripts/gen-cli-docs.js          (writes docs/cli.md)
//        node scripts/gen-cli-docs.js --check  (exit 1 if docs/cli.md differs: the test runs this)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'docs', 'cli.md');

/** Every variable zdsar reads. test/cli/docs.test.ts fails when src/ reads one that is not here. */
export const ENVIRONMENT = [
  ['ZOOM_ACCOUNT_ID', 'Server-to-Server OAuth app: account id', 'required for commands that call Zoom'],
  ['ZOOM_CLIENT_ID', 'Server-to-Server OAuth app: client id', 'required likewise'],
  ['ZOOM_CLIENT_SECRET', 'Server-to-Server OAuth app: client secret', 'required likewise'],
  ['ZOOM_API_URL', 'base of the REST API (plain http only for loopback addresses)', '`https://api.zoom.us/v2`'],
  ['ZOOM_OAUTH_URL', 'origin of the OAuth server (`/oauth/token` is appended)', '`https://zoom.us`'],
  ['ZOOM_WEBHOOK_SECRET_TOKEN', "the app's webhook secret token, for verifying events", 'required by `compliance verify`, `notify`, `listen`'],
  ['ZDSAR_HOME', 'where the request ledger and default output live; owned by the user, not writable by others', '`~/.zdsar` (or `$XDG_DATA_HOME/zdsar`)'],
  ['XDG_DATA_HOME', 'used for the default `ZDSAR_HOME`', ''],
  ['ZDSAR_PLAN', "the account's plan, for Zoom's rate tables: `free`, `pro`, `business` (also `--plan`)", '`pro`'],
  ['ZDSAR_HTTP_TIMEOUT_MS', 'per-request timeout in milliseconds', '`60000`'],
  ['ZDSAR_CONNECTIONS', 'connections to Zoom at once', '`64`'],
  ['ZDSAR_PARTICIPANTS_FROM', 'where attendance rows are read: `report` (Heavy) or `past_meetings` (Medium)', 'each meeting from whichever rate limit has room first'],
  ['ZDSAR_MAX_UNSIZED_DOWNLOAD_MB', 'the largest download whose size neither Zoom nor the server declares (a declared size is itself the cap)', '`4096`'],
  ['ZDSAR_WHITEBOARD_EXPORT_WAIT_MS', "how long --with-files waits per person for Zoom's whiteboard export (0: ask once; a resume fetches it)", '`600000`'],
  ['ZDSAR_LISTEN_MAX_CONNECTIONS', '`compliance listen`: connections held at once', '`32`'],
  ['ZDSAR_LISTEN_BODY_TIMEOUT_MS', '`compliance listen`: the longest a delivery may take to arrive', '`10000`'],
  ['ZDSAR_SIGNING_KEY', 'an Ed25519 private key (PEM, PKCS#8) that signs every manifest (`manifest.sig`); a secret, never printed (the public key is printed); also `ZDSAR_SIGNING_KEY_FILE`', 'unsigned'],
  ['ZDSAR_ZOOM_POLL_MS', "how often a Zoom data request's state is polled: `MIN` or `MIN,MAX` milliseconds", '`15000,300000`'],
  ['ZDSAR_DEBUG', 'print the stack of an unexpected error', 'unset'],
  ['NO_COLOR', 'any non-empty value: no colour', 'unset'],
];

export const EXIT_CODES = [
  [0, 'done: every person answered (`completed` or `not_found`); a re-run with nothing left to do'],
  [1, 'done in part: some people or categories failed, or Zoom could not be reached; the manifest or the message says which'],
  [2, 'bad input or usage: nothing was sent to Zoom'],
  [3, 'authentication or authorization failed (bad or missing credentials, missing scopes): never a connection failure'],
  [130, 'interrupted; `zdsar requests resume <id>` continues (with `--json`, the summary still names the request)'],
];

function cell(s) {
  return String(s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

async function program() {
  const { buildProgram } = await import(join(root, 'dist', 'cli.js'));
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += d.toString()));
  const io = { stdout: out, stderr: new PassThrough(), stdin: new PassThrough(), env: {} };
  const p = await buildProgram({ io, signal: new AbortController().signal, exitCode: 0 });
  const help = (cmd) => {
    text = '';
    cmd.outputHelp();
    // Commander's own part is helpInformation(); what follows is the command's examples and notes.
    const own = cmd.helpInformation();
    const i = text.indexOf(own);
    return i >= 0 ? text.slice(i + own.length).trim() : '';
  };
  return { p, help };
}

function fullName(cmd) {
  const names = [];
  for (let c = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function section(cmd, help, depth) {
  const lines = [];
  const name = fullName(cmd);
  const args = cmd.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`)).join(' ');
  lines.push(`${'#'.repeat(Math.min(depth, 4))} \`${name}${args ? ` ${args}` : ''}\``, '');
  if (cmd.description()) lines.push(cmd.description(), '');
  if (cmd.registeredArguments.length) {
    lines.push('| argument | meaning |', '|---|---|');
    for (const a of cmd.registeredArguments) lines.push(`| \`${a.name()}\` | ${cell(a.description)} |`);
    lines.push('');
  }
  const opts = cmd.options.filter((o) => !o.hidden);
  if (opts.length) {
    lines.push('| option | meaning | default |', '|---|---|---|');
    for (const o of opts) lines.push(`| \`${cell(o.flags)}\` | ${cell(o.description)} | ${o.defaultValue === undefined ? '' : `\`${cell(JSON.stringify(o.defaultValue))}\``} |`);
    lines.push('');
  }
  const after = help(cmd);
  if (after) lines.push('```text', after, '```', '');
  for (const sub of cmd.commands) lines.push(...section(sub, help, depth + 1));
  return lines;
}

export async function render() {
  const { p, help } = await program();
  const lines = [
    '# zdsar command reference',
    '',
    '<!-- Generated by scripts/gen-cli-docs.js from the program\'s commander definitions. Do not edit by hand:',
    '     run `npm run build && node scripts/gen-cli-docs.js`. test/cli/docs.test.ts fails when this file drifts. -->',
    '',
    p.description(),
    '',
    'Data and `--json` go to stdout (with `--json`, one JSON document in every outcome, failures included);',
    'progress, messages and errors go to stderr, each error as one `zdsar: …` line. Secrets come only from the',
    'environment (or a file named by `NAME_FILE`), never from a flag, and are never printed.',
    '',
    '## Commands',
    '',
    ...p.commands.map((c) => `- [\`${fullName(c)}\`](#${fullName(c).replace(/ /g, '-')}): ${c.description()}`),
    '',
    '## Environment',
    '',
    'Each secret may instead be given as a file: `NAME_FILE=/path` (for example `ZOOM_CLIENT_SECRET_FILE`).',
    '',
    '| variable | meaning | default |',
    '|---|---|---|',
    ...ENVIRONMENT.map(([n, m, d]) => `| \`${n}\` | ${cell(m)} | ${cell(d)} |`),
    '',
    '## Exit codes',
    '',
    '| code | meaning |',
    '|---|---|',
    ...EXIT_CODES.map(([c, m]) => `| ${c} | ${cell(m)} |`),
    '',
    '## Global options',
    '',
    '| option | meaning |',
    '|---|---|',
    ...p.options.map((o) => `| \`${cell(o.flags)}\` | ${cell(o.description)} |`),
    '| `-h, --help` | help for any command |',
    '',
  ];
  for (const c of p.commands) lines.push(...section(c, help, 2));
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = await render();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {}
    if (current !== text) {
      process.stderr.write('docs/cli.md is out of date: run `npm run build && node scripts/gen-cli-docs.js`\n');
      process.exit(1);
    }
  } else {
    writeFileSync(target, text);
    process.stderr.write(`wrote ${target}\n`);
  }
}
