/**
 * CSV uploads on the Data page. Who may upload is decided before one byte of
 * a file is written: with sign-in, the uploader role (checked by the access
 * gate before the body is read, and here again); in single-user local mode,
 * the admin token (RELEASELENS_ADMIN_TOKEN), which the form sends before its
 * files, so a file part that comes without a valid token ends the upload.
 * Sizes are counted while streaming (chunked bodies too): a file past
 * RELEASELENS_UPLOAD_MAX_BYTES stops the upload. The temporary folder is
 * removed on every path. Each file runs through the same ingest as the
 * command line.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type UploadHandler, unstable_parseMultipartFormData } from '@remix-run/node';
import { type IngestSummary, ingestFile } from '../../ingest/load.ts';
import { audit } from '../../lib/access/audit.ts';
import { allows } from '../../lib/access/roles.ts';
import { config } from '../../lib/config.ts';
import { databasePath } from '../../lib/db.ts';
import { sourceNamePattern, sourceNameRule } from '../../lib/entities.ts';
import { sameSecret } from '../../lib/runningServer.ts';
import type { Principal } from './access.server.ts';

export type UploadResult =
  | { ok: true; summaries: IngestSummary[]; failures: { file: string; error: string }[] }
  | { ok: false; status: number; error: string };

/** At most this many files in one upload, and this many bytes in a form field. */
const MAX_FILES = 20;
const MAX_FIELD_BYTES = 10_000;

/** Local mode without sign-in: uploads need the admin token; with sign-in, the role decides. */
export const uploadsEnabled = (principal?: Principal) =>
  principal && principal.via !== 'local'
    ? allows(principal.role, 'uploader')
    : Boolean(config().RELEASELENS_ADMIN_TOKEN);

/** Ends the upload with this status and message. */
class Refused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function fieldText(data: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of data) {
    bytes += chunk.byteLength;
    if (bytes > MAX_FIELD_BYTES) throw new Refused(413, 'A form field is larger than allowed.');
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function handleUpload(request: Request, principal?: Principal): Promise<UploadResult> {
  const expected = config().RELEASELENS_ADMIN_TOKEN;
  const signedIn = principal !== undefined && principal.via !== 'local';
  if (signedIn && !allows(principal.role, 'uploader'))
    return {
      ok: false,
      status: 403,
      error: `${principal.name} is a ${principal.role ?? 'guest'}; uploads need the uploader role.`,
    };
  if (!signedIn && !expected) {
    return {
      ok: false,
      status: 403,
      error:
        'Uploads are disabled: set RELEASELENS_ADMIN_TOKEN (24 characters or more) on the server, or configure sign-in with roles.',
    };
  }
  const max = config().RELEASELENS_UPLOAD_MAX_BYTES;
  const length = Number(request.headers.get('content-length') ?? 0);
  if (length > max * MAX_FILES)
    return { ok: false, status: 413, error: `The upload is larger than allowed (${max} bytes per file).` };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-upload-'));
  const saved: { file: string; name: string }[] = [];
  let token = '';
  const authorised = () => signedIn || (token !== '' && sameSecret(token, expected as string));
  /**
   * The first refusal. Once refused, what the client still sends is read and
   * dropped, never written, so a browser gets the message instead of a reset
   * connection; past twice the file limit the upload is cut off.
   */
  let refused: Refused | null = null;
  let discarded = 0;
  const discard = async (data: AsyncIterable<Uint8Array>) => {
    for await (const chunk of data) {
      discarded += chunk.byteLength;
      if (discarded > max * 2) throw refused;
    }
    return null;
  };
  const handler: UploadHandler = async ({ name, filename, data }) => {
    if (refused) return discard(data);
    if (filename === undefined) {
      const value = await fieldText(data);
      if (name === 'token') token = value;
      return value;
    }
    // a file: nothing is written unless the sender may upload
    const shown = path.basename(filename) || 'upload.csv';
    if (!authorised())
      refused =
        token === ''
          ? new Refused(401, 'Give the admin token to upload; nothing was loaded.')
          : new Refused(403, 'The admin token is wrong; nothing was loaded.');
    else if (name !== 'files') refused = new Refused(400, `Unexpected file field '${name}'; nothing was loaded.`);
    else if (!shown.toLowerCase().endsWith('.csv'))
      refused = new Refused(415, `${shown}: only .csv files can be uploaded; nothing was loaded.`);
    else if (saved.length >= MAX_FILES)
      refused = new Refused(413, `At most ${MAX_FILES} files per upload; nothing was loaded.`);
    if (refused) return discard(data);
    const file = path.join(dir, `${crypto.randomUUID()}-${shown.replace(/[^\w.-]/g, '_')}`);
    const out = fs.createWriteStream(file, { flags: 'wx', mode: 0o600 });
    let bytes = 0;
    try {
      for await (const chunk of data) {
        bytes += chunk.byteLength;
        if (bytes > max) {
          refused = new Refused(413, `${shown} is larger than the limit of ${max} bytes; nothing was loaded.`);
          break;
        }
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
    } finally {
      await new Promise<void>((resolve) => out.end(() => resolve()));
    }
    if (refused) {
      fs.rmSync(file, { force: true });
      return discard(data);
    }
    saved.push({ file, name: shown });
    return shown;
  };
  try {
    let form: FormData;
    try {
      form = await unstable_parseMultipartFormData(request, handler);
    } catch (err) {
      if (err instanceof Refused) return { ok: false, status: err.status, error: err.message };
      const r = refused as Refused | null; // set inside the handler
      if (r) return { ok: false, status: r.status, error: r.message };
      return { ok: false, status: 400, error: `The upload could not be read: ${(err as Error).message}` };
    }
    const r = refused as Refused | null; // set inside the handler
    if (r) return { ok: false, status: r.status, error: r.message };
    if (!authorised()) return { ok: false, status: 401, error: 'Give the admin token to upload; nothing was loaded.' };
    const source = String(form.get('source') || 'csv');
    if (!sourceNamePattern.test(source)) return { ok: false, status: 400, error: sourceNameRule };
    if (saved.length === 0) return { ok: false, status: 400, error: 'Choose one or more .csv files to upload.' };
    const summaries: IngestSummary[] = [];
    const failures: { file: string; error: string }[] = [];
    for (const f of saved) {
      try {
        const summary = await ingestFile(f.file, { source, displayName: f.name, starterMapping: false });
        // further entities of the same export (a JSM change export's satisfaction ratings) are runs of their own
        summaries.push(summary, ...summary.also);
      } catch (err) {
        // never a server path in a message: the temporary file is named as the user named it
        const message = (err as Error).message.replaceAll(f.file, f.name).replaceAll(dir, '');
        failures.push({ file: f.name, error: message });
      }
    }
    audit(databasePath(), {
      actor: principal && principal.via !== 'local' ? principal.name : 'local (admin token)',
      action: 'upload',
      detail: [
        ...summaries.map((s) => `${s.file}: ${s.rowsLoaded} ${s.entity} loaded, ${s.rowsRejected} rejected`),
        ...failures.map((f) => `${f.file}: not loaded (${f.error.split('\n')[0]})`),
      ].join('; '),
    });
    return { ok: true, summaries, failures };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
