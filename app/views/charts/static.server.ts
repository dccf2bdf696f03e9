/**
 * A chart builder's output as SVG/HTML text, made on the server with jsdom's
 * document (the builders are pure: data and options in, an element out), for
 * documents that must carry their charts inline, such as the report.
 *
 * jsdom has no canvas, and Plot paints a continuous colour legend on a
 * 256 x 1 canvas that it then embeds as a PNG. The canvas here records the
 * colour of each pixel and encodes that row as a real PNG, so the legend in
 * the report is the one the dashboard draws.
 */
import zlib from 'node:zlib';
import { color } from 'd3';
import { JSDOM } from 'jsdom';
import { accessibleChart } from './accessible.ts';

let dom: JSDOM | undefined;

export function staticChart<D, O>(build: (data: D, options: O) => Element, data: D, options: O): string {
  dom ??= pixelRowCanvas(new JSDOM('<!doctype html><html><body></body></html>'));
  const node = build(data, { ...options, document: dom.window.document });
  accessibleChart(node);
  return node.outerHTML;
}

/** Gives the window's canvases a 2D context that fills single pixels of one row, and a PNG of that row. */
function pixelRowCanvas(d: JSDOM): JSDOM {
  const pixels = new WeakMap<object, string[]>();
  const proto = d.window.HTMLCanvasElement.prototype;
  proto.getContext = function getContext(this: HTMLCanvasElement) {
    const row: string[] = [];
    pixels.set(this, row);
    const context = {
      fillStyle: '#000',
      fillRect(x: number) {
        row[x] = context.fillStyle;
      },
    };
    return context as never;
  } as never;
  proto.toDataURL = function toDataURL(this: HTMLCanvasElement) {
    const row = pixels.get(this) ?? [];
    return `data:image/png;base64,${pngRow(row).toString('base64')}`;
  };
  return d;
}

/** A 1-pixel-high RGB PNG of these CSS colours. */
export function pngRow(colours: string[]): Buffer {
  const width = Math.max(1, colours.length);
  const raw = Buffer.alloc(1 + width * 3); // filter byte 0, then RGB
  for (let i = 0; i < width; i++) {
    const c = color(colours[i] ?? '#000')?.rgb() ?? { r: 0, g: 0, b: 0 };
    raw.set([Math.round(c.r), Math.round(c.g), Math.round(c.b)], 1 + i * 3);
  }
  const chunk = (type: string, body: Buffer) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length);
    const typed = Buffer.concat([Buffer.from(type, 'ascii'), body]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(typed) >>> 0);
    return Buffer.concat([head, typed, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(1, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
