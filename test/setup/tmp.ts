/**
 * Every test run works in a temporary folder of its own: TMPDIR points into
 * it for the test workers and everything they start (servers, ingests, the
 * browser), and it is removed when the run ends, so runs leave nothing behind
 * in the system's temporary folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function setup(): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-run-'));
  process.env.TMPDIR = dir;
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
