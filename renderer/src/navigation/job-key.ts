// How a job id is shown (job keys themselves are named by shared/job-keys.ts).
/** A long id (a UUID) shortened for a node card; the full key stays in the inspector. */
export function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}
