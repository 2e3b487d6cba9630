#!/usr/bin/env node
// Tiny shim: run the built CLI. Nothing else belongs here.
import module from 'node:module';
module.enableCompileCache?.();
const { main } = await import('../dist/cli.js');
process.exitCode = await main(process.argv.slice(2));
