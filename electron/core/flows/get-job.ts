// One job in full, for the inspector: its node (exact state and bucket, as in a tree), its
// data, options, return value, stack trace and log lines. Bad JSON is shown as text with a
// note; a missing job is NOT_FOUND. The answer is bounded whatever the job holds: a field over
// MAX_JOB_FIELD_BYTES comes cut at a character boundary (as text, listed in `cut`; getJobField
// reads the rest in chunks) and log lines over MAX_LOG_LINE_BYTES are cut inside Redis
// (log-tail.lua). A big field is read by a plain HGET (a 20 MB one: ~10 ms of Redis; inside a
// script it took ~50 ms) and only its cut goes on; the last big field read is kept a few seconds
// (one, whatever its size) so reading it chunk by chunk does not fetch it again each time.
import type { RedisClient } from '../connection/redis-client';
import type { JobDetail } from '../../../shared/domain';
import {
  JOB_FIELDS,
  LOG_LINE_CUT_MARK,
  MAX_FIELD_CHUNK_BYTES,
  MAX_JOB_FIELD_BYTES,
  MAX_LOG_LINE_BYTES,
  type JobField,
  type JobFieldChunk,
  type JobFieldCut,
} from '../../../shared/answer-limits';
import { FlowscopeError } from '../../../shared/errors';
import { luaScript, RoundTrips } from '../lua/round-trips';
import { jobKeyPartsOf } from '../../../shared/job-keys';
import { loadTree } from '../tree';
import jobFieldsLua from './job-fields.lua?raw';
import logTailLua from './log-tail.lua?raw';
import utf8CutLua from './utf8-cut.lua?raw';

const JOB_FIELDS_SCRIPT = luaScript('job-fields', jobFieldsLua);
const LOG_TAIL_SCRIPT = luaScript('log-tail', utf8CutLua, logTailLua);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJson(text: string | null | undefined): { value: unknown; error?: string } {
  if (text === null || text === undefined) return { value: null };
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { value: text, error: 'not valid JSON; shown as text' };
  }
}

interface FieldRead {
  type: string;
  /** Each field's length in bytes and its text (null when absent or over the limit). */
  fields: Map<JobField, { size: number; text: string | null }>;
}

function decodeFields(reply: unknown, fields: readonly JobField[]): FieldRead {
  const r = Array.isArray(reply) ? (reply as unknown[]) : [];
  const type = String(r[0] ?? 'none');
  const read = new Map<JobField, { size: number; text: string | null }>();
  fields.forEach((field, i) => {
    const text = r[2 + 2 * i];
    read.set(field, { size: Number(r[1 + 2 * i] ?? 0), text: typeof text === 'string' ? text : null });
  });
  return { type, fields: read };
}

/** Where bytes [start, end) of UTF-8 text should end so no character is split: `end`, or a little before it. */
export function utf8End(bytes: Buffer, start: number, end: number): number {
  let e = Math.min(end, bytes.length);
  while (e > start && e < bytes.length && (bytes[e]! & 0xc0) === 0x80) e--;
  return e;
}

const BIG_FIELD_KEEP_MS = 10_000;
/** The last big field read, for the chunks that follow (checked against its length). */
let lastBig: { key: string; field: JobField; bytes: Buffer; at: number } | undefined;

/** A big field's bytes: the one kept when it is the same field of the same length, else one HGET. */
async function bigField(redis: RedisClient, key: string, field: JobField, size: number): Promise<Buffer | null> {
  const kept = lastBig;
  if (kept && kept.key === key && kept.field === field && kept.bytes.length === size && Date.now() - kept.at < BIG_FIELD_KEEP_MS) {
    return kept.bytes;
  }
  const bytes = await redis.hgetBuffer(key, field);
  lastBig = bytes ? { key, field, bytes, at: Date.now() } : undefined;
  return bytes;
}

/** Bytes from `offset`, at most `length`, of a field over the limit, as text cut at a character boundary. */
async function readBig(redis: RedisClient, key: string, field: JobField, size: number, offset: number, length: number): Promise<{ text: string; end: number } | null> {
  const bytes = await bigField(redis, key, field, size);
  if (!bytes) return null;
  const start = Math.min(offset, bytes.length);
  const end = utf8End(bytes, start, start + length);
  return { text: bytes.toString('utf8', start, end), end };
}

