// A job field the inspector's answer cut (over MAX_JOB_FIELD_BYTES, shared/answer-limits.ts):
// its start as text, a marker that says how much of it that is ("… 256 KiB shown of 3.1 MiB"),
// and Load all, which reads the whole field with getJobField, chunk by chunk, through the query
// cache (keyed by its size: a field that changed is read again), and shows it as any field is.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { FlowscopeClient } from '../../../../shared/contract';
import type { JobField, JobFieldChunk, JobFieldCut } from '../../../../shared/answer-limits';
import { useClient } from '../../transport/client-context';
import { errorInWords } from '../../transport/error-words';
import { queryKeys } from '../../transport/query-cache';
import { bytesInWords } from '../../words/bytes';
import { JsonView } from './JsonView';

// A test seam: exported for test/unit/renderer-cut-field.test.ts.
/** The whole of a field, read from its start in chunks; fails when it changed while being read. */
export async function readWholeField(client: Pick<FlowscopeClient, 'call'>, key: string, field: JobField): Promise<string> {
  const parts: string[] = [];
  let offset: number | null = 0;
  let size: number | null = null;
  while (offset !== null) {
    const chunk: JobFieldChunk = await client.call('getJobField', { key, field, offset });
    if (size !== null && chunk.size !== size) throw new Error(`The job's ${field} changed while it was read: try again.`);
    size = chunk.size;
    parts.push(chunk.text);
    offset = chunk.next;
  }
  return parts.join('');
}

/** The whole text as the inspector shows the field: JSON when it parses (a stack trace is a list of texts). */
function Whole({ field, text }: { field: JobField; text: string }) {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return <JsonView raw={text} testId="cut-field-whole" />;
  }
  if (field === 'stacktrace' && Array.isArray(value)) {
    return (
      <div data-testid="cut-field-whole">
        {value.map((stack, i) => (
          <JsonView key={i} raw={String(stack)} />
        ))}
      </div>
    );
  }
  return <JsonView value={value} testId="cut-field-whole" />;
}

/** `start`: the text the answer held (none for options, which are only shown parsed). */
export function CutField({ jobKey, cut, start }: { jobKey: string; cut: JobFieldCut; start: string | null }) {
  const client = useClient();
  const [wanted, setWanted] = useState(false);
  const whole = useQuery({
    queryKey: queryKeys.jobField(jobKey, cut.field, cut.size),
    queryFn: () => readWholeField(client, jobKey, cut.field),
    enabled: wanted,
    staleTime: Infinity,
  });
  if (whole.data !== undefined) return <Whole field={cut.field} text={whole.data} />;
  return (
    <div className="cut-field" data-testid="cut-field" data-field={cut.field}>
      {start !== null && <JsonView raw={start} />}
      <p className="cut-marker" data-testid="cut-marker">
        <span>
          … {start !== null ? `${bytesInWords(cut.shown)} shown of ${bytesInWords(cut.size)}` : `${bytesInWords(cut.size)}, too big to show here`}
        </span>
        <button type="button" data-testid="load-all" disabled={whole.isFetching} onClick={() => (whole.isError ? void whole.refetch() : setWanted(true))}>
          {whole.isFetching ? `Loading ${bytesInWords(cut.size)}…` : whole.isError ? 'Try again' : 'Load all'}
        </button>
      </p>
      {whole.isError && (
        <p className="problem" role="alert">
          Could not read the whole {cut.field}: {errorInWords(whole.error)}
        </p>
      )}
    </div>
  );
}
