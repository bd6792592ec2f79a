// Getting around: deep links, the flow list (queue, filters, search, pages) and the keyboard
// (arrows through the tree, Enter for details, Escape, `/` to search).
import { FlowProducer, Worker } from 'bullmq';
import { JobOutcomes, scriptedProcessor } from '../helpers/flows';
import { addFlow, flowUrl, hostPerFile, keyOf, nodeCard, openFlow } from './fixtures/flow-pages';
import { expect, test } from './fixtures/web-host';

const host = hostPerFile();

const deploy = (id: string) => ({
  name: `deploy ${id}`,
  queueName: 'e2e-nav-deploys',
  opts: { jobId: id },
  children: [
    {
      name: 'a-build',
      queueName: 'e2e-nav-steps',
      children: [
        { name: 'compile', queueName: 'e2e-nav-steps' },
        { name: 'lint', queueName: 'e2e-nav-steps' },
      ],
    },
    { name: 'b-migrate', queueName: 'e2e-nav-steps' },
    { name: 'c-notify', queueName: 'e2e-nav-steps' },
  ],
});


test('arrow keys move the selection through the tree; Enter, Escape and / do what they say', async ({ page }) => {
  const root = await addFlow(await host().redis(), deploy('keys-1'));
  const [build, migrate, notify] = root.children!.map(keyOf);
  const [compile, lint] = root.children![0]!.children!.map(keyOf);
  await openFlow(page, host(), root);
  const selected = page.locator('[data-testid="flow-node"][data-selected="true"]');

  const press = async (key: string, expected: string) => {
    await page.keyboard.press(key);
    await expect(selected).toHaveAttribute('data-job-key', expected);
  };
  await press('ArrowDown', keyOf(root));
  await press('ArrowDown', build!);
  await press('ArrowDown', compile!);
  await press('ArrowRight', lint!);
  await press('ArrowLeft', compile!);
  await press('ArrowUp', build!);
  await press('ArrowRight', migrate!);
  await press('ArrowRight', notify!);
  await press('ArrowRight', notify!);
  await press('ArrowUp', keyOf(root));

  await press('ArrowDown', build!);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('inspector')).toHaveAttribute('data-job-key', build!);
  await press('ArrowRight', migrate!);
  // The open drawer follows the selection.
  await expect(page.getByTestId('inspector')).toHaveAttribute('data-job-key', migrate!);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('inspector')).toHaveCount(0);
  await expect(selected).toHaveCount(1);
  await page.keyboard.press('Escape');
  await expect(selected).toHaveCount(0);

  await page.keyboard.press('/');
  const search = page.getByLabel('Search by job id');
  await expect(search).toBeFocused();
  // Typing in the search does not move the selection.
  await page.keyboard.type('keys-1');
  await expect(selected).toHaveCount(0);
  await expect(page.getByTestId('flow-item')).toHaveCount(1);
  await expect(page.getByTestId('flow-item')).toHaveAttribute('data-job-key', keyOf(root));
  await page.keyboard.press('Escape');
  await expect(search).not.toBeFocused();
});

