/** Kept documents: the gzip with holes reads back as the filled text; a kept page is sent only while its ETag is current. */
import zlib, { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import * as overview from '../../app/routes/_index.tsx';
import * as units from '../../app/routes/api.units.ts';
import { keepDocument, sendKept } from '../../app/server/documents.server.ts';
import { crc32Slow, holedGzip } from '../../app/server/holedGzip.server.ts';
import { ingestFile } from '../../ingest/load.ts';
import { freshDatabase, goldenInput, loadFolder, tempCsv } from '../helpers.ts';

describe('a gzip with holes', () => {
  const cases: [string, string][] = [
    ['plain <H> text <H> twice', 'abc'],
    ['<H>', 'only a hole'],
    ['ends in a hole <H>', 'x'],
    ['<H> starts with one', 'x'],
    ['no hole at all', 'unused'],
    ['multi-byte é € 😀 <H> around é', 'ñ'],
    ['<H><H> adjacent', ''],
    [`${'long '.repeat(50_000)}<H>${'tail '.repeat(1000)}`, 'n'.repeat(70_000)], // a fill past one stored block
  ];
  it.each(cases)('reads back as the filled text: %#', (text, fill) => {
    const g = holedGzip(text, '<H>');
    const filled = text.replaceAll('<H>', fill);
    expect(gunzipSync(g.fill(fill)).toString('utf8')).toBe(filled);
    expect(g.plain(fill).toString('utf8')).toBe(filled);
  });

  it('has a CRC-32 of its own for a Node without zlib.crc32, equal to zlib’s, also when continued', () => {
    const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256));
    const native = zlib.crc32 as (b: Buffer, c?: number) => number;
    expect(crc32Slow(bytes, 0)).toBe(native(bytes));
    expect(crc32Slow(bytes.subarray(2000), crc32Slow(bytes.subarray(0, 2000), 0))).toBe(native(bytes));
  });

  it('compresses the text between the holes', () => {
    const text = `<p>${'row of a table '.repeat(4000)}</p><script nonce="<H>"></script>`.repeat(3);
    const zipped = holedGzip(text, '<H>').fill('a'.repeat(24));
    expect(zipped.length).toBeLessThan(text.length / 20);
    expect(zlib.gunzipSync(zipped).length).toBe(Buffer.byteLength(text.replaceAll('<H>', 'a'.repeat(24))));
  });
});

describe('a kept document', () => {
  const search = '?from=2025-03-01&to=2025-04-01&as_of=2025-04-15T00:00:00Z';
  const html = (nonce: string) => `<html><script nonce="${nonce}">1</script><script nonce="${nonce}">2</script></html>`;
  let etag = '';

  beforeAll(async () => {
    freshDatabase();
    await loadFolder(goldenInput);
    const get = async () =>
      (await overview.loader({
        request: new Request(`http://localhost/${search}`),
        params: {},
        context: {},
      } as never)) as unknown as { init: { headers: Record<string, string> } };
    await get(); // the first read after a load may write (the models made current), which moves the writer count
    const res = await get();
    etag = new Headers(res.init.headers).get('ETag') ?? '';
    expect(etag).not.toBe('');
    keepDocument(etag, `/${search}`, 'N0NCE', html('N0NCE'), new Headers({ ETag: etag, 'Content-Type': 'text/html' }));
  });

  it('is sent with a new nonce in every place and its policy, gzipped when asked, while its ETag is current', () => {
    const a = sendKept(`/${search}`, undefined, 'gzip, br');
    const b = sendKept(`/${search}`, undefined, undefined);
    expect(a?.status).toBe(200);
    expect(a?.headers['content-encoding']).toBe('gzip');
    const nonce = /'nonce-([^']+)'/.exec(a?.headers['content-security-policy'] ?? '')?.[1] ?? '';
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(gunzipSync(a?.body as Buffer).toString()).toBe(html(nonce));
    expect(b?.headers['content-encoding']).toBeUndefined();
    expect(b?.body?.toString()).not.toContain(nonce);
    expect(b?.headers.etag).toBe(etag);
    const notModified = sendKept(`/${search}`, etag, 'gzip');
    expect(notModified).toMatchObject({ status: 304, body: null });
    // the browser merges a 304's headers into its kept copy: a new nonce there would refuse that copy's scripts
    expect(notModified?.headers['content-security-policy']).toBeUndefined();
    expect(sendKept(`/releases${search}`, undefined, 'gzip')).toBeNull();
  });

  it('is left to Remix once anything was written (the ETag may have moved)', async () => {
    const file = tempCsv(
      'incidents.csv',
      'incident_id,opened_at,priority,service\nKEPT-1,2025-03-20T10:00:00Z,2,payments\n',
    );
    await ingestFile(file);
    expect(sendKept(`/${search}`, undefined, 'gzip')).toBeNull();
  });
});

describe('a kept resource body', () => {
  const search = '?from=2025-03-01&to=2025-04-01&as_of=2025-04-15T00:00:00Z&limit=2';
  const url = `/api/units${search}`;
  let remix: Response;

  beforeAll(async () => {
    freshDatabase();
    await loadFolder(goldenInput);
    const get = () =>
      units.loader({
        request: new Request(`http://localhost${url}`, { headers: { 'Accept-Encoding': 'gzip' } }),
        params: {},
        context: {},
      } as never) as Promise<Response>;
    await get(); // the first read after a load may write (the models made current), which moves the writer count
    remix = await get();
    expect(remix.status).toBe(200);
  });

  it('is sent before Remix as Remix sent it: same bytes, ETag, type and policy, while its ETag is current', async () => {
    const kept = sendKept(url, undefined, 'gzip');
    expect(kept?.status).toBe(200);
    const body = Buffer.from(await remix.arrayBuffer());
    expect(kept?.body?.equals(body)).toBe(true);
    const encoding = remix.headers.get('Content-Encoding');
    const text = (encoding === 'gzip' ? gunzipSync(body) : body).toString();
    expect(JSON.parse(text).units).toHaveLength(2);
    expect(kept?.headers['content-encoding']).toBe(encoding ?? undefined);
    for (const name of ['etag', 'content-type', 'content-security-policy', 'cache-control', 'x-content-type-options'])
      expect(kept?.headers[name], name).toBe(remix.headers.get(name));
    expect(kept?.headers['content-security-policy']).toContain("default-src 'none'");
    expect(sendKept(url, remix.headers.get('ETag') ?? '', 'gzip')).toMatchObject({ status: 304, body: null });
    expect(sendKept(`/api/units${search}&offset=2`, undefined, 'gzip')).toBeNull();
  });

  it('is left to Remix once anything was written', async () => {
    await ingestFile(
      tempCsv('incidents.csv', 'incident_id,opened_at,priority,service\nKEPT-2,2025-03-20T10:00:00Z,2,payments\n'),
    );
    expect(sendKept(url, undefined, 'gzip')).toBeNull();
  });
});
