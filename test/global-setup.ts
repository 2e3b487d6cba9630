import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Build once before any test: end-to-end tests run bin/zdsar.js, which runs dist/. */
export default function setup(): void {
  const root = join(import.meta.dirname, '..');
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
}