test('a deep link opens a flow; picking a flow from the list updates the link', async ({ page }) => {
  const connection = await host().redis();
  const first = await addFlow(connection, deploy('link-1'));
  const second = await addFlow(connection, deploy('link-2'));

  await page.goto(flowUrl(host(), 'e2e-nav-deploys', 'link-2'));
  await expect(nodeCard(page, keyOf(second))).toBeVisible();
  await expect(page.getByTestId('flow-title')).toHaveText('deploy link-2');

  await page.locator(`[data-testid="flow-item"][data-job-key="${keyOf(first)}"]`).click();
  await expect(page).toHaveURL(/#\/flow\/e2e-nav-deploys\/link-1$/);
  await expect(nodeCard(page, keyOf(first))).toBeVisible();
  await expect(nodeCard(page, keyOf(second))).toHaveCount(0);
  await expect(page.locator(`[data-testid="flow-item"][data-job-key="${keyOf(first)}"]`)).toHaveAttribute('aria-current', 'page');

  await page.goBack();
  await expect(nodeCard(page, keyOf(second))).toBeVisible();

  // A child's flow opens at that child, with a way up to the root.
  const build = second.children![0]!;
  await page.goto(flowUrl(host(), build.job.queueName, build.job.id!));
  await expect(page.getByTestId('flow-node')).toHaveCount(3);
  await page.getByRole('button', { name: /root e2e-nav-deploys\/link-2/ }).click();
  await expect(page).toHaveURL(/#\/flow\/e2e-nav-deploys\/link-2$/);
  await expect(page.getByTestId('flow-node')).toHaveCount(6);
});

test('a link to a job that does not exist says so where the graph would be', async ({ page }) => {
  await page.goto(flowUrl(host(), 'e2e-nav-deploys', 'no-such-job'));
  await expect(page.getByTestId('flow-error')).toContainText('no-such-job');
  await expect(page.getByTestId('flow-error')).toContainText('pick a flow from the list');
});

test('the flow list filters by queue, state and name, searches ids and pages with "Load more"', async ({ page }) => {
  const connection = await host().redis();
  const stuck = await addFlow(connection, {
    name: 'import-batch',
    queueName: 'e2e-nav-imports',
    opts: { jobId: 'stuck-1' },
    children: [{ name: 'parse', queueName: 'e2e-nav-import-steps', data: { fail: 'bad csv' } }],
  });
  const outcomes = new JobOutcomes();
  const worker = outcomes.watch(new Worker('e2e-nav-import-steps', scriptedProcessor, { connection }));
  await outcomes.until({ [keyOf(stuck.children![0]!)]: 'failed' });
  await worker.close();
  const producer = new FlowProducer({ connection });
  await producer.addBulk(
    Array.from({ length: 60 }, (_, i) => ({
      name: i % 2 ? 'import-odd' : 'import-even',
      queueName: 'e2e-nav-imports',
      opts: { jobId: `bulk-${i}` },
      children: [{ name: 'parse', queueName: 'e2e-nav-import-steps' }],
    })),
  );
  await producer.close();

  await page.goto(host().openUrl);
  await page.locator('[data-testid="queue"][data-queue="e2e-nav-imports"] button.queue-pick').click();
  const items = page.getByTestId('flow-item');
  await expect(items).toHaveCount(50);
  await page.getByRole('button', { name: 'Load more' }).click();
  await expect(items).toHaveCount(61);
  await expect(page.getByRole('button', { name: 'Load more' })).toHaveCount(0);

  await page.getByLabel('Filter by state').selectOption('stuck');
  await expect(items).toHaveCount(1);
  await expect(items).toHaveAttribute('data-job-key', keyOf(stuck));
  await expect(items).toContainText('1 failed — blocking');

  await page.getByLabel('Filter by state').selectOption('');
  await page.getByLabel('Filter by name').fill('import-odd');
  await expect(items).toHaveCount(30);
  await page.getByLabel('Filter by name').fill('');
  await page.getByLabel('Search by job id').fill('bulk-42');
  await expect(items).toHaveCount(1);
  await page.getByLabel('Search by job id').fill('nothing-like-this');
  await expect(page.getByTestId('no-flows')).toContainText('No job matching "nothing-like-this" in queue e2e-nav-imports under prefix bull.');
  await page.getByLabel('Search by job id').fill('');
  await page.getByLabel('Filter by name').fill('nothing-like-this');
  await expect(page.getByTestId('no-flows')).toContainText('No flow matches these filters');
  await page.getByLabel('Filter by name').fill('');

  await page.getByLabel('Search by job id').fill('stuck-1');
  await page.locator(`[data-testid="flow-item"][data-job-key="${keyOf(stuck)}"]`).click();
  await expect(nodeCard(page, keyOf(stuck))).toBeVisible();
  await expect(page.locator('[data-testid="flow-node"]', { hasText: 'failed — blocking parent' })).toHaveCount(1);
});
