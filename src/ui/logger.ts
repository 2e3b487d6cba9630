import { redact } from '../secrets.js';
import type { IO } from './io.js';

/** Lines for people, on stderr. debug only with --verbose. Every line passes through redact(). */
export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {} };

export function createLogger(io: IO, opts: { verbose?: boolean; quiet?: boolean; before?: () => void } = {}): Logger {
  const write = (prefix: string, msg: string) => {
    opts.before?.();
    io.stderr.write(redact(`${prefix}${msg}`) + '\n');
  };
  return {
    debug: (m) => {
      if (opts.verbose) write('debug: ', m);
    },
    info: (m) => {
      if (!opts.quiet) write('', m);
    },
    warn: (m) => write('warning: ', m),
  };
}