export async function getJob(redis: RedisClient, prefix: string, key: string, logLines = 100): Promise<JobDetail> {
  const { queue, id } = jobKeyPartsOf(key, prefix);
  const trips = new RoundTrips(redis);
  const [tree, replies] = await Promise.all([
    loadTree(redis, prefix, queue, id, { depth: 0 }),
    trips.run([
      { script: JOB_FIELDS_SCRIPT, keys: [key], args: [MAX_JOB_FIELD_BYTES, ...JOB_FIELDS] },
      { script: LOG_TAIL_SCRIPT, keys: [`${key}:logs`], args: [Math.max(logLines, 0), MAX_LOG_LINE_BYTES, LOG_LINE_CUT_MARK] },
    ]),
  ]);
  const node = tree.nodes[0];
  const { type, fields } = decodeFields(replies[0], JOB_FIELDS);
  if (!node || type === 'none') throw new FlowscopeError('NOT_FOUND', `No job ${key}`);
  if (type !== 'hash') throw new FlowscopeError('NOT_FOUND', `${key} is a ${type}, not a job hash`);

  // Fields over the limit: their start, read apart (one HGET each).
  const cut: JobFieldCut[] = [];
  const starts = new Map<JobField, string>();
  for (const field of JOB_FIELDS) {
    const f = fields.get(field)!;
    if (f.size <= MAX_JOB_FIELD_BYTES) continue;
    const start = await readBig(redis, key, field, f.size, 0, MAX_JOB_FIELD_BYTES);
    if (!start) continue;
    starts.set(field, start.text);
    cut.push({ field, size: f.size, shown: start.end });
  }
  const text = (field: JobField): { text: string | null; whole: boolean } => {
    const start = starts.get(field);
    return start !== undefined ? { text: start, whole: false } : { text: fields.get(field)!.text, whole: true };
  };
  const note = (size: number) => `over ${MAX_JOB_FIELD_BYTES} bytes (${size}): its start is shown as text; getJobField reads the rest`;

  const data = text('data');
  const parsedData = data.whole ? parseJson(data.text) : { value: data.text, error: note(fields.get('data')!.size) };
  const opts = text('opts');
  const parsedOpts = opts.whole ? parseJson(opts.text) : { value: null };
  const returned = text('returnvalue');
  const stack = text('stacktrace');
  const parsedStack = stack.whole ? parseJson(stack.text) : { value: [stack.text] };
  const [logTotal, lines] = (replies[1] as [number, string[]] | undefined) ?? [0, []];
  return {
    node,
    data: parsedData.value,
    ...(parsedData.error ? { dataError: parsedData.error } : {}),
    opts: isRecord(parsedOpts.value) ? parsedOpts.value : null,
    returnValue: returned.whole ? parseJson(returned.text).value : returned.text,
    stacktrace: Array.isArray(parsedStack.value) ? parsedStack.value.map(String) : [],
    logs: { total: Number(logTotal), lines: logLines > 0 ? lines : [] },
    rootKey: tree.ancestors[0] ?? key,
    ...(cut.length > 0 ? { cut } : {}),
  };
}

/** Bytes [offset, offset + length) of one job field (cut back to a character boundary), for a field getJob answered cut. */
export async function getJobField(redis: RedisClient, key: string, field: JobField, offset: number, length = MAX_FIELD_CHUNK_BYTES): Promise<JobFieldChunk> {
  const [reply] = await new RoundTrips(redis).run([{ script: JOB_FIELDS_SCRIPT, keys: [key], args: [MAX_JOB_FIELD_BYTES, field] }]);
  const { type, fields } = decodeFields(reply, [field]);
  if (type === 'none') throw new FlowscopeError('NOT_FOUND', `No job ${key}`);
  if (type !== 'hash') throw new FlowscopeError('NOT_FOUND', `${key} is a ${type}, not a job hash`);
  const f = fields.get(field)!;
  const want = Math.min(length, MAX_FIELD_CHUNK_BYTES);
  let part: { text: string; end: number } | null;
  if (f.text !== null) {
    const bytes = Buffer.from(f.text);
    const start = Math.min(offset, bytes.length);
    const end = utf8End(bytes, start, start + want);
    part = { text: bytes.toString('utf8', start, end), end };
  } else {
    part = f.size > 0 ? await readBig(redis, key, field, f.size, offset, want) : null;
  }
  if (!part) throw new FlowscopeError('NOT_FOUND', `Job ${key} has no ${field}`);
  return { key, field, offset, text: part.text, next: part.end < f.size ? part.end : null, size: f.size };
}
