/**
 * What the alert channels talk to, started inside the test: an HTTP listener
 * that takes Slack, Teams and generic webhook posts (and can fail a given
 * number of times first), and a real SMTP server (smtp-server) that keeps
 * every message it is sent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Hooks {
  url: string;
  /** The bodies posted to each path, parsed. */
  posts: Map<string, unknown[]>;
  /** Answer 500 to this many posts to a path before accepting. */
  failFirst: Map<string, number>;
  close(): Promise<void>;
}

export async function startHooks(): Promise<Hooks> {
  const posts = new Map<string, unknown[]>();
  const failFirst = new Map<string, number>();
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const failures = failFirst.get(path) ?? 0;
      if (failures > 0) {
        failFirst.set(path, failures - 1);
        res.writeHead(500, { 'content-type': 'text/plain' });
        return res.end('temporarily broken');
      }
      const list = posts.get(path) ?? [];
      list.push(JSON.parse(text));
      posts.set(path, list);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    posts,
    failFirst,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Mail {
  from: string;
  to: string[];
  raw: string;
}

export interface Smtp {
  url: string;
  mails: Mail[];
  close(): Promise<void>;
}

export async function startSmtp(): Promise<Smtp> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
