import { tempDir } from '../helpers/cli.js';

/** The shared CLI helpers (dist is built once by test/global-setup.ts). */
export { BIN, ROOT, runCli, type CliResult } from '../helpers/cli.js';

export function tempHome(): string {
  return tempDir('zdsar-registrants-');
}
