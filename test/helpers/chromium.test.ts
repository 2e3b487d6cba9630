import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './cli.js';
import { findChromium, installHint, USUAL_PATHS } from './chromium.js';

/** How the browser tests (npm run test:browser) find Chromium, and how they fail without it. */
describe('findChromium', () => {
  const fake = () => {
    const dir = tempDir('zdsar-chromium-bin-');
    const bin = join(dir, 'chromium');
    writeFileSync(bin, '#!/bin/sh\necho Chromium 1.0\n');
    chmodSync(bin, 0o755);
    return { dir, bin };
  };

  it('takes ZDSAR_CHROMIUM first, and fails with the install line when it points at nothing', () => {
    const { bin } = fake();
    expect(findChromium({ ZDSAR_CHROMIUM: bin, PATH: '' })).toBe(bin);
    expect(() => findChromium({ ZDSAR_CHROMIUM: join(bin, 'nope'), PATH: '' }, 'linux')).toThrow(/ZDSAR_CHROMIUM=.*nope is not an executable file.*sudo apt-get install -y chromium/);
  });

  it('tries the usual install paths, then a chromium command on PATH', () => {
    const { dir, bin } = fake();
    expect(findChromium({ PATH: '' }, 'linux', ['/nowhere/chromium', bin])).toBe(bin);
    expect(findChromium({ PATH: dir }, 'linux', ['/nowhere/chromium'])).toBe(bin);
  });

  it('fails, saying the one line that installs it, when there is none', () => {
    expect(() => findChromium({ PATH: tempDir('zdsar-empty-') }, 'linux', [])).toThrow('Chromium is not installed; the browser tests need it. Install it: sudo apt-get install -y chromium');
    expect(() => findChromium({ PATH: '' }, 'darwin', [])).toThrow('Install it: brew install --cask chromium');
  });

  it('says how to install it on Linux and on macOS', () => {
    expect(installHint('linux')).toBe('sudo apt-get install -y chromium');
    expect(installHint('darwin')).toBe('brew install --cask chromium');
    expect(USUAL_PATHS).toContain('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome');
    expect(USUAL_PATHS).toContain('/usr/bin/chromium');
  });
});
