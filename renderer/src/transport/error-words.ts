// Turns whatever a call threw into a sentence for people: the core's errors already carry one;
// anything else (a bug, a lost socket) gets a plain fallback instead of a stack. Arguments the
// core refused (BAD_REQUEST from the contract's validation) are said in words from their issues
// ("The job search is too long: at most 2,048 characters."), never as the validator's own text
// ("Invalid arguments for listFlows: ✖ Too big: expected string to have <=512 characters → at search").
import { FlowscopeError } from '../../../shared/errors';

/** What the person calls each argument the renderer sends. */
const FIELD_WORDS: Record<string, string> = {
  search: 'The job search',
  name: 'The name filter',
  state: 'The state filter',
  queue: 'The queue name',
  jobId: 'The job id',
  key: 'The job key',
  parentKey: 'The parent job key',
  url: 'The Redis URL',
  prefix: 'The prefix',
  tlsCaFile: 'The TLS CA file',
  sentinelPassword: 'The Sentinel password',
  limit: 'The number of items',
  cursor: 'The page',
  knobs: 'A knob',
};

interface Issue {
  path: string[];
  message: string;
}

const count = (n: string) => Number(n).toLocaleString('en-US');

/** One validation issue's message, as the end of a sentence about the field. */
function issueWords(message: string): string {
  let m: RegExpExecArray | null;
  if ((m = /^Too big: expected string to have <=(\d+) characters?/.exec(message))) return `is too long: at most ${count(m[1]!)} characters.`;
  if (/^Too small: expected string to have >=1 characters?/.test(message)) return 'is empty.';
  if ((m = /^Too small: expected string to have >=(\d+) characters?/.exec(message))) return `is too short: at least ${count(m[1]!)} characters.`;
  if ((m = /^Too big: expected \w+ to (?:be|have) <=?(\d+)/.exec(message))) return `is too big: at most ${count(m[1]!)}.`;
  if ((m = /^Too small: expected \w+ to (?:be|have) >=?(\d+)/.exec(message))) return `is too small: at least ${count(m[1]!)}.`;
  if (/^Invalid option/.test(message)) return 'is not one of the choices.';
  if (/^Invalid input: expected (int|number)/.test(message)) return 'must be a whole number.';
  if (/^Invalid (input|string|format)/.test(message)) return 'is not valid.';
  // The contract's own messages (a URL's parser, "must be a full job key…") are already words.
  return `: ${message.replace(/\.?$/, '.')}`;
}

function isIssueList(value: unknown): value is Issue[] {
  return Array.isArray(value) && value.every((i) => typeof i === 'object' && i !== null && Array.isArray((i as Issue).path) && typeof (i as Issue).message === 'string');
}

/** The sentence for refused arguments, or null when the error carries no issues to say it from. */
export function refusedArgumentsInWords(error: FlowscopeError): string | null {
  const issues = (error.details as { issues?: unknown } | undefined)?.issues;
  if (!isIssueList(issues) || issues.length === 0) return null;
  // One sentence per field (its first issue), three at most.
  const firsts = issues.filter((issue, i) => issues.findIndex((o) => o.path.join('.') === issue.path.join('.')) === i);
  const sentences = firsts.slice(0, 3).map((issue) => {
    if (/^Unrecognized key/.test(issue.message) || issue.path.length === 0) {
      return 'The app sent a request the core does not take (a bug in Flowscope; reloading may help).';
    }
    const field = issue.path[issue.path.length - 1]!;
    const label = FIELD_WORDS[field] ?? `The ${field}`;
    const end = issueWords(issue.message);
    return end.startsWith(':') ? `${label}${end}` : `${label} ${end}`;
  });
  return [...new Set(sentences)].join(' ');
}

export function errorInWords(error: unknown): string {
  if (error instanceof FlowscopeError) {
    if (error.code === 'REDIS_UNAVAILABLE') return `Redis is not reachable right now. ${error.message}`;
    if (error.code === 'BAD_REQUEST') return refusedArgumentsInWords(error) ?? error.message;
    return error.message;
  }
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong, and the core gave no reason.';
}

export function errorCode(error: unknown): string | null {
  return error instanceof FlowscopeError ? error.code : null;
}
