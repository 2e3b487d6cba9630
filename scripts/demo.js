#!/usr/bin/env node
// npm run demo: start the sandbox (a local Zoom), export the sample people of fixtures/people.csv
// with the real CLI, and say where the package is. Nothing leaves this machine.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { startSandbox } = await import(join(root, 'dist/sandbox/index.js'));
const sandbox = await startSandbox({ port: 0, plan: 'business', latencyMs: { min: 20, max: 60 } });
// Always the demo's own home: never the real ledger of a ZDSAR_HOME set in this shell.
const home = join(root, '.zdsar-demo');
mkdirSync(home, { recursive: true, mode: 0o700 });
const env = {
  ...process.env,
  ZOOM_API_URL: sandbox.apiUrl,
  ZOOM_OAUTH_URL: sandbox.oauthUrl,
  ZOOM_ACCOUNT_ID: sandbox.credentials.accountId,
  ZOOM_CLIENT_ID: sandbox.credentials.clientId,
  ZOOM_CLIENT_SECRET: sandbox.credentials.clientSecret,
  ZDSAR_HOME: home,
  ZDSAR_PLAN: 'business',
};
process.stderr.write(`Sandbox (a local Zoom) on ${sandbox.url}; exporting the people of fixtures/people.csv\n\n`);
const started = Date.now();
const child = spawn(process.execPath, [join(root, 'bin/zdsar.js'), 'export', '--csv', join(root, 'fixtures/people.csv'), '--include-registrations', ...process.argv.slice(2)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
child.stdout.on('data', (d) => {
  out += d;
  process.stdout.write(d);
});
const code = await new Promise((resolve) => child.on('close', resolve));
const byCategory = {};
for (const e of sandbox.log) byCategory[e.category ?? 'other'] = (byCategory[e.category ?? 'other'] ?? 0) + 1;
await sandbox.close();
const pkg = out.trim().split('\n').pop();
process.stderr.write(`\nexit code ${code} in ${((Date.now() - started) / 1000).toFixed(1)}s; requests the sandbox received by category: ${JSON.stringify(byCategory)}\n`);
if (pkg) process.stderr.write(`Open ${join(pkg, 'report.html')} in a browser; the checksums are in ${join(pkg, 'manifest.json')}.\n`);
process.exitCode = code === 0 || code === 1 ? 0 : code;
