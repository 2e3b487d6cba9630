/**
 * What a workflow gets besides its typed settings: where people's lines go, the run's abort signal,
 * and a clock. Workflows never print data, never decide exit codes and never read commander's
 * options; src/commands/ builds this context and renders what the workflow returns.
 */
import type { Readable, Writable } from 'node:stream';

/**
 * The process's channels, passed down from the entry so tests can swap them.
 * stdout: data and --json only. stderr: people (messages, warnings, progress).
 */
export interface IO {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  stdin: Readable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** Lines for people, on stderr. debug only with --verbose. Every line passes through redact() (and the person mask where one is given). */
export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {} };

export interface RunContext {
  logger: Logger;
  signal: AbortSignal;
  /** Milliseconds since the epoch (tests inject a clock). */
  now: () => number;
}
