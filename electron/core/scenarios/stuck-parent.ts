// Scenario stuck-parent: the default BullMQ policy at its worst. A child with no failure
// policy fails for good and stays in its parent's `:dependencies`, so the parent waits in
// waiting-children for ever and no event says so: the case Flowscope shows as
// "failed — blocking its parent" and repairs with "Retry failed children".
import { NO_FAILURE, scenarioDefaults } from './knobs';
import { flowSpec, seedFlows } from './flow-builder';
import type { ScenarioDefinition } from './scenario-types';
import { stepsOn } from './step-processor';

export const STUCK_QUEUES = { reports: 'stuck-reports', fetch: 'stuck-fetch' } as const;
const Q = STUCK_QUEUES;

export const stuckParent: ScenarioDefinition = {
  name: 'stuck-parent',
  title: 'Stuck parent (no failure policy)',
  description: 'A nightly report with three fetch children and no failure policy: one fetch fails for good and the report never runs.',
  outcome:
    'fetch-returns fails after its attempts and stays in the report\'s unprocessed bucket; fetch-sales and fetch-inventory complete; ' +
    'nightly-report stays in waiting-children for ever. Fix fetch-returns and retry it: the report completes.',
  queues: [
    { name: Q.reports, concurrency: 2 },
    { name: Q.fetch, concurrency: 3 },
  ],
  targets: ['fetch-sales', 'fetch-inventory', 'fetch-returns'],
  defaults: scenarioDefaults({ failures: { 'fetch-returns': { ...NO_FAILURE, mode: 'until-fixed' } }, seed: 5 }),
  processors: (ctx) => stepsOn(ctx, [Q.reports, Q.fetch]),
  seed: (ctx) =>
    seedFlows(ctx, (i) => [
      flowSpec(
        'nightly-report',
        Q.reports,
        'none',
        ['fetch-sales', 'fetch-inventory', 'fetch-returns'].map((name) => flowSpec(name, Q.fetch, 'none')),
        { night: i + 1 },
      ),
    ]),
};
