// How big one answer may get, where its size is not already bounded by a page size: a job's
// own fields can hold anything (BullMQ stores data and return values as given), so the
// inspector's answer cuts them and says so; the rest is read in chunks (getJobField).

/** The job hash fields the inspector shows, as BullMQ names them. */
export const JOB_FIELDS = ['data', 'opts', 'returnvalue', 'stacktrace'] as const;
/** The fields getJobField reads: those, and the texts a node carries cut (MAX_NODE_TEXT_BYTES). */
export const READABLE_JOB_FIELDS = [...JOB_FIELDS, 'failedReason', 'name'] as const;
export type JobField = (typeof READABLE_JOB_FIELDS)[number];

/** A job field longer than this (in bytes) is answered cut, with a JobFieldCut saying so. */
export const MAX_JOB_FIELD_BYTES = 256 * 1024;
/** A log line longer than this (in bytes) is answered cut (with LOG_LINE_CUT_MARK at its end). */
export const MAX_LOG_LINE_BYTES = 16 * 1024;
export const LOG_LINE_CUT_MARK = ' … [cut]';
/**
 * A job's name or failedReason longer than this (bytes) is cut in every node of a tree, page or
 * patch (ending in TEXT_CUT_MARK): a node's weight is bounded, so a tree's is by its node count.
 * getJobField reads the whole text.
 */
export const MAX_NODE_TEXT_BYTES = 4 * 1024;
// A test seam: exported for test/integration/reliability/host-answer-bounds.test.ts.
export const TEXT_CUT_MARK = ' … [cut]';

/** `text` when it is at most `maxBytes` of UTF-8, else its start cut between characters, with TEXT_CUT_MARK. */
export function cutText(text: string | null, maxBytes = MAX_NODE_TEXT_BYTES): string | null {
  // A UTF-16 unit is at most 3 bytes of UTF-8: short texts need no encoding.
  if (text === null || text.length * 3 <= maxBytes) return text;
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return new TextDecoder().decode(bytes.subarray(0, end)) + TEXT_CUT_MARK;
}
/** An audit entry answered by listAudit lists at most this many changed keys (changedTotal has the count). */
export const MAX_AUDIT_CHANGED_KEYS = 1000;
/** A listAudit answer stops adding entries at about this many bytes (the newest entry always comes). */
export const MAX_AUDIT_ANSWER_BYTES = 4 * 1024 * 1024;
/** Most bytes one getJobField answer carries. */
export const MAX_FIELD_CHUNK_BYTES = 1024 * 1024;

/** A field answered cut: its first `shown` bytes of `size`; getJobField reads on from `shown`. */
export interface JobFieldCut {
  field: JobField;
  size: number;
  shown: number;
}

/** A part of one job field (getJobField): bytes [offset, next) of `size`; `next` is null at its end. */
export interface JobFieldChunk {
  key: string;
  field: JobField;
  offset: number;
  text: string;
  next: number | null;
  size: number;
}
