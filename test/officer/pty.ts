import { spawn } from 'node:child_process';
import { BIN, ROOT } from '../helpers/cli.js';

/** The CLI inside a pseudo-terminal (util-linux `script`) whose size is set with stty first, e.g. 0 columns. */
export interface PtyRun {
  /** Everything the terminal showed so far (stdout and stderr together, as on a screen). */
  readonly screen: () => string;
  /** Type a key into the terminal (e.g. "\x03" for Ctrl-C). */
  type(keys: string): void;
  /** Resolves with the exit code; a run that shows more than `maxBytes` is killed (code null). */
  done: Promise<number | null>;
  waitFor(re: RegExp): Promise<void>;
  kill(): void;
}

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function runInPty(args: string[], env: Record<string, string>, opts: { cols: number; rows?: number; maxBytes?: number }): PtyRun {
  const cmd = `stty cols ${opts.cols} rows ${opts.rows ?? 24}; exec ${[process.execPath, BIN, ...args].map(shellQuote).join(' ')}`;
  // -e: script exits with the child's code; -f: flush as it comes; -q: no banner. No CI variable: a terminal user.
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', TERM: 'xterm-256color', NO_COLOR: '1', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let bytes = 0;
  const waiters: Array<{ re: RegExp; resolve: () => void }> = [];
  const max = opts.maxBytes ?? 4 * 1024 * 1024;
  const onData = (d: Buffer) => {
    bytes += d.length;
    if (screen.length < max) screen += d.toString('utf8');
    if (bytes > max) child.kill('SIGKILL');
    for (const w of [...waiters]) if (w.re.test(screen)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  child.stdin.on('error', () => {});
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(bytes > max ? null : code)));
  return {
    screen: () => screen,
    type: (keys) => child.stdin.write(keys),
    done,
    waitFor: (re) =>
      new Promise<void>((resolve, reject) => {
        if (re.test(screen)) return resolve();
        waiters.push({ re, resolve });
        void done.then(() => (re.test(screen) ? resolve() : reject(new Error(`the run ended without showing ${re}; it showed:\n${screen.slice(-2000)}`))));
      }),
    kill: () => child.kill('SIGKILL'),
  };
}
