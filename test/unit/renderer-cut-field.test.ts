// Load all of a cut job field (renderer/src/features/inspector/CutField.tsx): the chunks
// getJobField answers are read from the start to the end and joined; a field whose size
// changes between chunks (the job was written meanwhile) is an error, not a mix of two values.
import { describe, expect, it } from 'vitest';
import type { FlowscopeClient } from '../../shared/contract';
import type { JobFieldChunk } from '../../shared/answer-limits';
import { readWholeField } from '../../renderer/src/features/inspector/CutField';

/** A core holding `texts[n]` as the field on the n-th call (the last one after that), answering `chunk` bytes a call. */
function core(texts: string[], chunk: number) {
  const offsets: number[] = [];
  const client: Pick<FlowscopeClient, 'call'> = {
    async call(method, args) {
      if (method !== 'getJobField') throw new Error(method);
      const { key, field, offset } = args as { key: string; field: 'data'; offset: number };
      const text = texts[Math.min(offsets.length, texts.length - 1)]!;
      offsets.push(offset);
      const end = Math.min(offset + chunk, text.length);
      const answer: JobFieldChunk = { key, field, offset, text: text.slice(offset, end), next: end < text.length ? end : null, size: text.length };
      return answer as never;
    },
  };
  return { client, offsets };
}

describe('reading a cut field whole', () => {
  it('reads every chunk from the start and joins them', async () => {
    const text = JSON.stringify({ blob: 'x'.repeat(25), end: 'THE-END' });
    const { client, offsets } = core([text], 10);
    expect(await readWholeField(client, 'bull:q:1', 'data')).toBe(text);
    expect(offsets).toEqual(Array.from({ length: Math.ceil(text.length / 10) }, (_, i) => i * 10));
  });

  it('fails when the field changed while it was read', async () => {
    const { client } = core(['a'.repeat(30), 'b'.repeat(40)], 10);
    await expect(readWholeField(client, 'bull:q:1', 'data')).rejects.toThrow("The job's data changed while it was read: try again.");
  });
});
