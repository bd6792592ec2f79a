// The first screen in real Chromium against the real web host and its sandbox Redis.
import { Queue } from 'bullmq';
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { expect, startServedHost, test } from './fixtures/web-host';

test('shows "connected" to its sandbox and lists a queue created with BullMQ, live', async ({ page, served }) => {
  await page.goto(served.openUrl);
  await expect(page.getByTestId('connection-state')).toHaveText('connected');
  await expect(page.getByTestId('connection-target')).toContainText('Sandbox');
  await expect(page.getByTestId('no-queues')).toBeVisible();

  const queue = new Queue('e2e-emails', { connection: await served.redis() });
  await queue.add('welcome', { to: 'a@example.com' });
  await queue.add('digest', {}, { delay: 60_000 });

  // No reload: the queue appears by itself.
  const row = page.locator('[data-testid="queue"][data-queue="e2e-emails"]');
  await expect(row).toBeVisible();
  await expect(row.locator('[data-count="waiting"] b')).toHaveText('1');
  await expect(row.locator('[data-count="delayed"] b')).toHaveText('1');
  await queue.close();
  await page.screenshot({ path: 'docs/screenshots/first-screen.png' });
});

test('the page without its token is refused', async ({ page, served }) => {
  const bare = served.openUrl.split('?')[0]!;
  const response = await page.goto(bare);
  expect(response?.status()).toBe(401);
  await expect(page.locator('body')).toContainText('UNAUTHORIZED');
});

test('stopping `flowscope serve` with SIGTERM stops its sandbox redis-server too', async () => {
  const host = await startServedHost();
  let port: number;
  try {
    ({ port } = await host.redis());
  } catch (err) {
    await host.stop();
    throw err;
  }
  const probe = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  await probe.connect();
  expect(await probe.ping()).toBe('PONG');
  probe.disconnect();
  await host.stop();
  const refused = await new Promise<string>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
  expect(refused).toBe('ECONNREFUSED');
});
