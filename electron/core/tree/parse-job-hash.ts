// Turns the small fields of a job hash (as load-level.lua returns them, in FIELDS order) into
// typed values, decoding them the way BullMQ's rawToJobJson does. Bad values become defaults
// plus a note; nothing here throws.
import type { FlowNode, Policy } from '../../../shared/domain';

/** Same order as FIELDS in load-level.lua. */
export const JOB_FIELDS = [
  'name',
  'opts',
  'timestamp',
  'processedOn',
  'finishedOn',
  'delay',
  'priority',
  'failedReason',
  'atm',
  'attemptsMade',
  'parentKey',
  'parent',
] as const;

/** The node fields a job's own hash gives, typed as the tree's FlowNode types them. */
export interface JobHash
  extends Pick<
    FlowNode,
    'name' | 'attempts' | 'attemptsMade' | 'timestamp' | 'processedOn' | 'finishedOn' | 'delay' | 'priority' | 'failedReason' | 'parentKey'
  > {
  /** From the `parent` JSON; null when that field is absent or unreadable (see `parentField`). */
  policy: Policy | null;
  parentField: 'absent' | 'unreadable' | 'ok';
  errors: string[];
}

type Field = (typeof JOB_FIELDS)[number];
const FIELD_AT = Object.fromEntries(JOB_FIELDS.map((name, i) => [name, i])) as Record<Field, number>;

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function optionalInt(text: string | null): number | null {
  if (text === null || text === '') return null;
  const value = Number.parseInt(text, 10);
  return Number.isFinite(value) ? value : null;
}

// The Lua in moveChildFromDependenciesIfNeeded tests `parentData['fpof']` etc. in this order;
// in Lua only nil and false are false (a JSON null decodes to cjson.null, which is true).
const POLICY_FLAGS: [string, Policy][] = [
  ['fpof', 'fail-parent'],
  ['cpof', 'continue-parent'],
  ['idof', 'ignore'],
  ['rdof', 'remove'],
];

// A test seam: exported for test/integration/tree/parse-job-hash.test.ts.
export function policyOf(parent: Record<string, unknown>): Policy {
  for (const [flag, policy] of POLICY_FLAGS) {
    if (flag in parent && parent[flag] !== false) return policy;
  }
  return 'none';
}

// What parseJobHash needs from the two JSON fields, remembered per text: siblings share their
// `parent` (and usually their `opts`), and JSON.parse was the biggest client-side cost of a
// big tree. Bounded: emptied when full.
const CACHE_LIMIT = 4096;
const UNREADABLE = -1;
const attemptsByOpts = new Map<string, number>(); // attempts, or UNREADABLE
const policyByParent = new Map<string, Policy | typeof UNREADABLE>();

function remember<V>(cache: Map<string, V>, text: string, value: V): V {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, value);
  return value;
}

function attemptsOf(opts: string): number {
  const known = attemptsByOpts.get(opts);
  if (known !== undefined) return known;
  const parsed = parseJson(opts);
  if (!parsed.ok || !isRecord(parsed.value)) return remember(attemptsByOpts, opts, UNREADABLE);
  const { attempts } = parsed.value;
  return remember(attemptsByOpts, opts, typeof attempts === 'number' && attempts >= 1 ? Math.floor(attempts) : 1);
}

function parentPolicyOf(parent: string): Policy | typeof UNREADABLE {
  const known = policyByParent.get(parent);
  if (known !== undefined) return known;
  const parsed = parseJson(parent);
  return remember(policyByParent, parent, parsed.ok && isRecord(parsed.value) ? policyOf(parsed.value) : UNREADABLE);
}

export function parseJobHash(values: readonly (string | null)[]): JobHash {
  const field = (name: Field): string | null => values[FIELD_AT[name]] ?? null;
  const errors: string[] = [];

  let attempts = 1;
  const opts = field('opts');
  if (opts !== null) {
    const known = attemptsOf(opts);
    if (known === UNREADABLE) errors.push('opts is not a JSON object');
    else attempts = known;
  }

  let policy: Policy | null = null;
  let parentField: JobHash['parentField'] = 'absent';
  const parent = field('parent');
  if (parent !== null) {
    const known = parentPolicyOf(parent);
    if (known === UNREADABLE) {
      errors.push('parent is not a JSON object');
      parentField = 'unreadable';
    } else {
      policy = known;
      parentField = 'ok';
    }
  }

  const parentKey = field('parentKey');
  return {
    name: field('name'),
    attempts,
    // rawToJobJson: parseInt(raw.attemptsMade || raw.atm || '0')
    attemptsMade: optionalInt(field('attemptsMade') || field('atm')) ?? 0,
    timestamp: optionalInt(field('timestamp')),
    processedOn: optionalInt(field('processedOn')),
    finishedOn: optionalInt(field('finishedOn')),
    delay: optionalInt(field('delay')) ?? 0,
    priority: optionalInt(field('priority')) ?? 0,
    failedReason: field('failedReason'),
    parentKey: parentKey === '' ? null : parentKey,
    policy,
    parentField,
    errors,
  };
}
