// "Remove unprocessed" from a graph node's context menu: the preview lists the waiting,
// delayed and waiting-children children (with their subtrees) and the failed child that will
// still block the parent; after the run their nodes leave the live graph. Then the everyday
// actions on the same flow: Promote a delayed child, Retry a failed one, Remove one with the
// parent released.
import { Worker } from 'bullmq';
import { BullmqOracle, JobOutcomes, scriptedProcessor } from '../helpers/flows';
import { addFlow, hostPerFile, keyOf, nodeCard, openFlow } from './fixtures/flow-pages';
import { expect, test } from './fixtures/web-host';
import type { Page } from '@playwright/test';

test.use({ viewport: { width: 1440, height: 900 } });

const host = hostPerFile();

/** Opens a node's context menu and starts one action from it; returns the dialog once previewed. */
async function fromMenu(page: Page, key: string, action: string, screenshot?: string) {
  await nodeCard(page, key).click({ button: 'right' });
  const menu = page.getByTestId('node-menu');
  await expect(menu).toHaveAttribute('data-job-key', key);
  const button = menu.getByRole('button', { name: action, exact: true });
  await expect(button).toBeEnabled();
  if (screenshot) await page.screenshot({ path: screenshot });
  await button.click();
  await expect(menu).toHaveCount(0);
  const dialog = page.getByTestId('action-dialog');
  await expect(dialog).toHaveAttribute('data-phase', 'preview');
  return dialog;
}

const itemsOf = (dialog: ReturnType<Page['getByTestId']>, section: string) =>
  dialog.locator(`[data-section="${section}"] [data-testid="action-item"]`);

async function keysIn(dialog: ReturnType<Page['getByTestId']>, section: string): Promise<string[]> {
  return (await itemsOf(dialog, section).evaluateAll((els) => els.map((el) => el.getAttribute('data-job-key') ?? ''))).sort();
}

test('Remove unprocessed removes what had not started, says what still blocks; Promote, Retry job and Remove job act on one job', async ({ page }) => {
  const connection = await host().redis();
  const outcomes = new JobOutcomes();
  const oracle = new BullmqOracle(connection);
  const root = await addFlow(connection, {
    name: 'upload-batch',
    queueName: 'e2e-rm-batch',
    opts: { jobId: 'batch-1' },
    children: [
      { name: 'upload-a', queueName: 'e2e-rm-todo', data: {} },
      { name: 'upload-b', queueName: 'e2e-rm-todo', data: {}, opts: { delay: 600_000 } },
      { name: 'upload-late', queueName: 'e2e-rm-todo', data: {}, opts: { delay: 600_000 } },
      { name: 'thumbnails', queueName: 'e2e-rm-todo', children: [{ name: 'resize', queueName: 'e2e-rm-todo', data: {} }] },
      { name: 'upload-c', queueName: 'e2e-rm-done', data: { result: 'stored' } },
      { name: 'upload-d', queueName: 'e2e-rm-done', data: { fail: 'disk full' } },
    ],
  });
  const child = (name: string) => root.children!.find((c) => c.job.name === name)!;
  const key = (name: string) => keyOf(child(name));
  const thumbnails = child('thumbnails');
  const resizeKey = keyOf(thumbnails.children![0]!);
  const worker = outcomes.watch(new Worker('e2e-rm-done', scriptedProcessor, { connection }));
  try {
    await outcomes.until({ [key('upload-c')]: 'completed', [key('upload-d')]: 'failed' });
  } finally {
    // Nobody runs what the actions put back: the graph shows exactly what they did.
    await worker.close();
  }

  try {
    await openFlow(page, host(), root);
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    await expect(nodeCard(page, key('upload-d'))).toContainText('failed — blocking parent');

    // Promote: the delay ends, the node turns waiting.
    let dialog = await fromMenu(page, key('upload-late'), 'Promote');
    expect(await keysIn(dialog, 'promoted')).toEqual([key('upload-late')]);
    await dialog.getByRole('button', { name: 'Promote now' }).click();
    await expect(dialog).toHaveAttribute('data-phase', 'done');
    await expect(dialog.getByTestId('action-headline')).toHaveText('Done: promoted to waiting.');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await expect(nodeCard(page, key('upload-late'))).toHaveAttribute('data-state', 'waiting');

    // Remove unprocessed on the parent.
    dialog = await fromMenu(page, keyOf(root), 'Remove unprocessed', 'docs/screenshots/node-menu.png');
    const removable = [key('upload-a'), key('upload-b'), key('upload-late'), key('thumbnails'), resizeKey].sort();
    expect(await keysIn(dialog, 'removed')).toEqual(removable);
    expect(await keysIn(dialog, 'still-blocking')).toEqual([key('upload-d')]);
    await expect(dialog.locator('[data-section="removed"]')).toContainText('upload-b');
    await expect(dialog.getByTestId('action-next')).toContainText('The parent keeps waiting: 1 child still blocks it');
    await page.screenshot({ path: 'docs/screenshots/action-remove-preview.png' });
    await dialog.getByRole('button', { name: 'Remove unprocessed now' }).click();
    await expect(dialog).toHaveAttribute('data-phase', 'done');
    await expect(dialog.getByTestId('action-headline')).toHaveText('Done: removed 5 jobs.');
    expect(await keysIn(dialog, 'still-blocking')).toEqual([key('upload-d')]);
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    for (const k of removable) await expect(nodeCard(page, k)).toHaveCount(0);
    await expect(nodeCard(page, key('upload-c'))).toHaveAttribute('data-state', 'completed');
    await expect(nodeCard(page, key('upload-d'))).toHaveAttribute('data-state', 'failed');
    await expect(nodeCard(page, keyOf(root))).toHaveAttribute('data-state', 'waiting-children');
    for (const k of removable) expect(await oracle.state(k)).toBe('missing');

    // Retry job on the failed child: back to waiting (no worker takes it here).
    dialog = await fromMenu(page, key('upload-d'), 'Retry job');
    expect(await keysIn(dialog, 'retried')).toEqual([key('upload-d')]);
    await dialog.getByRole('button', { name: 'Retry job now' }).click();
    await expect(dialog).toHaveAttribute('data-phase', 'done');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await expect(nodeCard(page, key('upload-d'))).toHaveAttribute('data-state', 'waiting');

    // Remove job: the last pending child goes, and the parent has nothing left to wait for.
    dialog = await fromMenu(page, key('upload-d'), 'Remove job');
    expect(await keysIn(dialog, 'removed')).toEqual([key('upload-d')]);
    await expect(dialog.getByTestId('action-next')).toContainText(`Its parent ${keyOf(root)} then has nothing left to wait for`);
    await dialog.getByRole('button', { name: 'Remove job now' }).click();
    await expect(dialog).toHaveAttribute('data-phase', 'done');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await expect(nodeCard(page, key('upload-d'))).toHaveCount(0);
    await expect(nodeCard(page, keyOf(root))).toHaveAttribute('data-state', 'waiting');
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  } finally {
    await oracle.close();
  }
});
