import type { Ora } from 'ora';
import { spinnerEnabled, type IO } from './io.js';

/**
 * Progress on stderr. On an interactive terminal with a width (see spinnerEnabled): a live
 * spinner (ora) re-rendered at most every 100 ms from a snapshot the caller keeps up to date.
 * Anywhere else (cron, CI, a pipe, a terminal reporting 0 columns): plain lines, namely each
 * note() as it comes and, for long runs, a one-line status every `statusEveryMs`.
 * With --json: no spinner and no periodic status (notes, e.g. warnings, still go to stderr).
 */
export interface Progress {
  /** The lines under the title: a function, called only when a spinner redraws (a run changes state thousands of times). */
  update(lines: () => string[]): void;
  /** Print a permanent line (above the spinner, which is redrawn after it). */
  note(line: string): void;
  stop(): void;
}

/** How the periodic status is scheduled: the real timers, or a test's clock. */
export interface Ticker {
  every(ms: number, fn: () => void): () => void;
}

const realTicker: Ticker = {
  every(ms, fn) {
    const t = setInterval(fn, ms);
    t.unref();
    return () => clearInterval(t);
  },
};

export const DEFAULT_STATUS_EVERY_MS = 60_000;

export interface ProgressOptions {
  json?: boolean;
  title: string;
  /** Without a spinner: the one-line status printed every statusEveryMs (nothing when it returns undefined). */
  status?: () => string | undefined;
  statusEveryMs?: number;
  ticker?: Ticker;
}

export function createProgress(io: IO, opts: ProgressOptions): Progress {
  if (opts.json) return { update() {}, note: (l) => io.stderr.write(l + '\n'), stop() {} };
  if (!spinnerEnabled(io)) return plainProgress(io, opts);
  // ora (and what it loads) only where a spinner is drawn: loaded in the background, lines until then.
  let spinner: Ora | undefined;
  let stopped = false;
  void import('ora').then(({ default: ora }) => {
    if (!stopped) spinner = ora({ stream: io.stderr, text: opts.title, color: io.env.NO_COLOR ? undefined : 'cyan', discardStdin: false }).start();
  });
  let pending: (() => string[]) | undefined;
  const timer = setInterval(() => {
    if (pending && spinner) spinner.text = [opts.title, ...pending()].join('\n');
    pending = undefined;
  }, 100);
  timer.unref();
  return {
    update: (lines) => {
      pending = lines;
    },
    note: (line) => {
      if (stopped || !spinner) {
        io.stderr.write(line + '\n');
        return;
      }
      spinner.clear();
      io.stderr.write(line + '\n');
      spinner.render();
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      spinner?.stop();
    },
  };
}

function plainProgress(io: IO, opts: ProgressOptions): Progress {
  const status = opts.status;
  const cancel = status ? (opts.ticker ?? realTicker).every(opts.statusEveryMs ?? DEFAULT_STATUS_EVERY_MS, () => {
    const line = status();
    if (line) io.stderr.write(line + '\n');
  }) : undefined;
  return {
    update() {},
    note: (line) => io.stderr.write(line + '\n'),
    stop: () => cancel?.(),
  };
}
