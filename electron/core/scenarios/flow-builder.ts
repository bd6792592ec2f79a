// Builds BullMQ FlowProducer trees from a short description: name, queue, data, the child's
// failure policy, children. Children get the knobs' attempts and backoff at seed time; roots
// run once (their fate is what a scenario shows).
import type { FlowJob, FlowJobNode, JobsOptions } from 'bullmq';
import type { Knobs } from './knobs';
import type { ScenarioContext } from './scenario-types';

export type ChildPolicy = 'fail-parent' | 'continue-parent' | 'ignore' | 'remove' | 'none';

const POLICY_OPTS: Record<ChildPolicy, JobsOptions> = {
  'fail-parent': { failParentOnFailure: true },
  'continue-parent': { continueParentOnFailure: true },
  ignore: { ignoreDependencyOnFailure: true },
  remove: { removeDependencyOnFailure: true },
  none: {},
};

export interface FlowSpec {
  name: string;
  queue: string;
  data?: Record<string, unknown>;
  /** How this job's failure affects its parent (ignored on a root). */
  policy?: ChildPolicy;
  children?: FlowSpec[];
}

export function flowSpec(name: string, queue: string, policy: ChildPolicy, children?: FlowSpec[], data?: Record<string, unknown>): FlowSpec {
  return { name, queue, policy, ...(children ? { children } : {}), ...(data ? { data } : {}) };
}

export function toFlowJob(root: FlowSpec, knobs: Knobs): FlowJob {
  const base = { name: root.name, queueName: root.queue, data: root.data ?? {}, opts: { attempts: 1 } };
  const children = root.children?.map((c) => toNode(c, knobs));
  return children ? { ...base, children } : base;
}

function toNode(spec: FlowSpec, knobs: Knobs): FlowJobNode {
  const opts: JobsOptions = {
    attempts: knobs.attempts,
    backoff: { type: 'fixed', delay: knobs.backoffMs },
    ...POLICY_OPTS[spec.policy ?? 'none'],
  };
  const base = { name: spec.name, queueName: spec.queue, data: spec.data ?? {}, opts };
  const children = spec.children?.map((c) => toNode(c, knobs));
  return children ? { ...base, children } : base;
}

/**
 * A scenario's seed: for each of the knobs' `flows`, the trees `treesOf(i)` describes, added with
 * the knobs' attempts and backoff; answers their root keys, in order.
 */
export async function seedFlows(ctx: ScenarioContext, treesOf: (i: number, knobs: Knobs) => FlowSpec[]): Promise<string[]> {
  const knobs = ctx.knobs();
  const roots: string[] = [];
  for (let i = 0; i < knobs.flows; i++) {
    for (const tree of treesOf(i, knobs)) {
      const node = await ctx.flows.add(toFlowJob(tree, knobs));
      roots.push(ctx.key(node.job.queueName, node.job.id ?? ''));
    }
  }
  return roots;
}
