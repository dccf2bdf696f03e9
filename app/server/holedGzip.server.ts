/**
 * A gzip of a text with holes, compressed once and filled per response.
 *
 * A kept document is the same for every request but for its nonce, so it was
 * gzipped again for every response (half a millisecond of the server's one
 * thread per 65 KB overview). Here the text between the holes is deflated
 * once, each part ending on a byte boundary (Z_SYNC_FLUSH) and never referring
 * back past its own start; a response is those parts with the fill between
 * them as stored (uncompressed) deflate blocks, an empty final block, and the
 * gzip trailer (CRC-32 and length of the whole text). Any gzip reader reads it
 * as one ordinary member (RFC 1951 3.2.4, RFC 1952).
 */
import zlib from 'node:zlib';

/** gzip's header: magic, deflate, no flags, no time, no extra flags, OS unknown. */
const HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
/** An empty final block with fixed codes: BFINAL=1, BTYPE=01, end-of-block. */
const FINAL = Buffer.from([0x03, 0x00]);
/** A stored block holds at most this many bytes. */
const STORED_MAX = 65_535;

export interface HoledGzip {
  /** The gzip of the text with `fill` in every hole. */
  fill(fill: string): Buffer;
  /** The text with `fill` in every hole, as UTF-8 (for a client that takes no gzip). */
  plain(fill: string): Buffer;
  /** What it holds: the text's parts and their compressed form, for the cache's budget. */
  bytes: number;
}

function stored(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += STORED_MAX) {
    const chunk = bytes.subarray(at, at + STORED_MAX);
    const head = Buffer.alloc(5); // BFINAL=0, BTYPE=00 (stored), padded to the byte; LEN, NLEN
    head.writeUInt16LE(chunk.length, 1);
    head.writeUInt16LE(~chunk.length & 0xffff, 3);
    out.push(head, chunk);
  }
  return out;
}

const nativeCrc32 = 'crc32' in zlib ? (zlib.crc32 as (b: Buffer, c: number) => number) : crc32Slow;
/**
 * crc32 of `bytes` continuing from `crc`: node:zlib's where it has one (Node
 * 20.15 and 22.2 on). Node 20's answers 0 for no bytes, whatever `crc` was.
 */
const crc32 = (bytes: Buffer, crc: number) => (bytes.length === 0 ? crc : nativeCrc32(bytes, crc));

let table: Uint32Array | undefined;
/** The table-driven CRC-32 (IEEE) for a Node without zlib.crc32; exported for its test. */
export function crc32Slow(bytes: Buffer, crc: number): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = ~crc >>> 0;
  for (const b of bytes) c = (table[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return ~c >>> 0;
}

/** Compresses the text between the holes (`hole` marks them in `text`). */
export function holedGzip(text: string, hole: string): HoledGzip {
  const parts = text.split(hole).map((p) => Buffer.from(p, 'utf8'));
  const deflated = parts.map((p) => zlib.deflateRawSync(p, { level: 6, finishFlush: zlib.constants.Z_SYNC_FLUSH }));
  const plainBytes = parts.reduce((n, p) => n + p.length, 0);
  const between = (fill: Buffer) => parts.flatMap((part, i) => (i === 0 ? [part] : [fill, part]));
  return {
    bytes: plainBytes + deflated.reduce((n, d) => n + d.length, 0),
    plain: (fill) => Buffer.concat(between(Buffer.from(fill, 'utf8'))),
    fill(fill) {
      const filler = Buffer.from(fill, 'utf8');
      const holes = stored(filler);
      const chunks: Buffer[] = [HEADER];
      let crc = 0;
      parts.forEach((part, i) => {
        if (i > 0) {
          chunks.push(...holes);
          crc = crc32(filler, crc);
        }
        chunks.push(deflated[i] as Buffer);
        crc = crc32(part, crc);
      });
      const trailer = Buffer.alloc(8);
      trailer.writeUInt32LE(crc >>> 0, 0);
      trailer.writeUInt32LE((plainBytes + filler.length * (parts.length - 1)) % 2 ** 32, 4);
      chunks.push(FINAL, trailer);
      return Buffer.concat(chunks);
    },
  };
}
