/**
 * The audit trail: who uploaded, handed off, rebuilt or created a token,
 * when, and what it changed. One JSON line per event in `<db>.audit.jsonl`
 * (0600, beside the database: the dashboard and the commands both append,
 * and a rebuild of the database keeps it). Bounded: past 5 MB the file is
 * moved to `.1` (one older file kept) and a new one begins.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ownerOnly } from '../private.ts';

export interface AuditEvent {
  at: string;
  /** Who: a user's name, `token:NAME`, `cli:USER` or `local`. */
  actor: string;
  action: 'upload' | 'handoff' | 'rebuild' | 'token-create' | 'token-revoke' | 'sign-in';
  /** What it changed, in words ("incidents.csv: 12 loaded, 1 rejected"). */
  detail: string;
}

export const MAX_AUDIT_BYTES = 5 * 1024 * 1024;

export const auditPath = (databaseFile: string) => `${path.resolve(databaseFile)}.audit.jsonl`;

export function audit(databaseFile: string, event: Omit<AuditEvent, 'at'>): void {
  ownerOnly();
  const file = auditPath(databaseFile);
  try {
    if (fs.statSync(file).size > MAX_AUDIT_BYTES) fs.renameSync(file, `${file}.1`);
  } catch {
    // no file yet
  }
  const line = JSON.stringify({ at: new Date().toISOString(), ...event, detail: event.detail.slice(0, 2000) });
  fs.appendFileSync(file, `${line}\n`, { mode: 0o600 });
}

/** The newest events first, at most `limit`. */
export function readAudit(databaseFile: string, limit = 50): AuditEvent[] {
  let text: string;
  try {
    text = fs.readFileSync(auditPath(databaseFile), 'utf8');
  } catch {
    return [];
  }
  const events: AuditEvent[] = [];
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0 && events.length < limit; i--) {
    const line = lines[i]?.trim();
    if (!line) continue;
    try {
      events.push(JSON.parse(line) as AuditEvent);
    } catch {
      // a torn line
    }
  }
  return events;
}
