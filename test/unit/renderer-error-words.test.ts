// What the renderer says for errors: arguments the core refused come out as a short sentence
// from the contract's real validation issues, never the validator's own text.
import { describe, expect, it } from 'vitest';
import { createDispatch, type Handlers } from '../../electron/core/dispatch';
import { memoryLogger } from '../../electron/core/log/logger';
import { FlowscopeError } from '../../shared/errors';
import { errorInWords } from '../../renderer/src/transport/error-words';

const dispatch = createDispatch({} as Handlers, memoryLogger());

async function refusal(method: string, args: unknown): Promise<string> {
  const result = await dispatch(method, args);
  if (result.ok) throw new Error(`${method} was not refused`);
  expect(result.error.code).toBe('BAD_REQUEST');
  return errorInWords(FlowscopeError.fromPayload(result.error));
}

describe('errorInWords for refused arguments', () => {
  it.each([
    ['listFlows', { search: 'x'.repeat(3000) }, 'The job search is too long: at most 2,048 characters.'],
    ['listFlows', { name: 'x'.repeat(600) }, 'The name filter is too long: at most 512 characters.'],
    ['listFlows', { name: '' }, 'The name filter is empty.'],
    ['listFlows', { limit: 0 }, 'The number of items is too small: at least 1.'],
    ['listFlows', { state: 'broken' }, 'The state filter is not one of the choices.'],
    ['getJob', { key: 'ab' }, 'The job key is too short: at least 3 characters.'],
    ['getJob', { key: 'no-colons-here' }, 'The job key: must be a full job key such as bull:queue:id.'],
    ['saveConnection', { name: 'x', url: 'http://127.0.0.1' }, expect.stringMatching(/^The Redis URL: Unknown scheme http:\/\/\. Use one of/)],
    ['listFlows', { bogus: 1 }, expect.stringMatching(/^The app sent a request the core does not take/)],
  ])('%s %j', async (method, args, words) => {
    const text = await refusal(method, args);
    expect(text).toEqual(words);
    expect(text).not.toMatch(/Invalid arguments|✖|→|expected string/);
  });

  it('keeps the core sentence of other errors, and of a BAD_REQUEST without issues', () => {
    expect(errorInWords(new FlowscopeError('BAD_REQUEST', 'Job bull:q:1 is waiting, not failed.', { key: 'bull:q:1' }))).toBe('Job bull:q:1 is waiting, not failed.');
    expect(errorInWords(new FlowscopeError('NOT_FOUND', 'No job 1 in queue q (prefix bull)'))).toBe('No job 1 in queue q (prefix bull)');
  });
});
