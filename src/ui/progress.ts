import ora, { type Ora } from 'ora';
import { progressEnabled, type IO } from './io.js';

/**
 * Live progress on an interactive stderr (ora), silent otherwise: not a TTY, CI, --json.
 * The text is re-rendered at most every 100 ms from a snapshot the caller keeps up to date.
 */
export interface Progress {
  update(lines: string[]): void;
  /** Print a permanent line above the spinner. */
  note(line: string): void;
  stop(): void;
}

export function createProgress(io: IO, opts: { json?: boolean; title: string }): Progress {
  if (!progressEnabled(io, opts.json)) {
    return { update() {}, note: (l) => io.stderr.write(l + '\n'), stop() {} };
  }
  const spinner: Ora = ora({ stream: io.stderr, text: opts.title, color: io.env.NO_COLOR ? undefined : 'cyan', discardStdin: false }).start();
  let pending: string[] | undefined;
  const timer = setInterval(() => {
    if (pending) spinner.text = [opts.title, ...pending].join('\n');
    pending = undefined;
  }, 100);
  timer.unref();
  return {
    update: (lines) => {
      pending = lines;
    },
    note: (line) => {
      spinner.clear();
      io.stderr.write(line + '\n');
      spinner.render();
    },
    stop: () => {
      clearInterval(timer);
      spinner.stop();
    },
  };
}
