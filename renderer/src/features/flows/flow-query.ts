// The flow list's filters as the person sets them, and the listFlows arguments they mean
// (empty fields are left out rather than sent as empty strings, which the contract refuses).
import type { MethodInput } from '../../../../shared/contract';
import type { FlowFilterState } from '../../../../shared/domain';

export interface FlowFilters {
  state: FlowFilterState | '';
  name: string;
  /** A job id to find. */
  search: string;
}

export const NO_FILTERS: FlowFilters = { state: '', name: '', search: '' };

// A test seam: exported for test/unit/renderer-navigation.test.ts.
export const PAGE_LIMIT = 50;

export const STATE_FILTERS: { value: FlowFilters['state']; label: string }[] = [
  { value: '', label: 'Any state' },
  { value: 'stuck', label: 'Stuck (blocked by a failed child)' },
  { value: 'has-failed-children', label: 'Has failed children' },
  { value: 'waiting-children', label: 'waiting-children' },
  { value: 'failed', label: 'failed' },
  { value: 'completed', label: 'completed' },
  { value: 'active', label: 'active' },
  { value: 'waiting', label: 'waiting' },
  { value: 'delayed', label: 'delayed' },
  { value: 'prioritized', label: 'prioritized' },
];

export function flowQuery(queue: string | null, filters: FlowFilters, cursor?: string): MethodInput<'listFlows'> {
  const args: MethodInput<'listFlows'> = { limit: PAGE_LIMIT };
  if (queue) args.queue = queue;
  if (filters.state) args.state = filters.state;
  const name = filters.name.trim();
  if (name) args.name = name;
  const search = filters.search.trim();
  if (search) args.search = search;
  if (cursor) args.cursor = cursor;
  return args;
}

export function hasFilters(filters: FlowFilters): boolean {
  return Boolean(filters.state || filters.name.trim() || filters.search.trim());
}
