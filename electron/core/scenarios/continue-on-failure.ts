// Scenario continue-on-failure (seed 002): an upload batch and a test suite whose children
// carry continueParentOnFailure. The first such failure releases the parent at once, with
// siblings still pending; the parent removes its unprocessed children
// (job.removeUnprocessedChildren()), reports the failed ones (getIgnoredChildrenFailures,
// the same hash as the deprecated getFailedChildrenValues), and waits only for the children
// already running: BullMQ refuses to complete a parent with pending dependencies.
import { WaitingChildrenError, type Job, type Processor } from 'bullmq';
import { NO_FAILURE, scenarioDefaults } from './knobs';
import { flowSpec, seedFlows } from './flow-builder';
import { requireToken } from './job-token';
import type { ScenarioDefinition } from './scenario-types';
import { stepProcessor } from './step-processor';

export const CONTINUE_QUEUES = {
  uploads: 'cof-uploads',
  fileUploads: 'cof-file-uploads',
  testResults: 'cof-test-results',
  testRunner: 'cof-test-runner',
} as const;
const Q = CONTINUE_QUEUES;

/** What the parent noted when it reacted to the first failure (kept in its data across its runs). */
export interface Reaction {
  /** Children removed by removeUnprocessedChildren. */
  removed: string[];
  /** Children that were running then (not removable), waited for. */
  waitedFor: string[];
}

interface ReactingData {
  reaction?: Reaction;
}

export interface TestSuiteReport {
  status: 'passed' | 'failed';
  passed: string[];
  failedTests: Record<string, string>;
  aborted: string[];
}

/** First run after a failure: remove what has not started, note it. Then wait for what is still running. */
async function react(job: Job<ReactingData>, token: string): Promise<Reaction | 'waiting'> {
  let reaction = job.data.reaction;
  if (!reaction) {
    const before = (await job.getDependencies()).unprocessed ?? [];
    await job.removeUnprocessedChildren();
    const after = (await job.getDependencies()).unprocessed ?? [];
    reaction = { removed: before.filter((k) => !after.includes(k)), waitedFor: after };
    await job.updateData({ ...job.data, reaction });
    await job.log(`reacted to a failed child: removed ${reaction.removed.length} unprocessed, waiting for ${reaction.waitedFor.length} running`);
  }
  if (await job.moveToWaitingChildren(token)) return 'waiting';
  return reaction;
}

function uploadBatchProcessor(): Processor<ReactingData & { batchId: string }> {
  return async (job, token) => {
    const failed = await job.getIgnoredChildrenFailures();
    const uploaded = Object.keys((await job.getChildrenValues()) ?? {});
    if (Object.keys(failed).length === 0) return { status: 'uploaded', batchId: job.data.batchId, files: uploaded };
    const reaction = await react(job, requireToken(token));
    if (reaction === 'waiting') throw new WaitingChildrenError();
    // Uploads that made it are rolled back: a batch lands whole or not at all.
    for (const key of uploaded) await job.log(`rolled back ${key}`);
    throw new Error(
      `upload batch ${job.data.batchId} failed: ${Object.entries(failed).map(([k, r]) => `${k} (${r})`).join(', ')}; ` +
        `removed ${reaction.removed.length} unprocessed upload(s), rolled back ${uploaded.length}`,
    );
  };
}

function testSuiteProcessor(): Processor<ReactingData & { suite: string }, TestSuiteReport> {
  return async (job, token) => {
    const failedTests = await job.getIgnoredChildrenFailures();
    if (Object.keys(failedTests).length === 0) {
      return { status: 'passed', passed: Object.keys((await job.getChildrenValues()) ?? {}), failedTests, aborted: [] };
    }
    const reaction = await react(job, requireToken(token));
    if (reaction === 'waiting') throw new WaitingChildrenError();
    return {
      status: 'failed',
      passed: Object.keys((await job.getChildrenValues()) ?? {}),
      failedTests,
      aborted: reaction.removed,
    };
  };
}

export const continueOnFailure: ScenarioDefinition = {
  name: 'continue-on-failure',
  title: 'Continue on failure (continueParentOnFailure)',
  description:
    'An upload batch (every upload continueParentOnFailure) and a test suite (auth-tests continueParentOnFailure): the parent runs ' +
    'as soon as one fails, removes its unprocessed children and reports the failed ones.',
  outcome:
    'upload-to-server-1 and auth-tests fail; each parent runs at once while its siblings are pending (one child queue runs one job ' +
    'at a time), removes the child not yet started, waits for the one running, then upload-batch fails (rolled back) and ' +
    'test-suite completes with status "failed" listing the failed and the aborted tests.',
  queues: [
    { name: Q.uploads, concurrency: 2 },
    // One at a time, so the siblings of the first child are still pending when it fails.
    { name: Q.fileUploads, concurrency: 1 },
    { name: Q.testResults, concurrency: 2 },
    { name: Q.testRunner, concurrency: 1 },
  ],
  targets: ['upload-to-server-1', 'upload-to-server-2', 'upload-to-server-3', 'auth-tests', 'api-tests', 'ui-tests'],
  defaults: scenarioDefaults({
    failures: {
      'upload-to-server-1': { ...NO_FAILURE, mode: 'always' },
      'auth-tests': { ...NO_FAILURE, mode: 'always' },
    },
    seed: 2,
    latencyMs: 500,
    attempts: 1,
    backoffMs: 200,
  }),
  processors(ctx) {
    const step = stepProcessor(ctx);
    return {
      [Q.uploads]: uploadBatchProcessor(),
      [Q.fileUploads]: step,
      [Q.testResults]: testSuiteProcessor(),
      [Q.testRunner]: step,
    };
  },
  seed: (ctx) =>
    seedFlows(ctx, (i) => [
      flowSpec(
        'upload-batch',
        Q.uploads,
        'none',
        [1, 2, 3].map((n) => flowSpec(`upload-to-server-${n}`, Q.fileUploads, 'continue-parent', undefined, { server: `server-${n}` })),
        { batchId: `batch-${123 + i}` },
      ),
      flowSpec(
        'test-suite',
        Q.testResults,
        'none',
        [
          flowSpec('auth-tests', Q.testRunner, 'continue-parent', undefined, { type: 'auth' }),
          flowSpec('api-tests', Q.testRunner, 'none', undefined, { type: 'api' }),
          flowSpec('ui-tests', Q.testRunner, 'none', undefined, { type: 'ui' }),
        ],
        { suite: 'integration' },
      ),
    ]),
};
