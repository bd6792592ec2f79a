// The queue names an answer mentions (a tree's nodes, a page's children, a job, a flow list,
// a view's snapshot, a scenario's workers): the registry learns of a queue from them without a SCAN (a flow whose
// children sit in a queue created since the last discovery, a job looked up by its key).
import type { ScenarioRun } from '../../../shared/scenarios';
import type { ChildrenPage, FlowList, FlowSnapshot, FlowTree, JobDetail } from '../../../shared/domain';

export function queuesInAnswer(method: unknown, result: unknown): string[] {
  if (typeof result !== 'object' || result === null) return [];
  const names = new Set<string>();
  const nodes = (list: { queue: string }[] | undefined) => list?.forEach((n) => names.add(n.queue));
  switch (method) {
    case 'getFlowTree':
    case 'getChildrenPage':
      nodes((result as FlowTree | ChildrenPage).nodes);
      break;
    case 'subscribeFlow':
    case 'resyncFlow':
      nodes((result as FlowSnapshot).tree?.nodes);
      break;
    case 'getJob':
      nodes([(result as JobDetail).node].filter(Boolean));
      break;
    case 'listFlows':
      for (const f of (result as FlowList).flows ?? []) {
        names.add(f.queue);
        if (f.root) names.add(f.root.queue);
      }
      break;
    case 'runScenario':
      // A scenario's workers name its queues (created just now, so no discovery has seen them).
      for (const w of (result as { run?: ScenarioRun }).run?.workers ?? []) names.add(w.queue);
      break;
    default:
      break;
  }
  return [...names];
}
