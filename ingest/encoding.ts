/** Single-byte encodings (Windows-1252, Latin-1) are transcoded to UTF-8 before DuckDB reads the file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type Encoding = 'utf-8' | 'windows-1252' | 'latin-1';

/** Returns the path DuckDB should read and a cleanup function. */
export async function asUtf8(file: string, encoding: Encoding): Promise<{ file: string; cleanup: () => void }> {
  if (encoding === 'utf-8') return { file, cleanup: () => {} };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-utf8-'));
  const out = path.join(dir, path.basename(file));
  // Node's windows-1252 decoder maps 0x80-0x9f to € ‚ ƒ ...; latin-1 is its ISO subset.
  const decoder = new TextDecoder(encoding === 'latin-1' ? 'latin1' : 'windows-1252');
  const sink = fs.createWriteStream(out);
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    if (!sink.write(decoder.decode(chunk as Buffer, { stream: true }))) {
      await new Promise<void>((r) => sink.once('drain', () => r()));
    }
  }
  sink.end(decoder.decode());
  await new Promise<void>((r) => sink.once('close', () => r()));
  return { file: out, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** UTF-8 when the start of the file decodes as UTF-8, otherwise Windows-1252 (what spreadsheet tools write). */
export function detectEncoding(file: string): Encoding {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(256 * 1024);
  const n = fs.readSync(fd, buf, 0, buf.length, 0);
  fs.closeSync(fd);
  // A multi-byte character may be cut at the end of the sample: leave the last 3 bytes out.
  const sample = n === buf.length ? buf.subarray(0, n - 3) : buf.subarray(0, n);
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample);
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}
