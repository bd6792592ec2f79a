// "Retry failed children" from the button to the parent completing, on a fail-parent chain
// three levels deep whose failure cascaded to the root: the preview lists what reopens and
// what runs again, the action runs, and the live graph turns completed by itself while the
// children that had succeeded never run again. Saves the preview's screenshot.
import { Worker, type Processor } from 'bullmq';
import { BullmqOracle, waitUntil } from '../helpers/flows';
import { addFlow, hostPerFile, keyOf, nodeCard, openFlow } from './fixtures/flow-pages';
import { expect, test } from './fixtures/web-host';

test.use({ viewport: { width: 1440, height: 900 } });

const host = hostPerFile();

test('Retry failed children on the root of a cascaded fail-parent chain completes the flow; successful children run once', async ({ page }) => {
  const connection = await host().redis();
  const runs = new Map<string, number>();
  const broken = new Set(['compile']);
  const processor: Processor = async (job) => {
    runs.set(job.name, (runs.get(job.name) ?? 0) + 1);
    if (broken.has(job.name)) throw new Error(`${job.name}: the compiler crashed`);
    return `${job.name} ok`;
  };
  const workers = ['e2e-act-deploy', 'e2e-act-steps'].map((q) => new Worker(q, processor, { connection, concurrency: 5 }));
  const oracle = new BullmqOracle(connection);
  try {
    const root = await addFlow(connection, {
      name: 'deploy',
      queueName: 'e2e-act-deploy',
      opts: { jobId: 'deploy-1' },
      children: [
        {
          name: 'build',
          queueName: 'e2e-act-steps',
          opts: { failParentOnFailure: true },
          children: [
            { name: 'compile', queueName: 'e2e-act-steps', opts: { failParentOnFailure: true } },
            { name: 'lint', queueName: 'e2e-act-steps' },
          ],
        },
        { name: 'docs', queueName: 'e2e-act-steps' },
      ],
    });
    const build = root.children!.find((c) => c.job.name === 'build')!;
    const compile = build.children!.find((c) => c.job.name === 'compile')!;
    const [rootKey, buildKey, compileKey] = [keyOf(root), keyOf(build), keyOf(compile)];
    // The cascade: compile fails its build, which fails the deploy; lint and docs succeed.
    await waitUntil(async () => (await oracle.state(rootKey)) === 'failed' && runs.get('lint') === 1 && runs.get('docs') === 1);
    broken.delete('compile'); // the cause is fixed

    await openFlow(page, host(), root);
    await expect(nodeCard(page, buildKey)).toHaveAttribute('data-bucket', 'failed');
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    await nodeCard(page, rootKey).click();
    const inspector = page.getByTestId('inspector');
    const retry = inspector.getByRole('button', { name: 'Retry failed children' });
    await expect(retry).toBeEnabled();
    // Nothing waits to start under a failed root: the other repair says why it is off.
    await expect(inspector.getByRole('button', { name: 'Remove unprocessed' })).toBeDisabled();
    await expect(inspector.locator('[data-testid="action-reason"][data-kind="removeUnprocessed"]')).toContainText('Nothing to remove');
    await retry.click();

    const dialog = page.getByTestId('action-dialog');
    await expect(dialog).toHaveAttribute('data-phase', 'preview');
    const items = (section: string) => dialog.locator(`[data-section="${section}"] [data-testid="action-item"]`);
    await expect(items('reopened')).toHaveCount(2);
    await expect(items('reopened').nth(0)).toHaveAttribute('data-job-key', rootKey);
    await expect(items('reopened').nth(1)).toHaveAttribute('data-job-key', buildKey);
    await expect(items('retried')).toHaveCount(1);
    await expect(items('retried').first()).toHaveAttribute('data-job-key', compileKey);
    await expect(items('retried').first()).toContainText('compile');
    await expect(dialog.locator('[data-section="skipped"]')).toHaveCount(0);
    await expect(dialog.getByTestId('action-headline')).toHaveText('This will retry 1 job and reopen 2.');
    await expect(dialog.getByLabel('Keep attempts')).not.toBeChecked();
    await expect(dialog.getByLabel('Include superseded')).not.toBeChecked();
    await page.screenshot({ path: 'docs/screenshots/action-preview.png' });

    // An option asks for a new preview; the same jobs change either way here.
    await dialog.getByLabel('Keep attempts').check();
    await expect(dialog).toHaveAttribute('data-phase', 'preview');
    await expect(items('retried')).toHaveCount(1);
    await dialog.getByLabel('Keep attempts').uncheck();
    await expect(dialog).toHaveAttribute('data-phase', 'preview');

    await dialog.getByRole('button', { name: 'Retry failed children now' }).click();
    await expect(dialog).toHaveAttribute('data-phase', 'done');
    await expect(dialog.getByTestId('action-headline')).toContainText('Done: retried 1 job and reopened 2');
    await page.screenshot({ path: 'docs/screenshots/action-result.png' });
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await expect(dialog).toHaveCount(0);

    // The live graph follows the workers, without a reload.
    await expect(nodeCard(page, compileKey)).toHaveAttribute('data-state', 'completed');
    await expect(nodeCard(page, buildKey)).toHaveAttribute('data-state', 'completed');
    await expect(nodeCard(page, buildKey)).toHaveAttribute('data-bucket', 'processed');
    await expect(nodeCard(page, rootKey)).toHaveAttribute('data-state', 'completed');
    expect(await oracle.state(rootKey)).toBe('completed');
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    // What had succeeded did not run again.
    expect(Object.fromEntries(runs)).toEqual({ compile: 2, lint: 1, docs: 1, build: 1, deploy: 1 });
    // Nothing left to retry: the button says so.
    await expect(inspector.getByRole('button', { name: 'Retry failed children' })).toBeDisabled();
    await expect(inspector.locator('[data-testid="action-reason"][data-kind="retryFailedChildren"]')).toContainText('Nothing to retry');
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await oracle.close();
  }
});
