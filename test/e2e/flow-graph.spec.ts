// The flow graph against real BullMQ flows: one flow per failure policy, run by a real worker,
// drawn with the state and bucket BullMQ itself reports for every node; the stuck case reads
// "failed — blocking parent"; the inspector explains the selected job. Saves the screenshots.
import { Worker, type FlowJob, type JobNode, type JobsOptions } from 'bullmq';
import type { Policy } from '../../shared/domain';
import { BullmqOracle, JobOutcomes, scriptedProcessor } from '../helpers/flows';
import { addFlow, expectGraphMatchesBullmq, hostPerFile, keyOf, nodeCard, openFlow } from './fixtures/flow-pages';
import { expect, test } from './fixtures/web-host';

test.use({ viewport: { width: 1440, height: 900 } });

const host = hostPerFile();

const POLICY_OPTS: Record<Policy, JobsOptions> = {
  'fail-parent': { failParentOnFailure: true },
  'continue-parent': { continueParentOnFailure: true },
  ignore: { ignoreDependencyOnFailure: true },
  remove: { removeDependencyOnFailure: true },
  none: {},
};

function checkout(policy: Policy): FlowJob {
  const children: FlowJob[] = [
    { name: 'charge-card', queueName: 'e2e-steps', data: { fail: `card declined (${policy})` }, opts: { ...POLICY_OPTS[policy], attempts: 1 } },
    { name: 'reserve-stock', queueName: 'e2e-steps', data: { result: { reserved: 3 } } },
  ];
  if (policy === 'fail-parent') {
    // A cascade two levels deep: the label fails its shipment, which fails the checkout.
    children.push({
      name: 'ship',
      queueName: 'e2e-steps',
      opts: { failParentOnFailure: true },
      children: [{ name: 'print-label', queueName: 'e2e-steps', data: { fail: 'printer offline' }, opts: { failParentOnFailure: true } }],
    });
  }
  return { name: `checkout (${policy})`, queueName: 'e2e-orders', data: { policy, items: ['book', 'lamp'] }, opts: { jobId: `${policy}-order` }, children };
}

/** Leaves the worker runs, with the outcome each must reach. */
function leafOutcomes(node: JobNode, into: Record<string, 'completed' | 'failed'> = {}) {
  if (!node.children?.length) into[keyOf(node)] = (node.job.data as { fail?: string }).fail ? 'failed' : 'completed';
  for (const child of node.children ?? []) leafOutcomes(child, into);
  return into;
}

const flows = new Map<Policy, JobNode>();
let oracle: BullmqOracle;

test.beforeAll(async () => {
  const connection = await host().redis();
  oracle = new BullmqOracle(connection);
  const outcomes = new JobOutcomes();
  const worker = outcomes.watch(new Worker('e2e-steps', scriptedProcessor, { connection, concurrency: 10 }));
  try {
    for (const policy of Object.keys(POLICY_OPTS) as Policy[]) flows.set(policy, await addFlow(connection, checkout(policy)));
    await outcomes.until(Object.assign({}, ...[...flows.values()].map((f) => leafOutcomes(f))));
  } finally {
    await worker.close();
  }
});

test.afterAll(async () => {
  await oracle?.close();
});

for (const policy of Object.keys(POLICY_OPTS) as Policy[]) {
  test(`a ${policy} flow shows every node with the state and bucket BullMQ reports`, async ({ page }) => {
    const root = flows.get(policy)!;
    await openFlow(page, host(), root);
    const expected = await oracle.walk(keyOf(root));
    await expect(page.getByTestId('flow-node')).toHaveCount(expected.size);
    const shown = await expectGraphMatchesBullmq(page, oracle);
    expect(shown.map((n) => n.key).sort()).toEqual([...expected.keys()].sort());

    const charge = page.locator('[data-testid="flow-node"]', { hasText: 'charge-card' });
    if (policy === 'remove') {
      // BullMQ took the failed child out of its parent: it is in no bucket, so not in the tree.
      await expect(charge).toHaveCount(0);
    } else {
      await expect(charge).toHaveAttribute('data-state', 'failed');
      if (policy !== 'none') await expect(charge.locator('.policy-badge')).toHaveText(policy);
    }
    if (policy === 'none') {
      await expect(charge).toHaveAttribute('data-bucket', 'unprocessed');
      await expect(charge).toContainText('failed — blocking parent');
    } else {
      await expect(page.locator('[data-testid="flow-node"]', { hasText: 'failed — blocking parent' })).toHaveCount(0);
    }
  });
}

