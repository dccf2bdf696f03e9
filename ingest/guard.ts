/**
 * A cheap pass over a file before DuckDB reads it, for the two shapes that
 * make DuckDB's CSV reader stall or grow: a line longer than MAX_LINE_BYTES
 * (a 50 MB file on one line), and a record with far more fields than the
 * header (a row of a million fields: DuckDB's reject handling grows with the
 * square of the extra fields). Either ends the load with the file, line and
 * reason, before anything is read into the database.
 *
 * It jumps newline to newline and quote to quote with Buffer.indexOf, so a
 * typical export costs a fraction of DuckDB's own read; delimiters are only
 * counted on lines long enough to hold too many fields.
 */
import fs from 'node:fs';
import { IngestError } from './sniff.ts';

/** The longest physical line taken, in bytes. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** The most fields a record may have: ten times the header's, and at least 1,000. */
export const maxFields = (headerFields: number) => Math.max(1000, 10 * headerFields);

const QUOTE = 0x22;
const NEWLINE = 0x0a;
const CHUNK = 1 << 20;

/**
 * Throws IngestError (file, line, reason) when the file holds a line longer
 * than MAX_LINE_BYTES or a record with more than maxFields(headerFields)
 * fields. `delimiter` is the file's one-byte delimiter.
 */
export async function guardFile(
  file: string,
  label: string,
  delimiter: string,
  headerFields: number,
  limits: { maxLineBytes?: number } = {},
): Promise<void> {
  const maxLine = limits.maxLineBytes ?? MAX_LINE_BYTES;
  const fieldLimit = maxFields(headerFields);
  const delim = delimiter.charCodeAt(0);
  const handle = await fs.promises.open(file, 'r');
  const buf = Buffer.alloc(CHUNK);
  let line = 1;
  /** Bytes of the current physical line read so far, before this chunk. */
  let lineBytes = 0;
  let inQuote = false;
  /** Fields of the current record so far (counted only while its lines are long), and the line it began on. */
  let fields = 1;
  let recordLine = 1;
  let counting = false;
  const tooLong = () =>
    new IngestError(
      label,
      `a line longer than ${maxLine.toLocaleString('en-US')} bytes; nothing was loaded (is this a CSV export, one record per line?)`,
      line,
    );
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      /** The next quote at or after `start` in this chunk (-1: none), found once and reused across lines. */
      let nextQuote = chunk.indexOf(QUOTE, 0);
      let start = 0;
      while (start < chunk.length) {
        const nl = chunk.indexOf(NEWLINE, start);
        const end = nl < 0 ? chunk.length : nl;
        const length = end - start;
        if (lineBytes + length > maxLine) throw tooLong();
        // a line long enough to hold too many fields: count them (delimiters outside quotes)
        if (counting || lineBytes + length >= fieldLimit) {
          if (!counting) {
            counting = true;
            recordLine = line;
          }
          for (let i = start; i < end; i++) {
            const b = chunk[i];
            if (b === QUOTE) inQuote = !inQuote;
            else if (b === delim && !inQuote && ++fields > fieldLimit)
              throw new IngestError(
                label,
                `a record with more than ${fieldLimit.toLocaleString('en-US')} fields, against ${headerFields} in the header; nothing was loaded`,
                recordLine,
              );
          }
        } else {
          // only the quotes matter here: whether the line's end is inside a quoted field
          if (nextQuote >= 0 && nextQuote < start) nextQuote = chunk.indexOf(QUOTE, start);
          while (nextQuote >= 0 && nextQuote < end) {
            inQuote = !inQuote;
            nextQuote = chunk.indexOf(QUOTE, nextQuote + 1);
          }
        }
        if (nl < 0) {
          lineBytes += length;
          break;
        }
        line++;
        lineBytes = 0;
        if (!inQuote) {
          fields = 1;
          counting = false;
        }
        start = nl + 1;
      }
    }
  } finally {
    await handle.close();
  }
}
