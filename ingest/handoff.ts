/**
 * The ingest handed to a running dashboard (see lib/runningServer.ts): the request
 * both sides validate, the client that posts it, and the server side that
 * runs it and streams one JSON line per file, then one for the model build.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { z } from 'zod';
import { type EntityName, entityNames, sourceNamePattern, sourceNameRule } from '../lib/entities.ts';
import type { ServerInfo } from '../lib/runningServer.ts';
import { isTimeZone } from '../lib/timeZone.ts';
import { type BatchResult, type FileResult, type IngestOptions, type IngestSummary, ingestFiles } from './load.ts';

export const handoffRequest = z.strictObject({
  files: z.array(z.string().min(1).max(4096).refine(path.isAbsolute, 'expected an absolute path')).min(1).max(10_000),
  options: z
    .strictObject({
      source: z.string().regex(sourceNamePattern, sourceNameRule).optional(),
      timezone: z.string().refine(isTimeZone, 'expected an IANA time zone').optional(),
      entity: z.enum(entityNames as [EntityName, ...EntityName[]]).optional(),
      delimiter: z.string().length(1).optional(),
      mappingFile: z.string().refine(path.isAbsolute, 'expected an absolute path').optional(),
      profile: z
        .string()
        .regex(/^[a-z0-9_-]{1,60}$/, 'expected a profile name')
        .optional(),
      displayName: z
        .string()
        .min(1)
        .max(300)
        .regex(/^[^\p{Cc}]*$/u, 'expected a name without control characters')
        .optional(),
      pull: z
        .strictObject({
          source: z.string().regex(sourceNamePattern, sourceNameRule),
          target: z.string().regex(/^[A-Za-z0-9_.-]{1,80}$/, 'expected a table or entity name'),
          watermark: z.string().min(1).max(40),
          fetched: z.int().min(0).max(100_000_000),
          session: z.string().regex(/^[0-9a-f-]{36}$/, 'expected a pull session id'),
          full: z.boolean().optional(),
          last: z.boolean().optional(),
        })
        .optional(),
    })
    .default({}),
});
export type HandoffRequest = z.infer<typeof handoffRequest>;

type Line =
  | { kind: 'file'; file: string; summary?: IngestSummary; error?: string }
  | {
      kind: 'done';
      dataVersion: number | null;
      modelsRefreshed: boolean;
      modelSeconds: number;
      buildError: string | null;
    };

const json = (line: Line) => `${JSON.stringify(line)}\n`;

/** Folders a hand-off never reads from, whoever owns them. */
const SYSTEM = ['/proc/', '/sys/', '/dev/', '/etc/', '/boot/', '/run/'];

/**
 * Why the server will not read a path a hand-off names, or null. Only the OS
 * user who runs the server can read its token (a 0600 file), so a hand-off
 * comes from that user: the server reads only regular files that user owns,
 * outside system folders, after following links (a link to /etc/shadow is
 * refused for where it points).
 */
export function handoffPathProblem(file: string, kind: 'data' | 'mapping'): string | null {
  let real: string;
  let stat: fs.Stats;
  try {
    real = fs.realpathSync(file);
    stat = fs.statSync(real);
  } catch {
    return 'no such file';
  }
  if (!stat.isFile()) return 'not a regular file';
  if (SYSTEM.some((dir) => `${real}/`.startsWith(dir))) return 'in a system folder';
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) return 'owned by another user than the one running the server';
  const ext = path.extname(real).toLowerCase();
  const allowed = kind === 'data' ? ['.csv', '.txt', '.tsv'] : ['.yaml', '.yml'];
  if (!allowed.includes(ext)) return `not a ${allowed.join(', ')} file`;
  return null;
}

/** The request's paths the server will not read, one line each, or null when all may be read. */
export function refusedPaths(request: HandoffRequest): string | null {
  const problems = [
    ...request.files.map((f) => [f, handoffPathProblem(f, 'data')] as const),
    ...(request.options.mappingFile
      ? [[request.options.mappingFile, handoffPathProblem(request.options.mappingFile, 'mapping')] as const]
      : []),
  ].filter(([, problem]) => problem !== null);
  return problems.length === 0 ? null : problems.map(([f, p]) => `${f}: ${p}`).join('; ');
}

/** Server side: runs the ingest and streams its results as JSON lines. */
export function runHandoff(request: HandoffRequest): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    async start(controller) {
      const send = (line: Line) => controller.enqueue(encoder.encode(json(line)));
      try {
        // nothing is written beside the source files (no starter mapping): the server only reads them
        const options: IngestOptions = { ...(request.options as IngestOptions), starterMapping: false };
        const batch = await ingestFiles(request.files, options, (r) =>
          send({ kind: 'file', file: r.file, summary: r.summary, error: r.error?.message }),
        );
        send({
          kind: 'done',
          dataVersion: batch.dataVersion,
          modelsRefreshed: batch.modelsRefreshed,
          modelSeconds: batch.modelSeconds,
          buildError: batch.buildError?.message ?? null,
        });
      } catch (err) {
        send({
          kind: 'done',
          dataVersion: null,
          modelsRefreshed: false,
          modelSeconds: 0,
          buildError: (err as Error).message,
        });
      }
      controller.close();
    },
  });
}

/** The server could not be reached at all (it stopped, or the address is not a ReleaseLens server). */
export class ServerUnreachable extends Error {}

/** Client side: posts the files to the server and reports each file as its line arrives. */
export function handOff(
  server: ServerInfo,
  body: HandoffRequest,
  onFile: (result: FileResult) => void,
): Promise<BatchResult> {
  return new Promise((resolve, reject) => {
    const results: FileResult[] = [];
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: '/api/ingest',
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
      },
      (res) => {
        let buffered = '';
        let done: BatchResult | null = null;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          let nl = buffered.indexOf('\n');
          while (nl >= 0) {
            const text = buffered.slice(0, nl);
            buffered = buffered.slice(nl + 1);
            nl = buffered.indexOf('\n');
            if (res.statusCode !== 200) continue;
            const line = JSON.parse(text) as Line;
            if (line.kind === 'file') {
              const result: FileResult = {
                file: line.file,
                summary: line.summary,
                error: line.error ? new Error(line.error) : undefined,
              };
              results.push(result);
              onFile(result);
            } else {
              done = {
                results,
                dataVersion: line.dataVersion,
                modelsRefreshed: line.modelsRefreshed,
                modelSeconds: line.modelSeconds,
                buildError: line.buildError ? new Error(line.buildError) : null,
              };
            }
          }
        });
        res.on('end', () => {
          if (res.statusCode !== 200) {
            reject(new Error(`the dashboard refused the ingest (HTTP ${res.statusCode}): ${buffered.trim()}`));
          } else if (!done) {
            reject(new Error('the dashboard stopped before the ingest finished; run it again to finish the job'));
          } else resolve(done);
        });
        res.on('error', reject);
      },
    );
    req.on('error', (err) => reject(new ServerUnreachable(err.message)));
    req.end(JSON.stringify(body));
  });
}
