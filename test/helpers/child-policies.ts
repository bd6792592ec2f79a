// The five ways a BullMQ child can treat its parent when it fails for good (named as the
// scenarios' flow builder names them), and the job options that set each.
import type { ChildPolicy } from '../../electron/core/scenarios/flow-builder';

export type { ChildPolicy };

/** Every policy, in the order the tests list them. */
export const CHILD_POLICIES: ChildPolicy[] = ['none', 'fail-parent', 'continue-parent', 'ignore', 'remove'];

/** The child job options that set `policy`. */
export function policyOpts(policy: ChildPolicy): Record<string, boolean> {
  switch (policy) {
    case 'fail-parent':
      return { failParentOnFailure: true };
    case 'continue-parent':
      return { continueParentOnFailure: true };
    case 'ignore':
      return { ignoreDependencyOnFailure: true };
    case 'remove':
      return { removeDependencyOnFailure: true };
    case 'none':
      return {};
  }
}
