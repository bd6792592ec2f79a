// Watch a flow: the Watch button beside "Open in new window" asks for notification permission
// on its first click and watches the open flow; when real workers finish it, a notification is
// raised through the web Notification API (stubbed in the page to record its calls: a fake of
// the browser's API, not of Redis), and where permission is denied an in-app toast says the
// same. The sidebar lists the watches and what each came to.
import type { Page } from '@playwright/test';
import { JobOutcomes, scriptedProcessor } from '../helpers/flows';
import { hostPerFile, keyOf, openNewFlow } from './fixtures/flow-pages';
import { expect, test } from './fixtures/web-host';
import { Worker } from 'bullmq';

const host = hostPerFile();

interface Recorded {
  notes: { title: string; body?: string; tag?: string }[];
  asked: number;
}

/** Replaces window.Notification with a recorder whose permission prompt answers `answer`. */
async function stubNotifications(page: Page, answer: 'granted' | 'denied') {
  await page.addInitScript((answer) => {
    const recorded = { notes: [] as { title: string; body?: string; tag?: string }[], asked: 0 };
    (window as unknown as { __notifications: typeof recorded }).__notifications = recorded;
    class RecordingNotification {
      static permission: NotificationPermission = 'default';
      static async requestPermission(): Promise<NotificationPermission> {
        recorded.asked += 1;
        RecordingNotification.permission = answer;
        return answer;
      }
      onclick: (() => void) | null = null;
      constructor(title: string, options?: NotificationOptions) {
        recorded.notes.push({ title, body: options?.body, tag: options?.tag });
      }
      close() {}
    }
    Object.defineProperty(window, 'Notification', { value: RecordingNotification, configurable: true, writable: true });
  }, answer);
}

const recorded = (page: Page) => page.evaluate(() => (window as unknown as { __notifications: Recorded }).__notifications);

async function finish(queues: string[], keys: string[]) {
  const connection = await host().redis();
  const outcomes = new JobOutcomes();
  const workers = queues.map((q) => outcomes.watch(new Worker(q, scriptedProcessor, { connection })));
  try {
    await outcomes.until(Object.fromEntries(keys.map((k) => [k, 'completed' as const])));
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
}

/** With the permission prompt answering `answer`, a flow `name` (one child `child`) written, open and live. */
async function openWatchable(page: Page, answer: 'granted' | 'denied', name: string, child: string) {
  await stubNotifications(page, answer);
  const { root } = await openNewFlow(page, host(), { name, queueName: 'e2e-watch-reports', children: [{ name: child, queueName: 'e2e-watch-steps', data: {} }] });
  await expect(page.getByTestId('flow-live')).toHaveAttribute('data-live', 'live');
  return root;
}

test('a watched flow raises a notification when workers complete it', async ({ page }) => {
  const root = await openWatchable(page, 'granted', 'month-end', 'totals');
  const watch = page.getByTestId('watch-flow');
  await expect(watch).toHaveText(/Watch$/);
  await watch.click();
  await expect(watch).toHaveAttribute('aria-pressed', 'true');
  await expect(watch).toHaveText(/Watching/);
  expect((await recorded(page)).asked).toBe(1);
  const entry = page.getByTestId('watch');
  await expect(entry).toHaveCount(1);
  await expect(entry).toHaveAttribute('data-outcome', 'running');
  await expect(entry).toContainText('month-end');

  await finish(['e2e-watch-steps', 'e2e-watch-reports'], [keyOf(root)]);
  await expect(entry).toHaveAttribute('data-outcome', 'completed');
  await expect.poll(async () => (await recorded(page)).notes).toEqual([
    { title: 'Flow month-end completed', body: expect.stringContaining('e2e-watch-reports · #'), tag: `${keyOf(root)}:completed` },
  ]);
  await expect(page.getByTestId('watch-toast')).toHaveCount(0);

  // Watch again: the button stops the watch and the list empties.
  await watch.click();
  await expect(watch).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('watch')).toHaveCount(0);
});

test('with notifications denied, the outcome shows in the page instead', async ({ page }) => {
  const root = await openWatchable(page, 'denied', 'payroll', 'sum');
  await page.getByTestId('watch-flow').click();
  await expect(page.getByTestId('watch')).toHaveCount(1);
  await expect(page.getByTestId('watch-list')).toContainText('Notifications are blocked for this page');
  // A queue can be watched from the sidebar too.
  await page.locator('[data-testid="queue"][data-queue="e2e-watch-reports"]').getByTestId('watch-queue').click();
  await expect(page.locator('[data-testid="watch"][data-kind="queue"]')).toContainText('queue e2e-watch-reports');

  await finish(['e2e-watch-steps', 'e2e-watch-reports'], [keyOf(root)]);
  const toasts = page.getByTestId('watch-toast');
  await expect(page.locator('[data-testid="watch"][data-kind="flow"]')).toHaveAttribute('data-outcome', 'completed');
  // Both the flow's watch and its queue's heard of it: told once.
  await expect(toasts).toHaveCount(1);
  await expect(toasts).toContainText('Flow payroll completed');
  expect((await recorded(page)).notes).toEqual([]);
  await toasts.getByRole('button', { name: 'Dismiss' }).click();
  await expect(toasts).toHaveCount(0);
});
