import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where Chromium or Chrome usually is, on Linux and macOS. */
export const USUAL_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];
const COMMANDS = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

const executable = (p: string) => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The one line that installs Chromium on this kind of machine. */
export function installHint(platform: NodeJS.Platform = process.platform): string {
  return platform === 'darwin' ? 'brew install --cask chromium' : 'sudo apt-get install -y chromium';
}

/**
 * The browser the browser tests drive: ZDSAR_CHROMIUM if set (it must then exist), else the usual
 * install paths, else a chromium/chrome command on PATH. Throws, saying how to install it, when there is
 * none: the browser tests fail, never skip.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, usual: readonly string[] = USUAL_PATHS): string {
  const chosen = env.ZDSAR_CHROMIUM;
  if (chosen) {
    if (executable(chosen)) return chosen;
    throw new Error(`ZDSAR_CHROMIUM=${chosen} is not an executable file. Point it at Chromium or Chrome, or install Chromium: ${installHint(platform)}`);
  }
  const onPath = (env.PATH ?? '').split(delimiter).filter(Boolean).flatMap((d) => COMMANDS.map((c) => join(d, c)));
  const found = [...usual, ...onPath].find(executable);
  if (found) return found;
  throw new Error(`Chromium is not installed; the browser tests need it. Install it: ${installHint(platform)} (or set ZDSAR_CHROMIUM to a Chromium or Chrome binary)`);
}

/** Runs headless Chromium with a throwaway profile; returns its stdout (e.g. --dump-dom). */
export async function headless(chromium: string, args: string[]): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'zdsar-chromium-'));
  try {
    const { stdout } = await run(
      chromium,
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', `--user-data-dir=${profile}`, ...args],
      { timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
    );
    return stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
