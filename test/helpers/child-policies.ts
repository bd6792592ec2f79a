// The five ways a BullMQ child can treat its parent when it fails for good, by the names the
// tests use, and the job options that set each.
export type ChildPolicy = 'fail-parent' | 'continue-parent' | 'ignore' | 'remove' | 'none';

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
