/**
 * The layering of the project, checked by dependency-cruiser with .dependency-cruiser.cjs:
 * no cycle, no upward import. A second run on a deliberately wrong tree shows the rules bite.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/cli.js';

const run = promisify(execFile);
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

async function cruise(cwd: string, config: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, [DEPCRUISE, 'src', '--config', config, '--output-type', 'err'], { cwd });
    return { code: 0, out: stdout };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: x.code ?? 1, out: `${x.stdout ?? ''}${x.stderr ?? ''}` };
  }
}

describe('layers', () => {
  it('src/ has no import cycle and no upward import', async () => {
    const r = await cruise(ROOT, '.dependency-cruiser.cjs');
    expect(r.out).toContain('no dependency violations found');
    expect(r.code, r.out).toBe(0);
  });

  it('the rules catch a cycle, a workflow that imports a command, and the ledger importing a workflow', async () => {
    const dir = tempDir('zdsar-layers-');
    const file = (path: string, text: string) => {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    file('tsconfig.json', JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }));
    file('src/commands/export.ts', "import { a } from '../dsar/start.js';\nexport const c = a;\n");
    file('src/dsar/start.ts', "import type { c } from '../commands/export.js';\nexport const a = 1; export type C = typeof c;\n");
    file('src/ledger/resume.ts', "import { a } from '../dsar/start.js';\nexport const r = a;\n");
    const r = await cruise(dir, join(ROOT, '.dependency-cruiser.cjs'));
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('no-circular');
    expect(r.out).toContain('only-cli-imports-commands: src/dsar/start.ts → src/commands/export.ts');
    expect(r.out).toContain('people-ledger-zoom-are-below-workflows: src/ledger/resume.ts → src/dsar/start.ts');
  });
});
