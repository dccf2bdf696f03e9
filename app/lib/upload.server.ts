/**
 * CSV uploads on the Data page: refused unless RELEASELENS_ADMIN_TOKEN is set
 * and given; limited in size (RELEASELENS_UPLOAD_MAX_BYTES) and to .csv files.
 * Each file runs through the same ingest as the command line.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type NodeOnDiskFile,
  unstable_composeUploadHandlers,
  unstable_createFileUploadHandler,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from '@remix-run/node';
import { type IngestSummary, ingestFile } from '../../ingest/load.ts';
import { config } from '../../lib/config.ts';
import { sourceNamePattern, sourceNameRule } from '../../lib/entities.ts';
import { sameSecret } from '../../lib/handoff.ts';

export type UploadResult =
  | { ok: true; summaries: IngestSummary[]; failures: { file: string; error: string }[] }
  | { ok: false; status: number; error: string };

const originalName = (diskName: string) => diskName.replace(/^[0-9a-f-]{36}-/, '');

export const uploadsEnabled = () => Boolean(config().RELEASELENS_ADMIN_TOKEN);

export async function handleUpload(request: Request): Promise<UploadResult> {
  const expected = config().RELEASELENS_ADMIN_TOKEN;
  if (!expected) {
    return {
      ok: false,
      status: 403,
      error: 'Uploads are disabled: set RELEASELENS_ADMIN_TOKEN (8 characters or more) on the server to enable them.',
    };
  }
  const length = Number(request.headers.get('content-length') ?? 0);
  const max = config().RELEASELENS_UPLOAD_MAX_BYTES;
  if (length > max * 5)
    return { ok: false, status: 413, error: `The upload is larger than allowed (${max} bytes per file).` };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-upload-'));
  try {
    let form: FormData;
    try {
      form = await unstable_parseMultipartFormData(
        request,
        unstable_composeUploadHandlers(
          unstable_createFileUploadHandler({
            directory: dir,
            maxPartSize: max,
            avoidFileConflicts: true,
            // a unique prefix on disk; originalName() takes it off again for messages
            file: ({ filename }) => `${crypto.randomUUID()}-${path.basename(filename).replace(/[^\w.-]/g, '_')}`,
          }),
          unstable_createMemoryUploadHandler({ maxPartSize: 10_000 }),
        ),
      );
    } catch (err) {
      const tooBig = /exceeded|too large|max/i.test((err as Error).message);
      return {
        ok: false,
        status: tooBig ? 413 : 400,
        error: tooBig
          ? `A file is larger than the limit of ${max} bytes.`
          : `The upload could not be read: ${(err as Error).message}`,
      };
    }
    const token = String(form.get('token') ?? '');
    if (!token) return { ok: false, status: 401, error: 'Give the admin token to upload; nothing was loaded.' };
    if (!sameSecret(token, expected))
      return { ok: false, status: 403, error: 'The admin token is wrong; nothing was loaded.' };
    const source = String(form.get('source') || 'csv');
    if (!sourceNamePattern.test(source)) return { ok: false, status: 400, error: sourceNameRule };
    const files = form
      .getAll('files')
      .filter((f) => typeof f === 'object' && f !== null && 'getFilePath' in f) as unknown as NodeOnDiskFile[];
    if (files.length === 0) return { ok: false, status: 400, error: 'Choose one or more .csv files to upload.' };
    const wrongType = files.find((f) => !f.name.toLowerCase().endsWith('.csv'));
    if (wrongType)
      return {
        ok: false,
        status: 415,
        error: `${originalName(wrongType.name)}: only .csv files can be uploaded; nothing was loaded.`,
      };
    const summaries: IngestSummary[] = [];
    const failures: { file: string; error: string }[] = [];
    for (const f of files) {
      try {
        const summary = await ingestFile(f.getFilePath(), {
          source,
          displayName: originalName(f.name),
          starterMapping: false,
        });
        // further entities of the same export (a JSM change export's satisfaction ratings) are runs of their own
        summaries.push(summary, ...summary.also);
      } catch (err) {
        // never a server path in a message: the temporary file is named as the user named it
        const message = (err as Error).message.replaceAll(f.getFilePath(), originalName(f.name)).replaceAll(dir, '');
        failures.push({ file: originalName(f.name), error: message });
      }
    }
    return { ok: true, summaries, failures };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
