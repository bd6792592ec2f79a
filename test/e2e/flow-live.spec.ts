// Live: a child finished by a real worker changes its node's state (and its bucket) on the
// open page, without a reload. Needs the core's subscribeFlow and flowPatch events.
import { Queue, Worker } from 'bullmq';
import { BullmqOracle, JobOutcomes, scriptedProcessor } from '../helpers/flows';
import { expectGraphMatchesBullmq, hostPerFile, keyOf, nodeCard, openNewFlow } from './fixtures/flow-pages';
import { expect, test } from './fixtures/web-host';

const host = hostPerFile();

test('a child completed by a worker turns completed on the open graph, without a reload', async ({ page }) => {
  const { root, connection } = await openNewFlow(page, host(), {
    name: 'nightly-report',
    queueName: 'e2e-live-reports',
    opts: { jobId: 'report-1' },
    children: [
      { name: 'fetch-sales', queueName: 'e2e-live-steps', data: { result: { rows: 120 } } },
      { name: 'fetch-refunds', queueName: 'e2e-live-steps', data: { result: { rows: 7 } } },
    ],
  });
  await expect(page.getByTestId('flow-live')).toHaveAttribute('data-live', 'live');
  const [sales, refunds] = root.children!.map((c) => nodeCard(page, keyOf(c)));
  await expect(sales!).toHaveAttribute('data-state', 'waiting');
  await expect(sales!).toHaveAttribute('data-bucket', 'unprocessed');

  // Remember the page instance: a reload would replace this marker.
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

  const outcomes = new JobOutcomes();
  const worker = outcomes.watch(new Worker('e2e-live-steps', scriptedProcessor, { connection }));
  const oracle = new BullmqOracle(connection);
  try {
    await outcomes.until(Object.fromEntries(root.children!.map((c) => [keyOf(c), 'completed' as const])));
    await expect(sales!).toHaveAttribute('data-state', 'completed');
    await expect(refunds!).toHaveAttribute('data-state', 'completed');
    await expect(sales!).toHaveAttribute('data-bucket', 'processed');
    // The parent left waiting-children once both children were done.
    await expect(nodeCard(page, keyOf(root))).toHaveAttribute('data-state', await oracle.state(keyOf(root)));
    await expectGraphMatchesBullmq(page, oracle);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  } finally {
    await worker.close();
    await oracle.close();
  }
});

test('a child added at run time appears under its parent', async ({ page }) => {
  const { root, connection } = await openNewFlow(page, host(), {
    name: 'seed',
    queueName: 'e2e-live-reports',
    opts: { jobId: 'seed-1' },
    children: [{ name: 'first-step', queueName: 'e2e-live-steps', data: {} }],
  });
  await expect(page.getByTestId('flow-node')).toHaveCount(2);
  const steps = new Queue('e2e-live-steps', { connection });
  try {
    const added = await steps.add('second-step', {}, { parent: { id: root.job.id!, queue: root.job.queueQualifiedName } });
    await expect(nodeCard(page, `${added.queueQualifiedName}:${added.id}`)).toHaveAttribute('data-bucket', 'unprocessed');
    await expect(page.getByTestId('flow-node')).toHaveCount(3);
  } finally {
    await steps.close();
  }
});
