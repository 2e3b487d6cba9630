import type { Writable } from 'node:stream';
import type { IO } from '../run-context.js';

export type { IO } from '../run-context.js';

export function processIO(): IO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/** Colour only on a TTY, never with a non-empty NO_COLOR, never with TERM=dumb. */
export function colorEnabled(io: IO): boolean {
  if (io.env.NO_COLOR) return false;
  if (io.env.TERM === 'dumb') return false;
  return Boolean(io.stderr.isTTY);
}

/** Spinners and live progress: only on an interactive stderr, not in CI, not with --json. */
export function progressEnabled(io: IO, json = false): boolean {
  if (json) return false;
  if (!io.stderr.isTTY) return false;
  if (io.env.CI && io.env.CI !== 'false' && io.env.CI !== '0') return false;
  if (io.env.TERM === 'dumb') return false;
  return true;
}

/**
 * A live spinner redraws lines in place, which needs a terminal that knows its width: a terminal
 * reporting 0 columns (some `script` or serial sessions) would make every redraw clear endless lines.
 */
export function spinnerEnabled(io: IO, json = false): boolean {
  if (!progressEnabled(io, json)) return false;
  const cols = io.stderr.columns;
  return typeof cols === 'number' && Number.isFinite(cols) && cols > 0;
}

export function writeLine(stream: Writable, line = ''): void {
  stream.write(line + '\n');
}

export function printJson(io: IO, value: unknown): void {
  io.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

const ansi = (code: number) => (s: string) => `\u001b[${code}m${s}\u001b[0m`;
export function palette(io: IO) {
  const on = colorEnabled(io);
  const id = (s: string) => s;
  return {
    red: on ? ansi(31) : id,
    yellow: on ? ansi(33) : id,
    green: on ? ansi(32) : id,
    dim: on ? ansi(2) : id,
    bold: on ? ansi(1) : id,
  };
}
