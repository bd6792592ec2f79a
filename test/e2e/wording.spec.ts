// The words a presenter reads aloud: an UnrecoverableError that failed a job with attempts left
// says so (not "failed for good (no attempts left)" beside "1 made, 2 allowed"); a child in the
// parent's failed bucket shows one "failed" badge, not two; counts say "1 job", not "1 jobs";
// a leaf found by search is "a child in the flow of …", not "a parent inside a bigger flow".
import { UnrecoverableError, Worker } from 'bullmq';
import { JobOutcomes } from '../helpers/flows';
import { addFlow, hostPerFile, keyOf, nodeCard, openFlow } from './fixtures/flow-pages';
import { expect, test } from './fixtures/web-host';

test.use({ viewport: { width: 1440, height: 900 } });

const host = hostPerFile();

test('an unrecoverable failure, the failed bucket, plurals and a leaf search hit are said right', async ({ page }) => {
  const connection = await host().redis();
  const outcomes = new JobOutcomes();
  const root = await addFlow(connection, {
    name: 'charge-order',
    queueName: 'e2e-words-orders',
    opts: { jobId: 'order-1' },
    children: [
      { name: 'charge-card', queueName: 'e2e-words-steps', data: { unrecoverable: true }, opts: { jobId: 'card-1', attempts: 2, failParentOnFailure: true } },
    ],
  });
  const child = root.children![0]!;
  const worker = outcomes.watch(
    new Worker(
      'e2e-words-steps',
      async (job) => {
        if ((job.data as { unrecoverable?: boolean }).unrecoverable) throw new UnrecoverableError('card reported stolen');
        return 'ok';
      },
      { connection },
    ),
  );
  try {
    await outcomes.until({ [keyOf(child)]: 'failed' });
  } finally {
    await worker.close();
  }
  const lone = await addFlow(connection, { name: 'lonely', queueName: 'e2e-words-single', opts: { jobId: 'solo' } });

  // One job: "1 job in view".
  await openFlow(page, host(), lone);
  await expect(page.getByTestId('flow-stats')).toContainText(/^1 job in view/);

  await openFlow(page, host(), root);
  const card = nodeCard(page, keyOf(child));
  await expect(card).toHaveAttribute('data-state', 'failed');
  await expect(card).toHaveAttribute('data-bucket', 'failed');
  // One "failed" badge: the bucket badge that said the same is gone, its meaning in the pill's title.
  await expect(card.locator('.job-node-badges')).toHaveText(/^failed\s*1\/2$/);
  await expect(card.locator('.state-pill')).toHaveAttribute('title', /failed bucket/);

  await card.click();
  const inspector = page.getByTestId('inspector');
  await expect(inspector.getByTestId('inspector-state-words')).toContainText('UnrecoverableError');
  await expect(inspector.getByTestId('inspector-state-words')).not.toContainText('no attempts left');
  await expect(inspector.getByTestId('inspector-attempts')).toContainText('1 made, 2 allowed (1 attempt not used: an UnrecoverableError ends the job at once)');

  // A leaf found by its id is a child of its flow.
  await page.locator('#flow-search').fill('card-1');
  const hit = page.locator(`[data-testid="flow-item"][data-job-key="${keyOf(child)}"]`);
  await expect(hit).toContainText('a child in the flow of e2e-words-orders #order-1');
  await expect(hit).not.toContainText('a parent inside');
});
