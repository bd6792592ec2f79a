// The chain of parents above a job, read with ancestors.lua in one call: what FlowTree.ancestors
// holds (flow root first) and, when the chain is broken, what is wrong with it.
import ancestorsLua from './ancestors.lua?raw';
import { luaScript, type ScriptCall } from '../lua/round-trips';

// A test seam: exported for the actions bench (test/bench/actions.bench-run.ts), which times the script alone.
export const ANCESTORS = luaScript('ancestors', ancestorsLua);

/** Far deeper than any real flow; only stops a corrupt chain. */
const MAX_HOPS = 1000;

export interface Ancestry {
  /** Existing ancestors, the flow's root first, the job's parent last. */
  keys: string[];
  /** What stopped the walk, when it was not a job without a parent. */
  problem: string | null;
}

export function ancestorsCall(key: string): ScriptCall {
  return { script: ANCESTORS, keys: [key], args: [MAX_HOPS] };
}

export function parseAncestors(key: string, reply: unknown): Ancestry {
  const items = Array.isArray(reply) ? reply.filter((v): v is string => typeof v === 'string') : [];
  const [status = 'ok', problemKey = '', ...parents] = items;
  const keys = parents.reverse();
  const top = keys[0] ?? key;
  let problem: string | null = null;
  if (status === 'cycle') {
    problem =
      problemKey === key ? 'cycle: its parent chain leads back to itself' : `cycle: the parent chain loops at ${problemKey}`;
  } else if (status === 'missing') {
    problem = top === key ? `parent job ${problemKey} is missing` : `ancestor ${top} points to a missing parent ${problemKey}`;
  } else if (status === 'wrong-type') {
    problem = `parent key ${problemKey} is not a job hash`;
  } else if (status === 'too-deep') {
    problem = `more than ${MAX_HOPS} ancestors; stopped there`;
  }
  return { keys, problem };
}
