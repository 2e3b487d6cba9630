import { redact } from '../secrets.js';
import type { IO, Logger } from '../run-context.js';

export { silentLogger, type Logger } from '../run-context.js';

export interface LoggerOptions {
  verbose?: boolean;
  quiet?: boolean;
  /** Where lines go instead of straight to stderr: a live progress display clears its spinner around them. */
  out?: (line: string) => void;
  /** Names people as the run does (#N unless --show-emails): see ui/people.ts. */
  mask?: (text: string) => string;
}

export function createLogger(io: IO, opts: LoggerOptions = {}): Logger {
  const mask = opts.mask ?? ((s: string) => s);
  const write = (prefix: string, msg: string) => {
    const line = mask(redact(`${prefix}${msg}`));
    if (opts.out) opts.out(line);
    else io.stderr.write(line + '\n');
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
