// The local audit log of actions (docs/SPEC.md §6): one JSON object per line, appended, never rewritten.
// The dispatcher appends one entry after each action run (ok, refused or error). Connection
// targets and messages are stored without secrets. Reading takes the newest entries from the
// end of the file, so a long log costs only what is asked for.
import { appendFile, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { redactRedisUrl } from '../../../shared/redis-url';
import { MAX_AUDIT_ANSWER_BYTES, MAX_AUDIT_CHANGED_KEYS } from '../../../shared/answer-limits';

export type { AuditEntry, AuditOutcome } from '../../../shared/actions';
import type { AuditEntry } from '../../../shared/actions';

export type AuditInput = Omit<AuditEntry, 'time'> & { time?: string };

// `scheme://user:secret@` and `password=secret` anywhere in a string.
const CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@]+@/gi;
const QUERY_PASSWORD = /([?&]password=)[^\s&#]+/gi;

function scrub(text: string): string {
  return text.replace(CREDENTIALS, '$1***@').replace(QUERY_PASSWORD, '$1***');
}

/** Every URL in the label (e.g. `sandbox redis://127.0.0.1:PORT`) redacted the one way URLs are. */
function cleanConnection(connection: string): string {
  return scrub(connection.replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, (url) => {
    const shown = redactRedisUrl(url);
    return shown === '<invalid url>' ? scrub(url) : shown;
  }));
}

export async function appendAudit(file: string, input: AuditInput): Promise<AuditEntry> {
  const entry: AuditEntry = {
    time: input.time ?? new Date().toISOString(),
    connection: cleanConnection(input.connection),
    action: input.action,
    parent: input.parent,
    ...(input.rootKey !== undefined ? { rootKey: input.rootKey } : {}),
    changed: [...input.changed],
    outcome: input.outcome,
    ...(input.message !== undefined ? { message: scrub(input.message) } : {}),
  };
  await mkdir(dirname(file), { recursive: true });
  // One write per entry with O_APPEND: concurrent writers never interleave inside a line.
  await appendFile(file, `${JSON.stringify(entry)}\n`, { encoding: 'utf8', flag: 'a' });
  return entry;
}

function isEntry(value: unknown): value is AuditEntry {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.time === 'string' &&
    typeof v.action === 'string' &&
    Array.isArray(v.changed) &&
    typeof v.outcome === 'string' &&
    (v.rootKey === undefined || typeof v.rootKey === 'string')
  );
}

const CHUNK = 64 * 1024;

/** An entry as answered: at most `maxChanged` of its changed keys, with the full count when cut. */
function bounded(entry: AuditEntry, maxChanged: number): AuditEntry {
  if (entry.changed.length <= maxChanged) return entry;
  return { ...entry, changed: entry.changed.slice(0, maxChanged), changedTotal: entry.changed.length };
}

/**
 * Every entry of the log, newest first, read from the end in chunks: stopping early costs only
 * what was read. Lines that are not entries (torn or foreign) are skipped. `bytesRead` says how
 * far back the walk has come, for callers that bound a search by bytes.
 */
export async function* auditEntriesNewestFirst(file: string): AsyncGenerator<{ entry: AuditEntry; line: string; bytesRead: number }> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    let position = size;
    let tail = Buffer.alloc(0);
    while (position > 0) {
      const length = Math.min(CHUNK, position);
      position -= length;
      const chunk = Buffer.alloc(length);
      await handle.read(chunk, 0, length, position);
      tail = Buffer.concat([chunk, tail]);
      // Whole lines only: the first line of the buffer may continue in the previous chunk.
      let end = tail.length;
      for (let i = tail.length - 1; i >= 0; i--) {
        if (tail[i] !== 0x0a && !(i === 0 && position === 0)) continue;
        const start = tail[i] === 0x0a ? i + 1 : 0;
        const line = tail.subarray(start, end).toString('utf8').trim();
        end = i;
        if (!line) continue;
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          continue; // A torn or foreign line: skip it, keep the rest of the log readable.
        }
        if (isEntry(parsed)) yield { entry: parsed, line, bytesRead: size - position - start };
      }
      tail = tail.subarray(0, end);
    }
  } finally {
    await handle.close();
  }
}

/**
 * The newest entries, newest first (all of them without a limit), or only those `match` keeps.
 * The answer is bounded: each entry lists at most `maxChanged` changed keys (with
 * `changedTotal`; `match` sees them all), and entries stop once their lines add up to
 * `maxBytes` (the newest one always comes), so a log of actions on 20,000 children each is not
 * read out whole.
 */
export async function readAudit(
  file: string,
  opts: { limit?: number; maxChanged?: number; maxBytes?: number; match?: (entry: AuditEntry) => boolean } = {},
): Promise<AuditEntry[]> {
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  const maxChanged = opts.maxChanged ?? MAX_AUDIT_CHANGED_KEYS;
  const maxBytes = opts.maxBytes ?? MAX_AUDIT_ANSWER_BYTES;
  const out: AuditEntry[] = [];
  if (limit <= 0) return out;
  let bytes = 0;
  for await (const { entry: parsed, line } of auditEntriesNewestFirst(file)) {
    if (opts.match && !opts.match(parsed)) continue;
    const entry = bounded(parsed, maxChanged);
    const size = entry === parsed ? line.length : JSON.stringify(entry).length;
    if (out.length > 0 && bytes + size > maxBytes) break;
    bytes += size;
    out.push(entry);
    if (out.length >= limit) break;
  }
  return out;
}
