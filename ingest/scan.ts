/**
 * One streaming pass over a file: its sha256, and where records start on
 * physical lines. DuckDB numbers records; a quoted newline makes a record span
 * several lines, so reject messages translate record numbers into lines here.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';

export interface FileScan {
  sha256: string;
  bytes: number;
  /** [record, extra]: from this record on (1 = first data row), lines run `extra` ahead of records. */
  lineShifts: [number, number][];
}

const QUOTE = 0x22;
const NEWLINE = 0x0a;

export async function scanFile(file: string): Promise<FileScan> {
  const hash = createHash('sha256');
  const lineShifts: [number, number][] = [];
  let bytes = 0;
  let inQuote = false;
  let record = 0; // 0 = header
  let extra = 0;
  let shiftedInRecord = false;
  // One buffer, read into again and again: the pass runs beside DuckDB's
  // reads, and a stream's fresh chunk per read left the file's size in
  // garbage until the next collection.
  const handle = await fs.promises.open(file, 'r');
  const chunk = Buffer.alloc(1 << 20);
  try {
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      const buf = chunk.subarray(0, bytesRead);
      hash.update(buf);
      bytes += buf.length;
      // Jump from quote to quote; count the newlines in between (records outside quotes, extra lines inside).
      let i = 0;
      while (i < buf.length) {
        const quote = buf.indexOf(QUOTE, i);
        const stop = quote < 0 ? buf.length : quote;
        for (let nl = buf.indexOf(NEWLINE, i); nl >= 0 && nl < stop; nl = buf.indexOf(NEWLINE, nl + 1)) {
          if (inQuote) {
            extra++;
            shiftedInRecord = true;
          } else {
            record++;
            if (shiftedInRecord) {
              lineShifts.push([record, extra]);
              shiftedInRecord = false;
            }
          }
        }
        if (quote < 0) break;
        inQuote = !inQuote; // an escaped quote ("") closes and reopens at once
        i = quote + 1;
      }
    }
  } finally {
    await handle.close();
  }
  return { sha256: hash.digest('hex'), bytes, lineShifts };
}

/** Physical line (1-based, header = line 1) on which data record `record` starts. */
export function lineOfRecord(scan: Pick<FileScan, 'lineShifts'>, record: number): number {
  let extra = 0;
  let lo = 0;
  let hi = scan.lineShifts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const shift = scan.lineShifts[mid];
    if (shift && shift[0] <= record) {
      extra = shift[1];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return record + 1 + extra;
}
