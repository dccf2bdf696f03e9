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