test('the inspector explains a blocking child and leads to its parent', async ({ page }) => {
  const root = flows.get('none')!;
  await openFlow(page, host(), root);
  await page.screenshot({ path: 'docs/screenshots/flow-graph.png' });

  const charge = page.locator('[data-testid="flow-node"]', { hasText: 'charge-card' });
  await charge.click();
  const inspector = page.getByTestId('inspector');
  await expect(inspector).toHaveAttribute('data-job-key', await charge.getAttribute('data-job-key') ?? '');
  await expect(inspector).toContainText('failed — blocking parent');
  await expect(inspector.getByTestId('inspector-failure')).toContainText('card declined (none)');
  await expect(inspector.getByTestId('inspector-failure')).toContainText('scriptedProcessor');
  await expect(inspector.getByTestId('inspector-policy')).toContainText('its parent waits for it for ever');
  await expect(inspector.getByTestId('inspector-data')).toContainText('"fail": "card declined (none)"');
  await expect(inspector.getByTestId('parent-counts')).toContainText('unprocessed 1');
  await expect(inspector.getByTestId('parent-counts')).toContainText('processed 1');
  await page.screenshot({ path: 'docs/screenshots/flow-inspector.png' });

  await inspector.getByTestId('open-parent').click();
  await expect(nodeCard(page, keyOf(root))).toHaveAttribute('data-selected', 'true');
  await expect(inspector).toHaveAttribute('data-job-key', keyOf(root));
  await expect(inspector.getByTestId('inspector-data')).toContainText('"lamp"');
  await page.getByRole('button', { name: 'Close details' }).click();
  await expect(inspector).toHaveCount(0);
});

test('the legend explains every colour and badge', async ({ page }) => {
  await openFlow(page, host(), flows.get('fail-parent')!);
  await page.getByTestId('legend').locator('summary').click();
  const legend = page.getByTestId('legend');
  for (const word of ['completed', 'failed', 'waiting-children', 'failed — blocking parent', 'processed', 'unprocessed', 'ignored', 'fail-parent', 'continue-parent', 'remove']) {
    await expect(legend).toContainText(word);
  }
  await page.screenshot({ path: 'docs/screenshots/flow-legend.png' });
});

test('the dark theme follows the OS', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await openFlow(page, host(), flows.get('ignore')!);
  const background = await page.locator('html').evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(background).toBe('rgb(15, 17, 21)');
  await page.locator('[data-testid="flow-node"]', { hasText: 'charge-card' }).click();
  await expect(page.getByTestId('inspector-data')).toBeVisible();
  await page.screenshot({ path: 'docs/screenshots/flow-dark.png' });
});

test('zoom to failed opens and shows the failed jobs; collapse all hides the subtrees', async ({ page }) => {
  const root = flows.get('fail-parent')!;
  await openFlow(page, host(), root);
  const ship = root.children!.find((c) => c.job.name === 'ship')!;
  await nodeCard(page, keyOf(ship)).locator('.job-node-toggle').click();
  const label = nodeCard(page, keyOf(ship.children![0]!));
  await expect(label).toHaveCount(0);
  await page.getByRole('button', { name: /Zoom to failed/ }).click();
  await expect(label).toBeVisible();
  await expect(label).toHaveAttribute('data-state', 'failed');
  await page.getByRole('button', { name: 'Collapse all' }).click();
  await expect(label).toHaveCount(0);
});
