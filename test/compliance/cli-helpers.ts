/** The shared CLI helpers (dist is built once by test/global-setup.ts). */
export { allFiles, BIN, ROOT, runCli, type CliResult } from '../helpers/cli.js';
