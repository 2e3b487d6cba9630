import { redact } from '../secrets.js';
import type { IO, Logger } from '../run-context.js';

export { silentLogger, type Logger } from '../run-context.js';

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
