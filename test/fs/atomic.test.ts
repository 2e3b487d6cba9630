import { describe, expect, it } from 'vitest';
import { isTemporaryFile } from '../../src/fs/atomic.js';

describe('isTemporaryFile', () => {
  it('recognises every temporary name a killed run can leave, and no data file', () => {
    // write-file-atomic (decimal hash), RecordFile and zip (tmp-<pid>-<hex>), downloads (.partial)
    for (const name of ['settings.json.1295271386', 'meetings.json.tmp-4242-9f3a', 'report.html.7', '0001-abc.mp4.partial', '01-a@b.zip.tmp-1-ff']) {
      expect(isTemporaryFile(name), name).toBe(true);
    }
    for (const name of ['settings.json', 'report.html', 'meetings.json', '0001-29b72c01.mp3', 'zoom-1917954309939290001.zip', 'SHA256SUMS']) {
      expect(isTemporaryFile(name), name).toBe(false);
    }
  });
});
