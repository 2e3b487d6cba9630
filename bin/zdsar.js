#!/usr/bin/env node
// Tiny shim: run the built CLI. Nothing else belongs here.
import module from 'node:module';
module.enableCompileCache?.();
// `zdsar … | head` closes stdout early: that is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
const { main } = await import('../dist/cli.js');
process.exitCode = await main(process.argv.slice(2));
