#!/usr/bin/env node
// Tiny shim: run the built CLI. Nothing else belongs here.
import module from 'node:module';
import v8 from 'node:v8';
// zdsar is paced by Zoom's rate limits, not by its CPU: V8 trades a little speed for a heap that stays
// near what is live (peak RSS of a 50-person export 123 MB instead of 200-270; docs/performance.md).
v8.setFlagsFromString('--optimize-for-size');
// The young generation keeps its first size instead of doubling up to 16 MiB a half: a long run parses
// records by the million, and the doubled space stays resident (the heavy person's peak 176 MB instead of 150).
v8.setFlagsFromString('--semi-space-growth-factor=1');
module.enableCompileCache?.();
// `zdsar … | head` closes stdout early: that is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
const { main } = await import('../dist/cli.js');
process.exitCode = await main(process.argv.slice(2));
