// What a flow-list search that found nothing says, in the UI and the CLI alike: what was looked
// for, where, and why a near miss missed (a queue that is not there, filters that hid the job,
// an id too short to match as a prefix).
import { MIN_ID_PREFIX, type FlowSearch } from './domain';

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export function searchMissWords(search: FlowSearch): string {
  const { id, prefix, queues } = search;
  if (search.unknownQueues.length > 0) return `No queue ${search.unknownQueues[0]} under prefix ${prefix}, so no job ${id} in it.`;
  if (search.found > 0) return `${plural(search.found, 'job')} ${search.found === 1 ? 'matches' : 'match'} "${id}", but not the name or state filter.`;
  if (queues.length === 0) return `No job matching "${id}": there are no queues under prefix ${prefix}.`;
  const where = queues.length === 1 ? `queue ${queues[0]}` : plural(queues.length, 'queue');
  const short = !search.prefixSearched && id.length < MIN_ID_PREFIX ? ` (an id shorter than ${MIN_ID_PREFIX} characters must match in full)` : '';
  return `No job matching "${id}" in ${where} under prefix ${prefix}${short}.`;
}
