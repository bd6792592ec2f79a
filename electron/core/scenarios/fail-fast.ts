// Scenario fail-fast (seed 001): deploy and payment trees whose critical children carry
// failParentOnFailure. A failing grandchild fails its parent, which fails the root: BullMQ
// marks each parent with a deferred failure and the next worker on its queue fails it
// without running its processor, so every ancestor queue needs a worker (all are started).
import { NO_FAILURE, scenarioDefaults } from './knobs';
import { flowSpec, seedFlows } from './flow-builder';
import type { ScenarioDefinition } from './scenario-types';
import { stepsOn } from './step-processor';

export const FAIL_FAST_QUEUES = {
  deploy: 'ff-deploy',
  build: 'ff-build',
  compile: 'ff-compile',
  tests: 'ff-tests',
  docs: 'ff-docs',
  payments: 'ff-payments',
  checks: 'ff-checks',
  receipts: 'ff-receipts',
} as const;
const Q = FAIL_FAST_QUEUES;

function deployTree(release: number) {
  return flowSpec('deploy-application', Q.deploy, 'none', [
    flowSpec('build-code', Q.build, 'fail-parent', [
      flowSpec('compile', Q.compile, 'fail-parent'),
      flowSpec('lint', Q.compile, 'none'),
    ]),
    flowSpec('run-tests', Q.tests, 'fail-parent'),
    flowSpec('update-docs', Q.docs, 'none'),
  ], { release: `v2.${release}.0` });
}

function paymentTree(order: number) {
  return flowSpec('process-payment', Q.payments, 'none', [
    flowSpec('validate-card', Q.checks, 'fail-parent'),
    flowSpec('check-fraud', Q.checks, 'fail-parent'),
    flowSpec('send-receipt', Q.receipts, 'none'),
  ], { orderId: `order-${12345 + order}` });
}

export const failFast: ScenarioDefinition = {
  name: 'fail-fast',
  title: 'Fail fast (failParentOnFailure)',
  description:
    'A deploy tree (build-code -> compile, a grandchild) and a payment tree whose critical children have failParentOnFailure: ' +
    'one critical failure fails every ancestor up to the root.',
  outcome:
    'compile fails (retryable, after its attempts): build-code fails with "child …compile… failed", then deploy-application fails ' +
    'the same way; check-fraud fails at once (unrecoverable) and process-payment fails. lint, run-tests, update-docs, ' +
    'validate-card and send-receipt still complete.',
  queues: Object.values(Q).map((name) => ({ name, concurrency: 3 })),
  targets: ['compile', 'lint', 'run-tests', 'update-docs', 'validate-card', 'check-fraud', 'send-receipt'],
  defaults: scenarioDefaults({
    failures: {
      compile: { ...NO_FAILURE, mode: 'always' },
      'check-fraud': { ...NO_FAILURE, mode: 'always', error: 'unrecoverable' },
    },
    seed: 1,
  }),
  processors: (ctx) => stepsOn(ctx, Object.values(Q)),
  seed: (ctx) => seedFlows(ctx, (i) => [deployTree(i), paymentTree(i)]),
};
