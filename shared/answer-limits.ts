// How big one answer may get, where its size is not already bounded by a page size: a job's
// own fields can hold anything (BullMQ stores data and return values as given), so the
// inspector's answer cuts them and says so; the rest is read in chunks (getJobField).

/** The job hash fields the inspector shows, as BullMQ names them. */
export const JOB_FIELDS = ['data', 'opts', 'returnvalue', 'stacktrace'] as const;
export type JobField = (typeof JOB_FIELDS)[number];

/** A job field longer than this (in bytes) is answered cut, with a JobFieldCut saying so. */
export const MAX_JOB_FIELD_BYTES = 256 * 1024;
/** A log line longer than this (in bytes) is answered cut (with LOG_LINE_CUT_MARK at its end). */
export const MAX_LOG_LINE_BYTES = 16 * 1024;
export const LOG_LINE_CUT_MARK = ' … [cut]';
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
