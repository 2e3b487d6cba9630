/**
 * Bench-only preload: `node --import ./bench/rss-hook.mjs bin/zdsar.js …`.
 * On exit, writes the process's peak resident set size (KiB, from getrusage) to the file named
 * by ZDSAR_BENCH_RSS_FILE, so the benchmark measures the CLI's memory alone; and its CPU time.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.ZDSAR_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      const u = process.resourceUsage();
      writeFileSync(file, JSON.stringify({ maxRssKiB: u.maxRSS, userCpuMs: u.userCPUTime / 1000, systemCpuMs: u.systemCPUTime / 1000, heapUsed: process.memoryUsage().heapUsed }) + '\n');
    } catch {
      /* the benchmark reports a missing file */
    }
  });
}
